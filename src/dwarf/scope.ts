import * as C from './constants';
import type { Abbrev } from './abbrev';
import { Die } from './die';
import type { Unit } from './unit';
import { SKIM_REC, SUB_ENTRY, type SubEntries, type SubSplit, type DeclPositions } from './skim';
import { isDiscardedStart, readRangeList, type AddrRange } from './ranges';

/**
 * What the scope walk of a unit gives (Unit.scanScope): records with positions `delta` above absolute ones, subroutine
 * entries (and the kernel's split of them, when it made one), the abbreviations the walk read by code (the others are
 * read when a record needs them, from where the kernel found their declarations: `decl`).
 */
export interface ScopeScan { rec: Int32Array; delta: number; subs: SubEntries; split?: SubSplit; byCode: Array<Abbrev | undefined>; decl?: DeclPositions }

/**
 * The scope DIEs of one unit (subprograms, inlined subroutines and the
 * namespaces/types that qualify their names) as records from one walk
 * (Unit.scopeRecords): for record i, the DIE's position, its first value,
 * its nearest recorded ancestor and its abbreviation. A symbol lookup reads
 * what it needs (tag, low/high pc) from the records and makes DIE objects
 * only for the functions an address falls into, so a unit of tens of
 * thousands of DIEs does not become tens of thousands of objects.
 */
export class ScopeRecords {
  /** DIEs made so far, by record (a lookup makes a few of the tens of thousands: no array of that size per unit) */
  private readonly made_ = new Map<number, Die>();
  private readonly n: number;
  private readonly base: number;

  constructor(readonly unit: Unit, readonly root: Die, private readonly scan: ScopeScan) {
    this.n = scan.rec.length / SKIM_REC;
    this.base = unit.sectionBase + scan.delta;
  }

  /** Records (the root is not one). */
  get count(): number { return this.n; }
  abbrev(i: number): Abbrev {
    const code = this.scan.rec[i * SKIM_REC + 3];
    return (this.scan.byCode[code] ??= this.unit.abbrevAt(code, this.scan.decl)!); // (the walk recorded the DIE: its code exists)
  }
  /** Absolute position of record i's first attribute value. */
  attrsPos(i: number): number { return this.scan.rec[i * SKIM_REC + 1] - this.scan.delta; }
  /** Section-relative offset of record i's DIE. */
  offset(i: number): number { return this.scan.rec[i * SKIM_REC] - this.base; }
  /** Record of the nearest recorded ancestor, -1 for the root. */
  parent(i: number): number { const p = this.scan.rec[i * SKIM_REC + 2]; return p < 0 ? -1 : p / SKIM_REC; }

  /**
   * Subroutines with code (subprograms and inlined subroutines with low_pc
   * or ranges), in tree order: entry j's record, whether it is inlined,
   * the record of its nearest enclosing subprogram (-1: none), and its
   * range when the walk could read it from the bytes (`subRange`).
   */
  get subCount(): number { return this.scan.subs.length / SUB_ENTRY; }
  /**
   * Entry j's range as the walk read it, with the protocol of
   * Unit.simpleRange: 1 with [begin, end) in `out`, 0 for no range (empty,
   * or discarded code), -1 when the walk could not read it (then use the
   * DIE's `ranges()`); and -2 for a range list at the section offset
   * `out[0]` (then use `listedRanges`).
   */
  subRange(j: number, out: Float64Array): number {
    const low = this.scan.subs[j * SUB_ENTRY], end = this.scan.subs[j * SUB_ENTRY + 1];
    if (low === -3) { out[0] = end; return -2; }
    if (low < 0) return -1;
    if (end <= low || isDiscardedStart(low, this.unit.addressSize)) return 0;
    out[0] = low; out[1] = end;
    return 1;
  }
  /** The subprograms' ranges and the inlined entries as the kernel split them (see SubSplit), if it did. */
  get split(): SubSplit | undefined { return this.scan.split; }
  /** The ranges of entry j whose `subRange` is -2 (a list at `offset`), as its DIE's `ranges()` gives them, without the DIE. */
  listedRanges(j: number, offset: number): AddrRange[] {
    try { return readRangeList(this.unit, offset); } catch { return this.die(this.subRecord(j)).ranges(); } // (which reports the damage)
  }
  subRecord(j: number): number { return this.scan.subs[j * SUB_ENTRY + 2] / SKIM_REC; }
  subInlined(j: number): boolean { return this.scan.subs[j * SUB_ENTRY + 3] !== -2; }
  subParent(j: number): number { const p = this.scan.subs[j * SUB_ENTRY + 3]; return p < 0 ? -1 : p / SKIM_REC; }

  /** True if record i is record `anc` or one of its descendants (parents come before their children). */
  within(i: number, anc: number): boolean {
    while (i > anc) i = this.parent(i);
    return i === anc;
  }

  /** The DIE of record i (made once; the unit's tree DIE once the tree is parsed), `parent` its nearest recorded ancestor. */
  die(i: number): Die {
    let d = this.made_.get(i);
    if (d) return d;
    d = this.unit.parsedDieAt(this.offset(i));
    if (!d) {
      d = new Die(this.unit, this.offset(i), this.abbrev(i), this.attrsPos(i));
      const p = this.parent(i);
      d.parent = p < 0 ? this.root : this.die(p);
    }
    this.made_.set(i, d);
    return d;
  }

  /** The DIEs made so far, in offset order (for the tree parse to reuse). */
  made(): Die[] {
    const out: Die[] = [this.root];
    for (const i of [...this.made_.keys()].sort((a, b) => a - b)) out.push(this.made_.get(i)!);
    return out;
  }

  /** The root or the recorded DIE at a section-relative offset. */
  dieAtOffset(offset: number): Die | undefined {
    if (offset === this.root.offset) return this.root;
    const rec = this.scan.rec, pos = offset + this.base; // record positions are `delta` above absolute ones, as `base` is
    let lo = 0, hi = this.count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1, p = rec[mid * SKIM_REC];
      if (p === pos) return this.die(mid);
      if (p < pos) lo = mid + 1; else hi = mid - 1;
    }
    return undefined;
  }
}

/** 1 for a subprogram with code (low_pc or ranges), 2 for such an inlined subroutine, else 0 (cached on the abbreviation). */
export function subroutineKind(ab: Abbrev): number {
  let k = ab._sub;
  if (k === undefined) {
    const tag = ab.tag;
    k = tag === C.DW_TAG_subprogram ? 1 : tag === C.DW_TAG_inlined_subroutine ? 2 : 0;
    if (k !== 0 && !ab.attrs.some((a) => a.at === C.DW_AT_low_pc || a.at === C.DW_AT_ranges)) k = 0;
    ab._sub = k;
  }
  return k;
}

