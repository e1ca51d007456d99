import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { readCoreDump } from '../../../src/coredump/reader';
import { wasiTrapProgram } from './programs';
import { tmpDir } from './helpers';

const API = path.resolve('out/host/capture/index.js');

/** The embedder's program: instantiate the trapping module and call _start, the trap caught by the program. */
const RUN_WASM = (wasm: string) => `
const bytes = require('node:fs').readFileSync(${JSON.stringify(wasm)});
const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), { wasi_snapshot_preview1: { proc_exit() {} } });
try { inst.exports._start(); } catch (e) { console.log('program saw: ' + e.message); }
`;

function runNode(file: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    c.stdout.on('data', (d) => { out += d; });
    c.stderr.on('data', (d) => { out += d; });
    c.on('exit', (code) => resolve({ code, out }));
  });
}

async function check(script: (wasm: string, out: string) => string): Promise<void> {
  const dir = tmpDir();
  const prog = wasiTrapProgram();
  const wasm = path.join(dir, 'trap.wasm');
  fs.writeFileSync(wasm, prog.bytes);
  const out = path.join(dir, 'api.coredump');
  const js = path.join(dir, 'embedder.js');
  fs.writeFileSync(js, script(wasm, out));
  const r = await runNode(js);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /program saw: unreachable/);
  const core = readCoreDump(new Uint8Array(fs.readFileSync(out)), out);
  assert.deepEqual(core.threads[0].frames.map((f) => [f.funcIndex, f.rawCodeOffset]), [[1, prog.trapOffset], [2, prog.callOffset]]);
  assert.deepEqual(core.threads[0].frames[0].stack, { recorded: true, values: [{ type: 'i32', value: 7 }, { type: 'i32', value: 42 }] });
  fs.rmSync(dir, { recursive: true, force: true });
}

test('captureCoreDump with an in-process node:inspector Session (collected before the handler returns)', async () => {
  await check((wasm, out) => `
const inspector = require('node:inspector');
const { captureCoreDump, isWasmTrap } = require(${JSON.stringify(API)});
const session = new inspector.Session();
session.connect();
session.on('Debugger.paused', (m) => {
  if (!isWasmTrap(m.params)) return;
  captureCoreDump({ session, pausedEvent: m.params, moduleName: () => 'trap.wasm' })
    .then((bytes) => require('node:fs').writeFileSync(${JSON.stringify(out)}, bytes));
});
session.post('Debugger.enable');
session.post('Debugger.setPauseOnExceptions', { state: 'all' });
${RUN_WASM(wasm)}
`);
});

test('captureCoreDump from a worker attached with Session.connectToMainThread (asynchronous)', async () => {
  await check((wasm, out) => `
const { Worker } = require('node:worker_threads');
const w = new Worker(\`
  const { parentPort } = require('node:worker_threads');
  const inspector = require('node:inspector');
  const { captureCoreDump, isWasmTrap } = require(\${JSON.stringify(${JSON.stringify(API)})});
  const session = new inspector.Session();
  session.connectToMainThread();
  setInterval(() => undefined, 1 << 30); // an inspector session alone does not keep a worker alive
  const post = (method, params) => new Promise((res, rej) => session.post(method, params || {}, (e, r) => e ? rej(e) : res(r)));
  session.on('Debugger.paused', async (m) => {
    if (isWasmTrap(m.params)) {
      const bytes = await captureCoreDump({ session: { post }, pausedEvent: m.params });
      require('node:fs').writeFileSync(\${JSON.stringify(${JSON.stringify(out)})}, bytes);
    }
    await post('Debugger.resume');
  });
  post('Debugger.enable').then(() => post('Debugger.setPauseOnExceptions', { state: 'all' })).then(() => {
    parentPort.postMessage('ready');
  });
\`, { eval: true });
// The main thread must keep its event loop free while the worker attaches.
w.once('message', () => {
  ${RUN_WASM(wasm)}
  w.terminate();
});
`);
});
