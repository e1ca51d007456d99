import * as C from '../dwarf/constants';
import type { Die } from '../dwarf/die';
import type { Unit } from '../dwarf/unit';
import type { ScopeRecords } from '../dwarf/scope';
import type { Abbrev } from '../dwarf/abbrev';

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

const out2 = new Float64Array(2);
/** Index bits of a sort key (begin * 2^INDEX_BITS + index: one numeric typed-array sort, no comparator). */
const INDEX_BITS = 2 ** 21;

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
  /** inlined subroutine records (in tree order) per nearest enclosing subprogram record */
  private readonly inlined = new Map<number, number[]>();
  private readonly groups = new Map<number, IntervalMap>();
  private full?: IntervalMap;
  private readonly sc?: ScopeRecords;

  constructor(unit: Unit) {
    const sc = (this.sc = unit.scopeRecords());
    if (!sc) return;
    const n = sc.count;
    // ranges of the subprograms with code: begin, end, record (index loops: this runs cold once per looked-up unit)
    const B: number[] = [], E: number[] = [], R: number[] = [];
    for (let i = 0; i < n; i++) {
      const ab = sc.abbrev(i);
      const kind = subroutineKind(ab);
      if (kind === 0) continue;
      if (kind === 2) {
        let p = sc.parent(i);
        while (p >= 0 && sc.abbrev(p).tag !== C.DW_TAG_subprogram) p = sc.parent(p);
        if (p >= 0) { let l = this.inlined.get(p); if (!l) this.inlined.set(p, (l = [])); l.push(i); }
        continue;
      }
      const k = unit.simpleRange(ab, sc.attrsPos(i), out2);
      if (k === 1) { B.push(out2[0]); E.push(out2[1]); R.push(i); continue; }
      if (k === 0) continue;
      const rs = sc.die(i).ranges();
      for (let j = 0; j < rs.length; j++) if (rs[j].end > rs[j].begin) { B.push(rs[j].begin); E.push(rs[j].end); R.push(i); }
    }
    // ranges that do not overlap map the same in any insertion order: sorted arrays are the map (no inserts into the
    // middle of arrays, which is quadratic for units whose DIEs are not in address order, e.g. Rust's std)
    const m = B.length;
    let order: ArrayLike<number>;
    if (m < INDEX_BITS && B.every((b) => b < 2 ** 32)) {
      // begin * 2^21 + index is exact in a double: a numeric sort of one typed array
      const keys = new Float64Array(m);
      for (let i = 0; i < m; i++) keys[i] = B[i] * INDEX_BITS + i;
      keys.sort();
      const o = new Int32Array(m);
      for (let i = 0; i < m; i++) o[i] = keys[i] % INDEX_BITS;
      order = o;
    } else {
      order = Array.from({ length: m }, (_, i) => i).sort((x, y) => B[x] - B[y] || x - y);
    }
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

  private group(sub: number): IntervalMap {
    let g = this.groups.get(sub);
    if (!g) {
      const sc = this.sc!;
      g = new IntervalMap();
      for (const r of sc.die(sub).ranges()) if (r.end > r.begin) g.insert(r.begin, r.end, sub);
      for (const d of this.inlined.get(sub) ?? []) for (const r of sc.die(d).ranges()) if (r.end > r.begin) g.insert(r.begin, r.end, d);
      this.groups.set(sub, g);
    }
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

/** 1 for a subprogram with code (low_pc or ranges), 2 for such an inlined subroutine, else 0 (cached on the abbreviation). */
function subroutineKind(ab: Abbrev): number {
  let k = ab._sub;
  if (k === undefined) {
    const tag = ab.tag;
    k = tag === C.DW_TAG_subprogram ? 1 : tag === C.DW_TAG_inlined_subroutine ? 2 : 0;
    if (k !== 0 && !ab.attrs.some((a) => a.at === C.DW_AT_low_pc || a.at === C.DW_AT_ranges)) k = 0;
    ab._sub = k;
  }
  return k;
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
