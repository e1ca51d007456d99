/**
 * Unit headers of `.debug_info` / `.debug_types` (and their `.dwo`
 * variants): read through a reader, or from a copy of a unit's first bytes
 * (`peekUnitHeader`, for indexing thousands of units of a lazily loaded
 * file).
 */
import { ByteReader } from '../util/reader';
import * as C from './constants';
import { readOffset } from './form';
import type { Dwarf } from './dwarf';
import type { DwarfSection } from './sections';

export interface UnitHeader {
  /** Section-relative offset of the unit header. */
  offset: number;
  /** Section-relative offset one past the unit. */
  end: number;
  version: number;
  unitType: number;
  addressSize: number;
  offsetSize: number;
  abbrevOffset: number;
  /** Section-relative offset of the first DIE. */
  dieStart: number;
  typeSignature?: bigint;
  /** Section-relative offset of the type DIE (type units). */
  typeOffset?: number;
  dwoId?: bigint;
}

const UNIT_HEADER_MAX = 40;
/** Bytes of a unit loaded first to read its root DIE (the whole unit only if the root DIE runs past them). */
export const ROOT_PREFIX = 512;

/** Read a unit header at section-relative `offset` of `section`. */
export function readUnitHeader(dw: Dwarf, section: string, offset: number): UnitHeader {
  // a header is at most 4 + 8 (length) + 2 + 1 + 1 + 8 + 8 + 8 bytes: only that is loaded, with the
  // start of the root DIE (read next by indexing: one read instead of two for a lazily loaded file)
  const r = dw.sections.reader(section, offset, UNIT_HEADER_MAX + ROOT_PREFIX);
  return parseUnitHeader(r, section, offset, r.pos - offset, r.end);
}

/**
 * A unit header read from a copy of its first bytes (`peek` of a lazily
 * loaded section): thousands of headers are then read without filling (and
 * faulting in) the file buffer. The copy also holds the start of the root
 * DIE: `peeked` says where (valid until the next peek; Dwarf.scanUnits
 * decodes the root's ranges from it for the address index). Undefined when
 * the copy does not hold a well-formed header: the caller reads it the
 * ordinary way, which reports the error.
 */
export function peekUnitHeader(s: DwarfSection, section: string, offset: number): UnitHeader | undefined {
  if (!s.peek || offset < 0 || offset >= s.size) return undefined;
  const buf = s.peek(s.base + offset, s.base + Math.min(s.size, offset + UNIT_HEADER_MAX + ROOT_PREFIX));
  try {
    // positions in `buf` are section offsets minus `offset`
    const header = plainHeader(buf, section, offset, s.size) ?? parseUnitHeader(new ByteReader(buf, s.file, section, 0, buf.length), section, offset, -offset, s.size - offset);
    peeked.bytes = buf;
    peeked.from = header.dieStart - offset;
    peeked.to = Math.min(buf.length, header.end - offset, peeked.from + ROOT_PREFIX);
    return header;
  } catch { return undefined; }
}

/** Where the last `peekUnitHeader` left the start of the root DIE: `bytes[from, to)`. */
export const peeked: { bytes: Uint8Array; from: number; to: number } = { bytes: new Uint8Array(0), from: 0, to: 0 };

/**
 * The header of a 32-bit DWARF 2-5 compile or partial unit in `.debug_info`
 * decoded straight from bytes (thousands of units are indexed this way);
 * undefined for anything else, or anything wrong, which `parseUnitHeader`
 * then reads (and reports). `b[0]` is section offset `offset`.
 */
function plainHeader(b: Uint8Array, section: string, offset: number, secSize: number): UnitHeader | undefined {
  if (section !== '.debug_info' || b.length < 11) return undefined;
  const len = b[0] + b[1] * 0x100 + b[2] * 0x10000 + b[3] * 0x1000000;
  const version = b[4] + b[5] * 0x100;
  if (len >= 0xfffffff0 || len > secSize - offset - 4 || len < 7 || version < 2 || version > 5) return undefined;
  let unitType: number = C.DW_UT_compile, addressSize: number, abbrevOffset: number, dieStart: number;
  if (version === 5) {
    if (len < 8 || b.length < 12) return undefined;
    unitType = b[6]; addressSize = b[7];
    abbrevOffset = b[8] + b[9] * 0x100 + b[10] * 0x10000 + b[11] * 0x1000000;
    if (unitType !== C.DW_UT_compile && unitType !== C.DW_UT_partial) return undefined;
    dieStart = offset + 12;
  } else {
    abbrevOffset = b[6] + b[7] * 0x100 + b[8] * 0x10000 + b[9] * 0x1000000;
    addressSize = b[10];
    dieStart = offset + 11;
  }
  if (addressSize !== 4 && addressSize !== 8 && addressSize !== 2 && addressSize !== 1) return undefined;
  return { offset, end: offset + 4 + len, version, unitType, addressSize, offsetSize: 4, abbrevOffset, dieStart };
}

/** Header fields from `r` at its position; `base` is where section offset 0 lies in r's coordinates, `secEnd` where the section ends. */
function parseUnitHeader(r: ByteReader, section: string, offset: number, base: number, secEnd: number): UnitHeader {
  const at = r.pos;
  let len = r.u32();
  let offsetSize = 4;
  if (len === 0xffffffff) { len = r.u64n(); offsetSize = 8; } else if (len >= 0xfffffff0) r.fail(`reserved unit length 0x${len.toString(16)}`, at);
  const contentStart = r.pos;
  if (len > secEnd - contentStart) r.fail(`unit length 0x${len.toString(16)} runs past the end of ${section}`, at);
  const end = contentStart + len - base;
  const ur = r.window(contentStart, Math.min(r.end, contentStart + len));
  const version = ur.u16();
  if (version < 2 || version > 5) ur.fail(`unsupported DWARF version ${version}`, contentStart);
  let unitType: number = section.startsWith('.debug_types') ? C.DW_UT_type : C.DW_UT_compile;
  let addressSize: number, abbrevOffset: number;
  const h: Partial<UnitHeader> = {};
  if (version >= 5) {
    unitType = ur.u8();
    addressSize = ur.u8();
    abbrevOffset = readOffset(ur, offsetSize);
    if (unitType === C.DW_UT_skeleton || unitType === C.DW_UT_split_compile) h.dwoId = ur.u64();
    else if (unitType === C.DW_UT_type || unitType === C.DW_UT_split_type) { h.typeSignature = ur.u64(); h.typeOffset = offset + readOffset(ur, offsetSize); }
    else if (unitType < 1 || unitType > 6) ur.fail(`unknown unit type 0x${unitType.toString(16)}`, contentStart + 2);
  } else {
    abbrevOffset = readOffset(ur, offsetSize);
    addressSize = ur.u8();
    if (unitType === C.DW_UT_type) { h.typeSignature = ur.u64(); h.typeOffset = offset + readOffset(ur, offsetSize); }
  }
  if (addressSize !== 4 && addressSize !== 8 && addressSize !== 2 && addressSize !== 1) ur.fail(`unsupported address size ${addressSize}`, contentStart);
  return { offset, end, version, unitType, addressSize, offsetSize, abbrevOffset, dieStart: ur.pos - base, ...h };
}
