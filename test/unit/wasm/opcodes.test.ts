import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OpFlag, PREFIX_ATOMIC, PREFIX_GC, PREFIX_MISC, PREFIX_SIMD, allOpcodes, naturalAlignLog2, opInfo, prefixedOpInfo } from '../../../src/wasm/opcodes';

test('opcode table covers each proposal with the expected number of instructions', () => {
  const ops = allOpcodes();
  const count = (p: number) => ops.filter((o) => o.prefix === p).length;
  // SIMD: 236 final opcodes (0x00..0xff minus 20 reserved) + 20 relaxed SIMD
  assert.equal(count(PREFIX_SIMD), 236 + 20);
  // atomics: notify, wait32, wait64, fence + 14 load/store + 7 x 7 read-modify-write
  assert.equal(count(PREFIX_ATOMIC), 4 + 14 + 49);
  // sat-conv 8 + bulk memory/table 10 + memory.discard + wide arithmetic 4
  assert.equal(count(PREFIX_MISC), 23);
  assert.equal(count(PREFIX_GC), 31);
});

test('spot checks against the spec encodings', () => {
  const cases: Array<[number, number, string]> = [
    [0, 0x11, 'call_indirect'], [0, 0x1f, 'try_table'], [0, 0xc4, 'i64.extend32_s'], [0, 0xd6, 'br_on_non_null'],
    [PREFIX_MISC, 7, 'i64.trunc_sat_f64_u'], [PREFIX_MISC, 17, 'table.fill'],
    [PREFIX_SIMD, 0x5e, 'f32x4.demote_f64x2_zero'], [PREFIX_SIMD, 0x9b, 'i16x8.avgr_u'], [PREFIX_SIMD, 0xba, 'i32x4.dot_i16x8_s'],
    [PREFIX_SIMD, 0xd6, 'i64x2.eq'], [PREFIX_SIMD, 0xff, 'f64x2.convert_low_i32x4_u'], [PREFIX_SIMD, 0x113, 'i32x4.relaxed_dot_i8x16_i7x16_add_s'],
    [PREFIX_ATOMIC, 0x4e, 'i64.atomic.rmw32.cmpxchg_u'], [PREFIX_ATOMIC, 0x1e, 'i32.atomic.rmw.add'],
    [PREFIX_GC, 30, 'i31.get_u'], [PREFIX_GC, 19, 'array.init_elem'],
  ];
  for (const [p, c, name] of cases) assert.equal((p ? prefixedOpInfo(p, c) : opInfo(c))?.name, name, `${p}:${c}`);
  assert.equal(opInfo(0x27), undefined);
  assert.equal(prefixedOpInfo(PREFIX_SIMD, 0x9a), undefined);
});

test('names are unique except the two encodings of select/ref.test/ref.cast', () => {
  const seen = new Map<string, number>();
  for (const o of allOpcodes()) seen.set(o.name, (seen.get(o.name) ?? 0) + 1);
  const dup = [...seen].filter(([, n]) => n > 1).map(([k]) => k).sort();
  assert.deepEqual(dup, ['ref.cast', 'ref.test', 'select']);
});

test('flags: calls, traps, block structure', () => {
  const f = (name: string) => allOpcodes().find((o) => o.name === name)!.flags;
  assert.ok(f('call') & OpFlag.Call);
  assert.ok(f('return_call_ref') & OpFlag.ReturnCall);
  assert.ok(f('block') & OpFlag.BlockStart);
  assert.ok(f('delegate') & OpFlag.BlockEnd);
  assert.ok(f('catch_all') & OpFlag.BlockMid);
  for (const n of ['memory.fill', 'table.get', 'ref.as_non_null', 'struct.get', 'array.len', 'i64.rem_u', 'v128.store', 'memory.atomic.wait32', 'throw']) {
    assert.ok(f(n) & OpFlag.Trap, n);
  }
  for (const n of ['i32.add', 'memory.grow', 'table.size', 'br', 'i32.trunc_sat_f32_s', 'f64.div', 'call']) assert.equal(f(n) & OpFlag.Trap, 0, n);
});

test('natural alignment of memory instructions', () => {
  const a = (name: string) => naturalAlignLog2(allOpcodes().find((o) => o.name === name)!);
  assert.deepEqual(
    ['i32.load8_s', 'i32.load16_u', 'i32.load', 'i64.load', 'f64.store', 'i64.store32', 'v128.load', 'v128.load8x8_s',
      'v128.load32_splat', 'v128.load64_zero', 'v128.store16_lane', 'i32.atomic.rmw8.add_u', 'i64.atomic.rmw.xchg',
      'memory.atomic.notify', 'memory.atomic.wait64'].map(a),
    [0, 1, 2, 3, 3, 2, 4, 3, 2, 3, 1, 0, 3, 2, 3],
  );
});
