/**
 * Writes a standard Wasm core dump (WebAssembly/tool-conventions Coredump.md):
 * a Wasm module that is never instantiated, holding custom sections `core`,
 * `coremodules`, `coreinstances`, one `corestack` per thread, a Memory section
 * (one memory per captured memory, sized in pages), a Global section (each
 * global's value at crash time as a constant) and a Data section (memory
 * contents as active segments, zero runs dropped like wasmtime).
 *
 * Conventions of this writer (documented for readers of our dumps):
 * - Frame code offsets are written as given; our capture measures them from
 *   the function BODY start (just after the body-size LEB), like wasmtime and V8.
 * - i32/i64 values: signed LEB128 by default (spec, wasmtime), or fixed-width
 *   little-endian with `valueEncoding: 'fixed'` (wasmgdb style). f32/f64 are
 *   always their exact IEEE bits, little-endian.
 * - Locals/stack `undefined` (not recorded) are written as empty vectors, as
 *   wasmtime does. Values of types the format cannot hold (v128, references)
 *   must be given as `{type:'missing'}` (0x01).
 * - Globals of reference type (funcref, externref) cannot be captured as
 *   values: they are written as `ref.null <type>`; a reader must treat a null
 *   reference global in a core dump as "unavailable". v128 globals are written
 *   as `v128.const` with their bytes.
 */
import { WasmCoreError } from '../util/errors';
import { Instance, ValueEncoding, WasmValue } from './model';

/**
 * A small append-only Wasm byte encoder (LEB128, names, sections). Used by the
 * core dump writer and by tests that build modules by hand. Large payloads
 * (memory segments) are kept as views and copied once, at `finish()`.
 */
export class WasmEncoder {
  private parts: Uint8Array[] = [];
  private cur: number[] = [];
  private len = 0;

  get length(): number { return this.len + this.cur.length; }

  byte(b: number): this { this.cur.push(b & 0xff); return this; }

  bytes(b: ArrayLike<number>): this {
    if (b instanceof Uint8Array && b.length > 256) {
      this.flush();
      this.parts.push(b);
      this.len += b.length;
    } else {
      for (let i = 0; i < b.length; i++) this.cur.push(b[i] & 0xff);
    }
    return this;
  }

  u32(n: number): this {
    if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`u32 out of range: ${n}`);
    do {
      let b = n & 0x7f;
      n = Math.floor(n / 128);
      if (n !== 0) b |= 0x80;
      this.cur.push(b);
    } while (n !== 0);
    return this;
  }

  /** Unsigned LEB128 of a bigint (memory64 offsets). */
  u64(n: bigint): this {
    do {
      let b = Number(n & 0x7fn);
      n >>= 7n;
      if (n !== 0n) b |= 0x80;
      this.cur.push(b);
    } while (n !== 0n);
    return this;
  }

  s32(n: number): this { return this.s64(BigInt(n | 0)); }

  s64(n: bigint): this {
    n = BigInt.asIntN(64, n);
    for (;;) {
      const b = Number(n & 0x7fn);
      n >>= 7n; // arithmetic shift on bigint
      const signBit = (b & 0x40) !== 0;
      if ((n === 0n && !signBit) || (n === -1n && signBit)) { this.cur.push(b); return this; }
      this.cur.push(b | 0x80);
    }
  }

  fixed32(n: number): this {
    const v = n >>> 0;
    return this.byte(v).byte(v >>> 8).byte(v >>> 16).byte(v >>> 24);
  }

  fixed64(n: bigint): this {
    const v = BigInt.asUintN(64, n);
    for (let i = 0n; i < 64n; i += 8n) this.byte(Number((v >> i) & 0xffn));
    return this;
  }

  name(s: string): this {
    const b = new TextEncoder().encode(s);
    return this.u32(b.length).bytes(b);
  }

  /** Append another encoder's content (after which `e` must not be reused). */
  append(e: WasmEncoder): this {
    this.flush();
    for (const p of e.finishParts()) { this.parts.push(p); this.len += p.length; }
    return this;
  }

  /** Section: id, size, payload. */
  section(id: number, payload: WasmEncoder): this {
    return this.byte(id).u32(payload.length).append(payload);
  }

  customSection(name: string, payload: WasmEncoder): this {
    const body = new WasmEncoder().name(name).append(payload);
    return this.section(0, body);
  }

  private flush(): void {
    if (this.cur.length) { this.parts.push(Uint8Array.from(this.cur)); this.len += this.cur.length; this.cur = []; }
  }

  finishParts(): Uint8Array[] { this.flush(); return this.parts; }

  finish(): Uint8Array {
    const parts = this.finishParts();
    if (parts.length === 1) return parts[0];
    const out = new Uint8Array(this.len);
    let o = 0;
    for (const p of parts) { out.set(p, o); o += p.length; }
    return out;
  }
}

export const WASM_HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

export interface FrameInput {
  instanceIndex: number;
  funcIndex: number;
  /** Offset from the function body start (after the body-size LEB). */
  codeOffset: number;
  /** `undefined` = not recorded (written as an empty vector). */
  locals?: WasmValue[];
  stack?: WasmValue[];
}

export interface ThreadInput { name: string; frames: FrameInput[] }

export interface Segment { offset: number; bytes: Uint8Array }

export interface MemoryInput {
  /** Current size in 64 KiB pages. */
  pages: number;
  maxPages?: number;
  memory64?: boolean;
  /** Non-overlapping contents; bytes not covered are zero. See `chunkMemory`. */
  segments: Segment[];
}

export type GlobalValue =
  | Exclude<WasmValue, { type: 'missing' }>
  | { type: 'v128'; bytes: Uint8Array }
  | { type: 'funcref' | 'externref' };

export interface GlobalInput { value: GlobalValue; mutable?: boolean }

export interface CoreDumpInput {
  /** Name of the executable / program (the `core` section). */
  executableName: string;
  /** Module names (the `coremodules` section), e.g. a path or URL of each `.wasm`. */
  modules: string[];
  /** Each instance's memories and globals index into `memories` / `globals` below. */
  instances: Instance[];
  threads: ThreadInput[];
  memories: MemoryInput[];
  globals: GlobalInput[];
}

export interface WriteOptions { valueEncoding?: ValueEncoding }

export const PAGE_SIZE = 65536;
export const CHUNK_SIZE = 4096;

/**
 * Split memory contents into segments the way wasmtime does: 4 KiB chunks,
 * all-zero chunks dropped, leading and trailing zeros of each chunk trimmed.
 * `base` is the memory address of `data[0]`. Segments are views into `data`.
 */
export function chunkMemory(data: Uint8Array, base = 0, chunkSize = CHUNK_SIZE): Segment[] {
  const out: Segment[] = [];
  for (let start = 0; start < data.length; start += chunkSize) {
    const end = Math.min(start + chunkSize, data.length);
    let a = start;
    while (a < end && data[a] === 0) a++;
    if (a === end) continue;
    let b = end;
    while (data[b - 1] === 0) b--;
    out.push({ offset: base + a, bytes: data.subarray(a, b) });
  }
  return out;
}

function bad(detail: string): never {
  throw new WasmCoreError('E_ARGUMENT', `core dump writer: ${detail}`);
}

function writeValue(e: WasmEncoder, v: WasmValue, fixed: boolean): void {
  switch (v.type) {
    case 'i32': e.byte(0x7f); if (fixed) e.fixed32(v.value); else e.s32(v.value); return;
    case 'i64': e.byte(0x7e); if (fixed) e.fixed64(v.value); else e.s64(v.value); return;
    case 'f32': e.byte(0x7d).fixed32(v.bits); return;
    case 'f64': e.byte(0x7c).fixed64(v.bits); return;
    case 'missing': e.byte(0x01); return;
  }
}

function writeValues(e: WasmEncoder, vs: WasmValue[] | undefined, fixed: boolean): void {
  e.u32(vs ? vs.length : 0);
  for (const v of vs ?? []) writeValue(e, v, fixed);
}

function writeGlobal(e: WasmEncoder, g: GlobalInput): void {
  const v = g.value;
  const mut = g.mutable === false ? 0 : 1;
  switch (v.type) {
    case 'i32': e.byte(0x7f).byte(mut).byte(0x41).s32(v.value); break;
    case 'i64': e.byte(0x7e).byte(mut).byte(0x42).s64(v.value); break;
    case 'f32': e.byte(0x7d).byte(mut).byte(0x43).fixed32(v.bits); break;
    case 'f64': e.byte(0x7c).byte(mut).byte(0x44).fixed64(v.bits); break;
    case 'v128':
      if (v.bytes.length !== 16) bad(`v128 global needs 16 bytes, got ${v.bytes.length}`);
      e.byte(0x7b).byte(mut).byte(0xfd).u32(12).bytes(v.bytes); break;
    case 'funcref': e.byte(0x70).byte(mut).byte(0xd0).byte(0x70); break;
    case 'externref': e.byte(0x6f).byte(mut).byte(0xd0).byte(0x6f); break;
    default: bad(`unsupported global type ${(v as { type: string }).type}`);
  }
  e.byte(0x0b);
}

function checkIndices(m: CoreDumpInput): void {
  for (const [i, inst] of m.instances.entries()) {
    if (inst.moduleIndex < 0 || inst.moduleIndex >= m.modules.length) bad(`instance ${i} names module ${inst.moduleIndex}, only ${m.modules.length} modules`);
    for (const x of inst.memories) if (x < 0 || x >= m.memories.length) bad(`instance ${i} names memory ${x}, only ${m.memories.length}`);
    for (const x of inst.globals) if (x < 0 || x >= m.globals.length) bad(`instance ${i} names global ${x}, only ${m.globals.length}`);
  }
  for (const t of m.threads) for (const f of t.frames) {
    if (f.instanceIndex < 0 || f.instanceIndex >= m.instances.length) bad(`thread '${t.name}': frame names instance ${f.instanceIndex}, only ${m.instances.length}`);
  }
  for (const [i, mem] of m.memories.entries()) {
    const size = mem.pages * PAGE_SIZE;
    let prevEnd = 0;
    const sorted = [...mem.segments].sort((a, b) => a.offset - b.offset);
    for (const s of sorted) {
      if (s.offset < prevEnd) bad(`memory ${i}: segments overlap at 0x${s.offset.toString(16)}`);
      if (s.offset + s.bytes.length > size) bad(`memory ${i}: segment at 0x${s.offset.toString(16)} ends past the memory size (${mem.pages} pages)`);
      prevEnd = s.offset + s.bytes.length;
    }
  }
}

/** Encode a core dump. Throws `WasmCoreError` (E_ARGUMENT) on inconsistent input. */
export function writeCoreDump(m: CoreDumpInput, opts: WriteOptions = {}): Uint8Array {
  checkIndices(m);
  const fixed = opts.valueEncoding === 'fixed';
  const out = new WasmEncoder().bytes(WASM_HEADER);

  out.customSection('core', new WasmEncoder().byte(0).name(m.executableName));

  const mods = new WasmEncoder().u32(m.modules.length);
  for (const name of m.modules) mods.byte(0).name(name);
  out.customSection('coremodules', mods);

  const insts = new WasmEncoder().u32(m.instances.length);
  for (const inst of m.instances) {
    insts.byte(0).u32(inst.moduleIndex);
    insts.u32(inst.memories.length); for (const x of inst.memories) insts.u32(x);
    insts.u32(inst.globals.length); for (const x of inst.globals) insts.u32(x);
  }
  out.customSection('coreinstances', insts);

  for (const t of m.threads) {
    const s = new WasmEncoder().byte(0).name(t.name).u32(t.frames.length);
    for (const f of t.frames) {
      s.byte(0).u32(f.instanceIndex).u32(f.funcIndex).u32(f.codeOffset);
      writeValues(s, f.locals, fixed);
      writeValues(s, f.stack, fixed);
    }
    out.customSection('corestack', s);
  }

  if (m.memories.length) {
    const mem = new WasmEncoder().u32(m.memories.length);
    for (const x of m.memories) {
      const flags = (x.memory64 ? 0x04 : 0) | (x.maxPages !== undefined ? 0x01 : 0);
      mem.byte(flags).u32(x.pages);
      if (x.maxPages !== undefined) mem.u32(x.maxPages);
    }
    out.section(5, mem);
  }

  if (m.globals.length) {
    const gl = new WasmEncoder().u32(m.globals.length);
    for (const g of m.globals) writeGlobal(gl, g);
    out.section(6, gl);
  }

  const segs: Array<{ mem: number; s: Segment; m64: boolean }> = [];
  m.memories.forEach((x, i) => { for (const s of x.segments) if (s.bytes.length) segs.push({ mem: i, s, m64: !!x.memory64 }); });
  if (segs.length) {
    const data = new WasmEncoder().u32(segs.length);
    for (const { mem, s, m64 } of segs) {
      if (mem === 0) data.byte(0); else data.byte(2).u32(mem);
      if (m64) data.byte(0x42).s64(BigInt(s.offset)); else data.byte(0x41).s32(s.offset | 0);
      data.byte(0x0b).u32(s.bytes.length).bytes(s.bytes);
    }
    out.section(11, data);
  }
  return out.finish();
}
