import * as C from '../dwarf/constants';
import type { Die } from '../dwarf/die';
import type { Unit } from '../dwarf/unit';
import { type ScopeRecords, subroutineKind } from '../dwarf/scope';
import { isDiscardedStart } from '../dwarf/ranges';
import { orderByValue } from '../util/order';
import { SKIM_REC, SUB_ENTRY } from '../dwarf/skim';

/** An ordered address→(end, value) map with LLVM's insertion semantics (see FunctionIndex); values are scope record indexes. */
class IntervalMap {
  keys: number[] = [];
  ends: number[] = [];
  vals: number[] = [];

  /** Index of the first key > x. */
  upper(x: number): number {
    const k = this.keys;
    let lo = 0, hi = k.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (k[mid] <= x) lo = mid + 1; else hi = mid; }
    return lo;
  }

  private set(key: number, end: number, v: number): void {
    const i = this.upper(key) - 1;
    if (i >= 0 && this.keys[i] === key) { this.ends[i] = end; this.vals[i] = v; return; }
    if (i + 1 === this.keys.length) { this.keys.push(key); this.ends.push(end); this.vals.push(v); return; }
    this.keys.splice(i + 1, 0, key); this.ends.splice(i + 1, 0, end); this.vals.splice(i + 1, 0, v);
  }

  /** The value whose range holds `addr`, or -1. */
  lookup(addr: number): number {
    const i = this.upper(addr) - 1;
    if (i < 0 || addr >= this.ends[i]) return -1;
    return this.vals[i];
  }

  /** LLVM DWARFUnit::updateAddressDieMap for one range. */
  insert(low: number, high: number, v: number): void {
    const b = this.upper(low) - 1;
    if (b >= 0 && low < this.ends[b]) {
      const pEnd = this.ends[b], pVal = this.vals[b], pKey = this.keys[b];
      if (high < pEnd) this.set(high, pEnd, pVal);
      if (low > pKey) this.ends[b] = low;
    }
    this.set(low, high, v);
  }
}


/**
 * Per-unit map from code address to the innermost subroutine DIE
 * (subprogram or inlined subroutine), with the semantics of LLVM's
 * address→DIE map: DIEs are inserted in tree order (parents before
 * children); a range inserted inside an existing one splits it; an entry
 * that starts inside a later-inserted range keeps its own start (this
 * matters for producers whose inlined ranges overlap, e.g. TinyGo).
 *
 * Lazy, and built from the unit's scope records (src/dwarf/scope.ts), not
 * from DIE objects: the subprograms' ranges are mapped first, read straight
 * from the bytes where their shape allows; the inlined subroutines of a
 * subprogram are read (ranges decoded, map built) only when an address
 * falls into it, and DIE objects are made only for what a lookup returns.
 * When subprograms overlap each other, the whole unit is inserted into one
 * map in tree order, as LLVM does.
 */
export class FunctionIndex {
  private readonly top = new IntervalMap();
  /** the walk's entries (ScopeRecords sub*) of inlined subroutines, in tree order */
  private inl = new Int32Array(0);
  private readonly groups = new Map<number, IntervalMap>();
  private full?: IntervalMap;
  private readonly sc?: ScopeRecords;

  constructor(unit: Unit) {
    const sc = (this.sc = unit.scopeRecords());
    if (!sc) return;
    const as = unit.addressSize;
    // ranges of the subprograms with code: begin, end, record (index loops over the walk's entries: this runs cold once per looked-up unit)
    const B: number[] = [], E: number[] = [], R: number[] = [];
    const subs = sc.subs, n = sc.subCount, inl = new Int32Array(n);
    let ni = 0;
    for (let j = 0; j < n; j++) {
      const e = j * SUB_ENTRY;
      if (subs[e + 3] !== -2) { inl[ni++] = j; continue; } // inlined: read when an address falls into its subprogram (group)
      const i = subs[e + 2] / SKIM_REC, low = subs[e];
      if (low >= 0) {
        const end = subs[e + 1];
        if (end > low && !isDiscardedStart(low, as)) { B.push(low); E.push(end); R.push(i); }
        continue;
      }
      const rs = sc.die(i).ranges();
      for (let k = 0; k < rs.length; k++) if (rs[k].end > rs[k].begin) { B.push(rs[k].begin); E.push(rs[k].end); R.push(i); }
    }
    this.inl = inl.subarray(0, ni);
    // ranges that do not overlap map the same in any insertion order: sorted arrays are the map (no inserts into the
    // middle of arrays, which is quadratic for units whose DIEs are not in address order, e.g. Rust's std)
    const m = B.length;
    const order = orderByValue(B);
    let overlap = false;
    for (let i = 1; i < m && !overlap; i++) overlap = B[order[i]] < E[order[i - 1]];
    const t = this.top;
    if (!overlap) {
      for (let k = 0; k < m; k++) { const i = order[k]; t.keys.push(B[i]); t.ends.push(E[i]); t.vals.push(R[i]); }
    } else {
      for (let k = 0; k < m; k++) t.insert(B[k], E[k], R[k]);
      // overlapping subprograms (or a subprogram nested in another's code): map everything at once, in tree order
      this.full = this.buildFull(sc);
    }
  }

  private buildFull(sc: ScopeRecords): IntervalMap {
    const m = new IntervalMap();
    for (let i = 0; i < sc.count; i++) {
      if (subroutineKind(sc.abbrev(i)) === 0) continue;
      for (const r of sc.die(i).ranges()) if (r.end > r.begin) m.insert(r.begin, r.end, i);
    }
    return m;
  }

  /**
   * The map of one subprogram (record `sub`): its ranges, then those of the
   * inlined subroutines whose nearest subprogram it is, in tree order. Its
   * descendants follow it in record order without a gap, so their entries
   * are one run of `inl`, found by binary search and ended by the first
   * entry outside the subprogram.
   */
  private group(sub: number): IntervalMap {
    let g = this.groups.get(sub);
    if (g) return g;
    const sc = this.sc!, as = sc.unit.addressSize, inl = this.inl, subs = sc.subs;
    g = new IntervalMap();
    for (const r of sc.die(sub).ranges()) if (r.end > r.begin) g.insert(r.begin, r.end, sub);
    let lo = 0, hi = inl.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (subs[inl[mid] * SUB_ENTRY + 2] / SKIM_REC <= sub) lo = mid + 1; else hi = mid; }
    for (let k = lo; k < inl.length; k++) {
      const j = inl[k], d = subs[j * SUB_ENTRY + 2] / SKIM_REC;
      if (!sc.within(d, sub)) break;
      if (sc.subParent(j) !== sub) continue; // inlined into a subprogram nested in this one
      const low = subs[j * SUB_ENTRY];
      if (low >= 0) {
        const end = subs[j * SUB_ENTRY + 1];
        if (end > low && !isDiscardedStart(low, as)) g.insert(low, end, d);
        continue;
      }
      for (const r of sc.die(d).ranges()) if (r.end > r.begin) g.insert(r.begin, r.end, d);
    }
    this.groups.set(sub, g);
    return g;
  }

  get size(): number { return this.top.keys.length; }

  /** The innermost subroutine DIE containing `addr`. */
  lookup(addr: number): Die | undefined {
    if (!this.sc) return undefined;
    if (this.full) { const i = this.full.lookup(addr); return i < 0 ? undefined : this.sc.die(i); }
    const sub = this.top.lookup(addr);
    if (sub < 0) return undefined;
    const i = this.group(sub).lookup(addr);
    return i < 0 ? undefined : this.sc.die(i);
  }

  /** All subprogram DIEs with code (for listings). */
  subprograms(): Die[] { return [...new Set(this.top.vals)].map((i) => this.sc!.die(i)); }
}

/** The inline chain for a subroutine DIE: innermost first, ending at the enclosing DW_TAG_subprogram. */
export function inlineChain(innermost: Die): Die[] {
  const chain: Die[] = [];
  for (let d: Die | undefined = innermost; d && chain.length < 1000; d = d.parent) {
    if (d.tag === C.DW_TAG_subprogram) { chain.push(d); break; }
    if (d.tag === C.DW_TAG_inlined_subroutine) chain.push(d);
  }
  return chain;
}
