import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readCoreDump, CoreDump } from '../../../src/coredump/reader';
import { moduleA, moduleB, twoModuleScript, wasiTrapProgram } from './programs';
import { hasTool, runCli, tmpDir, wasmValidate } from './helpers';

function setup(mode: 'once' | 'loop' | 'three-caught'): { dir: string; script: string } {
  const dir = tmpDir();
  const a = path.join(dir, 'a.wasm'), b = path.join(dir, 'b.wasm');
  fs.writeFileSync(a, moduleA());
  fs.writeFileSync(b, moduleB());
  const script = path.join(dir, 'main.mjs');
  fs.writeFileSync(script, twoModuleScript(a, b, mode));
  return { dir, script };
}

/** The two-instance trap: B.boom (divide by zero) <- JS callback <- A.run. */
function checkTwoModules(core: CoreDump): void {
  const frames = core.threads[0].frames;
  assert.equal(frames.length, 2, 'the JS frame between the two Wasm frames is not recorded');
  assert.equal(core.modules.length, 2);
  assert.equal(core.instances.length, 2);
  const [boom, run] = frames;
  assert.notEqual(boom.instanceIndex, run.instanceIndex);
  // boom is function 0 of B; its trap is the i32.div_s at body offset 5 (locals decl 1 + i32.const 100 (2) + local.get 0 (2)).
  assert.equal(boom.funcIndex, 0);
  assert.equal(boom.rawCodeOffset, 5);
  assert.deepEqual(boom.locals, { recorded: true, values: [{ type: 'i32', value: 0 }] });
  // V8 reports the operand stack after the trapping instruction popped its
  // operands: empty here (an empty vector reads back as "not recorded").
  assert.deepEqual(boom.stack, { recorded: false });
  // run is function 1 of A (function 0 is the import); it is at its `call 0` (locals decl 3 + 4 + 2).
  assert.equal(run.funcIndex, 1);
  assert.equal(run.rawCodeOffset, 9);
  assert.deepEqual(run.locals, { recorded: true, values: [{ type: 'i32', value: 0 }, { type: 'i32', value: 5 }] });
  const instA = core.instances[run.instanceIndex], instB = core.instances[boom.instanceIndex];
  assert.equal(instA.memories.length, 1);
  assert.equal(instB.memories.length, 0);
  assert.deepEqual(core.globals[instA.globals[0]].value, { type: 'i32', value: 1000 });
  assert.deepEqual(core.globals[instB.globals[0]].value, { type: 'i64', value: -77n });
  assert.deepEqual(Array.from(core.memories[instA.memories[0]].read(8, 2).bytes), [0xde, 0xad]);
}

/** Modules saved next to the dump (`X.coredump` -> `X.<k>.wasm`) hold the exact bytes of A and B. */
function checkSavedModules(core: CoreDump, dumpFile: string): void {
  const base = path.basename(dumpFile, '.coredump');
  assert.deepEqual([...core.modules].sort(), [`${base}.0.wasm`, `${base}.1.wasm`]);
  const frames = core.threads[0].frames;
  const bytesOf = (instance: number) => new Uint8Array(fs.readFileSync(path.join(path.dirname(dumpFile), core.modules[core.instances[instance].moduleIndex])));
  assert.deepEqual(bytesOf(frames[0].instanceIndex), moduleB());
  assert.deepEqual(bytesOf(frames[1].instanceIndex), moduleA());
}

test('capture -- node script.mjs: two modules, two instances, JS frames skipped', async (t) => {
  const { dir, script } = setup('once');
  const out = path.join(dir, 'node.coredump');
  const r = await runCli(['capture', '--out', out, '--', 'node', script]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /before trap/, 'the program\'s stdout passes through');
  assert.match(r.stderr, /RuntimeError: divide by zero/);
  if (hasTool('wasm-validate')) { const v = wasmValidate(out); assert.ok(v.ok, v.output); }
  else t.diagnostic('wasm-validate (wabt) not installed: validation skipped');
  const core = readCoreDump(new Uint8Array(fs.readFileSync(out)), out);
  checkTwoModules(core);
  checkSavedModules(core, out);
  assert.match(r.stderr, /wrote .*node\.coredump \+ modules .*node\.0\.wasm, .*node\.1\.wasm: RuntimeError/);
  assert.equal(core.executableName, 'main.mjs');
  fs.rmSync(dir, { recursive: true, force: true });
});

test('capture --max 2 -- node: traps the program catches count too; the second file gets .2', async () => {
  const { dir, script } = setup('three-caught');
  const out = path.join(dir, 'many.coredump');
  const r = await runCli(['capture', '--max', '2', '--out', out, '--', 'node', script]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /caught 2/, 'the program runs to its end');
  assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.coredump')).sort(), ['many.2.coredump', 'many.coredump']);
  checkTwoModules(readCoreDump(new Uint8Array(fs.readFileSync(path.join(dir, 'many.2.coredump'))), 'many.2.coredump'));
  fs.rmSync(dir, { recursive: true, force: true });
});

test('capture -- node: a trap in a worker thread is captured as that thread', async () => {
  const dir = tmpDir();
  const prog = wasiTrapProgram();
  const wasm = path.join(dir, 'trap.wasm');
  fs.writeFileSync(wasm, prog.bytes);
  const script = path.join(dir, 'workers.js');
  fs.writeFileSync(script, `
const { Worker, isMainThread } = require('node:worker_threads');
if (isMainThread) {
  new Worker(__filename).on('error', (e) => console.log('worker failed: ' + e.message));
} else {
  const bytes = require('node:fs').readFileSync(${JSON.stringify(wasm)});
  new WebAssembly.Instance(new WebAssembly.Module(bytes), { wasi_snapshot_preview1: { proc_exit() {} } }).exports._start();
}`);
  const out = path.join(dir, 'w.coredump');
  const r = await runCli(['capture', '--out', out, '--', 'node', script]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /worker failed: unreachable/);
  const file = path.join(dir, 'w.worker1.coredump');
  const core = readCoreDump(new Uint8Array(fs.readFileSync(file)), file);
  assert.equal(core.threads[0].name, 'worker 1');
  assert.deepEqual(core.threads[0].frames.map((f) => [f.funcIndex, f.rawCodeOffset]), [[1, prog.trapOffset], [2, prog.callOffset]]);
  assert.deepEqual(fs.readFileSync(path.join(dir, 'w.worker1.0.wasm')), Buffer.from(prog.bytes));
  fs.rmSync(dir, { recursive: true, force: true });
});

function startInspected(script: string): Promise<{ child: ChildProcess; hostPort: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--inspect=127.0.0.1:0', script], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`no inspector URL: ${err}`)); }, 10_000);
    child.stderr!.on('data', (d) => {
      err += d;
      const m = /Debugger listening on ws:\/\/([^/\s]+)\//.exec(err);
      if (m) { clearTimeout(timer); resolve({ child, hostPort: m[1] }); }
    });
    child.on('exit', () => { clearTimeout(timer); reject(new Error(`child exited early: ${err}`)); });
  });
}

test('capture --connect HOST:PORT: attach to a running node --inspect and capture its next trap', async (t) => {
  const { dir, script } = setup('loop');
  const { child, hostPort } = await startInspected(script);
  try {
    const out = path.join(dir, 'remote.coredump');
    const r = await runCli(['capture', '--connect', hostPort, '--timeout', '20', '--out', out, '--value-encoding', 'fixed', '--no-save-modules']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /wrote .*remote\.coredump: RuntimeError: divide by zero/);
    if (hasTool('wasm-validate')) { const v = wasmValidate(out); assert.ok(v.ok, v.output); }
    else t.diagnostic('wasm-validate (wabt) not installed: validation skipped');
    const core = readCoreDump(new Uint8Array(fs.readFileSync(out)), out);
    assert.equal(core.valueEncoding, 'fixed');
    checkTwoModules(core);
    assert.ok(core.modules.every((m) => m.startsWith('wasm://')), `module names are the V8 script URLs: ${core.modules.join(', ')}`);
    // The target keeps running after we detach, and we can attach again.
    assert.equal(child.exitCode, null);
    const out2 = path.join(dir, 'again.coredump');
    const r2 = await runCli(['capture', '--connect', hostPort, '--timeout', '20', '--out', out2]);
    assert.equal(r2.code, 0, r2.stderr);
    const core2 = readCoreDump(new Uint8Array(fs.readFileSync(out2)), out2);
    checkTwoModules(core2);
    checkSavedModules(core2, out2);
  } finally {
    child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('capture --connect to a port with no inspector fails clearly', async () => {
  const r = await runCli(['capture', '--connect', '127.0.0.1:9', '--timeout', '2']);
  assert.equal(r.code, 1, 'a typed error, not an internal error (70)');
  assert.match(r.stderr, /cannot reach inspector at 127\.0\.0\.1:9/);
});
