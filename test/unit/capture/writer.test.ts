import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CoreDumpInput, WasmEncoder, chunkMemory, writeCoreDump } from '../../../src/coredump/writer';
import { readCoreDump } from '../../../src/coredump/reader';
import { WasmValue } from '../../../src/coredump/model';
import { isWasmCoreError } from '../../../src/util/errors';
import { hasTool, tmpDir, wasmValidate } from './helpers';

const f32 = (x: number): Extract<WasmValue, { type: 'f32' }> => {
  const dv = new DataView(new ArrayBuffer(4)); dv.setFloat32(0, x, true);
  return { type: 'f32', value: dv.getFloat32(0, true), bits: dv.getUint32(0, true) };
};
const f64bits = (bits: bigint): Extract<WasmValue, { type: 'f64' }> => {
  const dv = new DataView(new ArrayBuffer(8)); dv.setBigUint64(0, bits, true);
  return { type: 'f64', value: dv.getFloat64(0, true), bits };
};

function sampleMemory(): Uint8Array {
  const m = new Uint8Array(2 * 65536);
  m.set([1, 2, 3], 10);                 // chunk 0: trimmed to [10, 13)
  m[4095] = 9;                          // still chunk 0: trimmed range [10, 4096)
  m.set([0xaa, 0, 0xbb], 70000);        // a chunk in page 1: zero inside is kept
  m[2 * 65536 - 1] = 0xff;              // the very last byte
  return m;
}

function sample(): CoreDumpInput {
  const mem = sampleMemory();
  return {
    executableName: 'prog.wasm',
    modules: ['prog.wasm', 'other.wasm'],
    instances: [{ moduleIndex: 0, memories: [0], globals: [0, 1, 2, 3] }, { moduleIndex: 1, memories: [1], globals: [4] }],
    threads: [
      {
        name: 'main',
        frames: [
          {
            instanceIndex: 0, funcIndex: 7, codeOffset: 0x1b,
            locals: [{ type: 'i32', value: -1 }, { type: 'i64', value: -(2n ** 63n) }, f32(-2.5), f64bits(0x7ff8000000000001n), { type: 'missing' }],
            stack: [{ type: 'i32', value: 2147483647 }, { type: 'i64', value: 2n ** 63n - 1n }],
          },
          { instanceIndex: 1, funcIndex: 0, codeOffset: 300, locals: [], stack: [] },
          { instanceIndex: 0, funcIndex: 2, codeOffset: 5 },
        ],
      },
      { name: 'worker 1', frames: [{ instanceIndex: 0, funcIndex: 1, codeOffset: 0 }] },
    ],
    memories: [
      { pages: 2, segments: chunkMemory(mem) },
      { pages: 1, segments: [{ offset: 16, bytes: new Uint8Array([5, 6, 7]) }] },
    ],
    globals: [
      { value: { type: 'i32', value: 65536 } },
      { value: { type: 'i64', value: -5n }, mutable: false },
      { value: f32(1.5) },
      { value: f64bits(0xfff0000000000000n) },
      { value: { type: 'i32', value: -7 } },
    ],
  };
}

test('chunkMemory drops zero chunks and trims each 4 KiB chunk like wasmtime', () => {
  const segs = chunkMemory(sampleMemory());
  assert.deepEqual(segs.map((s) => [s.offset, s.bytes.length]), [[10, 4086], [70000, 3], [131071, 1]]);
  assert.deepEqual(Array.from(segs[1].bytes), [0xaa, 0, 0xbb]);
  assert.deepEqual(chunkMemory(new Uint8Array(8192)), []);
  // Segments are views, not copies.
  const data = new Uint8Array([0, 1, 0]);
  assert.equal(chunkMemory(data)[0].bytes.buffer, data.buffer);
});

test('LEB128 encoder: signed and unsigned edge cases', () => {
  const enc = (f: (e: WasmEncoder) => void) => Array.from((() => { const e = new WasmEncoder(); f(e); return e.finish(); })());
  assert.deepEqual(enc((e) => e.u32(624485)), [0xe5, 0x8e, 0x26]);
  assert.deepEqual(enc((e) => e.s32(-123456)), [0xc0, 0xbb, 0x78]);
  assert.deepEqual(enc((e) => e.s32(63)), [0x3f]);
  assert.deepEqual(enc((e) => e.s32(64)), [0xc0, 0x00]);
  assert.deepEqual(enc((e) => e.s32(-64)), [0x40]);
  assert.deepEqual(enc((e) => e.s32(-65)), [0xbf, 0x7f]);
  assert.deepEqual(enc((e) => e.s64(-(2n ** 63n))), [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f]);
  assert.deepEqual(enc((e) => e.u32(0xffffffff)), [0xff, 0xff, 0xff, 0xff, 0x0f]);
  assert.throws(() => new WasmEncoder().u32(-1), RangeError);
});

for (const enc of ['leb', 'fixed'] as const) {
  test(`write then read back identically (${enc} values)`, () => {
    const input = sample();
    const bytes = writeCoreDump(input, { valueEncoding: enc });
    const core = readCoreDump(bytes, 'sample.coredump');
    assert.equal(core.valueEncoding, enc);
    assert.equal(core.executableName, 'prog.wasm');
    assert.deepEqual(core.modules, input.modules);
    assert.deepEqual(core.instances, input.instances);
    assert.deepEqual(core.threads.map((t) => t.name), ['main', 'worker 1']);
    input.threads.forEach((t, ti) => t.frames.forEach((f, fi) => {
      const g = core.threads[ti].frames[fi];
      assert.equal(g.instanceIndex, f.instanceIndex);
      assert.equal(g.funcIndex, f.funcIndex);
      assert.equal(g.rawCodeOffset, f.codeOffset);
      // An empty vector (written for "not recorded") reads as not recorded.
      const want = (v?: WasmValue[]) => (v && v.length ? { recorded: true, values: v } : { recorded: false });
      assert.deepEqual(g.locals, want(f.locals), `thread ${ti} frame ${fi} locals`);
      assert.deepEqual(g.stack, want(f.stack), `thread ${ti} frame ${fi} stack`);
    }));
    assert.deepEqual(core.globals.map((g) => [g.type, g.mutable, g.value]), input.globals.map((g) => [g.value.type, g.mutable !== false, g.value]));
    assert.equal(core.memories.length, 2);
    const mem = sampleMemory();
    assert.equal(core.memories[0].pages, 2);
    assert.deepEqual(core.memories[0].read(0, mem.length).bytes, mem);
    assert.deepEqual(Array.from(core.memories[1].read(15, 5).bytes), [0, 5, 6, 7, 0]);
    assert.equal(core.memories[1].read(65535, 2).unreadable.length, 1);
  });
}

test('output validates with wasm-validate (multi-memory, v128 and reference globals)', (t) => {
  if (!hasTool('wasm-validate')) { t.skip('wasm-validate (wabt) not installed'); return; }
  const dir = tmpDir();
  const input = sample();
  input.globals.push({ value: { type: 'v128', bytes: new Uint8Array(16).fill(3) } }, { value: { type: 'funcref' } }, { value: { type: 'externref' } });
  for (const enc of ['leb', 'fixed'] as const) {
    const file = path.join(dir, `sample-${enc}.coredump`);
    fs.writeFileSync(file, writeCoreDump(input, { valueEncoding: enc }));
    const r = wasmValidate(file, ['--enable-multi-memory']);
    assert.ok(r.ok, r.output);
  }
  // Single memory, no extra features needed.
  const single: CoreDumpInput = { ...sample(), instances: [{ moduleIndex: 0, memories: [0], globals: [] }], memories: [sample().memories[0]], globals: [] };
  single.threads = [{ name: 'main', frames: [{ instanceIndex: 0, funcIndex: 0, codeOffset: 1 }] }];
  const file = path.join(dir, 'single.coredump');
  fs.writeFileSync(file, writeCoreDump(single));
  const r = wasmValidate(file);
  assert.ok(r.ok, r.output);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('reference globals read back as unavailable', () => {
  const input = sample();
  input.globals.push({ value: { type: 'funcref' } });
  const core = readCoreDump(writeCoreDump(input), 'x');
  const g = core.globals[core.globals.length - 1];
  assert.equal(g.type, 'funcref');
  assert.equal(g.value, undefined);
});

test('inconsistent input is refused with a typed error, not a broken file', () => {
  const bad = [
    (m: CoreDumpInput) => { m.instances[0].moduleIndex = 5; },
    (m: CoreDumpInput) => { m.instances[0].globals.push(99); },
    (m: CoreDumpInput) => { m.threads[0].frames[0].instanceIndex = 2; },
    (m: CoreDumpInput) => { m.memories[1].segments.push({ offset: 65535, bytes: new Uint8Array(2) }); },
    (m: CoreDumpInput) => { m.memories[1].segments.push({ offset: 17, bytes: new Uint8Array(2) }); },
  ];
  for (const [i, mutate] of bad.entries()) {
    const m = sample();
    mutate(m);
    assert.throws(() => writeCoreDump(m), (e: unknown) => isWasmCoreError(e) && e.code === 'E_ARGUMENT', `case ${i}`);
  }
});

test('a high address (>= 2 GiB) round-trips through the signed i32.const offset', () => {
  const m: CoreDumpInput = {
    executableName: 'x', modules: ['x'], instances: [{ moduleIndex: 0, memories: [0], globals: [] }],
    threads: [], globals: [],
    memories: [{ pages: 32769, segments: [{ offset: 0x80000010, bytes: new Uint8Array([1, 2]) }] }],
  };
  const core = readCoreDump(writeCoreDump(m), 'x');
  assert.deepEqual(Array.from(core.memories[0].read(0x8000000f, 4).bytes), [0, 1, 2, 0]);
});
