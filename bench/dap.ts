/**
 * DAP benchmark: through a real session (in-process TCP server, raw DAP
 * client), time from sending `launch` (+ configurationDone, as VS Code does)
 * to the `stopped` event, to the first `stackTrace` response, and to the
 * first `variables` response (top frame's first scope), per fixture and for
 * the generated 100 MB-DWARF module (bench/gen) with a synthetic 10-frame dump.
 * Goal: stopped and the stack under 300 ms for the large module.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import type { AddressInfo } from 'node:net';
import { serve } from '../adapter/main';
import { RawClient } from '../test/dap/rawClient';
import { bigCrash } from './gen/bigcrash';

interface Times { stopped: number; stack: number; variables: number; frames: number }

async function session(port: number, launch: Record<string, unknown>): Promise<Times> {
  const c = await RawClient.connect(port);
  try {
    await c.request('initialize', { adapterID: 'bench', pathFormat: 'path' });
    const t0 = performance.now();
    const l = c.request('launch', launch, 120_000);
    const cd = c.request('configurationDone', undefined, 120_000);
    const lr = await l;
    if (!lr.success) throw new Error(`launch failed: ${lr.message}`);
    await cd;
    await c.waitEvent('stopped', 120_000);
    const stopped = performance.now() - t0;
    const st = await c.request('stackTrace', { threadId: 1, startFrame: 0, levels: 20 }, 120_000);
    const stack = performance.now() - t0;
    const top = st.body.stackFrames[0];
    const sc = await c.request('scopes', { frameId: top.id }, 120_000);
    await c.request('variables', { variablesReference: sc.body.scopes[0].variablesReference }, 120_000);
    const variables = performance.now() - t0;
    await c.request('disconnect');
    return { stopped, stack, variables, frames: st.body.totalFrames };
  } finally {
    await c.close();
  }
}

const f = (n: number): string => `${n.toFixed(1)} ms`;

function report(label: string, runs: Times[]): void {
  const first = runs[0];
  const best = runs.slice(1).reduce((a, b) => (b.variables < a.variables ? b : a), runs[1] ?? first);
  console.log(`   ${label} (${first.frames} frames): stopped ${f(first.stopped)}, stackTrace ${f(first.stack)}, variables ${f(first.variables)}` +
    (runs.length > 1 ? `   [warm best of ${runs.length - 1}: ${f(best.stopped)} / ${f(best.stack)} / ${f(best.variables)}]` : ''));
}

export async function bench(): Promise<void> {
  const server = await serve({ port: 0, host: '127.0.0.1' });
  const port = (server.address() as AddressInfo).port;
  try {
    const fx = 'test/fixtures';
    const ids = fs.existsSync(fx) ? fs.readdirSync(fx).filter((d) => fs.existsSync(path.join(fx, d, 'facts.json'))).sort() : [];
    if (!ids.length) console.log('   (fixtures not built: run npm run fixtures)');
    for (const id of ids) {
      const dir = path.join(fx, id);
      const launch = { coreDump: path.join(dir, 'prog.coredump'), program: path.join(dir, 'prog.wasm'), sourceMap: { '/src': dir } };
      if (!fs.existsSync(launch.coreDump)) continue;
      const runs: Times[] = [];
      for (let i = 0; i < 4; i++) runs.push(await session(port, launch));
      report(id, runs);
    }
    await generated(port);
  } finally {
    await new Promise((r) => server.close(r));
  }
}

async function generated(port: number): Promise<void> {
  const g = bigCrash();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wcd-bench-'));
  try {
    fs.writeFileSync(path.join(tmp, 'big.wasm'), g.wasm);
    fs.writeFileSync(path.join(tmp, 'big.coredump'), g.dump);
    console.log(`   generated module: ${(g.dwarfBytes / 1e6).toFixed(0)} MB DWARF, ${g.functions} functions (generated in ${f(g.generateMs)})`);
    const launch = { coreDump: path.join(tmp, 'big.coredump'), program: path.join(tmp, 'big.wasm') };
    // collect the generator's garbage first so the figures are the session's own
    v8.setFlagsFromString('--expose-gc');
    (vm.runInNewContext('gc') as () => void)();
    const runs: Times[] = [];
    for (let i = 0; i < 3; i++) runs.push(await session(port, launch));
    report('generated 100 MB-DWARF module', runs);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
