import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinearMemory, RawSegment, resolveSegments } from '../../../src/coredump/memory';
import { fileOffset } from '../../../src/util/offsets';
import { WasmCoreError } from '../../../src/util/errors';

const file = new Uint8Array(64).map((_, i) => i + 1);
const seg = (start: number, from: number, len: number): RawSegment => ({ start, data: file.subarray(from, from + len), fileOffset: fileOffset(from) });

test('covered bytes, zero-filled gaps, unreadable past the size', () => {
  const m = new LinearMemory(0, 64, 1, false, undefined, [seg(8, 0, 4), seg(16, 10, 4)]);
  const r = m.read(6, 12);
  assert.deepEqual([...r.bytes], [0, 0, 1, 2, 3, 4, 0, 0, 0, 0, 11, 12]);
  assert.deepEqual(r.unreadable, []);
  const past = m.read(60, 8);
  assert.deepEqual(past.unreadable, [[64, 68]]);
  assert.deepEqual([...past.bytes.subarray(0, 4)], [0, 0, 0, 0]);
  assert.equal(m.readU32(8), 0x04030201);
  assert.equal(m.readU8(0), 0, 'inside the size, not covered: zero by Wasm semantics');
  assert.equal(m.readU32(62), undefined, 'crossing the end: unreadable, not zero');
  assert.equal(m.readU64(100), undefined);
  assert.equal(m.readF32(8), new DataView(file.buffer, 0, 4).getFloat32(0, true));
});

test('covered() and coveredRanges() tell captured from zero-filled', () => {
  const m = new LinearMemory(0, 64, 1, false, undefined, [seg(8, 0, 4), seg(12, 20, 4), seg(30, 30, 2)]);
  assert.deepEqual(m.coveredRanges(), [[8, 16], [30, 32]]);
  assert.equal(m.covered(8, 8), true);
  assert.equal(m.covered(8, 9), false);
  assert.equal(m.covered(7, 2), false);
  assert.equal(m.covered(31, 1), true);
  assert.equal(m.coveredBytes, 10);
});

test('overlapping segments: the later one wins, result stays sorted and disjoint', () => {
  const out = resolveSegments([seg(0, 0, 10), seg(4, 40, 2), seg(2, 50, 1)]);
  assert.deepEqual(out.map((s) => [s.start, s.end]), [[0, 2], [2, 3], [3, 4], [4, 6], [6, 10]]);
  const m = new LinearMemory(0, 16, 1, false, undefined, [seg(0, 0, 10), seg(4, 40, 2), seg(2, 50, 1)]);
  assert.deepEqual([...m.read(0, 10).bytes], [1, 2, 51, 4, 41, 42, 7, 8, 9, 10]);
  for (const s of out) assert.equal(s.data.buffer, file.buffer, 'pieces stay views');
});

test('bad reads are typed errors, huge reads refused before allocating', () => {
  const m = new LinearMemory(0, 64, 1, false, undefined, []);
  assert.throws(() => m.read(-1, 4), WasmCoreError);
  assert.throws(() => m.read(0, 2 ** 40), (e: unknown) => e instanceof WasmCoreError && e.code === 'E_LIMIT');
});

test('binary search over many segments', () => {
  const big = new Uint8Array(4096 * 4).fill(7);
  const raw: RawSegment[] = [];
  for (let i = 0; i < 4; i++) raw.push({ start: i * 8192, data: big.subarray(i * 4096, (i + 1) * 4096), fileOffset: fileOffset(i * 4096) });
  const m = new LinearMemory(0, 65536, 1, false, undefined, raw);
  assert.equal(m.readU8(8192 + 5), 7);
  assert.equal(m.readU8(4096 + 5), 0);
  assert.equal(m.covered(3 * 8192, 4096), true);
  assert.equal(m.covered(3 * 8192, 4097), false);
});

test('typed reads: inside a segment, in a gap, straddling a segment edge', () => {
  const m = new LinearMemory(0, 64, 1, false, undefined, [seg(8, 0, 4), seg(16, 10, 4)]);
  assert.equal(m.readU32(8), 0x04030201, 'inside');
  assert.equal(m.readU16(12), 0, 'gap between segments');
  assert.equal(m.readU32(10), 0x00000403, 'straddles the end of a segment');
  assert.equal(m.readU32(14), 0x0c0b0000, 'straddles the start of a segment');
  assert.equal(m.readU64(40), 0n, 'gap after the last segment');
  assert.equal(m.readI32(8), 0x04030201);
  assert.equal(m.readF64(56), 0);
  assert.equal(m.readF64(57), undefined, 'past the size');
});
