import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateLocation, evaluateNumber, FrameContext, Loc } from '../../../src/dwarf/expr';
import { readObject, pickLocListEntry } from '../../../src/dwarf/location';
import { WasmValue } from '../../../src/coredump/model';

const mem = new Uint8Array(256);
mem.set([0x78, 0x56, 0x34, 0x12], 16);
mem.set([0x20, 0, 0, 0], 32);

function ctx(over: Partial<FrameContext> = {}, locals?: WasmValue[]): FrameContext {
  return {
    addressSize: 4,
    local: (i) => locals?.[i],
    global: (i) => (i === 0 ? { type: 'i32', value: 0x1000 } : undefined),
    operand: (i) => (i === 1 ? { type: 'i64', value: -2n } : undefined),
    readMemory: (a, n) => (a + n <= mem.length ? { bytes: mem.slice(a, a + n) } : { unreadable: 'past end' }),
    ...over,
  };
}
const ev = (bytes: number[], c = ctx()) => evaluateLocation(new Uint8Array(bytes), c);
const num = (bytes: number[], c = ctx()) => evaluateNumber(new Uint8Array(bytes), c);
const mem_ = (addr: number): Loc => ({ kind: 'memory', addr });

test('literals, constants and DW_OP_addr give memory locations', () => {
  assert.deepEqual(ev([0x30 + 5]), mem_(5));
  assert.deepEqual(ev([0x03, 0x10, 0, 0, 0]), mem_(16));
  assert.deepEqual(ev([0x08, 200]), mem_(200));
  assert.deepEqual(ev([0x0a, 0x34, 0x12]), mem_(0x1234));
  assert.deepEqual(ev([0x0c, 1, 0, 0, 0x80]), mem_(0x80000001));
  assert.deepEqual(ev([0x10, 0xe5, 0x8e, 0x26]), mem_(624485));
  assert.equal(num([0x11, 0x7f, 0x30 + 3, 0x22]), 2); // consts -1 + 3
  assert.equal(num([0x09, 0xff, 0x31, 0x22]), 0); // const1s -1 + 1
  assert.equal(num([0x0b, 0xfe, 0xff]), 0xfffffffe); // const2s -2 masked to address size
});

test('stack operations', () => {
  assert.equal(num([0x31, 0x32, 0x14, 0x22, 0x22]), 4); // (1,2) over -> (1,2,1) + -> (1,3) + -> 4
});

test('arithmetic, logic and comparisons', () => {
  const cases: Array<[number[], number]> = [
    [[0x37, 0x33, 0x1c], 4], // 7-3
    [[0x37, 0x33, 0x1e], 21], // mul
    [[0x37, 0x32, 0x1b], 3], // div
    [[0x37, 0x32, 0x1d], 1], // mod
    [[0x36, 0x33, 0x1a], 2], // and
    [[0x34, 0x33, 0x21], 7], // or
    [[0x36, 0x33, 0x27], 5], // xor
    [[0x31, 0x34, 0x24], 16], // shl
    [[0x08, 0x40, 0x32, 0x25], 16], // shr
    [[0x11, 0x70, 0x32, 0x26, 0x1f], 4], // -16 >>a 2 = -4, neg = 4
    [[0x11, 0x7b, 0x19], 5], // abs(-5)
    [[0x30, 0x20, 0x30 + 1, 0x22], 0], // not 0 = -1, +1 = 0
    [[0x33, 0x23, 0x05], 8], // plus_uconst
    [[0x33, 0x33, 0x29], 1], [[0x32, 0x33, 0x2a], 0], [[0x34, 0x33, 0x2b], 1],
    [[0x33, 0x33, 0x2c], 1], [[0x11, 0x7f, 0x30, 0x2d], 1], [[0x32, 0x33, 0x2e], 1],
    [[0x31, 0x32, 0x16, 0x1c], 1], // swap: 2-1
  ];
  for (const [bytes, want] of cases) assert.equal(num(bytes), want, bytes.map((b) => b.toString(16)).join(' '));
});

test('dup, drop, over, pick, rot exact results', () => {
  assert.equal(num([0x33, 0x12, 0x22]), 6);
  assert.equal(num([0x33, 0x34, 0x13]), 3);
  assert.equal(num([0x31, 0x32, 0x14]), 1);
  assert.equal(num([0x31, 0x32, 0x33, 0x15, 0x02]), 1);
  // rot: (a=1,b=2,c=3 top) -> (3,1,2): top is 2
  assert.equal(num([0x31, 0x32, 0x33, 0x17]), 2);
  assert.equal(num([0x31, 0x32, 0x33, 0x17, 0x13]), 1);
});

test('control flow: skip and bra, bounded', () => {
  assert.equal(num([0x2f, 0x01, 0x00, 0x35, 0x36]), 6); // skip over lit5
  assert.equal(num([0x31, 0x28, 0x01, 0x00, 0x35, 0x37]), 7); // bra taken
  assert.equal(num([0x30, 0x28, 0x01, 0x00, 0x35]), 5); // not taken
  const loop = ev([0x2f, 0xfd, 0xff]); // skip -3: jumps to itself forever
  assert.equal(loop.kind, 'unavailable');
  assert.match((loop as { reason: string }).reason, /did not finish/);
  assert.match((ev([0x2f, 0x10, 0x00]) as { reason: string }).reason, /outside/);
});

test('errors are unavailable with a reason, never thrown', () => {
  assert.match((ev([0x22]) as { reason: string }).reason, /underflow/);
  assert.match((ev([0x31, 0x30, 0x1b]) as { reason: string }).reason, /by zero/);
  assert.match((ev([0x50]) as { reason: string }).reason, /no machine registers/);
  assert.match((ev([0x70, 0x00]) as { reason: string }).reason, /registers/);
  assert.match((ev([0x9c]) as { reason: string }).reason, /call frame/);
  assert.match((ev([0xa3, 0x01, 0x50, 0x9f]) as { reason: string }).reason, /entry value/);
  assert.match((ev([0x0c, 0x01]) as { reason: string }).reason, /malformed/);
  assert.match((ev([0xff]) as { reason: string }).reason, /^unsupported DWARF operation DW_OP_0xff at offset 0$/);
  assert.match((ev([0x91, 0x08]) as { reason: string }).reason, /no frame base/);
  assert.deepEqual(ev([]), { kind: 'unavailable', reason: 'optimized out' });
  assert.match((ev([0x03, 0xff, 0xff, 0xff, 0xff]) as { reason: string }).reason, /tombstone/);
});

test('deref reads memory; unreadable memory is unavailable', () => {
  assert.equal(num([0x08, 16, 0x06]), 0x12345678);
  assert.equal(num([0x08, 16, 0x94, 0x02]), 0x5678);
  assert.deepEqual(ev([0x08, 32, 0x06]), mem_(0x20));
  assert.match((ev([0x0a, 0x00, 0x10, 0x06]) as { reason: string }).reason, /unreadable/);
});

test('DW_OP_fbreg uses the frame base', () => {
  const c = ctx({ frameBase: () => 0x100 });
  assert.deepEqual(ev([0x91, 0x0c], c), mem_(0x10c));
  assert.deepEqual(ev([0x91, 0x74], c), mem_(0xf4));
  assert.match((ev([0x91, 0x0c], ctx({ frameBase: () => ({ unavailable: 'not recorded' }) })) as { reason: string }).reason, /frame base unavailable: not recorded/);
});

test('DW_OP_WASM_location: locals, globals (uleb and u32), operand stack', () => {
  const locals: WasmValue[] = [{ type: 'i32', value: -7 }, { type: 'f64', value: 1.5, bits: 0x3ff8000000000000n }, { type: 'missing' }];
  const c = ctx({}, locals);
  const l0 = ev([0xed, 0x00, 0x00], c);
  assert.equal(l0.kind, 'value');
  assert.deepEqual([...(l0 as { bytes: Uint8Array }).bytes], [0xf9, 0xff, 0xff, 0xff]);
  assert.equal((l0 as { source: string }).source, 'Wasm local 0');
  const l1 = ev([0xed, 0x00, 0x01], c) as { bytes: Uint8Array };
  assert.equal(new DataView(l1.bytes.buffer).getFloat64(0, true), 1.5);
  assert.match((ev([0xed, 0x00, 0x02], c) as { reason: string }).reason, /missing/);
  assert.match((ev([0xed, 0x00, 0x03], c) as { reason: string }).reason, /not recorded/);
  assert.equal(num([0xed, 0x01, 0x00, 0x9f], c), 0x1000);
  assert.equal(num([0xed, 0x03, 0x00, 0x00, 0x00, 0x00, 0x9f], c), 0x1000);
  const op = ev([0xed, 0x02, 0x01], c) as { bytes: Uint8Array };
  assert.equal(new DataView(op.bytes.buffer).getBigInt64(0, true), -2n);
  // used as a base address: local 0 (an address) + 8
  assert.deepEqual(ev([0xed, 0x01, 0x00, 0x23, 0x08], c), mem_(0x1008));
  assert.match((ev([0xed, 0x07, 0x00], c) as { reason: string }).reason, /unknown kind/);
});

test('stack_value, implicit_value, implicit_pointer', () => {
  const sv = ev([0x35, 0x9f]) as { kind: string; bytes: Uint8Array };
  assert.equal(sv.kind, 'value');
  assert.equal(sv.bytes[0], 5);
  const iv = ev([0x9e, 0x02, 0xaa, 0xbb]) as { kind: string; bytes: Uint8Array };
  assert.deepEqual([...iv.bytes], [0xaa, 0xbb]);
  assert.deepEqual(ev([0xa0, 0x10, 0, 0, 0, 0x04]), { kind: 'implicit-pointer', die: 0x10, offset: 4 });
  assert.match((ev([0x35, 0x9f, 0x35]) as { reason: string }).reason, /after DW_OP_stack_value/);
});

test('pieces: values assembled from parts, bit pieces', () => {
  const c = ctx({}, [{ type: 'i32', value: 0x11223344 }]);
  const loc = ev([0xed, 0x00, 0x00, 0x93, 0x02, 0x08, 16, 0x93, 0x02], c);
  assert.equal(loc.kind, 'pieces');
  const obj = readObject(loc, 4, c) as { bytes: Uint8Array };
  assert.deepEqual([...obj.bytes], [0x44, 0x33, 0x78, 0x56]);
  // an optimized-out part makes the object unavailable
  const partial = ev([0x93, 0x02, 0x08, 16, 0x93, 0x02], c);
  assert.match((readObject(partial, 4, c) as { unavailable: string }).unavailable, /optimized out/);
  // bit_piece: 4 bits of 0xab (stack value) then 4 bits of 0xcd
  const bp = ev([0x08, 0xab, 0x9f, 0x9d, 0x04, 0x00, 0x08, 0xcd, 0x9f, 0x9d, 0x04, 0x00], c);
  assert.deepEqual([...(readObject(bp, 1, c) as { bytes: Uint8Array }).bytes], [0xdb]);
  assert.match((readObject(bp, 2, c) as { unavailable: string }).unavailable, /only 8 of 16 bits/);
});

test('location lists are chosen by address', () => {
  const e = [
    { begin: 0x10, end: 0x20, expr: new Uint8Array([0x31]) },
    { begin: 0x20, end: 0x30, expr: new Uint8Array([0x32]) },
  ];
  assert.equal(pickLocListEntry(e, 0x10)?.expr[0], 0x31);
  assert.equal(pickLocListEntry(e, 0x2f)?.expr[0], 0x32);
  assert.equal(pickLocListEntry(e, 0x30), undefined);
  assert.equal(pickLocListEntry(e, 0x0f), undefined);
});

test('value reads: memory past the end and short values are unavailable', () => {
  const c = ctx();
  assert.match((readObject(mem_(250), 8, c) as { unavailable: string }).unavailable, /past end/);
  const v = ev([0xed, 0x01, 0x00], c);
  assert.match((readObject(v, 8, c) as { unavailable: string }).unavailable, /holds 4 bytes/);
});

test('slices of composite locations: a member is available when its own parts are', async () => {
  const { sliceLocation } = await import('../../../src/dwarf/location');
  const c = ctx({}, [{ type: 'i32', value: 7 }]);
  // struct { int a; int b; int c; }: a in local 0, b optimized out, c in memory at 16
  const loc = ev([0xed, 0x00, 0x00, 0x93, 0x04, 0x93, 0x04, 0x08, 16, 0x93, 0x04], c);
  const a = sliceLocation(loc, 0, 4);
  assert.deepEqual([...(readObject(a, 4, c) as { bytes: Uint8Array }).bytes], [7, 0, 0, 0]);
  assert.match((readObject(sliceLocation(loc, 4, 4), 4, c) as { unavailable: string }).unavailable, /optimized out/);
  assert.deepEqual(sliceLocation(loc, 8, 4), { kind: 'memory', addr: 16 });
  assert.match((readObject(sliceLocation(loc, 10, 4), 4, c) as { unavailable: string }).unavailable, /not described|only/);
  assert.match((readObject(loc, 12, c) as { unavailable: string }).unavailable, /optimized out/);
});
