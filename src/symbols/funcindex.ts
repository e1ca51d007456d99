import * as C from '../dwarf/constants';
import type { Die } from '../dwarf/die';
import type { Unit } from '../dwarf/unit';
import type { ScopeRecords } from '../dwarf/scope';
import { orderByValue } from '../util/order';

/** An ordered address→(end, value) map with LLVM's insertion semantics (see FunctionIndex); values are scope record indexes. */
class IntervalMap {
  keys: number[] = [];
  ends: number[] = [];
  vals: number[] = [];

  /** A map of sorted, disjoint ranges as they are (for lookups only: `insert` needs an empty map or one made by inserts). */
  static sorted(keys: Float64Array, ends: Float64Array, vals: Float64Array): IntervalMap {
    const m = new IntervalMap();
    m.keys = keys as unknown as number[]; m.ends = ends as unknown as number[]; m.vals = vals as unknown as number[];
    return m;
  }

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
  private top = new IntervalMap();
  /** the walk's entries (ScopeRecords sub*) of inlined subroutines, in tree order */
  private inl: Int32Array = new Int32Array(0);
  private readonly groups = new Map<number, IntervalMap>();
  private full?: IntervalMap;
  private readonly sc?: ScopeRecords;

  constructor(unit: Unit) {
    const sc = (this.sc = unit.scopeRecords());
    if (!sc) return;
    // ranges of the subprograms with code: begin, end, record. The kernel's split of the walk's entries has them,
    // sorted when it could, and the inlined entries (read when an address falls into their subprogram: group)
    const sp = sc.split;
    if (sp?.sorted) { this.top = IntervalMap.sorted(sp.B, sp.E, sp.R); this.inl = sp.inl; return; }
    let B: ArrayLike<number>, E: ArrayLike<number>, R: ArrayLike<number>;
    if (sp) ({ B, E, R, inl: this.inl } = sp);
    else {
      // without the kernel, or for subprograms whose ranges are read from their DIEs (index loops: this runs cold)
      const b: number[] = [], e: number[] = [], r: number[] = [];
      const n = sc.subCount, inl = new Int32Array(n);
      let ni = 0, cur = 0;
      const add = (lo: number, hi: number): void => { b.push(lo); e.push(hi); r.push(cur); };
      for (let j = 0; j < n; j++) {
        if (sc.subInlined(j)) { inl[ni++] = j; continue; }
        cur = sc.subRecord(j);
        forEachRange(sc, j, add);
      }
      this.inl = inl.subarray(0, ni);
      B = b; E = e; R = r;
    }
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
    for (let j = 0; j < sc.subCount; j++) { const d = sc.subRecord(j); forEachRange(sc, j, (b, e) => m.insert(b, e, d)); }
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
    const sc = this.sc!, inl = this.inl, m = new IntervalMap();
    for (const r of sc.die(sub).ranges()) if (r.end > r.begin) m.insert(r.begin, r.end, sub);
    let lo = 0, hi = inl.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (sc.subRecord(inl[mid]) <= sub) lo = mid + 1; else hi = mid; }
    for (let k = lo; k < inl.length; k++) {
      const j = inl[k], d = sc.subRecord(j);
      if (!sc.within(d, sub)) break;
      if (sc.subParent(j) !== sub) continue; // inlined into a subprogram nested in this one
      forEachRange(sc, j, (b, e) => m.insert(b, e, d));
    }
    this.groups.set(sub, (g = m));
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

const rangeOut = new Float64Array(2);

/** `f(begin, end)` for each non-empty range of subroutine entry j: the one the walk read, the list it found, else the DIE's own. */
function forEachRange(sc: ScopeRecords, j: number, f: (begin: number, end: number) => void): void {
  const k = sc.subRange(j, rangeOut);
  if (k === 1) f(rangeOut[0], rangeOut[1]);
  else if (k === -2) for (const r of sc.listedRanges(j, rangeOut[0])) f(r.begin, r.end);
  else if (k === -1) for (const r of sc.die(sc.subRecord(j)).ranges()) if (r.end > r.begin) f(r.begin, r.end);
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
