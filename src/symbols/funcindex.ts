import * as C from '../dwarf/constants';
import type { Die } from '../dwarf/die';
import type { Unit } from '../dwarf/unit';

/**
 * Per-unit map from code address to the innermost subroutine DIE
 * (subprogram or inlined subroutine), built like LLVM's address→DIE map:
 * DIEs are inserted in tree order (parents before children); a range
 * inserted inside an existing one splits it; an entry that starts inside a
 * later-inserted range keeps its own start. This matches llvm-symbolizer
 * also where discarded functions at address 0 overlap real code.
 */
export class FunctionIndex {
  private keys: number[] = [];
  private ends: number[] = [];
  private dies: Die[] = [];

  constructor(unit: Unit) {
    for (const d of unit.scopeDies()) {
      if (d.tag !== C.DW_TAG_subprogram && d.tag !== C.DW_TAG_inlined_subroutine) continue;
      if (!d.has(C.DW_AT_low_pc) && !d.has(C.DW_AT_ranges)) continue;
      for (const r of d.ranges()) if (r.end > r.begin) this.insert(r.begin, r.end, d);
    }
  }

  get size(): number { return this.keys.length; }

  /** Index of the first key > x. */
  private upper(x: number): number {
    const k = this.keys;
    let lo = 0, hi = k.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (k[mid] <= x) lo = mid + 1; else hi = mid; }
    return lo;
  }

  private set(key: number, end: number, die: Die): void {
    const i = this.upper(key) - 1;
    if (i >= 0 && this.keys[i] === key) { this.ends[i] = end; this.dies[i] = die; return; }
    this.keys.splice(i + 1, 0, key); this.ends.splice(i + 1, 0, end); this.dies.splice(i + 1, 0, die);
  }

  private insert(low: number, high: number, die: Die): void {
    const b = this.upper(low) - 1;
    if (b >= 0 && low < this.ends[b]) {
      const pEnd = this.ends[b], pDie = this.dies[b], pKey = this.keys[b];
      if (high < pEnd) this.set(high, pEnd, pDie);
      if (low > pKey) this.ends[b] = low;
    }
    this.set(low, high, die);
  }

  /** The innermost subroutine DIE containing `addr`. */
  lookup(addr: number): Die | undefined {
    const i = this.upper(addr) - 1;
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
