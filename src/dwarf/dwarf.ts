import * as C from './constants';
import { AbbrevTable, lazyAbbrevTable } from './abbrev';
import { DwarfSections, DwarfSection } from './sections';
import { Unit } from './unit';
import { readUnitHeader, peekUnitHeader, peeked } from './unitheader';
import type { Die } from './die';
import { LineProgram, parseLineProgram } from './line';
import { msg } from './form';
import { scanRootRanges } from './rootscan';

const MAX_UNITS = 5_000_000;

/**
 * The DWARF of one file. Unit headers are enumerated on first use (a jump
 * from header to header, no DIE parsing); everything else is per unit and
 * lazy. Errors in the data become `diagnostics`.
 */
export class Dwarf {
  readonly diagnostics: string[] = [];
  private _units?: Unit[];
  private _types?: Map<bigint, Unit>;
  private readonly abbrevCache = new Map<string, AbbrevTable>();
  private readonly lineCache = new Map<number, LineProgram | null>();
  private _split?: Dwarf | null;
  private _splitIndex?: Map<bigint, Dwarf> | null;

  constructor(readonly sections: DwarfSections) {}

  diagnostic(s: string): void { if (this.diagnostics.length < 1000) this.diagnostics.push(s); }

  /** The section holding compile units: `.debug_info`, or `.debug_info.dwo` in a split file. */
  get infoSection(): string { return this.sections.has('.debug_info') ? '.debug_info' : '.debug_info.dwo'; }

  /** All units of `.debug_info` (headers only; DIEs are parsed on demand). */
  units(): Unit[] {
    if (this._units) return this._units;
    this._units = this.scanUnits(this.infoSection);
    return this._units;
  }

  private scanUnits(section: string): Unit[] {
    const out: Unit[] = [];
    const s = this.sections.get(section);
    if (!s) return out;
    let off = 0;
    while (off < s.size && out.length < MAX_UNITS) {
      try {
        // lazily loaded sections: read the header from a copy (leaves the file buffer untouched)
        const peek = s.peek ? peekUnitHeader(s, section, off) : undefined;
        const h = peek ?? readUnitHeader(this, section, off);
        const u = new Unit(this, section, h);
        // the copy of the root DIE's start is only valid until the next peek: decode its ranges now
        if (peek && peeked.to > peeked.from) u.rootRanges = scanRootRanges(u, peeked.bytes, peeked.from, peeked.to);
        out.push(u);
        off = h.end;
      } catch (e) {
        this.diagnostic(`${section}: unit header at 0x${off.toString(16)}: ${msg(e)} (later units are ignored)`);
        break;
      }
    }
    return out;
  }

  /** The compile/partial unit containing a section-relative offset (binary search). */
  unitContaining(section: string, offset: number): Unit | undefined {
    const list = section === this.infoSection ? this.units() : section.startsWith('.debug_types') ? this.typesSectionUnits() : [];
    let lo = 0, hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const u = list[mid];
      if (offset < u.offset) hi = mid - 1;
      else if (offset >= u.end) lo = mid + 1;
      else return u;
    }
    return undefined;
  }

  /** The DIE at a section-relative offset of `.debug_info` (or another DIE section). */
  dieAtOffset(section: string, offset: number): Die | undefined {
    return this.unitContaining(section, offset)?.dieAt(offset);
  }

  private _typesUnits?: Unit[];
  private typesSectionUnits(): Unit[] {
    if (!this._typesUnits) {
      this._typesUnits = [];
      for (const n of this.sections.names) if (n === '.debug_types' || n === '.debug_types.dwo') this._typesUnits.push(...this.scanUnits(n));
    }
    return this._typesUnits;
  }

  /** Type unit by signature (DWARF 4 `.debug_types` or DWARF 5 DW_UT_type units), also searched in the split file. */
  typeUnit(signature: bigint): Unit | undefined {
    if (!this._types) {
      this._types = new Map();
      for (const u of [...this.units(), ...this.typesSectionUnits()]) {
        if (u.header.typeSignature !== undefined) this._types.set(u.header.typeSignature, u);
      }
    }
    return this._types.get(signature) ?? (this.sections.split && this.split() !== this ? this.split()?.typeUnit(signature) : undefined);
  }

  abbrevTable(offset: number, section = '.debug_abbrev'): AbbrevTable {
    const key = `${section}:${offset}`;
    let t = this.abbrevCache.get(key);
    if (!t) {
      const where = `${section} at 0x${offset.toString(16)}`;
      try { t = lazyAbbrevTable(this.sections, offset, section, (m) => this.diagnostic(`${where}: ${m}`)); } catch (e) {
        this.diagnostic(`${where}: ${msg(e)}`);
        t = new AbbrevTable();
      }
      this.abbrevCache.set(key, t);
    }
    return t;
  }

  /** Line program at a `.debug_line` offset (cached; undefined with a diagnostic when unreadable). */
  lineProgram(offset: number, unit: Unit): LineProgram | undefined {
    if (this.lineCache.has(offset)) return this.lineCache.get(offset) ?? undefined;
    let lp: LineProgram | null = null;
    try { lp = parseLineProgram(this.sections, offset, unit); } catch (e) {
      this.diagnostic(`.debug_line at 0x${offset.toString(16)}: ${msg(e)}`);
    }
    this.lineCache.set(offset, lp);
    return lp ?? undefined;
  }

  /** The split DWARF (`.dwp`/`.dwo`) attached to these sections, as its own Dwarf. */
  split(): Dwarf | undefined {
    if (this._split === undefined) this._split = this.sections.split ? new Dwarf(this.sections.split) : null;
    return this._split ?? undefined;
  }

  /**
   * For a skeleton unit (DWARF 5 DW_UT_skeleton or DWARF 4 GNU split), the
   * matching split unit from the attached package, found by DWO id through
   * `.debug_cu_index`, or by scanning the split file's units.
   */
  splitUnitFor(skel: Unit): Unit | undefined {
    if (skel._dwo !== undefined) return skel._dwo ?? undefined;
    skel._dwo = null;
    const root = skel.root();
    const id = skel.header.dwoId ?? root?.bigdata(C.DW_AT_GNU_dwo_id);
    const sp = this.split();
    if (id === undefined || !sp) return undefined;
    let found: Unit | undefined;
    try {
      const idx = this.cuIndex(sp);
      if (idx) {
        const d = idx.get(id);
        found = d?.units()[0];
      } else {
        found = sp.units().find((u) => (u.header.dwoId ?? u.root()?.bigdata(C.DW_AT_GNU_dwo_id)) === id);
      }
    } catch (e) {
      this.diagnostic(`split unit for DWO id 0x${id.toString(16)}: ${msg(e)}`);
    }
    if (found) { found.skeleton = skel; skel._dwo = found; }
    else this.diagnostic(`split unit with DWO id 0x${id.toString(16)} not found in ${sp.sections.file}`);
    return found;
  }

  private cuIndex(sp: Dwarf): Map<bigint, Dwarf> | undefined {
    if (this._splitIndex !== undefined) return this._splitIndex ?? undefined;
    this._splitIndex = null;
    const secs = sp.sections;
    if (!secs.has('.debug_cu_index')) return undefined;
    const r = secs.reader('.debug_cu_index');
    const version = r.u16();
    r.u16();
    const ncols = r.u32(), nunits = r.u32(), nslots = r.u32();
    if (ncols > 16 || nslots * 12 > r.remaining || nunits > nslots) r.fail('bad .debug_cu_index header', r.pos - 12);
    const sigs: bigint[] = [];
    for (let i = 0; i < nslots; i++) sigs.push(r.u64());
    const rows: number[] = [];
    for (let i = 0; i < nslots; i++) rows.push(r.u32());
    const cols: number[] = [];
    for (let i = 0; i < ncols; i++) cols.push(r.u32());
    const offs: number[][] = [], sizes: number[][] = [];
    for (let u = 0; u < nunits; u++) { const row: number[] = []; for (let c = 0; c < ncols; c++) row.push(r.u32()); offs.push(row); }
    for (let u = 0; u < nunits; u++) { const row: number[] = []; for (let c = 0; c < ncols; c++) row.push(r.u32()); sizes.push(row); }
    const v5 = version >= 5;
    const names: Record<number, string> = v5
      ? { 1: '.debug_info.dwo', 3: '.debug_abbrev.dwo', 4: '.debug_line.dwo', 5: '.debug_loclists.dwo', 6: '.debug_str_offsets.dwo', 7: '.debug_macro.dwo', 8: '.debug_rnglists.dwo' }
      : { 1: '.debug_info.dwo', 2: '.debug_types.dwo', 3: '.debug_abbrev.dwo', 4: '.debug_line.dwo', 5: '.debug_loc.dwo', 6: '.debug_str_offsets.dwo', 7: '.debug_macinfo.dwo', 8: '.debug_macro.dwo' };
    const map = new Map<bigint, Dwarf>();
    for (let i = 0; i < nslots; i++) {
      const row = rows[i];
      if (row === 0 || row > nunits) continue;
      const parts: DwarfSection[] = [];
      for (let c = 0; c < ncols; c++) {
        const name = names[cols[c]];
        const s = name ? secs.get(name) : undefined;
        if (s) parts.push(DwarfSections.slice(s, offs[row - 1][c], sizes[row - 1][c]));
      }
      const str = secs.get('.debug_str.dwo');
      if (str) parts.push(str);
      map.set(sigs[i], new Dwarf(new DwarfSections(secs.file, parts)));
    }
    this._splitIndex = map;
    return map;
  }
}
