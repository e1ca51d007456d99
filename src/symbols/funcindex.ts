import * as C from '../dwarf/constants';
import type { Die } from '../dwarf/die';
import type { Unit } from '../dwarf/unit';
import type { Abbrev } from '../dwarf/abbrev';

/** An ordered address→(end, DIE) map with LLVM's insertion semantics (see FunctionIndex). */
class IntervalMap {
  keys: number[] = [];
  ends: number[] = [];
  dies: Die[] = [];

  /** Index of the first key > x. */
  upper(x: number): number {
    const k = this.keys;
    let lo = 0, hi = k.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (k[mid] <= x) lo = mid + 1; else hi = mid; }
    return lo;
  }

  private set(key: number, end: number, die: Die): void {
    const i = this.upper(key) - 1;
    if (i >= 0 && this.keys[i] === key) { this.ends[i] = end; this.dies[i] = die; return; }
    if (i + 1 === this.keys.length) { this.keys.push(key); this.ends.push(end); this.dies.push(die); return; }
    this.keys.splice(i + 1, 0, key); this.ends.splice(i + 1, 0, end); this.dies.splice(i + 1, 0, die);
  }

  lookup(addr: number): Die | undefined {
    const i = this.upper(addr) - 1;
    if (i < 0 || addr >= this.ends[i]) return undefined;
    return this.dies[i];
  }

  /** LLVM DWARFUnit::updateAddressDieMap for one range. */
  insert(low: number, high: number, die: Die): void {
    const b = this.upper(low) - 1;
    if (b >= 0 && low < this.ends[b]) {
      const pEnd = this.ends[b], pDie = this.dies[b], pKey = this.keys[b];
      if (high < pEnd) this.set(high, pEnd, pDie);
      if (low > pKey) this.ends[b] = low;
    }
    this.set(low, high, die);
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
 * Lazy: the subprograms' ranges are mapped first; the inlined subroutines
 * of a subprogram are read (ranges decoded, map built) only when an
 * address falls into it. When subprograms overlap each other, the whole
 * unit is inserted into one map in tree order, as LLVM does.
 */
export class FunctionIndex {
  private readonly top = new IntervalMap();
  /** inlined subroutines (in tree order) per nearest enclosing subprogram */
  private readonly inlined = new Map<Die, Die[]>();
  private readonly groups = new Map<Die, IntervalMap>();
  private full?: IntervalMap;

  constructor(unit: Unit) {
    const subs: Array<{ d: Die; b: number; e: number }> = [];
    const scope = unit.scopeDies();
    // (index loops: this runs cold once per looked-up unit, where iterators allocate)
    for (let k = 0; k < scope.length; k++) {
      const d = scope[k];
      const kind = subroutineKind(d.abbrev);
      if (kind === 0) continue;
      if (kind === 2) {
        let p = d.parent;
        while (p && p.tag !== C.DW_TAG_subprogram) p = p.parent;
        if (p) { let l = this.inlined.get(p); if (!l) this.inlined.set(p, (l = [])); l.push(d); }
        continue;
      }
      const rs = d.ranges();
      for (let j = 0; j < rs.length; j++) if (rs[j].end > rs[j].begin) subs.push({ d, b: rs[j].begin, e: rs[j].end });
    }
    // ranges that do not overlap map the same in any insertion order: sorted arrays are the map (no inserts into the
    // middle of arrays, which is quadratic for units whose DIEs are not in address order, e.g. Rust's std)
    const sorted = subs.slice().sort((a, b) => a.b - b.b);
    let overlap = false;
    for (let i = 1; i < sorted.length && !overlap; i++) overlap = sorted[i].b < sorted[i - 1].e;
    if (!overlap) {
      const t = this.top;
      for (let k = 0; k < sorted.length; k++) { t.keys.push(sorted[k].b); t.ends.push(sorted[k].e); t.dies.push(sorted[k].d); }
    } else {
      for (let k = 0; k < subs.length; k++) this.top.insert(subs[k].b, subs[k].e, subs[k].d);
      // overlapping subprograms (or a subprogram nested in another's code): map everything at once, in tree order
      this.full = this.buildFull(scope);
    }
  }

  private buildFull(scope: Die[]): IntervalMap {
    const m = new IntervalMap();
    for (const d of scope) {
      if (subroutineKind(d.abbrev) === 0) continue;
      for (const r of d.ranges()) if (r.end > r.begin) m.insert(r.begin, r.end, d);
    }
    return m;
  }

  private group(sub: Die): IntervalMap {
    let g = this.groups.get(sub);
    if (!g) {
      g = new IntervalMap();
      for (const r of sub.ranges()) if (r.end > r.begin) g.insert(r.begin, r.end, sub);
      for (const d of this.inlined.get(sub) ?? []) for (const r of d.ranges()) if (r.end > r.begin) g.insert(r.begin, r.end, d);
      this.groups.set(sub, g);
    }
    return g;
  }

  get size(): number { return this.top.keys.length; }

  /** The innermost subroutine DIE containing `addr`. */
  lookup(addr: number): Die | undefined {
    if (this.full) return this.full.lookup(addr);
    const sub = this.top.lookup(addr);
    return sub ? this.group(sub).lookup(addr) : undefined;
  }

  /** All subprogram DIEs with code (for listings). */
  subprograms(): Die[] { return [...new Set(this.top.dies)]; }
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
