import * as C from './constants';
import { CodeAddr, codeAddr } from '../util/offsets';
import { readAddress, readOffset } from './form';
import { isTombstone, isDiscardedStart } from './ranges';
import type { Unit } from './unit';

/** One entry of a location list: the expression `expr` applies for code addresses in [begin, end). */
export interface LocListEntry {
  begin: CodeAddr;
  end: CodeAddr;
  /** DWARF expression bytes (a view into the file, no copy). */
  expr: Uint8Array;
  /** DW_LLE_default_location: applies where no other entry does (begin/end are 0 and 2^32). */
  isDefault?: boolean;
}

const MAX_ENTRIES = 1_000_000;

/** Offset of location list `index` via DW_AT_loclists_base (DWARF 5). */
export function loclistxOffset(u: Unit, index: number): number {
  const base = u.loclistsBase ?? (u.offsetSize === 8 ? 20 : 12);
  const sec = u.isDwo ? '.debug_loclists.dwo' : '.debug_loclists';
  const r = u.dwarf.sections.reader(sec, base + index * u.offsetSize);
  return base + readOffset(r, u.offsetSize);
}

/**
 * Parse a location list at a section-relative offset: `.debug_loc` (DWARF 2-4)
 * or `.debug_loclists` (DWARF 5). Entries for discarded code (tombstone
 * addresses) and empty ranges are dropped.
 */
export function readLocationList(u: Unit, offset: number): LocListEntry[] {
  const out: LocListEntry[] = [];
  const as = u.addressSize;
  let base = u.baseAddress;
  const add = (b: number, e: number, expr: Uint8Array): void => {
    if (e > b && !isDiscardedStart(b, as)) out.push({ begin: codeAddr(b), end: codeAddr(e), expr });
  };
  if (u.version < 5 && u.isDwo) {
    // DWARF 4 split units (GNU): entries with address indexes into the skeleton's .debug_addr
    const r = u.dwarf.sections.reader('.debug_loc.dwo', offset);
    for (let i = 0; i < MAX_ENTRIES; i++) {
      const at = r.pos;
      const kind = r.u8();
      switch (kind) {
        case 0: return out; // DW_LLE_GNU_end_of_list_entry
        case 1: base = u.readAddrIndex(r.ulebN()); break; // base_address_selection
        case 2: { const b = u.readAddrIndex(r.ulebN()); const e = u.readAddrIndex(r.ulebN()); add(b, e, r.bytesView(r.u16())); break; }
        case 3: { const b = u.readAddrIndex(r.ulebN()); const l = r.u32(); add(b, b + l, r.bytesView(r.u16())); break; }
        case 4: { const b = r.u32(), e = r.u32(); add(base + b, base + e, r.bytesView(r.u16())); break; } // offset_pair (LLVM extension)
        default: r.fail(`unknown split location list entry kind 0x${kind.toString(16)}`, at);
      }
    }
    return r.fail('location list too long', r.pos, 'E_LIMIT');
  }
  if (u.version < 5) {
    const r = u.dwarf.sections.reader('.debug_loc', offset);
    const max = as === 8 ? 2 ** 64 - 1 : 2 ** (as * 8) - 1;
    for (let i = 0; i < MAX_ENTRIES; i++) {
      const b = readAddress(r, as), e = readAddress(r, as);
      if (b === 0 && e === 0) return out;
      if (b === max || (as === 8 && b >= Number.MAX_SAFE_INTEGER)) { base = e; continue; }
      const len = r.u16();
      const expr = r.bytesView(len);
      add(base + b, base + e, expr);
    }
    return r.fail('location list too long', r.pos, 'E_LIMIT');
  }
  const r = u.dwarf.sections.reader(u.isDwo ? '.debug_loclists.dwo' : '.debug_loclists', offset);
  const expr = (): Uint8Array => r.bytesView(r.ulebN());
  for (let i = 0; i < MAX_ENTRIES; i++) {
    const at = r.pos;
    const kind = r.u8();
    switch (kind) {
      case C.DW_LLE_end_of_list: return out;
      case C.DW_LLE_base_addressx: base = u.readAddrIndex(r.ulebN()); break;
      case C.DW_LLE_startx_endx: { const b = u.readAddrIndex(r.ulebN()); const e = u.readAddrIndex(r.ulebN()); add(b, e, expr()); break; }
      case C.DW_LLE_startx_length: { const b = u.readAddrIndex(r.ulebN()); const l = r.ulebN(); add(b, b + l, expr()); break; }
      case C.DW_LLE_offset_pair: { const b = r.ulebN(), e = r.ulebN(); const x = expr(); if (!isTombstone(base, as)) add(base + b, base + e, x); break; }
      case C.DW_LLE_default_location: out.push({ begin: codeAddr(0), end: codeAddr(2 ** (as * 8)), expr: expr(), isDefault: true }); break;
      case C.DW_LLE_base_address: base = readAddress(r, as); break;
      case C.DW_LLE_start_end: { const b = readAddress(r, as); const e = readAddress(r, as); add(b, e, expr()); break; }
      case C.DW_LLE_start_length: { const b = readAddress(r, as); const l = r.ulebN(); add(b, b + l, expr()); break; }
      default: r.fail(`unknown location list entry kind 0x${kind.toString(16)}`, at);
    }
  }
  return r.fail('location list too long', r.pos, 'E_LIMIT');
}
