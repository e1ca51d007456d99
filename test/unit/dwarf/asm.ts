/**
 * A small DWARF/Wasm assembler for tests: byte builders, abbreviation
 * tables, unit headers, DIE trees and line programs, and a Wasm module
 * wrapper with a code section and custom sections.
 */
import * as C from '../../../src/dwarf/constants';

export class Bytes {
  b: number[] = [];
  get pos(): number { return this.b.length; }
  u8(...v: number[]): this { for (const x of v) this.b.push(x & 0xff); return this; }
  u16(v: number): this { return this.u8(v, v >> 8); }
  u24(v: number): this { return this.u8(v, v >> 8, v >> 16); }
  u32(v: number): this { return this.u8(v, v >> 8, v >> 16, v >>> 24); }
  u64(v: bigint | number): this { const x = BigInt(v); return this.u32(Number(x & 0xffffffffn)).u32(Number(x >> 32n)); }
  uleb(v: number | bigint): this {
    let x = BigInt(v);
    do { let byte = Number(x & 0x7fn); x >>= 7n; if (x !== 0n) byte |= 0x80; this.b.push(byte); } while (x !== 0n);
    return this;
  }
  sleb(v: number | bigint): this {
    let x = BigInt(v);
    for (;;) {
      const byte = Number(x & 0x7fn); x >>= 7n;
      if ((x === 0n && (byte & 0x40) === 0) || (x === -1n && (byte & 0x40) !== 0)) { this.b.push(byte); return this; }
      this.b.push(byte | 0x80);
    }
  }
  cstr(s: string): this { this.bytes(new TextEncoder().encode(s)); return this.u8(0); }
  bytes(a: ArrayLike<number> | Bytes): this { const arr = a instanceof Bytes ? a.b : Array.from(a); for (const x of arr) this.b.push(x); return this; }
  /** Write a u32 at an earlier position. */
  patch32(at: number, v: number): this { this.b[at] = v & 0xff; this.b[at + 1] = (v >> 8) & 0xff; this.b[at + 2] = (v >> 16) & 0xff; this.b[at + 3] = (v >>> 24) & 0xff; return this; }
  done(): Uint8Array { return Uint8Array.from(this.b); }
}

export type AttrDef = [at: number, form: number, implicitConst?: number];
export interface AbbrevDef { code: number; tag: number; children: boolean; attrs: AttrDef[] }

export function abbrevTable(defs: AbbrevDef[]): Bytes {
  const b = new Bytes();
  for (const d of defs) {
    b.uleb(d.code).uleb(d.tag).u8(d.children ? 1 : 0);
    for (const [at, form, ic] of d.attrs) { b.uleb(at).uleb(form); if (form === C.DW_FORM_implicit_const) b.sleb(ic ?? 0); }
    b.u8(0, 0);
  }
  return b.u8(0);
}

export interface UnitDef {
  version: number;
  unitType?: number;
  addressSize?: number;
  abbrevOffset?: number;
  /** 64-bit DWARF */
  dwarf64?: boolean;
  typeSignature?: bigint;
  typeOffset?: number;
  dwoId?: bigint;
}

/**
 * Append a unit to `out`; `body(b, unitStart)` writes the DIEs. Returns the
 * unit's start offset (ref4 values are relative to it).
 */
export function unit(out: Bytes, u: UnitDef, body: (b: Bytes, unitStart: number) => void): number {
  const start = out.pos;
  const d64 = u.dwarf64 ?? false;
  if (d64) out.u32(0xffffffff).u64(0); else out.u32(0);
  const lenEnd = out.pos;
  out.u16(u.version);
  const off = (v: number): void => { if (d64) out.u64(v); else out.u32(v); };
  if (u.version >= 5) {
    out.u8(u.unitType ?? C.DW_UT_compile).u8(u.addressSize ?? 4);
    off(u.abbrevOffset ?? 0);
    if (u.unitType === C.DW_UT_skeleton || u.unitType === C.DW_UT_split_compile) out.u64(u.dwoId ?? 0n);
    if (u.unitType === C.DW_UT_type || u.unitType === C.DW_UT_split_type) { out.u64(u.typeSignature ?? 0n); off(u.typeOffset ?? 0); }
  } else {
    off(u.abbrevOffset ?? 0);
    out.u8(u.addressSize ?? 4);
    if (u.typeSignature !== undefined) { out.u64(u.typeSignature); off(u.typeOffset ?? 0); }
  }
  body(out, start);
  const len = out.pos - lenEnd;
  if (d64) { out.patch32(start + 4, len); } else out.patch32(start, len);
  return start;
}

export interface LineFileDef { name: string; dir: number; md5?: number[] }
export interface LineDef {
  version: number;
  minInst?: number;
  defaultIsStmt?: boolean;
  lineBase?: number;
  lineRange?: number;
  opcodeBase?: number;
  dirs: string[];
  files: LineFileDef[];
  /** program bytes */
  program: (b: Bytes) => void;
}

export function lineProgram(out: Bytes, l: LineDef): number {
  const start = out.pos;
  out.u32(0);
  out.u16(l.version);
  if (l.version >= 5) out.u8(4, 0);
  const hlenAt = out.pos;
  out.u32(0);
  const hstart = out.pos;
  const opcodeBase = l.opcodeBase ?? 13;
  out.u8(l.minInst ?? 1);
  if (l.version >= 4) out.u8(1);
  out.u8(l.defaultIsStmt === false ? 0 : 1).u8((l.lineBase ?? -5) & 0xff).u8(l.lineRange ?? 14).u8(opcodeBase);
  const std = [0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1];
  for (let i = 1; i < opcodeBase; i++) out.u8(std[i - 1] ?? 0);
  if (l.version >= 5) {
    out.u8(1).uleb(C.DW_LNCT_path).uleb(C.DW_FORM_string);
    out.uleb(l.dirs.length);
    for (const d of l.dirs) out.cstr(d);
    const hasMd5 = l.files.some((f) => f.md5);
    out.u8(hasMd5 ? 3 : 2).uleb(C.DW_LNCT_path).uleb(C.DW_FORM_string).uleb(C.DW_LNCT_directory_index).uleb(C.DW_FORM_udata);
    if (hasMd5) out.uleb(C.DW_LNCT_MD5).uleb(C.DW_FORM_data16);
    out.uleb(l.files.length);
    for (const f of l.files) { out.cstr(f.name).uleb(f.dir); if (hasMd5) out.bytes(f.md5 ?? new Array(16).fill(0)); }
  } else {
    for (const d of l.dirs) out.cstr(d);
    out.u8(0);
    for (const f of l.files) out.cstr(f.name).uleb(f.dir).uleb(0).uleb(0);
    out.u8(0);
  }
  out.patch32(hlenAt, out.pos - hstart);
  l.program(out);
  out.patch32(start, out.pos - start - 4);
  return start;
}

/** Line program opcodes. */
export const op = {
  setAddress: (b: Bytes, a: number): Bytes => b.u8(0).uleb(5).u8(C.DW_LNE_set_address).u32(a),
  endSequence: (b: Bytes): Bytes => b.u8(0).uleb(1).u8(C.DW_LNE_end_sequence),
  advancePc: (b: Bytes, n: number): Bytes => b.u8(C.DW_LNS_advance_pc).uleb(n),
  advanceLine: (b: Bytes, n: number): Bytes => b.u8(C.DW_LNS_advance_line).sleb(n),
  setFile: (b: Bytes, n: number): Bytes => b.u8(C.DW_LNS_set_file).uleb(n),
  setColumn: (b: Bytes, n: number): Bytes => b.u8(C.DW_LNS_set_column).uleb(n),
  negateStmt: (b: Bytes): Bytes => b.u8(C.DW_LNS_negate_stmt),
  copy: (b: Bytes): Bytes => b.u8(C.DW_LNS_copy),
};

/**
 * A Wasm module: one function type () -> (), `funcs` bodies (each `size`
 * bytes of `nop`s plus `end`), then custom sections in order.
 */
export function wasmModule(funcSizes: number[], customs: Record<string, Uint8Array>): Uint8Array {
  const out = new Bytes();
  out.u8(0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0);
  const section = (id: number, content: Bytes): void => { out.u8(id).uleb(content.pos).bytes(content); };
  section(1, new Bytes().uleb(1).u8(0x60, 0, 0));
  const fs = new Bytes().uleb(funcSizes.length);
  for (let i = 0; i < funcSizes.length; i++) fs.uleb(0);
  section(3, fs);
  const code = new Bytes().uleb(funcSizes.length);
  for (const n of funcSizes) {
    const body = new Bytes().u8(0); // no locals
    for (let i = 0; i < n; i++) body.u8(0x01); // nop
    body.u8(0x0b);
    code.uleb(body.pos).bytes(body);
  }
  section(10, code);
  for (const [name, bytes] of Object.entries(customs)) {
    const c = new Bytes();
    const nb = new TextEncoder().encode(name);
    c.uleb(nb.length).bytes(nb).bytes(bytes);
    section(0, c);
  }
  return out.done();
}

/** Code address of function i's body start in a module built by `wasmModule` (single-byte LEBs assumed). */
export function bodyStart(funcSizes: number[], i: number): number {
  let a = 1; // function count LEB
  for (let k = 0; k < i; k++) a += 1 + funcSizes[k] + 2;
  return a + 1; // past the body-size LEB
}
