import * as C from './constants';
import { readAddress, readOffset, readLE } from './form';
import type { Unit } from './unit';

/** A half-open code address range [begin, end), code-section relative. */
export interface AddrRange { begin: number; end: number }

const MAX_ENTRIES = 1_000_000;

/** True for the addresses linkers write for discarded code (-1, -2 tombstones). */
export function isTombstone(addr: number, addressSize: number): boolean {
  if (addressSize === 4) return addr >= 0xfffffffe;
  if (addressSize === 8) return addr >= Number.MAX_SAFE_INTEGER;
  return addr >= 2 ** (addressSize * 8) - 2;
}

/**
 * True for a range start that cannot be Wasm code: a tombstone, or 0 (code
 * address 0 is the Code section's function count, never an instruction;
 * linkers before tombstones wrote 0 for discarded functions, which then
 * overlap real code). llvm-symbolizer keeps such ranges; we drop them.
 */
export function isDiscardedStart(addr: number, addressSize: number): boolean {
  return addr === 0 || isTombstone(addr, addressSize);
}

/** Offset of range list `index` via the unit's DW_AT_rnglists_base (DWARF 5). */
export function rnglistxOffset(u: Unit, index: number): number {
  const base = u.rnglistsBase ?? (u.offsetSize === 8 ? 20 : 12);
  const sec = u.isDwo ? '.debug_rnglists.dwo' : '.debug_rnglists';
  const r = u.dwarf.sections.reader(sec, base + index * u.offsetSize);
  return base + readOffset(r, u.offsetSize);
}

/**
 * Read the range list at a section-relative offset: `.debug_ranges` (v2-4) or `.debug_rnglists` (v5).
 * `base`: the unit's base address, when the caller has it without the root DIE.
 */
export function readRangeList(u: Unit, offset: number, base = u.baseAddress): AddrRange[] {
  const out: AddrRange[] = [];
  const as = u.addressSize;
  const add = (b: number, e: number): void => { if (e > b && !isDiscardedStart(b, as)) out.push({ begin: b, end: e }); };
  if (u.version < 5) {
    const secName = '.debug_ranges';
    const dw = u.skeleton?.dwarf ?? u.dwarf;
    const r = dw.sections.reader(secName, offset);
    const max = as === 8 ? 2 ** 64 - 1 : 2 ** (as * 8) - 1;
    const bytes = r.bytes;
    for (let i = 0; i < MAX_ENTRIES; i++) {
      let b: number, e: number;
      if (as === 4 && r.pos + 8 <= r.end) {
        // the usual Wasm case, read straight from the bytes (a cut pair goes through readAddress, which reports it)
        b = readLE(bytes, r.pos, 4); e = readLE(bytes, r.pos + 4, 4); r.pos += 8;
      } else { b = readAddress(r, as); e = readAddress(r, as); }
      if (b === 0 && e === 0) return out;
      if (b === max || (as === 8 && b >= Number.MAX_SAFE_INTEGER)) { base = e; continue; }
      add(base + b, base + e);
    }
    return r.fail('range list too long', r.pos, 'E_LIMIT');
  }
  const r = u.dwarf.sections.reader(u.isDwo ? '.debug_rnglists.dwo' : '.debug_rnglists', offset);
  for (let i = 0; i < MAX_ENTRIES; i++) {
    const at = r.pos;
    const kind = r.u8();
    switch (kind) {
      case C.DW_RLE_end_of_list: return out;
      case C.DW_RLE_base_addressx: base = u.readAddrIndex(r.ulebN()); break;
      case C.DW_RLE_startx_endx: { const b = u.readAddrIndex(r.ulebN()); const e = u.readAddrIndex(r.ulebN()); add(b, e); break; }
      case C.DW_RLE_startx_length: { const b = u.readAddrIndex(r.ulebN()); add(b, b + r.ulebN()); break; }
      case C.DW_RLE_offset_pair: { const b = r.ulebN(), e = r.ulebN(); if (!isTombstone(base, as)) add(base + b, base + e); break; }
      case C.DW_RLE_base_address: base = readAddress(r, as); break;
      case C.DW_RLE_start_end: { const b = readAddress(r, as); add(b, readAddress(r, as)); break; }
      case C.DW_RLE_start_length: { const b = readAddress(r, as); add(b, b + r.ulebN()); break; }
      default: r.fail(`unknown range list entry kind 0x${kind.toString(16)}`, at);
    }
  }
  return r.fail('range list too long', r.pos, 'E_LIMIT');
}
