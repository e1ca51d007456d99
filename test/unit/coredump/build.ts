/**
 * Test-only builder for core dump bytes (and tiny modules). Independent from
 * the reader and from src/coredump/writer.ts so tests can cross-check both.
 * Builds from chunks joined once at the end, so large (bench) dumps are cheap.
 */
export type V =
  | { t: 'i32'; v: number } | { t: 'i64'; v: bigint } | { t: 'f32'; v: number } | { t: 'f64'; v: number } | 'missing';

export interface BFrame { instance?: number; func: number; offset: number; locals?: V[]; stack?: V[] }
export interface BThread { name: string; frames: BFrame[] }
export interface BuildSpec {
  exe?: string | null;
  modules?: string[] | null;
  instances?: Array<{ module: number; memories: number[]; globals: number[] }> | null;
  threads: BThread[];
  memories?: Array<{ pages: number; max?: number; memory64?: boolean }>;
  data?: Array<{ mem?: number; offset: number; bytes: Uint8Array; i64?: boolean }>;
  globals?: Array<{ type: 'i32' | 'i64' | 'f32' | 'f64'; mutable?: boolean; value: number | bigint }>;
  enc?: 'leb' | 'fixed';
  layout?: 'standard' | 'no-instance';
}

export function uleb(n: number | bigint): number[] {
  let v = BigInt(n); const out: number[] = [];
  do { let b = Number(v & 0x7fn); v >>= 7n; if (v) b |= 0x80; out.push(b); } while (v);
  return out;
}
export function sleb(n: number | bigint): number[] {
  let v = BigInt(n); const out: number[] = [];
  for (;;) {
    const b = Number(v & 0x7fn); v >>= 7n;
    if ((v === 0n && !(b & 0x40)) || (v === -1n && (b & 0x40))) { out.push(b); return out; }
    out.push(b | 0x80);
  }
}
export const name = (s: string): number[] => { const b = [...new TextEncoder().encode(s)]; return [...uleb(b.length), ...b]; };
const le = (n: bigint, bytes: number): number[] => { const o: number[] = []; for (let i = 0; i < bytes; i++) o.push(Number((n >> BigInt(8 * i)) & 0xffn)); return o; };
const f32b = (v: number): number[] => { const d = new DataView(new ArrayBuffer(4)); d.setFloat32(0, v, true); return [...new Uint8Array(d.buffer)]; };
const f64b = (v: number): number[] => { const d = new DataView(new ArrayBuffer(8)); d.setFloat64(0, v, true); return [...new Uint8Array(d.buffer)]; };

export function value(v: V, enc: 'leb' | 'fixed'): number[] {
  if (v === 'missing') return [0x01];
  switch (v.t) {
    case 'i32': return [0x7f, ...(enc === 'leb' ? sleb(v.v) : le(BigInt.asUintN(32, BigInt(v.v)), 4))];
    case 'i64': return [0x7e, ...(enc === 'leb' ? sleb(v.v) : le(BigInt.asUintN(64, v.v), 8))];
    case 'f32': return [0x7d, ...f32b(v.v)];
    case 'f64': return [0x7c, ...f64b(v.v)];
  }
}

/** A section: id, size, payload chunks. */
export function section(id: number, payload: Uint8Array[]): Uint8Array[] {
  const size = payload.reduce((n, c) => n + c.length, 0);
  return [Uint8Array.from([id, ...uleb(size)]), ...payload];
}
export function customSection(nm: string, content: number[] | Uint8Array): Uint8Array[] {
  return section(0, [Uint8Array.from(name(nm)), content instanceof Uint8Array ? content : Uint8Array.from(content)]);
}
export function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let p = 0;
  for (const c of chunks) { out.set(c, p); p += c.length; }
  return out;
}
export const HEADER = Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

export function threadPayload(t: BThread, enc: 'leb' | 'fixed', layout: 'standard' | 'no-instance'): number[] {
  const out: number[] = [0, ...name(t.name), ...uleb(t.frames.length)];
  for (const f of t.frames) {
    out.push(0);
    if (layout === 'standard') out.push(...uleb(f.instance ?? 0));
    out.push(...uleb(f.func), ...uleb(f.offset));
    for (const vs of [f.locals ?? [], f.stack ?? []]) {
      out.push(...uleb(vs.length));
      for (const v of vs) out.push(...value(v, enc));
    }
  }
  return out;
}

export function buildCoreDump(spec: BuildSpec): Uint8Array {
  const enc = spec.enc ?? 'leb', layout = spec.layout ?? 'standard';
  const chunks: Uint8Array[] = [HEADER];
  if (spec.exe !== null) chunks.push(...customSection('core', [0, ...name(spec.exe ?? 'test.wasm')]));
  const mems = spec.memories ?? [];
  chunks.push(...section(5, [Uint8Array.from([...uleb(mems.length), ...mems.flatMap((m) =>
    [(m.max !== undefined ? 1 : 0) | (m.memory64 ? 4 : 0), ...uleb(m.pages), ...(m.max !== undefined ? uleb(m.max) : [])])])]));
  const gl = spec.globals ?? [];
  const gbytes: number[] = [...uleb(gl.length)];
  for (const g of gl) {
    const ty = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c }[g.type];
    gbytes.push(ty, g.mutable === false ? 0 : 1);
    if (g.type === 'i32' || g.type === 'i64') gbytes.push(g.type === 'i32' ? 0x41 : 0x42, ...sleb(g.value));
    else gbytes.push(g.type === 'f32' ? 0x43 : 0x44, ...(g.type === 'f32' ? f32b(Number(g.value)) : f64b(Number(g.value))));
    gbytes.push(0x0b);
  }
  chunks.push(...section(6, [Uint8Array.from(gbytes)]));
  const data = spec.data ?? [];
  const dchunks: Uint8Array[] = [Uint8Array.from(uleb(data.length))];
  for (const d of data) {
    const head = d.mem ? [2, ...uleb(d.mem)] : [0];
    const off = d.i64 ? [0x42, ...sleb(d.offset)] : [0x41, ...sleb(d.offset | 0)];
    dchunks.push(Uint8Array.from([...head, ...off, 0x0b, ...uleb(d.bytes.length)]), d.bytes);
  }
  chunks.push(...section(11, dchunks));
  if (spec.modules !== null) {
    const ms = spec.modules ?? ['test.wasm'];
    chunks.push(...customSection('coremodules', [...uleb(ms.length), ...ms.flatMap((m) => [0, ...name(m)])]));
  }
  if (spec.instances !== null) {
    const is = spec.instances ?? [{ module: 0, memories: mems.map((_, i) => i), globals: gl.map((_, i) => i) }];
    chunks.push(...customSection('coreinstances', [...uleb(is.length), ...is.flatMap((i) =>
      [0, ...uleb(i.module), ...uleb(i.memories.length), ...i.memories.flatMap((m) => uleb(m)), ...uleb(i.globals.length), ...i.globals.flatMap((g) => uleb(g))])]));
  }
  for (const t of spec.threads) chunks.push(...customSection('corestack', threadPayload(t, enc, layout)));
  return concat(chunks);
}

/**
 * A tiny module: one function type () -> (), `bodies` as raw instruction bytes
 * (locals declarations: `localDecl`, default none), optional names.
 */
export function buildModule(bodies: Array<{ code: number[]; localDecl?: number[] }>, names?: string[]): Uint8Array {
  const chunks: Uint8Array[] = [HEADER];
  chunks.push(...section(1, [Uint8Array.from([1, 0x60, 0, 0])]));
  chunks.push(...section(3, [Uint8Array.from([...uleb(bodies.length), ...bodies.map(() => 0)])]));
  const code: number[] = [...uleb(bodies.length)];
  for (const b of bodies) {
    const body = [...(b.localDecl ?? [0]), ...b.code];
    code.push(...uleb(body.length), ...body);
  }
  chunks.push(...section(10, [Uint8Array.from(code)]));
  if (names) {
    const sub = [...uleb(names.length), ...names.flatMap((n, i) => [...uleb(i), ...name(n)])];
    chunks.push(...customSection('name', [1, ...uleb(sub.length), ...sub]));
  }
  return concat(chunks);
}
