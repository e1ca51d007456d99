import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateLocation, evaluateNumber } from '../../../src/dwarf/expr';
import { T, bytes, cType, ctx, f32, f64, le, reason } from './helpers';

const ev = (b: number[], c = ctx()) => evaluateLocation(new Uint8Array(b), c);
const SV = 0x9f; // DW_OP_stack_value
const val = (b: number[]) => bytes(ev([...b, SV]));
const f32of = (b: number[]) => new DataView(new Uint8Array(b).buffer).getFloat32(0, true);
const f64of = (b: number[]) => new DataView(new Uint8Array(b).buffer).getFloat64(0, true);

test('DW_OP_const_type pushes a value of its base type; stack_value yields the type size', () => {
  assert.deepEqual(val(cType(T.int, le(-5, 4))), le(-5, 4));
  assert.deepEqual(val(cType(T.schar, [0x80])), [0x80]);
  assert.deepEqual(val(cType(T.i128, le(-2n, 16))), le(-2n, 16));
  assert.deepEqual(val(cType(T.f128, new Array(16).fill(7))), new Array(16).fill(7));
  // GNU spelling 0xf4
  assert.deepEqual(val([0xf4, T.uint, 4, ...le(9, 4)]), le(9, 4));
  // size must match the type; type 0 is the generic type
  assert.match(reason(ev([0xa4, T.int, 2, 1, 0, SV])), /2 bytes given for DW_ATE_signed of 4 bytes/);
  assert.equal(evaluateNumber(new Uint8Array([0xa4, 0, 2, 0x34, 0x12, SV]), ctx()), 0x1234);
});

test('signedness decides division, comparisons and shifts', () => {
  const m8 = le(-8, 4), two = le(2, 4);
  assert.deepEqual(val([...cType(T.int, m8), ...cType(T.int, two), 0x1b]), le(-4, 4));
  assert.deepEqual(val([...cType(T.uint, m8), ...cType(T.uint, two), 0x1b]), le(0x7ffffffc, 4));
  assert.deepEqual(val([...cType(T.int, le(-7, 4)), ...cType(T.int, two), 0x1d]), le(-1, 4)); // C remainder
  assert.deepEqual(val([...cType(T.uint, le(7, 4)), ...cType(T.uint, two), 0x1d]), le(1, 4));
  // comparisons push a generic 0/1
  const lt = (t: number) => evaluateNumber(new Uint8Array([...cType(t, le(-1, 4)), ...cType(t, le(1, 4)), 0x2d, SV]), ctx());
  assert.equal(lt(T.int), 1);
  assert.equal(lt(T.uint), 0);
  assert.deepEqual(val([...cType(T.int, le(-16, 4)), 0x32, 0x26]), le(-4, 4)); // shra by a generic 2
  assert.deepEqual(val([...cType(T.int, le(-1, 4)), 0x08, 28, 0x25]), le(0xf, 4)); // shr is logical within 32 bits
  assert.deepEqual(val([...cType(T.uint, le(1, 4)), 0x08, 32, 0x24]), le(0, 4)); // shl past the width
  assert.deepEqual(val([...cType(T.uint, le(0x80000000, 4)), ...cType(T.uint, le(31, 4)), 0x25]), le(1, 4));
});

test('typed arithmetic wraps at the width of the type', () => {
  assert.deepEqual(val([...cType(T.uint, le(0xffffffff, 4)), ...cType(T.uint, le(1, 4)), 0x22]), le(0, 4));
  assert.deepEqual(val([...cType(T.schar, [127]), ...cType(T.schar, [1]), 0x22]), [0x80]);
  assert.deepEqual(val([...cType(T.schar, [127]), 0x23, 0x02]), [0x81]); // plus_uconst takes the type
  assert.deepEqual(val([...cType(T.i128, le(1n << 100n, 16)), ...cType(T.i128, le(1n << 27n, 16)), 0x1e]), le(1n << 127n, 16));
  assert.deepEqual(val([...cType(T.int, le(-5, 4)), 0x19]), le(5, 4)); // abs
  assert.deepEqual(val([...cType(T.uint, le(5, 4)), 0x1f]), le(-5, 4)); // neg wraps
  assert.deepEqual(val([...cType(T.uint, le(0, 4)), 0x20]), le(0xffffffff, 4)); // not: 4 bytes only
  assert.deepEqual(val([...cType(T.uint, le(0xf0, 4)), ...cType(T.uint, le(0x3c, 4)), 0x1a]), le(0x30, 4));
  assert.match(reason(ev([...cType(T.int, le(1, 4)), ...cType(T.int, le(0, 4)), 0x1b])), /by zero/);
});

test('floating-point values: arithmetic, comparisons, and what floats cannot do', () => {
  assert.equal(f32of(val([...cType(T.float, f32(1.5)), ...cType(T.float, f32(2.25)), 0x22])), 3.75);
  assert.equal(f64of(val([...cType(T.double, f64(1)), ...cType(T.double, f64(3)), 0x1b])), 1 / 3);
  assert.equal(f32of(val([...cType(T.float, f32(0.1)), ...cType(T.float, f32(0.2)), 0x22])), Math.fround(Math.fround(0.1) + Math.fround(0.2)));
  assert.equal(f64of(val([...cType(T.double, f64(-2.5)), 0x19])), 2.5);
  assert.equal(f64of(val([...cType(T.double, f64(2.5)), 0x1f])), -2.5);
  assert.equal(f64of(val([...cType(T.double, f64(2.5)), 0x23, 0x01])), 3.5);
  const cmp = (op: number, a: number, b: number) => evaluateNumber(new Uint8Array([...cType(T.double, f64(a)), ...cType(T.double, f64(b)), op, SV]), ctx());
  assert.equal(cmp(0x2d, -0.5, 0.25), 1);
  assert.equal(cmp(0x29, NaN, NaN), 0);
  assert.equal(cmp(0x2e, NaN, NaN), 1);
  assert.match(reason(ev([...cType(T.double, f64(1)), ...cType(T.double, f64(1)), 0x1d])), /needs an integral type/);
  assert.match(reason(ev([...cType(T.float, f32(1)), ...cType(T.float, f32(1)), 0x1a])), /needs an integral type/);
  assert.match(reason(ev([...cType(T.float, f32(1)), 0x20])), /needs an integral type/);
  assert.match(reason(ev([...cType(T.float, f32(16)), 0x06])), /address: .* not an integral type/);
  assert.match(reason(ev([...cType(T.f128, new Array(16).fill(0)), ...cType(T.f128, new Array(16).fill(0)), 0x22])), /not supported/);
  assert.match(reason(ev([...cType(T.cfloat, new Array(8).fill(0)), ...cType(T.cfloat, new Array(8).fill(0)), 0x22])), /needs an integral type|not an integral type|not supported/);
});

test('operands of different types are unavailable, not mixed', () => {
  assert.match(reason(ev([...cType(T.int, le(1, 4)), 0x31, 0x22])), /different types \(DW_ATE_signed of 4 bytes and the generic type\)/);
  assert.match(reason(ev([...cType(T.int, le(1, 4)), ...cType(T.i64, le(1, 8)), 0x1c])), /different types/);
  assert.match(reason(ev([...cType(T.int, le(1, 4)), ...cType(T.double, f64(1)), 0x29])), /different types/);
});

test('DW_OP_convert between generic, integer and float types', () => {
  // the usual LLVM sign extension of a Wasm i32 local: convert to int32, then to int64
  assert.deepEqual(val([0xed, 0x00, 0x00, 0xa8, T.int, 0xa8, T.i64]), le(-1n, 8));
  assert.deepEqual(val([...cType(T.uint, le(0xffffffff, 4)), 0xa8, T.i64]), le(0xffffffffn, 8));
  assert.deepEqual(val([0x11, 0x7f, 0xa8, T.schar]), [0xff]); // generic -1 to signed char
  assert.equal(f64of(val([...cType(T.int, le(-7, 4)), 0xa8, T.double])), -7);
  assert.equal(f32of(val([...cType(T.double, f64(0.1)), 0xa8, T.float])), Math.fround(0.1));
  assert.deepEqual(val([...cType(T.double, f64(2.9)), 0xa8, T.int]), le(2, 4));
  assert.deepEqual(val([...cType(T.double, f64(-2.9)), 0xa8, T.int]), le(-2, 4));
  assert.match(reason(ev([...cType(T.double, f64(1e20)), 0xa8, T.int])), /does not fit/);
  assert.match(reason(ev([...cType(T.double, f64(NaN)), 0xa8, T.int])), /NaN/);
  assert.match(reason(ev([...cType(T.double, f64(-1)), 0xa8, T.uint])), /does not fit/);
  // to the generic type (0): usable with generic operands again
  assert.equal(evaluateNumber(new Uint8Array([...cType(T.int, le(-3, 4)), 0xa8, 0x00, 0x31, 0x22, SV]), ctx()), 0xfffffffe);
  assert.deepEqual(val([...cType(T.int, le(-3, 4)), 0xf7, T.i64]), le(-3n, 8)); // GNU spelling 0xf7
  assert.match(reason(ev([...cType(T.cfloat, new Array(8).fill(0)), 0xa8, T.int])), /not supported/);
});

test('DW_OP_reinterpret keeps the bits', () => {
  assert.equal(f32of(val([...cType(T.uint, le(0x3fc00000, 4)), 0xa9, T.float])), 1.5);
  assert.equal(f32of(val([0x0c, 0x00, 0x00, 0xc0, 0x3f, 0xa9, T.float])), 1.5); // generic (4-byte address) to float
  assert.deepEqual(val([...cType(T.float, f32(-0)), 0xf9, T.int]), le(0x80000000, 4)); // GNU spelling 0xf9
  assert.equal(evaluateNumber(new Uint8Array([...cType(T.int, le(-1, 4)), 0xa9, 0x00, SV]), ctx()), 0xffffffff);
  assert.match(reason(ev([...cType(T.int, le(1, 4)), 0xa9, T.double])), /sizes differ/);
  assert.match(reason(ev([0x31, 0xa9, T.double])), /sizes differ/);
});

test('DW_OP_deref_type reads memory as the type, extending narrower reads', () => {
  assert.deepEqual(val([0x08, 40, 0xa6, 2, T.int]), le(-2, 4));
  assert.deepEqual(val([0x08, 40, 0xa6, 2, T.uint]), le(0xfffe, 4));
  assert.deepEqual(val([0x08, 16, 0xf6, 4, T.uint]), le(0x12345678, 4)); // GNU spelling 0xf6
  assert.equal(f32of(val([0x08, 48, 0xa6, 4, T.float])), 1.5);
  assert.match(reason(ev([0x08, 48, 0xa6, 2, T.float])), /2 bytes given/);
  assert.match(reason(ev([0x08, 48, 0xa6, 8, T.int])), /DW_OP_deref_type of 8 bytes/);
  assert.match(reason(ev([0x0a, 0x00, 0x10, 0xa6, 4, T.int])), /unreadable: past end/);
  // an address of an integral base type is fine, a float is not
  assert.deepEqual(val([...cType(T.uint, le(16, 4)), 0xa6, 4, T.int]), le(0x12345678, 4));
  assert.deepEqual(ev(cType(T.uint, le(16, 4))), { kind: 'memory', addr: 16 });
  assert.deepEqual(val([0x08, 16, 0xa6, 2, 0x00]), le(0x5678, 8)); // type 0: generic
});

test('typed values in control flow and stack operations', () => {
  // bra on a typed comparison result and on a typed value
  // x; bra +4; lit5; skip +1; lit6 -> 5 when x is zero, 6 otherwise
  const branch = (x: number[]) => evaluateNumber(new Uint8Array([...x, 0x28, 0x04, 0x00, 0x35, 0x2f, 0x01, 0x00, 0x36, SV]), ctx());
  assert.equal(branch(cType(T.int, le(0, 4))), 5);
  assert.equal(branch(cType(T.int, le(1 << 31, 4))), 6);
  assert.equal(branch(cType(T.double, f64(0.5))), 6);
  assert.equal(branch(cType(T.double, f64(-0))), 5);
  // dup/swap/pick keep the type
  assert.deepEqual(val([...cType(T.schar, [100]), 0x12, 0x22]), [200]);
  assert.deepEqual(val([...cType(T.schar, [1]), 0x33, 0x16]), [1]);
  assert.deepEqual(val([...cType(T.schar, [1]), 0x33, 0x15, 0x01]), [1]);
});

test('typed operations that cannot be answered say why', () => {
  assert.match(reason(ev([0xa5, 0x03, T.int])), /DW_OP_regval_type: Wasm has no machine registers/);
  assert.match(reason(ev([0xf5, 0x03, T.int])), /DW_OP_GNU_regval_type: Wasm has no machine registers/);
  assert.match(reason(ev([0x31, 0xa7, 4, T.int])), /DW_OP_xderef_type: address spaces/);
  assert.match(reason(ev(cType(T.unknown, le(1, 4)))), /base type at unit offset 0x68, which cannot be resolved/);
  assert.match(reason(ev(cType(T.zero, []))), /unsupported size/);
  assert.match(reason(ev(cType(T.int, le(1, 4)), ctx({ baseType: undefined }))), /base types cannot be looked up/);
  assert.match(reason(ev([0xa4, 0x00, 9, ...new Array(9).fill(0)])), /9-byte generic constant/);
});
