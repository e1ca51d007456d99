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
import { spawn, spawnSync } from 'node:child_process';
import { serve } from '../adapter/main';
import { RawClient } from '../test/dap/rawClient';
import { bigCrash } from './gen/bigcrash';
import { findTool, TOOLS } from '../test/tools';

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

/**
 * The first session of a server process started for it (nothing compiled by
 * V8 yet, as when an editor starts the adapter), side by side with
 * llvm-symbolizer on the same frames: what a user waits for between
 * starting a debug session and seeing the call stack.
 */
async function freshServer(launch: Record<string, unknown>, addrs: number[], wasm: string): Promise<void> {
  const child = spawn(process.execPath, [path.join(__dirname, '..', 'adapter', 'main.js'), '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (b: Buffer) => { out += b.toString(); const m = /listening on [^:]+:(\d+)/.exec(out); if (m) resolve(Number(m[1])); });
      child.once('exit', (c) => reject(new Error(`adapter exited (${c}) before listening`)));
    });
    const t = await session(port, launch);
    console.log(`   generated 100 MB-DWARF module, first session of a fresh server process: stopped ${f(t.stopped)}, stackTrace ${f(t.stack)}, variables ${f(t.variables)}`);
  } finally {
    child.kill();
  }
  const { bin, missing } = findTool(TOOLS.symbolizer19);
  if (!bin) { console.log(`   ${missing}: no comparison`); return; }
  const input = addrs.map((a) => '0x' + a.toString(16)).join('\n') + '\n';
  const wall: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const r = spawnSync(bin, ['--obj=' + wasm], { input, encoding: 'utf8' });
    if (r.status === 0) wall.push(performance.now() - t0);
  }
  if (wall.length) console.log(`   ${bin} on the same ${addrs.length} frames: ${f(Math.min(...wall))} (best of ${wall.length}, whole process; about 23 ms of it is its start-up, see the symbols bench)`);
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
    await freshServer(launch, g.frameAddrs, path.join(tmp, 'big.wasm'));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
