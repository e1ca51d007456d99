/**
 * Values on the DWARF expression stack (DWARF 5 section 2.5.1): the generic
 * type (a bigint, as before typed stacks existed) and values of a base type
 * pushed by DW_OP_const_type / deref_type / convert / reinterpret. Arithmetic
 * and comparisons respect the type: width, signedness, floating point.
 * Anything that would need a guess is `Unavailable`.
 */
import { DW_OP, opName } from './expr-ops';
import { ateName } from './constants';
import type { WasmValue } from '../coredump/model';

/** What the evaluator needs of a DW_TAG_base_type DIE. */
export interface BaseType { encoding: number; byteSize: number }
/** A value of a base type. Integers: the bits, zero-extended to `t.byteSize`; floats: their IEEE bits. */
export interface Typed { t: BaseType; v: bigint }
/** Generic-type values are plain bigints (kept modulo 2^64); typed values carry their type. */
export type Entry = bigint | Typed;

export class Unavailable { constructor(readonly reason: string) {} }

export const M64 = (1n << 64n) - 1n;
const signed64 = (v: bigint) => BigInt.asIntN(64, v);

type Kind = 'signed' | 'unsigned' | 'float' | 'other';

export function kindOf(t: BaseType): Kind {
  switch (t.encoding) {
    case 0x05: case 0x06: return 'signed'; // signed, signed_char
    case 0x01: case 0x02: case 0x07: case 0x08: case 0x10: case 0x11: case 0x12: return 'unsigned'; // address, boolean, unsigned(_char), UTF, UCS, ASCII
    case 0x04: return 'float';
    default: return 'other';
  }
}

export function typeName(t: BaseType): string { return `${ateName(t.encoding)} of ${t.byteSize} bytes`; }

/** Check a base type resolved from the DWARF before using it. */
export function checkBaseType(t: BaseType | undefined, off: number): BaseType {
  if (!t) throw new Unavailable(`DWARF expression refers to base type at unit offset 0x${off.toString(16)}, which cannot be resolved`);
  const k = kindOf(t);
  const max = k === 'signed' || k === 'unsigned' ? 16 : 32;
  if (!Number.isInteger(t.byteSize) || t.byteSize < 1 || t.byteSize > max) throw new Unavailable(`base type ${typeName(t)} has an unsupported size`);
  return t;
}

const norm = (t: BaseType, v: bigint) => BigInt.asUintN(t.byteSize * 8, v);

/** Numeric value of an integral typed value (sign-extended for signed types). */
function intVal(e: Typed): bigint {
  const k = kindOf(e.t);
  if (k === 'signed') return BigInt.asIntN(e.t.byteSize * 8, e.v);
  if (k === 'unsigned') return e.v;
  throw new Unavailable(`${typeName(e.t)} is not an integral type`);
}

function floatVal(e: Typed): number {
  const dv = new DataView(new ArrayBuffer(8));
  if (e.t.byteSize === 4) { dv.setUint32(0, Number(e.v & 0xffffffffn), true); return dv.getFloat32(0, true); }
  if (e.t.byteSize === 8) { dv.setBigUint64(0, e.v, true); return dv.getFloat64(0, true); }
  throw new Unavailable(`arithmetic on ${typeName(e.t)} is not supported`);
}

function floatBits(t: BaseType, x: number): bigint {
  const dv = new DataView(new ArrayBuffer(8));
  if (t.byteSize === 4) { dv.setFloat32(0, x, true); return BigInt(dv.getUint32(0, true)); }
  if (t.byteSize === 8) { dv.setFloat64(0, x, true); return dv.getBigUint64(0, true); }
  throw new Unavailable(`arithmetic on ${typeName(t)} is not supported`);
}

const sameType = (a: BaseType, b: BaseType) =>
  a.byteSize === b.byteSize && (a.encoding === b.encoding || (kindOf(a) === kindOf(b) && kindOf(a) !== 'other'));

const describe = (e: Entry) => (typeof e === 'bigint' ? 'the generic type' : typeName(e.t));

/** An integral value used as a shift amount, a branch condition or an address (unsigned). */
function integral(e: Entry, what: string): bigint {
  if (typeof e === 'bigint') return e;
  const k = kindOf(e.t);
  if (k !== 'signed' && k !== 'unsigned') throw new Unavailable(`${what}: ${typeName(e.t)} is not an integral type`);
  return e.v;
}

export function asAddress(e: Entry, mask: bigint): number { return Number(integral(e, 'address') & mask); }

export function truthy(e: Entry): boolean {
  if (typeof e !== 'bigint' && kindOf(e.t) === 'float') return floatVal(e) !== 0;
  return integral(e, 'DW_OP_bra') !== 0n;
}

/** Little-endian bytes of a value for DW_OP_stack_value (generic values: 8 bytes, as before). */
export function entryBytes(e: Entry): Uint8Array {
  return typeof e === 'bigint' ? bigToBytes(e, 8) : bigToBytes(e.v, e.t.byteSize);
}

/** Little-endian bytes of a recorded Wasm value; undefined when the producer marked it missing. */
export function wasmValueBytes(v: WasmValue): Uint8Array | undefined {
  const b = new Uint8Array(v.type === 'i64' || v.type === 'f64' ? 8 : 4);
  const dv = new DataView(b.buffer);
  switch (v.type) {
    case 'i32': dv.setInt32(0, v.value, true); return b;
    case 'i64': dv.setBigInt64(0, v.value, true); return b;
    case 'f32': dv.setUint32(0, v.bits >>> 0, true); return b;
    case 'f64': dv.setBigUint64(0, BigInt.asUintN(64, v.bits), true); return b;
    default: return undefined;
  }
}

export function bytesToBig(b: Uint8Array): bigint {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  return v;
}

export function bigToBytes(v: bigint, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = BigInt.asUintN(size * 8, v);
  for (let i = 0; i < size; i++) { out[i] = Number(x & 0xffn); x >>= 8n; }
  return out;
}

/**
 * A typed value from `bytes` (DW_OP_const_type: exactly the type's size;
 * DW_OP_deref_type: integers may be narrower and are extended by the type's signedness).
 */
export function typedFromBytes(t: BaseType, bytes: Uint8Array, exact: boolean): Typed {
  const k = kindOf(t);
  if (bytes.length === t.byteSize) return { t, v: bytesToBig(bytes) };
  if (exact || bytes.length > t.byteSize || (k !== 'signed' && k !== 'unsigned')) {
    throw new Unavailable(`${bytes.length} bytes given for ${typeName(t)}`);
  }
  const raw = bytesToBig(bytes);
  return { t, v: norm(t, k === 'signed' ? BigInt.asIntN(bytes.length * 8, raw) : raw) };
}

/** Binary operations; generic operands keep the evaluator's historical semantics (64-bit, signed div and comparisons). */
export function binary(op: number, a: Entry, b: Entry): Entry {
  if (typeof a === 'bigint' && typeof b === 'bigint') return genericBinary(op, a, b);
  if (op === DW_OP.shl || op === DW_OP.shr || op === DW_OP.shra) return shift(op, a, integral(b, opName(op)));
  if (typeof a === 'bigint' || typeof b === 'bigint' || !sameType(a.t, b.t)) {
    throw new Unavailable(`${opName(op)} on different types (${describe(a)} and ${describe(b)})`);
  }
  const t = a.t, k = kindOf(t);
  if (k === 'float') {
    const x = floatVal(a), y = floatVal(b);
    const c = compare(op, x, y);
    if (c !== undefined) return c;
    switch (op) {
      case DW_OP.plus: return { t, v: floatBits(t, x + y) };
      case DW_OP.minus: return { t, v: floatBits(t, x - y) };
      case DW_OP.mul: return { t, v: floatBits(t, x * y) };
      case DW_OP.div: return { t, v: floatBits(t, x / y) };
      default: throw new Unavailable(`${opName(op)} needs an integral type, not ${typeName(t)}`);
    }
  }
  const x = intVal(a), y = intVal(b);
  const c = compare(op, x, y);
  if (c !== undefined) return c;
  switch (op) {
    case DW_OP.plus: return { t, v: norm(t, x + y) };
    case DW_OP.minus: return { t, v: norm(t, x - y) };
    case DW_OP.mul: return { t, v: norm(t, x * y) };
    case DW_OP.div: case DW_OP.mod:
      if (y === 0n) throw new Unavailable(`${opName(op)} by zero`);
      return { t, v: norm(t, op === DW_OP.div ? x / y : x % y) };
    case DW_OP.and: return { t, v: a.v & b.v };
    case DW_OP.or: return { t, v: a.v | b.v };
    case DW_OP.xor: return { t, v: a.v ^ b.v };
    default: throw new Unavailable(`${opName(op)} is not a binary operation`);
  }
}

function genericBinary(op: number, a: bigint, b: bigint): bigint {
  switch (op) {
    case DW_OP.plus: return a + b;
    case DW_OP.minus: return a - b;
    case DW_OP.mul: return a * b;
    case DW_OP.and: return a & b;
    case DW_OP.or: return a | b;
    case DW_OP.xor: return a ^ b;
    case DW_OP.div: {
      const y = signed64(b);
      if (y === 0n) throw new Unavailable('DW_OP_div by zero');
      return signed64(a) / y;
    }
    case DW_OP.mod:
      if (b === 0n) throw new Unavailable('DW_OP_mod by zero');
      return a % b;
    case DW_OP.shl: return b >= 64n ? 0n : a << b;
    case DW_OP.shr: return b >= 64n ? 0n : a >> b;
    case DW_OP.shra: return signed64(a) >> (b >= 64n ? 63n : b);
    default: {
      const c = compare(op, signed64(a), signed64(b));
      if (c !== undefined) return c;
      throw new Unavailable(`${opName(op)} is not a binary operation`);
    }
  }
}

function shift(op: number, a: Entry, n: bigint): Entry {
  if (typeof a === 'bigint') return genericBinary(op, a, n);
  const t = a.t, w = BigInt(t.byteSize * 8);
  const x = integral(a, opName(op));
  if (op === DW_OP.shl) return { t, v: n >= w ? 0n : norm(t, x << n) };
  if (op === DW_OP.shr) return { t, v: n >= w ? 0n : x >> n };
  return { t, v: norm(t, BigInt.asIntN(Number(w), x) >> (n >= w ? w - 1n : n)) };
}

/** DW_OP_abs, DW_OP_neg, DW_OP_not. */
export function unary(op: number, a: Entry): Entry {
  if (typeof a === 'bigint') {
    if (op === DW_OP.abs) { const v = signed64(a); return v < 0n ? -v : v; }
    return op === DW_OP.neg ? -signed64(a) : ~a;
  }
  const t = a.t;
  if (kindOf(t) === 'float') {
    if (op === DW_OP.not) throw new Unavailable(`DW_OP_not needs an integral type, not ${typeName(t)}`);
    const x = floatVal(a);
    return { t, v: floatBits(t, op === DW_OP.abs ? Math.abs(x) : -x) };
  }
  const x = intVal(a);
  if (op === DW_OP.not) return { t, v: norm(t, ~a.v) };
  return { t, v: norm(t, op === DW_OP.neg || x < 0n ? -x : x) };
}

/** DW_OP_plus_uconst: the constant takes the operand's type. */
export function plusConst(a: Entry, c: bigint): Entry {
  if (typeof a === 'bigint') return a + c;
  if (kindOf(a.t) === 'float') return { t: a.t, v: floatBits(a.t, floatVal(a) + Number(c)) };
  return { t: a.t, v: norm(a.t, intVal(a) + c) };
}

/** DW_OP_convert: the same value in another type (undefined: the generic type). */
export function convert(a: Entry, to: BaseType | undefined): Entry {
  const k = typeof a === 'bigint' ? 'signed' : kindOf(a.t);
  const tk = to ? kindOf(to) : 'signed';
  if (k === 'other' || tk === 'other') throw new Unavailable(`DW_OP_convert from ${describe(a)} to ${to ? typeName(to) : 'the generic type'} is not supported`);
  let n: bigint | undefined, f: number | undefined;
  if (typeof a === 'bigint') n = signed64(a);
  else if (k === 'float') f = floatVal(a);
  else n = intVal(a);
  if (to && tk === 'float') return { t: to, v: floatBits(to, f ?? Number(n)) };
  if (n === undefined) {
    if (!Number.isFinite(f!)) throw new Unavailable(`DW_OP_convert of ${f} to an integer`);
    n = BigInt(Math.trunc(f!));
    const bits = BigInt((to?.byteSize ?? 8) * 8);
    const lo = tk === 'signed' ? -(1n << (bits - 1n)) : 0n, hi = tk === 'signed' ? (1n << (bits - 1n)) - 1n : (1n << bits) - 1n;
    if (n < lo || n > hi) throw new Unavailable(`DW_OP_convert: ${f} does not fit in ${to ? typeName(to) : 'the generic type'}`);
  }
  return to ? { t: to, v: norm(to, n) } : n & M64;
}

/** DW_OP_reinterpret: the same bits seen as another type of the same size (the generic type has the address size). */
export function reinterpret(a: Entry, to: BaseType | undefined, addressSize: number): Entry {
  const from = typeof a === 'bigint' ? addressSize : a.t.byteSize;
  const size = to ? to.byteSize : addressSize;
  if (from !== size) throw new Unavailable(`DW_OP_reinterpret from ${describe(a)} to ${size} bytes: sizes differ`);
  const bits = BigInt.asUintN(size * 8, typeof a === 'bigint' ? a : a.v);
  return to ? { t: to, v: bits } : bits;
}

/** The six DWARF comparisons as 1 or 0 (the generic type), or undefined for any other operation. */
function compare(op: number, x: number | bigint, y: number | bigint): bigint | undefined {
  switch (op) {
    case DW_OP.eq: return x === y ? 1n : 0n;
    case DW_OP.ne: return x !== y ? 1n : 0n;
    case DW_OP.lt: return x < y ? 1n : 0n;
    case DW_OP.le: return x <= y ? 1n : 0n;
    case DW_OP.gt: return x > y ? 1n : 0n;
    case DW_OP.ge: return x >= y ? 1n : 0n;
    default: return undefined;
  }
}
