import type { Dwarf } from '../dwarf/dwarf';
import type { Unit } from '../dwarf/unit';
import { readAddress, readOffset, msg } from '../dwarf/form';
import { isDiscardedStart, AddrRange } from '../dwarf/ranges';
import { scanRootRanges } from '../dwarf/rootscan';
import * as C from '../dwarf/constants';
import { orderByValue } from '../util/order';

/**
 * Code address → compile unit, built once from `.debug_aranges`, the units'
 * own ranges (DW_AT_ranges / low_pc+high_pc) for units the aranges do not
 * cover, and line-program sequences for units with neither. Overlapping
 * ranges resolve as LLVM's DWARFDebugAranges does (see sweep). Lookups are a binary search over sorted arrays.
 */
export class AddressIndex {
  private begin: Float64Array = new Float64Array(0);
  private end: Float64Array = new Float64Array(0);
  private unitIdx: Int32Array = new Int32Array(0);
  readonly units: Unit[];

  constructor(readonly dwarf: Dwarf) {
    this.units = dwarf.units().filter((u) => u.kind === 'compile' || u.kind === 'skeleton' || u.kind === 'partial');
    this.build();
  }

  get size(): number { return this.begin.length; }

  private build(): void {
    const units = this.units;
    const raw = new RangeList();
    let covered: Set<number> | undefined;
    const aranges = this.readAranges();
    if (aranges.length) {
      const byOffset = new Map<number, number>();
      units.forEach((u, i) => byOffset.set(u.offset, i));
      covered = new Set<number>();
      for (const [cuOff, b, e] of aranges) {
        const i = byOffset.get(cuOff);
        if (i === undefined) continue;
        covered.add(i);
        raw.push(b, e, i);
      }
    }
    for (let i = 0; i < units.length; i++) {
      if (covered?.has(i)) continue;
      const u = units[i];
      // common root DIE shapes are decoded directly (cheap for thousands of units), others through the unit
      let rs: AddrRange[], described: boolean;
      const fast = u.rootRanges ?? scanRootRanges(u);
      if (fast) ({ ranges: rs, described } = fast);
      else {
        const root = u.root();
        if (!root) continue;
        rs = root.ranges();
        described = root.has(C.DW_AT_ranges) || root.has(C.DW_AT_low_pc);
      }
      if (rs.length === 0 && !described) {
        // fall back to line sequences only for units that describe no ranges at all (as LLVM, which has no
        // fallback, would give nothing; a unit whose ranges are present but empty covers no code)
        const lp = u.lineProgram();
        rs = lp ? lp.sequences.map((q) => ({ begin: q.begin, end: q.end })) : [];
      }
      for (let k = 0; k < rs.length; k++) raw.push(rs[k].begin, rs[k].end, i);
    }
    this.sweep(raw);
  }

  private readAranges(): Array<[number, number, number]> {
    const out: Array<[number, number, number]> = [];
    const secs = this.dwarf.sections;
    const s = secs.get('.debug_aranges');
    if (!s) return out;
    let off = 0;
    try {
      while (off < s.size) {
        const r = secs.reader('.debug_aranges', off);
        const at = r.pos;
        let len = r.u32(), os = 4;
        if (len === 0xffffffff) { len = r.u64n(); os = 8; }
        const setEnd = r.pos + len;
        if (setEnd > r.end) r.fail('address range set runs past the end of .debug_aranges', at);
        r.u16();
        const cuOff = readOffset(r, os);
        const as = r.u8();
        r.u8();
        if (as !== 4 && as !== 8) r.fail(`unsupported address size ${as}`, r.pos - 2);
        const rel = r.pos - at;
        const pad = (2 * as - (rel % (2 * as))) % (2 * as);
        r.skip(pad);
        while (r.pos + 2 * as <= setEnd) {
          const b = readAddress(r, as), l = readAddress(r, as);
          if (b === 0 && l === 0) break;
          if (l > 0 && !isDiscardedStart(b, as)) out.push([cuOff, b, b + l]);
        }
        off = secs.rel('.debug_aranges', setEnd);
      }
    } catch (e) {
      this.dwarf.diagnostic(`.debug_aranges: ${msg(e)} (remaining sets ignored)`);
    }
    return out;
  }

  /** Endpoint sweep as LLVM's DWARFDebugAranges::construct: where ranges overlap, the unit already covering the previous piece continues, else the lowest offset wins. */
  private sweep(raw: RangeList): void {
    // common case: ranges that neither overlap nor touch are the index as they are, in address order
    const order = raw.byBegin();
    const RB = raw.B, RE = raw.E, RU = raw.U;
    let disjoint = true;
    for (let k = 1; k < order.length && disjoint; k++) if (RB[order[k]] <= RE[order[k - 1]]) disjoint = false;
    if (disjoint) {
      const n = order.length;
      this.begin = new Float64Array(n); this.end = new Float64Array(n); this.unitIdx = new Int32Array(n);
      for (let k = 0; k < n; k++) { const i = order[k]; this.begin[k] = RB[i]; this.end[k] = RE[i]; this.unitIdx[k] = RU[i]; }
      return;
    }
    const pts: Array<[number, boolean, number]> = [];
    for (let i = 0; i < RB.length; i++) if (RE[i] > RB[i]) { pts.push([RB[i], true, RU[i]]); pts.push([RE[i], false, RU[i]]); }
    pts.sort((x, y) => x[0] - y[0]);
    const active = new Map<number, number>();
    const B: number[] = [], E: number[] = [], U: number[] = [];
    let prev = 0;
    for (const [addr, start, i] of pts) {
      if (prev < addr && active.size > 0) {
        // LLVM: extend the previous range while its unit is still active, else take the lowest active unit
        const n = B.length;
        if (n > 0 && E[n - 1] === prev && active.has(U[n - 1])) E[n - 1] = addr;
        else {
          let best = Infinity;
          for (const k of active.keys()) if (k < best) best = k;
          B.push(prev); E.push(addr); U.push(best);
        }
      }
      if (start) active.set(i, (active.get(i) ?? 0) + 1);
      else { const c = (active.get(i) ?? 1) - 1; if (c <= 0) active.delete(i); else active.set(i, c); }
      prev = addr;
    }
    this.begin = Float64Array.from(B); this.end = Float64Array.from(E); this.unitIdx = Int32Array.from(U);
  }

  /** The unit covering a code address, or undefined. */
  lookup(addr: number): Unit | undefined {
    const b = this.begin;
    let lo = 0, hi = b.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (b[mid] <= addr) lo = mid + 1; else hi = mid; }
    const i = lo - 1;
    if (i < 0 || addr >= this.end[i]) return undefined;
    return this.units[this.unitIdx[i]];
  }
}

/** Unit ranges as parallel arrays (no object per range: thousands of them are read cold). */
class RangeList {
  readonly B: number[] = [];
  readonly E: number[] = [];
  readonly U: number[] = [];
  push(b: number, e: number, unit: number): void { this.B.push(b); this.E.push(e); this.U.push(unit); }

  /** Indexes of the non-empty ranges by begin address, ties in insertion order. */
  byBegin(): ArrayLike<number> {
    const B = this.B, E = this.E, keep: number[] = [];
    for (let i = 0; i < B.length; i++) if (E[i] > B[i]) keep.push(i);
    return orderByValue(B, keep);
  }
}
