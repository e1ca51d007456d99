import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readCoreDump } from '../../../src/coredump/reader';
import { F32_BITS, NAN_BITS, wasiDeepProgram, wasiEnvProgram, wasiExitProgram, wasiTrapProgram } from './programs';
import { hasTool, runCli, tmpDir, wasmValidate } from './helpers';

test('capture PROGRAM.wasm: a WASI trap becomes a valid core dump with locals, stack, globals and memory', async (t) => {
  const dir = tmpDir();
  const prog = wasiTrapProgram();
  const wasm = path.join(dir, 'trap.wasm');
  fs.writeFileSync(wasm, prog.bytes);
  const out = path.join(dir, 'full.coredump');
  const r = await runCli(['capture', '--out', out, wasm, 'arg1']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /wrote .*full\.coredump: RuntimeError: unreachable/);
  const bytes = new Uint8Array(fs.readFileSync(out));
  if (hasTool('wasm-validate')) { const v = wasmValidate(out); assert.ok(v.ok, v.output); }
  else t.diagnostic('wasm-validate (wabt) not installed: validation skipped');

  const core = readCoreDump(bytes, out);
  assert.equal(core.valueEncoding, 'leb');
  assert.equal(core.executableName, 'trap.wasm');
  assert.deepEqual(core.modules, ['trap.wasm']);
  assert.equal(core.instances.length, 1);
  const [f0, f1] = core.threads[0].frames;
  assert.equal(core.threads[0].frames.length, 2);
  assert.equal(f0.funcIndex, 1);
  assert.equal(f0.rawCodeOffset, prog.trapOffset);
  assert.equal(f1.funcIndex, 2);
  assert.equal(f1.rawCodeOffset, prog.callOffset);
  assert.deepEqual(f0.locals, {
    recorded: true,
    values: [
      { type: 'i32', value: 42 },
      { type: 'i64', value: 1234567890123n },
      { type: 'f32', value: -2.5, bits: F32_BITS },
      { type: 'f64', value: NaN, bits: NAN_BITS },
    ],
  });
  assert.deepEqual(f0.stack, { recorded: true, values: [{ type: 'i32', value: 7 }, { type: 'i32', value: 42 }] });
  // Globals, including the non-exported one, with their mutability from the module.
  const globals = core.instances[0].globals.map((g) => core.globals[g]);
  assert.deepEqual(globals.map((g) => [g.type, g.mutable]), [['i32', true], ['i64', false], ['f32', true], ['f64', true]]);
  assert.deepEqual(globals[0].value, { type: 'i32', value: 66560 });
  assert.deepEqual(globals[1].value, { type: 'i64', value: -5n });
  assert.equal((globals[3].value as { bits: bigint }).bits, NAN_BITS);
  // Memory: 2 pages, the two data strings, zero elsewhere.
  const mem = core.memories[core.instances[0].memories[0]];
  assert.equal(mem.pages, 2);
  assert.equal(Buffer.from(mem.read(100, 5).bytes).toString(), 'hello');
  assert.equal(Buffer.from(mem.read(70000, 5).bytes).toString(), 'world');
  assert.deepEqual(mem.segments.map((s) => [s.start, s.end]), [[100, 105], [70000, 70005]]);

  // --no-locals and --value-encoding fixed: same dump except locals/stack and value encoding.
  const out2 = path.join(dir, 'nolocals.coredump');
  const r2 = await runCli(['capture', '--no-locals', '--value-encoding', 'fixed', '--out', out2, wasm]);
  assert.equal(r2.code, 0, r2.stderr);
  const core2 = readCoreDump(new Uint8Array(fs.readFileSync(out2)), out2);
  assert.deepEqual(core2.threads[0].frames.map((f) => [f.funcIndex, f.rawCodeOffset, f.locals, f.stack]),
    core.threads[0].frames.map((f) => [f.funcIndex, f.rawCodeOffset, { recorded: false }, { recorded: false }]));
  assert.deepEqual(core2.globals.map((g) => g.value), core.globals.map((g) => g.value));
  assert.deepEqual(core2.memories[0].segments.map((s) => Array.from(s.data)), core.memories[0].segments.map((s) => Array.from(s.data)));

  const out3 = path.join(dir, 'fixed.coredump');
  const r3 = await runCli(['capture', '--value-encoding', 'fixed', '--out', out3, wasm]);
  assert.equal(r3.code, 0, r3.stderr);
  const core3 = readCoreDump(new Uint8Array(fs.readFileSync(out3)), out3);
  assert.equal(core3.valueEncoding, 'fixed');
  assert.deepEqual(core3.threads[0].frames.map((f) => f.locals), core.threads[0].frames.map((f) => f.locals));
  fs.rmSync(dir, { recursive: true, force: true });
});

test('capture PROGRAM.wasm without a trap: exit code passes through, no file', async () => {
  const dir = tmpDir();
  const wasm = path.join(dir, 'exit3.wasm');
  fs.writeFileSync(wasm, wasiExitProgram());
  const r = await runCli(['capture', wasm], { cwd: dir });
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /no Wasm trap happened/);
  assert.equal(fs.existsSync(path.join(dir, 'exit3.coredump')), false);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('capture PROGRAM.wasm gives the program no environment or directories unless --env/--dir say so', async () => {
  const dir = tmpDir();
  const wasm = path.join(dir, 'env.wasm');
  fs.writeFileSync(wasm, wasiEnvProgram());
  const seen = async (extra: string[]) => {
    const out = path.join(dir, 'env.coredump');
    const r = await runCli(['capture', '--out', out, ...extra, wasm]);
    assert.equal(r.code, 0, r.stderr);
    const core = readCoreDump(new Uint8Array(fs.readFileSync(out)), out);
    const dv = new DataView(core.memories[0].read(0, 12).bytes.buffer);
    return { count: dv.getUint32(0, true), size: dv.getUint32(4, true), prestatErrno: dv.getUint32(8, true) };
  };
  const none = await seen([]);
  assert.deepEqual([none.count, none.size], [0, 0]);
  assert.notEqual(none.prestatErrno, 0, 'no directory preopened');
  const given = await seen(['--env', 'FOO=bar', '--dir', `${dir}::/data`]);
  assert.deepEqual([given.count, given.size, given.prestatErrno], [1, 'FOO=bar\0'.length, 0]);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('capture PROGRAM.wasm: a trap 10,000 calls deep records every frame', async () => {
  const dir = tmpDir();
  const wasm = path.join(dir, 'deep.wasm');
  fs.writeFileSync(wasm, wasiDeepProgram(10_000));
  const out = path.join(dir, 'deep.coredump');
  const r = await runCli(['capture', '--out', out, wasm]);
  assert.equal(r.code, 0, r.stderr);
  const frames = readCoreDump(new Uint8Array(fs.readFileSync(out)), out).threads[0].frames;
  assert.equal(frames.length, 10_002);
  // Frame k (k = 0 youngest) is rec(10000 - k): its param and two i64 locals.
  for (const k of [0, 1, 4999, 10_000]) {
    assert.deepEqual(frames[k].locals, { recorded: true, values: [{ type: 'i32', value: 10_000 - k }, { type: 'i64', value: 0n }, { type: 'i64', value: 0n }] }, `frame ${k}`);
  }
  assert.equal(frames[10_001].funcIndex, 2);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('capture: bad arguments are refused with a clear message', async () => {
  for (const [args, msg] of [
    [['capture'], /no program given/],
    [['capture', '--value-encoding', 'hex', 'x.wasm'], /leb or fixed/],
    [['capture', '--', 'python3', 'x.py'], /only Node programs/],
    [['capture', 'does-not-exist.wasm'], /program not found/],
  ] as const) {
    const r = await runCli([...args]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, msg);
  }
});
