/**
 * A tiny Wasm module builder for capture tests: enough to make small
 * crashing programs without a compiler (types, function imports, functions
 * with locals, one memory, globals, exports, active data).
 */
import { WasmEncoder, WASM_HEADER } from '../../../src/coredump/writer';

export const T = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c } as const;
export const OP = {
  unreachable: 0x00, call: 0x10, drop: 0x1a, end: 0x0b, localGet: 0x20, localSet: 0x21,
  globalGet: 0x23, globalSet: 0x24, i32Const: 0x41, i64Const: 0x42, f32Const: 0x43, f64Const: 0x44,
  i32DivS: 0x6d, i32Load: 0x28, i32Store: 0x36,
} as const;

export interface FuncDef { type: number; locals?: Array<[number, number]>; code: number[]; export?: string }
export interface GlobalDef { type: number; mutable: boolean; init: number[] }

export interface ModuleDef {
  types: Array<{ params: number[]; results: number[] }>;
  imports?: Array<{ module: string; field: string; type: number }>;
  funcs: FuncDef[];
  memoryPages?: number;
  exportMemory?: boolean;
  globals?: GlobalDef[];
  data?: Array<{ offset: number; bytes: number[] }>;
}

/** Byte length of a function's locals declaration, i.e. where its code starts relative to the body start. */
export function localsDeclLength(f: FuncDef): number {
  const e = new WasmEncoder();
  const runs = f.locals ?? [];
  e.u32(runs.length);
  for (const [n, t] of runs) e.u32(n).byte(t);
  return e.length;
}

export function buildModule(m: ModuleDef): Uint8Array {
  const out = new WasmEncoder().bytes(WASM_HEADER);
  const types = new WasmEncoder().u32(m.types.length);
  for (const t of m.types) {
    types.byte(0x60).u32(t.params.length).bytes(t.params).u32(t.results.length).bytes(t.results);
  }
  out.section(1, types);
  const imps = m.imports ?? [];
  if (imps.length) {
    const s = new WasmEncoder().u32(imps.length);
    for (const i of imps) s.name(i.module).name(i.field).byte(0).u32(i.type);
    out.section(2, s);
  }
  const fs = new WasmEncoder().u32(m.funcs.length);
  for (const f of m.funcs) fs.u32(f.type);
  out.section(3, fs);
  if (m.memoryPages !== undefined) out.section(5, new WasmEncoder().u32(1).byte(0).u32(m.memoryPages));
  if (m.globals?.length) {
    const g = new WasmEncoder().u32(m.globals.length);
    for (const x of m.globals) g.byte(x.type).byte(x.mutable ? 1 : 0).bytes(x.init).byte(OP.end);
    out.section(6, g);
  }
  const exps: Array<[string, number, number]> = [];
  m.funcs.forEach((f, i) => { if (f.export) exps.push([f.export, 0, imps.length + i]); });
  if (m.exportMemory) exps.push(['memory', 2, 0]);
  if (exps.length) {
    const e = new WasmEncoder().u32(exps.length);
    for (const [n, k, i] of exps) e.name(n).byte(k).u32(i);
    out.section(7, e);
  }
  const code = new WasmEncoder().u32(m.funcs.length);
  for (const f of m.funcs) {
    const body = new WasmEncoder();
    const runs = f.locals ?? [];
    body.u32(runs.length);
    for (const [n, t] of runs) body.u32(n).byte(t);
    body.bytes(f.code).byte(OP.end);
    code.u32(body.length).append(body);
  }
  out.section(10, code);
  if (m.data?.length) {
    const d = new WasmEncoder().u32(m.data.length);
    for (const x of m.data) d.byte(0).byte(OP.i32Const).s32(x.offset).byte(OP.end).u32(x.bytes.length).bytes(x.bytes);
    out.section(11, d);
  }
  return out.finish();
}

/** Encoders for instruction immediates. */
export const imm = {
  u32: (n: number): number[] => Array.from(new WasmEncoder().u32(n).finish()),
  s32: (n: number): number[] => Array.from(new WasmEncoder().s32(n).finish()),
  s64: (n: bigint): number[] => Array.from(new WasmEncoder().s64(n).finish()),
  f32bits: (bits: number): number[] => Array.from(new WasmEncoder().fixed32(bits).finish()),
  f64bits: (bits: bigint): number[] => Array.from(new WasmEncoder().fixed64(bits).finish()),
};
