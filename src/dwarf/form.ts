import { ByteReader } from '../util/reader';
import * as C from './constants';

/**
 * A decoded attribute value. Forms are mapped to kinds; values that need
 * another section (strp, strx, addrx, ...) are already resolved where the
 * unit allows it (`string`, `addr`); list indexes are kept as indexes
 * (`loclistx`, `rnglistx`) and resolved by the unit helpers.
 */
export type AttrValue =
  | { kind: 'addr'; form: number; value: number }
  /** dataN / udata / sdata / implicit_const. `size` = bytes for fixed-size forms, 0 for LEB forms. */
  | { kind: 'const'; form: number; value: bigint; signed: boolean; size: number }
  | { kind: 'data16'; form: number; bytes: Uint8Array }
  | { kind: 'flag'; form: number; value: boolean }
  | { kind: 'string'; form: number; value: string }
  /** Reference to a DIE: section-relative offset in `section` (ref1..8/ref_udata are already made section-relative). */
  | { kind: 'ref'; form: number; offset: number; section: string }
  | { kind: 'refSig8'; form: number; signature: bigint }
  /** Reference into a supplementary file (not followed). */
  | { kind: 'refSup'; form: number; offset: number }
  | { kind: 'block'; form: number; bytes: Uint8Array }
  | { kind: 'exprloc'; form: number; bytes: Uint8Array }
  /** lineptr / loclistptr / rnglistptr / macptr / stroffsetsptr ... (section-relative offset). */
  | { kind: 'secOffset'; form: number; value: number }
  | { kind: 'loclistx'; form: number; index: number }
  | { kind: 'rnglistx'; form: number; index: number }
  /** A value whose resolution failed (e.g. strx without .debug_str_offsets); `error` says why. */
  | { kind: 'unavailable'; form: number; error: string };

/** What form decoding needs to know about the unit. */
export interface FormContext {
  readonly version: number;
  readonly addressSize: number;
  readonly offsetSize: number;
  /** Section-relative offset of the unit header (for unit-relative references). */
  readonly offset: number;
  /** Section holding the DIEs ('.debug_info', '.debug_types', '.debug_info.dwo', ...). */
  readonly dieSection: string;
  readString(form: number, value: number): string;
  readAddrIndex(index: number): number;
}

function readOffset(r: ByteReader, size: number): number { return size === 8 ? r.u64n() : r.u32(); }
function readAddress(r: ByteReader, size: number): number {
  switch (size) {
    case 1: return r.u8();
    case 2: return r.u16();
    case 4: return r.u32();
    case 8: return r.u64n();
    default: return r.fail(`unsupported address size ${size}`);
  }
}
export { readAddress, readOffset };

/** Read one attribute value of `form`. */
export function readForm(r: ByteReader, form: number, u: FormContext, implicitConst?: bigint, depth = 0): AttrValue {
  switch (form) {
    case C.DW_FORM_addr: return { kind: 'addr', form, value: readAddress(r, u.addressSize) };
    case C.DW_FORM_data1: return { kind: 'const', form, value: BigInt(r.u8()), signed: false, size: 1 };
    case C.DW_FORM_data2: return { kind: 'const', form, value: BigInt(r.u16()), signed: false, size: 2 };
    case C.DW_FORM_data4: return { kind: 'const', form, value: BigInt(r.u32()), signed: false, size: 4 };
    case C.DW_FORM_data8: return { kind: 'const', form, value: r.u64(), signed: false, size: 8 };
    case C.DW_FORM_data16: return { kind: 'data16', form, bytes: r.bytesView(16) };
    case C.DW_FORM_udata: return { kind: 'const', form, value: r.uleb64(), signed: false, size: 0 };
    case C.DW_FORM_sdata: return { kind: 'const', form, value: r.sleb64(), signed: true, size: 0 };
    case C.DW_FORM_implicit_const: return { kind: 'const', form, value: implicitConst ?? 0n, signed: true, size: 0 };
    case C.DW_FORM_flag: return { kind: 'flag', form, value: r.u8() !== 0 };
    case C.DW_FORM_flag_present: return { kind: 'flag', form, value: true };
    case C.DW_FORM_string: return { kind: 'string', form, value: r.cstr() };
    case C.DW_FORM_strp: case C.DW_FORM_line_strp: case C.DW_FORM_strp_sup: case C.DW_FORM_GNU_strp_alt:
      return str(form, readOffset(r, u.offsetSize), u);
    case C.DW_FORM_strx: case C.DW_FORM_GNU_str_index: return str(form, r.ulebN(), u);
    case C.DW_FORM_strx1: return str(form, r.u8(), u);
    case C.DW_FORM_strx2: return str(form, r.u16(), u);
    case C.DW_FORM_strx3: return str(form, r.u24(), u);
    case C.DW_FORM_strx4: return str(form, r.u32(), u);
    case C.DW_FORM_addrx: case C.DW_FORM_GNU_addr_index: return addrx(form, r.ulebN(), u);
    case C.DW_FORM_addrx1: return addrx(form, r.u8(), u);
    case C.DW_FORM_addrx2: return addrx(form, r.u16(), u);
    case C.DW_FORM_addrx3: return addrx(form, r.u24(), u);
    case C.DW_FORM_addrx4: return addrx(form, r.u32(), u);
    case C.DW_FORM_ref1: return { kind: 'ref', form, offset: u.offset + r.u8(), section: u.dieSection };
    case C.DW_FORM_ref2: return { kind: 'ref', form, offset: u.offset + r.u16(), section: u.dieSection };
    case C.DW_FORM_ref4: return { kind: 'ref', form, offset: u.offset + r.u32(), section: u.dieSection };
    case C.DW_FORM_ref8: return { kind: 'ref', form, offset: u.offset + r.u64n(), section: u.dieSection };
    case C.DW_FORM_ref_udata: return { kind: 'ref', form, offset: u.offset + r.ulebN(), section: u.dieSection };
    case C.DW_FORM_ref_addr: {
      // DWARF 2 used the address size for ref_addr; 3+ use the offset size.
      const off = u.version <= 2 ? readAddress(r, u.addressSize) : readOffset(r, u.offsetSize);
      return { kind: 'ref', form, offset: off, section: u.dieSection === '.debug_types' ? '.debug_info' : u.dieSection };
    }
    case C.DW_FORM_ref_sig8: return { kind: 'refSig8', form, signature: r.u64() };
    case C.DW_FORM_ref_sup4: return { kind: 'refSup', form, offset: r.u32() };
    case C.DW_FORM_ref_sup8: return { kind: 'refSup', form, offset: r.u64n() };
    case C.DW_FORM_GNU_ref_alt: return { kind: 'refSup', form, offset: readOffset(r, u.offsetSize) };
    case C.DW_FORM_sec_offset: return { kind: 'secOffset', form, value: readOffset(r, u.offsetSize) };
    case C.DW_FORM_exprloc: return { kind: 'exprloc', form, bytes: blockOf(r, r.ulebN()) };
    case C.DW_FORM_block: return { kind: 'block', form, bytes: blockOf(r, r.ulebN()) };
    case C.DW_FORM_block1: return { kind: 'block', form, bytes: blockOf(r, r.u8()) };
    case C.DW_FORM_block2: return { kind: 'block', form, bytes: blockOf(r, r.u16()) };
    case C.DW_FORM_block4: return { kind: 'block', form, bytes: blockOf(r, r.u32()) };
    case C.DW_FORM_loclistx: return { kind: 'loclistx', form, index: r.ulebN() };
    case C.DW_FORM_rnglistx: return { kind: 'rnglistx', form, index: r.ulebN() };
    case C.DW_FORM_indirect: {
      const at = r.pos;
      const f = r.ulebN();
      if (depth > 4 || f === C.DW_FORM_indirect) r.fail('nested DW_FORM_indirect', at);
      return readForm(r, f, u, implicitConst, depth + 1);
    }
    default: return r.fail(`unknown attribute form ${C.formName(form)}`, r.pos);
  }
}

function blockOf(r: ByteReader, len: number): Uint8Array {
  if (len > r.remaining) r.fail(`block of ${len} bytes runs past the end of the unit`);
  return r.bytesView(len);
}

function str(form: number, v: number, u: FormContext): AttrValue {
  try { return { kind: 'string', form, value: u.readString(form, v) }; } catch (e) { return { kind: 'unavailable', form, error: msg(e) }; }
}
function addrx(form: number, i: number, u: FormContext): AttrValue {
  try { return { kind: 'addr', form, value: u.readAddrIndex(i) }; } catch (e) { return { kind: 'unavailable', form, error: msg(e) }; }
}
export function msg(e: unknown): string { return e instanceof Error ? e.message : String(e); }

export function isAddrxForm(form: number): boolean {
  return form === C.DW_FORM_addrx || form === C.DW_FORM_addrx1 || form === C.DW_FORM_addrx2 || form === C.DW_FORM_addrx3 ||
    form === C.DW_FORM_addrx4 || form === C.DW_FORM_GNU_addr_index;
}

/**
 * Read an address or unsigned constant form as a number without allocating
 * (hot path for low_pc/high_pc/decl_line/call_line). Undefined for other
 * forms or values beyond 2^53.
 */
export function readNumberForm(r: ByteReader, form: number, u: FormContext, implicitConst?: bigint): number | undefined {
  switch (form) {
    case C.DW_FORM_addr: return readAddress(r, u.addressSize);
    case C.DW_FORM_data1: return r.u8();
    case C.DW_FORM_data2: return r.u16();
    case C.DW_FORM_data4: return r.u32();
    case C.DW_FORM_udata: return r.ulebN();
    case C.DW_FORM_addrx: case C.DW_FORM_GNU_addr_index: return u.readAddrIndex(r.ulebN());
    case C.DW_FORM_addrx1: return u.readAddrIndex(r.u8());
    case C.DW_FORM_addrx2: return u.readAddrIndex(r.u16());
    case C.DW_FORM_addrx3: return u.readAddrIndex(r.u24());
    case C.DW_FORM_addrx4: return u.readAddrIndex(r.u32());
    case C.DW_FORM_implicit_const: { const n = Number(implicitConst ?? 0n); return Number.isSafeInteger(n) ? n : undefined; }
    default: {
      const v = readForm(r, form, u, implicitConst);
      if (v.kind === 'const' || v.kind === 'secOffset') { const n = Number(v.value); return Number.isSafeInteger(n) ? n : undefined; }
      return v.kind === 'addr' ? v.value : undefined;
    }
  }
}

/** Fixed byte size of a form in this unit, or -1 if variable-length. */
export function fixedFormSize(form: number, u: FormContext): number {
  switch (form) {
    case C.DW_FORM_flag_present: case C.DW_FORM_implicit_const: return 0;
    case C.DW_FORM_data1: case C.DW_FORM_ref1: case C.DW_FORM_flag: case C.DW_FORM_strx1: case C.DW_FORM_addrx1: return 1;
    case C.DW_FORM_data2: case C.DW_FORM_ref2: case C.DW_FORM_strx2: case C.DW_FORM_addrx2: return 2;
    case C.DW_FORM_strx3: case C.DW_FORM_addrx3: return 3;
    case C.DW_FORM_data4: case C.DW_FORM_ref4: case C.DW_FORM_ref_sup4: case C.DW_FORM_strx4: case C.DW_FORM_addrx4: return 4;
    case C.DW_FORM_data8: case C.DW_FORM_ref8: case C.DW_FORM_ref_sig8: case C.DW_FORM_ref_sup8: return 8;
    case C.DW_FORM_data16: return 16;
    case C.DW_FORM_addr: return u.addressSize;
    case C.DW_FORM_strp: case C.DW_FORM_line_strp: case C.DW_FORM_sec_offset: case C.DW_FORM_strp_sup:
    case C.DW_FORM_GNU_ref_alt: case C.DW_FORM_GNU_strp_alt: return u.offsetSize;
    case C.DW_FORM_ref_addr: return u.version <= 2 ? u.addressSize : u.offsetSize;
    default: return -1;
  }
}

/** Skip one attribute value without decoding it. */
export function skipForm(r: ByteReader, form: number, u: FormContext, depth = 0): void {
  const n = fixedFormSize(form, u);
  if (n >= 0) { r.skip(n); return; }
  switch (form) {
    case C.DW_FORM_udata: case C.DW_FORM_sdata: case C.DW_FORM_ref_udata: case C.DW_FORM_strx: case C.DW_FORM_addrx:
    case C.DW_FORM_loclistx: case C.DW_FORM_rnglistx: case C.DW_FORM_GNU_addr_index: case C.DW_FORM_GNU_str_index:
      skipLeb(r); return;
    case C.DW_FORM_string: {
      const nul = r.bytes.indexOf(0, r.pos);
      if (nul < 0 || nul >= r.end) r.fail('unterminated string');
      r.pos = nul + 1; return;
    }
    case C.DW_FORM_exprloc: case C.DW_FORM_block: r.skip(r.ulebN()); return;
    case C.DW_FORM_block1: r.skip(r.u8()); return;
    case C.DW_FORM_block2: r.skip(r.u16()); return;
    case C.DW_FORM_block4: r.skip(r.u32()); return;
    case C.DW_FORM_indirect: {
      const at = r.pos;
      const f = r.ulebN();
      if (depth > 4 || f === C.DW_FORM_indirect) r.fail('nested DW_FORM_indirect', at);
      skipForm(r, f, u, depth + 1); return;
    }
    default: r.fail(`unknown attribute form ${C.formName(form)}`);
  }
}

function skipLeb(r: ByteReader): void {
  const b = r.bytes, end = r.end;
  let p = r.pos;
  for (let i = 0; ; i++) {
    if (p >= end) r.fail('unexpected end of LEB128');
    if (i > 20) r.fail('LEB128 too long');
    if ((b[p++] & 0x80) === 0) break;
  }
  r.pos = p;
}

/** A little-endian unsigned value of 1, 2, 4 or 8 bytes; -1 if it does not fit in 53 bits. */
export function readLE(b: Uint8Array, p: number, size: number): number {
  switch (size) {
    case 1: return b[p];
    case 2: return b[p] + b[p + 1] * 0x100;
    case 4: return b[p] + b[p + 1] * 0x100 + b[p + 2] * 0x10000 + b[p + 3] * 0x1000000;
    default: {
      const hi = b[p + 4] + b[p + 5] * 0x100 + b[p + 6] * 0x10000 + b[p + 7] * 0x1000000;
      return hi >= 0x200000 ? -1 : hi * 0x100000000 + b[p] + b[p + 1] * 0x100 + b[p + 2] * 0x10000 + b[p + 3] * 0x1000000;
    }
  }
}
