import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { readCoreDump } from '../../../src/coredump/reader';
import { FormatError, WasmCoreError } from '../../../src/util/errors';
import { buildCoreDump, BuildSpec, customSection, concat, HEADER } from './build';

const spec = (over: Partial<BuildSpec> = {}): BuildSpec => ({
  exe: 'prog.wasm',
  modules: ['prog.wasm'],
  memories: [{ pages: 1 }],
  globals: [{ type: 'i32', value: 66560 }, { type: 'i64', value: -5n }, { type: 'f64', value: 2.5 }],
  threads: [{
    name: 'main',
    frames: [
      { func: 3, offset: 0x10, locals: [{ t: 'i32', v: -1 }, { t: 'i64', v: 1n << 40n }, 'missing', { t: 'f32', v: 1.5 }], stack: [{ t: 'i32', v: 300 }] },
      { func: 1, offset: 0x2a, locals: [{ t: 'f64', v: -0.25 }], stack: [] },
    ],
  }],
  ...over,
});

for (const enc of ['leb', 'fixed'] as const) {
  test(`reads a hand-built core dump with ${enc} values (auto-detected)`, () => {
    const cd = readCoreDump(buildCoreDump(spec({ enc })), 'hand.core');
    assert.equal(cd.valueEncoding, enc);
    assert.equal(cd.frameLayout, 'standard');
    assert.equal(cd.executableName, 'prog.wasm');
    assert.deepEqual(cd.modules, ['prog.wasm']);
    assert.deepEqual(cd.instances, [{ moduleIndex: 0, memories: [0], globals: [0, 1, 2] }]);
    const [f0, f1] = cd.threads[0].frames;
    assert.equal(cd.threads[0].name, 'main');
    assert.equal(f0.funcIndex, 3);
    assert.equal(f0.rawCodeOffset, 0x10);
    assert.deepEqual(f0.locals, { recorded: true, values: [
      { type: 'i32', value: -1 }, { type: 'i64', value: 1n << 40n }, { type: 'missing' }, { type: 'f32', value: 1.5, bits: 0x3fc00000 },
    ] });
    assert.deepEqual(f0.stack, { recorded: true, values: [{ type: 'i32', value: 300 }] });
    assert.equal(f1.index, 1);
    assert.deepEqual(f1.stack, { recorded: false });
    assert.equal(f1.locals.recorded && f1.locals.values[0].type === 'f64' && f1.locals.values[0].value, -0.25);
    assert.deepEqual(cd.instanceGlobal(0, 0)?.value, { type: 'i32', value: 66560 });
    assert.deepEqual(cd.instanceGlobal(0, 1)?.value, { type: 'i64', value: -5n });
    assert.equal(cd.instanceGlobal(0, 3), undefined);
    assert.equal(cd.instanceMemory(0, 0)?.size, 65536);
    assert.deepEqual(cd.warnings, []);
  });
}

test('forced encoding: the wrong one is a typed error, the right one reads', () => {
  const bytes = buildCoreDump(spec({ enc: 'fixed' }));
  assert.equal(readCoreDump(bytes, 'x', { valueEncoding: 'fixed' }).valueEncoding, 'fixed');
  assert.throws(() => readCoreDump(bytes, 'x', { valueEncoding: 'leb' }), FormatError);
});

test('empty locals/stack vectors are "not recorded" (wasmtime), never zeros', () => {
  const cd = readCoreDump(buildCoreDump(spec({ threads: [{ name: 't', frames: [{ func: 0, offset: 1 }] }] })), 'x');
  assert.deepEqual(cd.threads[0].frames[0].locals, { recorded: false });
  assert.deepEqual(cd.threads[0].frames[0].stack, { recorded: false });
});

test('multiple threads and instances: frames name their instance', () => {
  const cd = readCoreDump(buildCoreDump(spec({
    modules: ['a.wasm', 'b.wasm'],
    memories: [{ pages: 1 }, { pages: 2 }],
    globals: [{ type: 'i32', value: 1 }, { type: 'i32', value: 2 }],
    instances: [{ module: 0, memories: [0], globals: [0] }, { module: 1, memories: [1], globals: [1] }],
    threads: [
      { name: 'main', frames: [{ instance: 1, func: 2, offset: 5 }, { instance: 0, func: 7, offset: 9 }] },
      { name: 'worker', frames: [{ instance: 0, func: 4, offset: 3 }] },
    ],
  })), 'x');
  assert.deepEqual(cd.threads.map((t) => t.name), ['main', 'worker']);
  assert.deepEqual(cd.threads[0].frames.map((f) => f.instanceIndex), [1, 0]);
  assert.equal(cd.instanceMemory(1, 0)?.size, 2 * 65536);
  assert.deepEqual(cd.instanceGlobal(1, 0)?.value, { type: 'i32', value: 2 });
  assert.equal(cd.instanceMemory(2, 0), undefined);
});

test('old wasmgdb layout (no instance index, no coreinstances) is detected', () => {
  const cd = readCoreDump(buildCoreDump(spec({
    layout: 'no-instance', instances: null, modules: null, enc: 'fixed',
    threads: [{ name: 'main', frames: [{ func: 5, offset: 0x99, locals: [{ t: 'i32', v: 7 }] }, { func: 2, offset: 0x20 }] }],
  })), 'x');
  assert.equal(cd.frameLayout, 'no-instance');
  assert.equal(cd.instancesSynthesized, true);
  assert.equal(cd.valueEncoding, 'fixed');
  assert.deepEqual(cd.threads[0].frames.map((f) => [f.instanceIndex, f.funcIndex, f.rawCodeOffset]), [[0, 5, 0x99], [0, 2, 0x20]]);
  assert.deepEqual(cd.instances, [{ moduleIndex: 0, memories: [0], globals: [0, 1, 2] }]);
});

test('memory data segments are views into the file and read back', () => {
  const data = new Uint8Array([1, 2, 3, 4]);
  const bytes = buildCoreDump(spec({ data: [{ offset: 0x100, bytes: data }] }));
  const cd = readCoreDump(bytes, 'x');
  const mem = cd.memories[0];
  assert.equal(mem.segments[0].data.buffer, bytes.buffer, 'segment is a view, not a copy');
  assert.equal(mem.readU32(0x100), 0x04030201);
  assert.deepEqual(mem.coveredRanges(), [[0x100, 0x104]]);
});

test('the real wasmtime core dump reads as 2 frames, locals not recorded', (t) => {
  if (!existsSync('../shared/corpus/thesis-sk-machine/trap.coredump')) { t.skip('shared corpus not available (../shared/corpus)'); return; }
  const bytes = new Uint8Array(readFileSync('../shared/corpus/thesis-sk-machine/trap.coredump'));
  const cd = readCoreDump(bytes, 'trap.coredump');
  assert.equal(cd.executableName, 'sk.wat');
  assert.deepEqual(cd.modules, ['<anonymous-module-0>']);
  assert.equal(cd.threads.length, 1);
  assert.equal(cd.threads[0].name, 'main');
  const fr = cd.threads[0].frames;
  assert.deepEqual(fr.map((f) => [f.instanceIndex, f.funcIndex, f.rawCodeOffset]), [[0, 1, 0x7], [0, 2, 0x3b]]);
  for (const f of fr) { assert.equal(f.locals.recorded, false); assert.equal(f.stack.recorded, false); }
  assert.equal(cd.memories.length, 0);
  assert.equal(cd.globals.length, 0);
});

function expectError(bytes: Uint8Array, re: RegExp, code?: string): WasmCoreError {
  try { readCoreDump(bytes, 'bad.core'); } catch (e) {
    assert.ok(e instanceof WasmCoreError, `expected WasmCoreError, got ${String(e)}`);
    assert.match(e.message, re);
    assert.equal(e.where.file, 'bad.core');
    assert.ok(e.where.offset !== undefined, 'error names an offset');
    if (code) assert.equal(e.code, code);
    return e;
  }
  return assert.fail('expected an error');
}

test('bad input gives typed errors naming file, section, offset', () => {
  expectError(new Uint8Array([0, 0x61, 0x73, 0x6e, 1, 0, 0, 0]), /bad magic/);
  expectError(concat([HEADER]), /not a core dump/);
  // unknown value tag
  expectError(concat([HEADER, ...customSection('corestack', [0, 1, 0x41, 1, 0, 0, 1, 2, 1, 0x55, 0])]), /unknown value type 0x55/);
  // frame count larger than the bytes left
  const e = expectError(concat([HEADER, ...customSection('corestack', [0, 1, 0x41, 0xff, 0xff, 0x03])]), /frame count/);
  assert.equal(e.where.section, 'corestack');
  // a 32-bit memory claiming more than 4 GiB
  expectError(buildCoreDump(spec({ memories: [{ pages: 65537 }] })), /exceeds the 4 GiB/, 'E_LIMIT');
  // a segment count larger than the bytes left
  const good = buildCoreDump(spec({ data: [] }));
  const i = findDataSection(good);
  const bad = concat([good.subarray(0, i), Uint8Array.from([11, 5, 0xff, 0xff, 0xff, 0xff, 0x0f]), good.subarray(i + 3)]);
  expectError(bad, /data segment count/);
});

test('memory64 sizes and i64.const segment offsets', () => {
  const cd = readCoreDump(buildCoreDump(spec({
    memories: [{ pages: 70000, memory64: true }],
    data: [{ offset: 0x1_0000_0010, bytes: new Uint8Array([9, 8]), i64: true }],
  })), 'x');
  const m = cd.memories[0];
  assert.equal(m.memory64, true);
  assert.equal(m.size, 70000 * 65536);
  assert.equal(m.readU16(0x1_0000_0010), 0x0809);
});

/** Offset of the (empty) Data section `0b 01 00` in a built dump. */
function findDataSection(b: Uint8Array): number {
  for (let i = 8; i + 2 < b.length; i++) if (b[i] === 11 && b[i + 1] === 1 && b[i + 2] === 0) return i;
  throw new Error('no data section');
}

test('a duplicate standard section is reported, the first one is used', () => {
  const good = buildCoreDump(spec({ data: [{ offset: 4, bytes: new Uint8Array([5]) }] }));
  const dup = concat([good, Uint8Array.from([11, 7, 1, 0, 0x41, 0, 0x0b, 1, 9])]);
  const cd = readCoreDump(dup, 'dup.core');
  assert.equal(cd.memories[0].readU8(4), 5);
  assert.equal(cd.memories[0].readU8(0), 0);
  assert.match(cd.warnings.join('\n'), /duplicate data section/);
});

test('a stream that parses exactly in both encodings with different values: LEB (spec) kept, ambiguity reported', () => {
  // one frame, one i32 local written as a 4-byte padded LEB128 (0) = fixed-width 0x00808080
  const stack = [0, 1, 0x6d, 1, 0, 0, 2, 3, 1, 0x7f, 0x80, 0x80, 0x80, 0x00, 0];
  const bytes = concat([HEADER, ...customSection('core', [0, 1, 0x61]), ...customSection('coreinstances', [1, 0, 0, 0, 0]), ...customSection('corestack', stack)]);
  const cd = readCoreDump(bytes, 'amb.core');
  assert.equal(cd.valueEncoding, 'leb');
  assert.deepEqual(cd.threads[0].frames[0].locals, { recorded: true, values: [{ type: 'i32', value: 0 }] });
  assert.match(cd.warnings.join('\n'), /ambiguous/);
  const fx = readCoreDump(bytes, 'amb.core', { valueEncoding: 'fixed' });
  assert.deepEqual(fx.threads[0].frames[0].locals, { recorded: true, values: [{ type: 'i32', value: 0x00808080 }] });
});
