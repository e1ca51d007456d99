import * as C from '../dwarf/constants';
import type { Die } from '../dwarf/die';
import type { Unit } from '../dwarf/unit';

/**
 * Per-unit index of subroutine DIEs (subprograms and inlined subroutines)
 * by code range. The DIE for an address is the innermost one: the last in
 * DIE order whose ranges contain the address (children come after their
 * parents), which is what LLVM's address→DIE map yields.
 */
export class FunctionIndex {
  private readonly begin: Float64Array;
  private readonly end: Float64Array;
  /** running maximum of `end` up to each entry (for early stop when scanning back) */
  private readonly maxEnd: Float64Array;
  private readonly dies: Die[];
  private readonly order: Int32Array;

  constructor(unit: Unit) {
    const entries: Array<{ b: number; e: number; die: Die; ord: number }> = [];
    const all = unit.parseTree();
    for (let k = 0; k < all.length; k++) {
      const d = all[k];
      if (d.tag !== C.DW_TAG_subprogram && d.tag !== C.DW_TAG_inlined_subroutine) continue;
      if (!d.has(C.DW_AT_low_pc) && !d.has(C.DW_AT_ranges)) continue;
      for (const r of d.ranges()) entries.push({ b: r.begin, e: r.end, die: d, ord: k });
    }
    entries.sort((x, y) => x.b - y.b || x.ord - y.ord);
    const n = entries.length;
    this.begin = new Float64Array(n); this.end = new Float64Array(n); this.maxEnd = new Float64Array(n); this.order = new Int32Array(n);
    this.dies = new Array<Die>(n);
    let m = 0;
    for (let i = 0; i < n; i++) {
      const x = entries[i];
      this.begin[i] = x.b; this.end[i] = x.e; this.dies[i] = x.die; this.order[i] = x.ord;
      m = Math.max(m, x.e); this.maxEnd[i] = m;
    }
  }

  get size(): number { return this.dies.length; }

  /** The innermost subroutine DIE containing `addr`. */
  lookup(addr: number): Die | undefined {
    const b = this.begin;
    let lo = 0, hi = b.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (b[mid] <= addr) lo = mid + 1; else hi = mid; }
    let best = -1;
    for (let i = lo - 1; i >= 0; i--) {
      if (this.maxEnd[i] <= addr) break;
      if (addr < this.end[i] && (best < 0 || this.order[i] > this.order[best])) best = i;
    }
    return best < 0 ? undefined : this.dies[best];
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
