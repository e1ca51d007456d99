/** A small hand-built program state for evaluator and formatter tests: types, variables, fake memory. */
import { ArrayType, BaseType, CompositeType, EnumType, PointerType, Type, makePointer } from '../../../src/types/model';
import { Value, ValueContext, valueAt } from '../../../src/values/value';
import { EvalEnv } from '../../../src/eval/evaluate';
import { MemRead } from '../../../src/dwarf/expr';

export const int: BaseType = { kind: 'base', name: 'int', size: 4, encoding: 'signed' };
export const uint: BaseType = { kind: 'base', name: 'unsigned int', size: 4, encoding: 'unsigned' };
export const char: BaseType = { kind: 'base', name: 'char', size: 1, encoding: 'signed-char' };
export const dbl: BaseType = { kind: 'base', name: 'double', size: 8, encoding: 'float' };
export const flt: BaseType = { kind: 'base', name: 'float', size: 4, encoding: 'float' };
export const bool: BaseType = { kind: 'base', name: '_Bool', size: 1, encoding: 'bool' };
export const color: EnumType = { kind: 'enum', name: 'enum Color', size: 4, signed: false, enumerators: [{ name: 'RED', value: 0n }, { name: 'GREEN', value: 1n }] };
export const flags: EnumType = { kind: 'enum', name: 'enum Flags', size: 4, signed: false, enumerators: [{ name: 'F_A', value: 1n }, { name: 'F_B', value: 2n }, { name: 'F_C', value: 4n }] };

export const item: CompositeType = {
  kind: 'composite', tag: 'struct', baseName: 'Item', name: 'struct Item', size: 24, incomplete: false, templateParams: [],
  get members() {
    return [
      { name: 'id', type: int, byteOffset: 0 },
      { name: 'price', type: dbl, byteOffset: 8 },
      { name: 'label', type: makePointer(char, 4), byteOffset: 16 },
      { name: 'next', type: makePointer(item, 4), byteOffset: 20 },
    ];
  },
};
export const bits: CompositeType = {
  kind: 'composite', tag: 'struct', baseName: 'Bits', name: 'struct Bits', size: 4, incomplete: false, templateParams: [],
  members: [
    { name: 'lo', type: uint, byteOffset: 0, bitSize: 3, bitOffset: 0 },
    { name: 'mid', type: int, byteOffset: 0, bitSize: 5, bitOffset: 3 },
    { name: 'hi', type: uint, byteOffset: 1, bitSize: 12, bitOffset: 8 },
  ],
};
export const arr: ArrayType = { kind: 'array', element: int, counts: [2, 3], size: 24, name: 'int[2][3]' };
export const name8: ArrayType = { kind: 'array', element: char, counts: [8], size: 8, name: 'char[8]' };
export const big: ArrayType = { kind: 'array', element: int, counts: [1_000_000], size: 4_000_000, name: 'int[1000000]' };

export const MEM_SIZE = 0x10000;
export const memory = new Uint8Array(MEM_SIZE);
const dv = new DataView(memory.buffer);
// item A at 0x100 -> item B at 0x200
dv.setInt32(0x100, 7, true); dv.setFloat64(0x108, 3.25, true); dv.setUint32(0x110, 0x400, true); dv.setUint32(0x114, 0x200, true);
dv.setInt32(0x200, 8, true); dv.setFloat64(0x208, 0.1, true); dv.setUint32(0x210, 0x408, true); dv.setUint32(0x214, 0, true);
memory.set(new TextEncoder().encode('apple\0'), 0x400);
memory.set(new TextEncoder().encode('pear\0'), 0x408);
// int[2][3] at 0x300: values 10*i + j
for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) dv.setInt32(0x300 + (i * 3 + j) * 4, 10 * i + j, true);
memory.set(new TextEncoder().encode('abc'), 0x500); // char[8], no NUL before 0x503 (zeros follow)
// bits at 0x600: lo=5, mid=-3 (0b11101), hi=0xabc
dv.setUint32(0x600, 5 | (0b11101 << 3) | (0xabc << 8), true);
dv.setUint32(0x700, 1 | 4, true); // flags F_A|F_C
dv.setUint32(0x704, 1, true); // GREEN
dv.setFloat32(0x708, 0.1, true);
memory[0x70c] = 1;

export const ctx: ValueContext = {
  addressSize: 4, memoryIndex: 0,
  local: () => undefined, global: (i) => (i === 0 ? { type: 'i32', value: 0x8000 } : undefined), operand: () => undefined,
  readMemory(a: number, n: number): MemRead {
    if (a < 0 || a + n > MEM_SIZE) return { unreadable: `0x${a.toString(16)} is past the end of memory` };
    return { bytes: memory.slice(a, a + n) };
  },
};

export const vars: Record<string, Value> = {
  it: valueAt(makePointer(item, 4), 0xff0, ctx),
  a: valueAt(item, 0x100, ctx),
  grid: valueAt(arr, 0x300, ctx),
  name: valueAt(name8, 0x500, ctx),
  b: valueAt(bits, 0x600, ctx),
  fl: valueAt(flags, 0x700, ctx),
  col: valueAt(color, 0x704, ctx),
  f: valueAt(flt, 0x708, ctx),
  ok: valueAt(bool, 0x70c, ctx),
  gone: { type: int, loc: { kind: 'unavailable', reason: 'optimized out' }, ctx },
  huge: valueAt(big, 0x0, ctx),
};
new DataView(memory.buffer).setUint32(0xff0, 0x100, true);

const types: Record<string, Type> = { int, 'unsigned int': uint, char, double: dbl, float: flt, 'struct Item': item, Item: item, 'enum Color': color };

export const env: EvalEnv = {
  ctx,
  lookupName: (n) => vars[n],
  lookupWasm: (n) => (n === '$global0' ? { type: int, loc: { kind: 'value', bytes: new Uint8Array([0, 0x80, 0, 0]), source: 'Wasm global 0' }, ctx } : undefined),
  findType: (n) => types[n],
};

export type { PointerType };
