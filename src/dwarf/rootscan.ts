import * as C from './constants';
import { fixedFormSize, readLE } from './form';
import { isDiscardedStart, readRangeList, AddrRange } from './ranges';
import type { Unit } from './unit';
import { ROOT_PREFIX } from './unitheader';

/** What an address index needs from a unit's root DIE. */
export interface RootRanges {
  /** The root DIE's ranges, as `unit.root().ranges()` gives them. */
  ranges: AddrRange[];
  /** The root DIE has DW_AT_low_pc or DW_AT_ranges (its ranges are described, even if empty). */
  described: boolean;
}

/**
 * The ranges of a unit's root DIE for the common shapes (low_pc/high_pc in
 * plain address/constant forms, or a DWARF 2-4 DW_AT_ranges offset into
 * `.debug_ranges`), decoded straight from the bytes: no abbreviation table,
 * DIE or reader objects, and only a prefix of the unit is loaded. Indexing
 * thousands of units does this once each. The root's declaration is found
 * by skipping the declarations before it in its table (linked C units often
 * share one table). `pre[preFrom, preTo)` holds the first bytes of the root
 * DIE when the caller has them (see peekUnitHeader); range lists are then
 * left for a later call without `pre`, so a unit scan loads no other
 * section. Returns undefined for anything else (the caller then uses
 * `unit.root()`, which also reports errors), so the result is always what
 * `root().ranges()` would give.
 */
export function scanRootRanges(u: Unit, pre?: Uint8Array, preFrom = 0, preTo = pre?.length ?? 0): RootRanges | undefined {
  const secs = u.dwarf.sections, h = u.header;
  const info = secs.get(u.dieSection);
  const abName = u.isDwo ? '.debug_abbrev.dwo' : '.debug_abbrev';
  const ab = secs.get(abName);
  if (!info || !ab || h.abbrevOffset >= ab.size) return undefined;
  // the root DIE's first bytes: `pre` (read with the unit header from a lazily loaded file), else the section
  const len = pre ? preTo - preFrom : Math.min(h.end - h.dieStart, ROOT_PREFIX);
  if (!pre) secs.ensure(u.dieSection, h.dieStart, len);
  secs.ensure(abName);
  const d = pre ?? info.bytes, a = ab.bytes;
  let p = pre ? preFrom : info.base + h.dieStart;
  const pEnd = p + len;
  let q = ab.base + h.abbrevOffset;
  const qEnd = ab.base + ab.size;
  let v = leb(d, p, pEnd);
  if (v <= 0) return undefined;
  p = lebEnd;
  const code = v;
  const as = u.addressSize, fmt = u.version * 10000 + as * 100 + u.offsetSize;
  // ranges lists are followed only without `pre`, and only where `dieRanges` reads them as they are (DWARF 2-4, no split unit)
  const rangesOk = !pre && u.version < 5 && !u.isDwo && !u.skeleton;
  q = findDecl(a, q, qEnd, code);
  if (q < 0) return undefined;
  // linked units usually carry byte-identical root declarations: reuse the last one's layout when its bytes match
  const m = memo;
  if (m !== undefined && m.code === code && m.fmt === fmt && q + m.decl.length <= qEnd) {
    const decl = m.decl;
    let same = true;
    for (let i = 0; i < decl.length; i++) if (a[q + i] !== decl[i]) { same = false; break; }
    if (same) return m.rangesOff >= 0 && !rangesOk ? undefined : fromLayout(m, u, d, p, pEnd, as);
  }
  const q0 = q;
  leb(a, q, qEnd); // the code (findDecl matched it)
  if (leb(a, lebEnd, qEnd) < 0) return undefined; // tag
  q = lebEnd;
  if (q >= qEnd) return undefined;
  q++; // has-children flag
  let low: number | undefined, high: number | undefined, highIsAddr = false, hasLow = false, lowIsAddr = false, ranges: number | undefined;
  // the layout of an all-fixed-size declaration, for the memo
  const p0 = p;
  let allFixed = true, lowOff = -1, lowForm = 0, highOff = -1, highForm = 0, rangesOff = -1, rangesForm = 0;
  for (let n = 0; ; n++) {
    const at = n > 1000 ? -1 : leb(a, q, qEnd);
    const form = at < 0 ? -1 : leb(a, lebEnd, qEnd);
    if (form < 0) return undefined;
    q = lebEnd;
    if (at === 0 && form === 0) break;
    if (at === 0 || form === C.DW_FORM_implicit_const || form === C.DW_FORM_indirect) return undefined;
    if (at === C.DW_AT_ranges && (!rangesOk || !isOffsetForm(form, u))) return undefined;
    let num: number | undefined;
    const fixed = fixedFormSize(form, u);
    if (fixed < 0) allFixed = false;
    else if (form === C.DW_FORM_addr && as === 8 && at !== C.DW_AT_low_pc && at !== C.DW_AT_high_pc) allFixed = false; // its value is checked too
    else if (at === C.DW_AT_low_pc) { lowOff = p - p0; lowForm = form; } else if (at === C.DW_AT_high_pc) { highOff = p - p0; highForm = form; }
    else if (at === C.DW_AT_ranges) { rangesOff = p - p0; rangesForm = form; }
    if (fixed >= 0) {
      if (p + fixed > pEnd) return undefined;
      const v = fixedNumber(d, p, form, as);
      if (v === null) return undefined;
      num = v;
      p += fixed;
    } else if (form === C.DW_FORM_udata || form === C.DW_FORM_sdata || form === C.DW_FORM_strx || form === C.DW_FORM_GNU_str_index || form === C.DW_FORM_ref_udata) {
      v = leb(d, p, pEnd);
      if (v < 0) return undefined;
      p = lebEnd;
      if (form === C.DW_FORM_udata) num = v;
    } else if (form === C.DW_FORM_string) {
      const nul = d.indexOf(0, p);
      if (nul < 0 || nul >= pEnd) return undefined;
      p = nul + 1;
    } else if (form === C.DW_FORM_exprloc || form === C.DW_FORM_block) {
      v = leb(d, p, pEnd);
      if (v < 0 || lebEnd + v > pEnd) return undefined;
      p = lebEnd + v;
    } else if (form === C.DW_FORM_block1) {
      if (p >= pEnd || p + 1 + d[p] > pEnd) return undefined;
      p += 1 + d[p];
    } else return undefined;
    // (an attribute given twice: leave it to the general path)
    if (at === C.DW_AT_low_pc) { if (num === undefined || hasLow) return undefined; low = num; hasLow = true; lowIsAddr = form === C.DW_FORM_addr; }
    else if (at === C.DW_AT_high_pc) { if (num === undefined || high !== undefined) return undefined; high = num; highIsAddr = form === C.DW_FORM_addr; }
    else if (at === C.DW_AT_ranges) { if (num === undefined || ranges !== undefined) return undefined; ranges = num; }
  }
  if (allFixed) memo = { decl: a.slice(q0, q), code, fmt, size: p - p0, lowOff, lowForm, highOff, highForm, rangesOff, rangesForm };
  if (ranges !== undefined) return rangesResult(u, ranges, lowIsAddr ? low! : 0);
  return result(low, high, highIsAddr, hasLow, as);
}

/** The root's DW_AT_ranges list (base: its DW_AT_low_pc address, else 0, as `Unit.baseAddress`); undefined on a bad list, which the general path reports. */
function rangesResult(u: Unit, offset: number, base: number): RootRanges | undefined {
  try { return { ranges: readRangeList(u, offset, base), described: true }; } catch { return undefined; }
}

/** A 4-byte `.debug_ranges` offset as `dieRanges` takes it: DW_FORM_sec_offset of 32-bit DWARF, or data4 (others: the general path). */
function isOffsetForm(form: number, u: Unit): boolean {
  return (form === C.DW_FORM_sec_offset && u.offsetSize === 4) || form === C.DW_FORM_data4;
}

/**
 * Position of the declaration of `code` in the abbreviation table at `q`,
 * skipping those before it (at most 256), or -1: past the table's end, a
 * malformed or repeated declaration (the general path reports those).
 */
function findDecl(a: Uint8Array, q: number, qEnd: number, code: number): number {
  const seen: number[] = [];
  for (let n = 0; n < 256; n++) {
    const at = q, c = leb(a, q, qEnd);
    if (c <= 0) return -1;
    if (c === code) return seen.includes(c) ? -1 : at;
    if (seen.includes(c)) return -1;
    seen.push(c);
    if (leb(a, lebEnd, qEnd) < 0) return -1; // tag
    q = lebEnd + 1; // has-children flag
    for (let k = 0; ; k++) {
      const name = k > 1000 ? -1 : leb(a, q, qEnd);
      const form = name < 0 ? -1 : leb(a, lebEnd, qEnd);
      if (form < 0) return -1;
      q = lebEnd;
      if (name === 0 && form === 0) break;
      if (form === C.DW_FORM_implicit_const) { // its value: a signed LEB128
        let i = 0;
        while (q < qEnd && i < 10 && a[q] >= 0x80) { q++; i++; }
        if (q >= qEnd || i >= 10) return -1;
        q++;
      }
    }
  }
  return -1;
}

function result(low: number | undefined, high: number | undefined, highIsAddr: boolean, hasLow: boolean, as: number): RootRanges {
  if (low === undefined || high === undefined) return { ranges: [], described: hasLow };
  const end = highIsAddr ? high : low + high;
  if (end <= low || isDiscardedStart(low, as)) return { ranges: [], described: true };
  return { ranges: [{ begin: low, end }], described: true };
}

/**
 * A root declaration whose values all have a fixed size (so every value is at
 * a fixed offset) and that the full decode accepted: its bytes, and where its
 * DW_AT_low_pc / DW_AT_high_pc values are (-1: absent).
 */
interface Layout { decl: Uint8Array; code: number; fmt: number; size: number; lowOff: number; lowForm: number; highOff: number; highForm: number; rangesOff: number; rangesForm: number }
let memo: Layout | undefined;

/** What the full decode gives for a DIE of the memo's declaration whose values start at `p`. */
function fromLayout(m: Layout, u: Unit, d: Uint8Array, p: number, pEnd: number, as: number): RootRanges | undefined {
  if (p + m.size > pEnd) return undefined;
  const low = m.lowOff < 0 ? undefined : fixedNumber(d, p + m.lowOff, m.lowForm, as);
  const high = m.highOff < 0 ? undefined : fixedNumber(d, p + m.highOff, m.highForm, as);
  if (low === null || high === null) return undefined; // as the full decode: an address it cannot use
  if (m.rangesOff >= 0) {
    const off = fixedNumber(d, p + m.rangesOff, m.rangesForm, as);
    if (off === null || off === undefined) return undefined;
    return rangesResult(u, off, m.lowForm === C.DW_FORM_addr && low !== undefined ? low : 0);
  }
  return result(low, high, m.highForm === C.DW_FORM_addr, m.lowOff >= 0, as);
}

/** A fixed-size address (4 or 8 bytes) or data1/2/4 constant; undefined for other forms, null for an address beyond 2^53. */
function fixedNumber(d: Uint8Array, p: number, form: number, as: number): number | null | undefined {
  if (form === C.DW_FORM_addr && (as === 4 || as === 8)) { const v = readLE(d, p, as); return v < 0 ? null : v; }
  if (form === C.DW_FORM_sec_offset) return readLE(d, p, 4); // (a ranges offset: only 32-bit DWARF comes here, see isOffsetForm)
  if (form === C.DW_FORM_data1) return d[p];
  if (form === C.DW_FORM_data2) return readLE(d, p, 2);
  if (form === C.DW_FORM_data4) return readLE(d, p, 4);
  return undefined;
}

/** End position of the last `leb` read. */
let lebEnd = 0;

/** An unsigned LEB128 of at most 5 bytes in [p, end), or -1; sets `lebEnd`. */
function leb(b: Uint8Array, p: number, end: number): number {
  let v = 0, mul = 1;
  for (let i = 0; i < 5 && p < end; i++) {
    const x = b[p++];
    v += (x & 0x7f) * mul;
    if (x < 0x80) { lebEnd = p; return v; }
    mul *= 128;
  }
  return -1;
}
