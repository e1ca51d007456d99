/**
 * A tiny Wasm module assembler for tests: hand-built bytes with known
 * offsets, instead of opaque blobs.
 */
import { WasmModule } from '../../../src/wasm/module';

export function uleb(n: number | bigint): number[] {
  let v = BigInt(n);
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) b |= 0x80;
    out.push(b);
  } while (v !== 0n);
  return out;
}

export function sleb(n: number | bigint): number[] {
  let v = BigInt(n);
  const out: number[] = [];
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    const done = (v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0);
    out.push(done ? b : b | 0x80);
    if (done) return out;
  }
}

export function str(s: string): number[] {
  const b = Array.from(new TextEncoder().encode(s));
  return [...uleb(b.length), ...b];
}

export function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

export function section(id: number, payload: number[]): number[] {
  return [id, ...uleb(payload.length), ...payload];
}

export const I32 = 0x7f, I64 = 0x7e, F32 = 0x7d, F64 = 0x7c, V128 = 0x7b;

export interface FuncSpec {
  type: number;
  /** (count, value type byte) runs */
  locals?: Array<[number, number]>;
  /** instruction bytes, final `end` included */
  code: number[];
}

export interface ModuleSpec {
  types?: Array<{ params: number[]; results: number[] }>;
  imports?: Array<{ module: string; field: string; type: number }>;
  funcs?: FuncSpec[];
  names?: { funcs?: Record<number, string>; locals?: Record<number, Record<number, string>>; globals?: Record<number, string> };
  /** extra raw sections appended at the end */
  extra?: number[][];
}

function nameMap(m: Record<number, string>): number[] {
  return vec(Object.entries(m).map(([i, n]) => [...uleb(Number(i)), ...str(n)]));
}

export interface Built {
  bytes: Uint8Array;
  module: WasmModule;
  /** file offset of the first instruction of each defined function */
  firstInstr: number[];
  codeStart: number;
}

export function buildModule(spec: ModuleSpec, file = 'test.wasm'): Built {
  const types = spec.types ?? [{ params: [], results: [] }];
  const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  out.push(...section(1, vec(types.map((t) => [0x60, ...vec(t.params.map((p) => [p])), ...vec(t.results.map((r) => [r]))]))));
  if (spec.imports?.length) {
    out.push(...section(2, vec(spec.imports.map((i) => [...str(i.module), ...str(i.field), 0x00, ...uleb(i.type)]))));
  }
  const funcs = spec.funcs ?? [];
  out.push(...section(3, vec(funcs.map((f) => uleb(f.type)))));
  const bodies = funcs.map((f) => {
    const locals = vec((f.locals ?? []).map(([n, t]) => [...uleb(n), t]));
    return { locals, code: f.code };
  });
  const codePayload: number[] = [...uleb(bodies.length)];
  const relFirst: number[] = [];
  for (const b of bodies) {
    const body = [...b.locals, ...b.code];
    codePayload.push(...uleb(body.length));
    relFirst.push(codePayload.length + b.locals.length);
    codePayload.push(...body);
  }
  out.push(10, ...uleb(codePayload.length));
  const codeStart = out.length;
  out.push(...codePayload);
  if (spec.names) {
    const subs: number[] = [];
    if (spec.names.funcs) subs.push(...section(1, nameMap(spec.names.funcs)));
    if (spec.names.locals) {
      subs.push(...section(2, vec(Object.entries(spec.names.locals).map(([f, m]) => [...uleb(Number(f)), ...nameMap(m)]))));
    }
    if (spec.names.globals) subs.push(...section(7, nameMap(spec.names.globals)));
    out.push(...section(0, [...str('name'), ...subs]));
  }
  for (const e of spec.extra ?? []) out.push(...e);
  const bytes = new Uint8Array(out);
  return { bytes, module: new WasmModule(bytes, file), firstInstr: relFirst.map((r) => codeStart + r), codeStart };
}

/** A module with one function (index 0, or after `imports`) whose code is `code` (final end included). */
export function oneFunction(code: number[], extra: Partial<ModuleSpec> = {}): Built {
  return buildModule({ funcs: [{ type: 0, code }], ...extra });
}
