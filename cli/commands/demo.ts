/**
 * `wasm-coredump demo`: opens the bundled example crash (a C program built
 * with clang-19 and captured from V8 by `wasm-coredump capture`) through the
 * DAP server, exactly as an editor would, and prints what the editor shows:
 * the trap, the call stack with source lines, and the variables of the
 * crashed frame.
 */
import * as path from 'node:path';
import { StdioDapClient } from '../dapClient';

export const usage = 'demo [CORE PROGRAM]  open the bundled example crash through the DAP server and print it';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'c-clang19-O0-dwarf4');

export async function run(argv: string[]): Promise<number> {
  const coreDump = argv[0] ?? path.join(FIXTURE, 'prog.coredump');
  const program = argv[1] ?? path.join(FIXTURE, 'prog.wasm');
  const client = new StdioDapClient(process.execPath, [path.join(ROOT, 'out', 'adapter', 'main.js')]);
  try {
    await client.request('initialize', { adapterID: 'wasm-coredump', clientID: 'demo', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
    await client.request('launch', { coreDump, program, sourceMap: { '/src': path.dirname(program) } });
    await client.request('configurationDone');
    const stopped = await client.waitEvent('stopped');
    console.log(`core dump: ${path.relative(process.cwd(), coreDump)}`);
    console.log(`program:   ${path.relative(process.cwd(), program)}`);
    const info = await client.request('exceptionInfo', { threadId: stopped.body.threadId }).catch(() => undefined);
    const what = stopped.body.description ?? stopped.body.reason;
    console.log(`stopped:   ${what}${info?.description && info.description !== what ? ` (${info.description})` : ''}`);
    const { threads } = await client.request('threads');
    for (const t of threads) {
      const { stackFrames } = await client.request('stackTrace', { threadId: t.id, startFrame: 0, levels: 20 });
      console.log(`\nthread ${t.id} '${t.name}' call stack:`);
      stackFrames.forEach((f: any, i: number) => {
        const where = f.source ? `${path.relative(process.cwd(), f.source.path ?? f.source.name)}:${f.line}:${f.column}` : '<no source>';
        console.log(`  #${String(i).padEnd(2)} ${f.name.padEnd(24)} ${where}${f.presentationHint === 'subtle' ? '  (no debug info)' : ''}`);
      });
      const top = stackFrames.find((f: any) => f.source) ?? stackFrames[0];
      if (!top) continue;
      const { scopes } = await client.request('scopes', { frameId: top.id });
      console.log(`\nvariables of frame '${top.name}':`);
      for (const s of scopes) {
        if (s.expensive) { console.log(`  [${s.name}] (expand on demand)`); continue; }
        const { variables } = await client.request('variables', { variablesReference: s.variablesReference });
        console.log(`  [${s.name}]`);
        for (const v of variables.slice(0, 20)) {
          console.log(`    ${v.name}${v.type ? `: ${v.type}` : ''} = ${v.value}`);
          if (v.variablesReference > 0 && /struct|\*/.test(v.type ?? '')) {
            const kids = await client.request('variables', { variablesReference: v.variablesReference, start: 0, count: 8 });
            for (const k of kids.variables.slice(0, 8)) console.log(`        ${k.name} = ${k.value}`);
          }
        }
      }
    }
    await client.request('disconnect', {});
    return 0;
  } finally {
    client.close();
  }
}
