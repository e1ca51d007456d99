/** Shared pieces of the expression tests: a frame context over a small memory and a fake unit's base types. */
import { BaseType, FrameContext, Loc } from '../../../src/dwarf/expr';

export const mem = new Uint8Array(256);
mem.set([0x78, 0x56, 0x34, 0x12], 16);
mem.set([0x20, 0, 0, 0], 32);
mem.set([0xfe, 0xff], 40);
mem.set([0x00, 0x00, 0xc0, 0x3f], 48); // f32 1.5

/** Base type DIEs of a fake unit, by unit offset. */
export const T = {
  int: 0x10, uint: 0x18, schar: 0x20, float: 0x28, double: 0x30, u64: 0x38, i64: 0x40, i128: 0x48,
  cfloat: 0x50, f128: 0x58, zero: 0x60, unknown: 0x68,
};
export const baseTypes = new Map<number, BaseType>([
  [T.int, { encoding: 0x05, byteSize: 4 }], [T.uint, { encoding: 0x07, byteSize: 4 }],
  [T.schar, { encoding: 0x06, byteSize: 1 }], [T.float, { encoding: 0x04, byteSize: 4 }],
  [T.double, { encoding: 0x04, byteSize: 8 }], [T.u64, { encoding: 0x07, byteSize: 8 }],
  [T.i64, { encoding: 0x05, byteSize: 8 }], [T.i128, { encoding: 0x05, byteSize: 16 }],
  [T.cfloat, { encoding: 0x03, byteSize: 8 }], [T.f128, { encoding: 0x04, byteSize: 16 }],
  [T.zero, { encoding: 0x05, byteSize: 0 }],
]);

export function ctx(over: Partial<FrameContext> = {}): FrameContext {
  return {
    addressSize: 4,
    local: (i) => (i === 0 ? { type: 'i32', value: -1 } : undefined),
    global: () => undefined,
    operand: () => undefined,
    readMemory: (a, n) => (a + n <= mem.length ? { bytes: mem.slice(a, a + n) } : { unreadable: 'past end' }),
    baseType: (off) => baseTypes.get(off),
    ...over,
  };
}

export function reason(l: Loc): string {
  if (l.kind !== 'unavailable') throw new Error(`expected unavailable, got ${JSON.stringify(l, (_k, v) => (typeof v === 'bigint' ? String(v) : v))}`);
  return l.reason;
}

/** Bytes of a `value` location. */
export function bytes(l: Loc): number[] {
  if (l.kind !== 'value') throw new Error(`expected a value, got ${l.kind === 'unavailable' ? l.reason : l.kind}`);
  return [...l.bytes];
}

export const le = (v: number | bigint, n: number) => {
  const out: number[] = [];
  let x = BigInt.asUintN(n * 8, BigInt(v));
  for (let i = 0; i < n; i++) { out.push(Number(x & 0xffn)); x >>= 8n; }
  return out;
};
export const f32 = (x: number) => [...new Uint8Array(new Float32Array([x]).buffer)];
export const f64 = (x: number) => [...new Uint8Array(new Float64Array([x]).buffer)];
/** DW_OP_const_type <type> <n> <bytes>. */
export const cType = (type: number, b: number[]) => [0xa4, type, b.length, ...b];
