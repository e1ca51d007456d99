import * as C from '../dwarf/constants';
import type { Die } from '../dwarf/die';
import type { Unit } from '../dwarf/unit';

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
 * Built per subprogram (small maps) and merged; if subprograms overlap
 * each other, the whole unit is inserted in one map in tree order.
 */
export class FunctionIndex {
  private readonly keys: Float64Array;
  private readonly ends: Float64Array;
  private readonly dies: Die[];

  constructor(unit: Unit) {
    const groups = new Map<Die, Array<{ d: Die; b: number; e: number }>>();
    const all: Array<{ d: Die; b: number; e: number }> = [];
    for (const d of unit.scopeDies()) {
      if (d.tag !== C.DW_TAG_subprogram && d.tag !== C.DW_TAG_inlined_subroutine) continue;
      if (!d.has(C.DW_AT_low_pc) && !d.has(C.DW_AT_ranges)) continue;
      let top: Die = d;
      for (let p = d.parent; p; p = p.parent) if (p.tag === C.DW_TAG_subprogram) top = p;
      let g = groups.get(top);
      if (!g) groups.set(top, (g = []));
      for (const r of d.ranges()) if (r.end > r.begin) { const x = { d, b: r.begin, e: r.end }; g.push(x); all.push(x); }
    }
    // per-group maps, then merge when the groups' segments are disjoint
    const segs: Array<[number, number, Die]> = [];
    for (const g of groups.values()) {
      const m = new IntervalMap();
      for (const x of g) m.insert(x.b, x.e, x.d);
      for (let i = 0; i < m.keys.length; i++) segs.push([m.keys[i], m.ends[i], m.dies[i]]);
    }
    segs.sort((a, b) => a[0] - b[0]);
    let disjoint = true;
    for (let i = 1; i < segs.length && disjoint; i++) if (segs[i][0] < segs[i - 1][1]) disjoint = false;
    let keys: number[], ends: number[], dies: Die[];
    if (disjoint) {
      keys = segs.map((x) => x[0]); ends = segs.map((x) => x[1]); dies = segs.map((x) => x[2]);
    } else {
      const m = new IntervalMap();
      for (const x of all) m.insert(x.b, x.e, x.d);
      keys = m.keys; ends = m.ends; dies = m.dies;
    }
    this.keys = Float64Array.from(keys); this.ends = Float64Array.from(ends); this.dies = dies;
  }

  get size(): number { return this.dies.length; }

  /** The innermost subroutine DIE containing `addr`. */
  lookup(addr: number): Die | undefined {
    const k = this.keys;
    let lo = 0, hi = k.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (k[mid] <= addr) lo = mid + 1; else hi = mid; }
    const i = lo - 1;
    if (i < 0 || addr >= this.ends[i]) return undefined;
    return this.dies[i];
  }

  /** All subprogram DIEs with code (for listings). */
  subprograms(): Die[] { return [...new Set(this.dies.filter((d) => d.tag === C.DW_TAG_subprogram))]; }
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
