import { ByteReader } from '../util/reader';
import * as C from './constants';
import { AbbrevTable, Abbrev } from './abbrev';
import { Die } from './die';
import { AttrValue, FormContext, readOffset, skipForm, msg, isAddrxForm, readLE } from './form';
import type { Dwarf } from './dwarf';
import { UnitHeader, ROOT_PREFIX } from './unitheader';
import { AddrRange, readRangeList, rnglistxOffset, isDiscardedStart } from './ranges';
import { LocListEntry, readLocationList, loclistxOffset } from './loclists';
import type { LineProgram } from './line';
import type { RootRanges } from './rootscan';
import { SkimWalk, MAX_SKIM_CODE, SUB_SUBPROGRAM, type DeclPositions } from './skim';
import { ScopeRecords, type ScopeScan } from './scope';
import { SCOPE_TAGS, isScopeAbbrev, formatKey, planOf, lowHighOf, subFlags, skimClass } from './layout';

export type UnitKind = 'compile' | 'type' | 'partial' | 'skeleton' | 'split_compile' | 'split_type';

const MAX_DEPTH = 2000;
const UNIT_KINDS: readonly UnitKind[] = ['compile', 'type', 'partial', 'skeleton', 'split_compile', 'split_type'];
/** Abbreviation codes below this are cached in flat arrays during a DIE walk. */
const WALK_CACHE = 256;
const EMPTY: Die[] = [];
Object.freeze(EMPTY);

/**
 * A compile/type/partial/skeleton unit. The header is read eagerly; the
 * root DIE, the DIE tree, the abbreviations and the line program are
 * parsed on first use and cached. Parse errors become `diagnostics`
 * (the DIEs read before the error are kept), never exceptions.
 */
export class Unit implements FormContext {
  private _diags?: string[];
  /** Problems found in this unit's data (never thrown). */
  get diagnostics(): string[] { return (this._diags ??= []); }
  private _abbrevs?: AbbrevTable;
  private _root?: Die | null;
  private _dies?: Die[];
  private _line?: LineProgram | null;
  /** Set for split units: the skeleton unit that owns addresses and the line table. */
  skeleton?: Unit;
  /** @internal cached split unit for skeletons */
  _dwo?: Unit | null;
  /** @internal the root DIE's ranges, decoded with the header when it was read from a copy (see Dwarf.scanUnits, scanRootRanges) */
  rootRanges?: RootRanges;
  private _bases?: { str?: number; addr?: number; rng?: number; loc?: number; low: number };

  constructor(readonly dwarf: Dwarf, readonly dieSection: string, readonly header: UnitHeader) {}

  get offset(): number { return this.header.offset; }
  get end(): number { return this.header.end; }
  get version(): number { return this.header.version; }
  get addressSize(): number { return this.header.addressSize; }
  get offsetSize(): number { return this.header.offsetSize; }
  get unitType(): number { return this.header.unitType; }
  get kind(): UnitKind { return UNIT_KINDS[this.unitType - 1] ?? 'compile'; }
  get isDwo(): boolean { return this.dieSection.endsWith('.dwo'); }

  diagnostic(s: string): void { if (this.diagnostics.length < 100) this.diagnostics.push(s); this.dwarf.diagnostic(s); }

  get abbrevs(): AbbrevTable {
    return (this._abbrevs ??= this.dwarf.abbrevTable(this.header.abbrevOffset, this.isDwo ? '.debug_abbrev.dwo' : '.debug_abbrev'));
  }

  private _reader?: ByteReader;
  private _base = -1;

  /** Absolute file offset of section offset 0 of the DIE section. */
  get sectionBase(): number {
    if (this._base < 0) this._base = this.dwarf.sections.get(this.dieSection)!.base;
    return this._base;
  }

  /**
   * @internal A reader over the unit positioned at an absolute position. The
   * same reader object is reused (reads are synchronous and never nested);
   * callers must not keep it across calls.
   */
  readerAt(absPos: number): ByteReader {
    let r = this._reader;
    if (!r) {
      // the root DIE's attributes lie in [dieStart, _rootEnd): read them without loading the whole unit
      const rr = this._rootReader;
      if (rr && absPos >= rr.start && absPos < rr.end) { rr.pos = absPos; return rr; }
      r = this._reader = this.freshReaderAt(absPos);
    }
    r.pos = absPos;
    return r;
  }
  private _rootReader?: ByteReader;

  /** A fresh reader (for walks that call back into attribute reads, e.g. resolving strx/addrx). */
  freshReaderAt(absPos: number): ByteReader {
    const sr = this.dwarf.sections.reader(this.dieSection, this.header.offset, this.header.end - this.header.offset);
    const r = sr.window(sr.pos, this.sectionBase + this.header.end);
    r.pos = absPos;
    return r;
  }

  /**
   * Skip a DIE's attribute values. Each abbreviation gets a plan for this
   * unit's format: runs of fixed-size forms collapse into one byte count
   * (>= 0), variable-size forms stay as -form; an all-fixed DIE is one skip.
   */
  private skipAttrs(r: ByteReader, ab: Abbrev): void {
    const plan = planOf(this, ab);
    for (let i = 0; i < plan.length; i++) {
      const x = plan[i];
      if (x >= 0) {
        if (r.pos + x > r.end) r.fail(`unexpected end of ${r.section ?? 'data'} reading attribute values`);
        r.pos += x;
      } else skipForm(r, -x, this);
    }
  }

  /** Skip one plan item at `pos` through the general code (errors included); the new position. */
  private skipSlow(r: ByteReader, pos: number, x: number): number {
    r.pos = pos;
    if (x >= 0) r.fail(`unexpected end of ${r.section ?? 'data'} reading attribute values`);
    skipForm(r, -x, this);
    return r.pos;
  }

  private noAbbrev(r: ByteReader, code: number, at: number): never {
    return r.fail(`abbreviation code ${code} does not exist in the table at .debug_abbrev+0x${this.header.abbrevOffset.toString(16)}`, at);
  }

  /** Read a DIE header at r. null for a 0 (end of children). */
  private readDieAt(r: ByteReader): Die | null {
    const at = r.pos;
    const code = r.ulebN();
    if (code === 0) return null;
    const ab = this.abbrevs.get(code);
    if (!ab) r.fail(`abbreviation code ${code} does not exist in the table at .debug_abbrev+0x${this.header.abbrevOffset.toString(16)}`, at);
    const off = at - this.sectionBase;
    const die = new Die(this, off, ab, r.pos);
    this.skipAttrs(r, ab);
    return die;
  }

  /** The unit DIE (compile_unit, type_unit, ...), parsed alone (cheap). Undefined if it cannot be read. */
  root(): Die | undefined {
    if (this._root !== undefined) return this._root ?? undefined;
    const start = this.sectionBase + this.header.dieStart, unitEnd = this.sectionBase + this.header.end;
    if (unitEnd - start > ROOT_PREFIX) {
      // read the root DIE from a prefix of the unit (lazily loaded files then read a page, not the unit);
      // if it does not fit or does not parse, read it again below from the whole unit
      try {
        const sr = this.dwarf.sections.reader(this.dieSection, this.header.dieStart, ROOT_PREFIX);
        const r = sr.window(start, start + ROOT_PREFIX);
        const d = this.readDieAt(r);
        if (d) { this._rootReader = r.window(start, r.pos); return (this._root = d); }
      } catch { /* retried on the whole unit */ }
    }
    try {
      const r = this.freshReaderAt(start);
      this._root = this.readDieAt(r);
    } catch (e) {
      this.diagnostic(`unit at 0x${this.offset.toString(16)}: ${msg(e)}`);
      this._root = null;
    }
    return this._root ?? undefined;
  }

  /** Parse the whole DIE tree of this unit (once). Stops at the first error, keeping what was read. */
  parseTree(): Die[] {
    if (this._dies) return this._dies;
    const dies: Die[] = [];
    this._dies = dies;
    const reuse = this._scope?.made();
    this.walk((d, parent) => {
      d.parent = parent;
      d._children = d.hasChildren ? [] : EMPTY;
      if (parent) parent._children!.push(d);
      dies.push(d);
    }, reuse);
    return dies;
  }

  /**
   * The DIEs a symbol lookup needs (subprograms, inlined subroutines and
   * the namespaces/types that qualify their names), as records from one
   * walk over the unit (see ScopeRecords); DIE objects are made only for
   * the records asked for. Much cheaper than `parseTree` on big units.
   */
  scopeRecords(): ScopeRecords | undefined {
    if (this._scope === undefined) {
      const root = this.root();
      this._scope = root ? new ScopeRecords(this, root, this.scanScope(root)) : null;
    }
    return this._scope ?? undefined;
  }
  private _scope?: ScopeRecords | null;

  /**
   * All the DIEs of `scopeRecords`, the root first, each with `parent` set
   * to its nearest such ancestor; a later `parseTree` reuses these objects
   * (and fixes their parents), so identities stay stable.
   */
  scopeDies(): Die[] {
    if (this._dies) return this._dies.filter((d) => SCOPE_TAGS.has(d.tag));
    const sc = this.scopeRecords();
    if (!sc) return [];
    const out = [sc.root];
    for (let i = 0; i < sc.count; i++) out.push(sc.die(i));
    return out;
  }

  /**
   * The walk of `scopeRecords`: over the whole tree, recording only DIEs
   * with a SCOPE_TAGS tag, each with its nearest such ancestor. `SkimWalk`
   * (skim.ts, the Wasm kernel) decodes most DIEs; this classifies each
   * abbreviation code on first sight and reads the DIEs the kernel does not
   * (errors are reported as for the full tree: the DIEs read before an
   * error are kept). Returns the records and the abbreviation per code.
   */
  private scanScope(root: Die): ScopeScan {
    const byCode: Array<Abbrev | undefined> = [];
    if (!root.hasChildren) return { rec: new Int32Array(0), delta: 0, subs: new Float64Array(0), byCode };
    const r: ByteReader = this.freshReaderAt(this.sectionBase + this.header.dieStart);
    return SkimWalk.run(r.bytes, r.pos, r.end, MAX_DEPTH - 1, this.addressSize, (w) => {
      const decl = this.preclassify(w);
      try {
        this.readDieAt(r); // the root again, to advance
        let pos = r.pos;
        const end = r.end;
        while (pos < end) {
          pos = w.skim(pos);
          if (w.done || pos >= end) break;
          if (w.full) { w.grow(); continue; }
          const at = pos;
          r.pos = at;
          const code = r.ulebN();
          if (code === 0) { if (!w.close()) break; pos = r.pos; continue; }
          let ab = byCode[code];
          if (!ab) {
            ab = this.abbrevAt(code, decl);
            if (!ab) this.noAbbrev(r, code, at);
            byCode[code] = ab;
            const cl = code < MAX_SKIM_CODE ? skimClass(this, ab) : undefined;
            if (cl) {
              w.classify(code, cl.info, cl.plan, cl.sub);
              if (w.kernel) continue;
            }
          }
          // the general way, for this one DIE (a form skim does not decode, values past the end, a long code, the depth limit, no kernel)
          const attrsPos = r.pos;
          this.skipAttrs(r, ab);
          let self = w.parent;
          const kept = isScopeAbbrev(ab);
          const sf = kept ? subFlags(this, ab) : 0;
          if (kept) self = w.keep(at, attrsPos, self, code, sf);
          if (ab.hasChildren) {
            if (w.depth >= MAX_DEPTH - 1) r.fail(`DIE nesting deeper than ${MAX_DEPTH}`);
            w.open(self, (sf & SUB_SUBPROGRAM) !== 0);
          }
          pos = r.pos;
        }
      } catch (e) {
        this.diagnostic(`unit at 0x${this.offset.toString(16)}: ${msg(e)} (DIEs after this point are ignored)`);
      }
      return { rec: w.records(), delta: w.recordDelta, subs: w.subroutines(), split: w.split(), byCode, decl };
    });
  }

  /** The kernel's classification of this unit's whole abbreviation table for the walk `w` (SkimWalk.preclassify), if it made one. */
  private preclassify(w: SkimWalk): DeclPositions | undefined {
    const name = this.isDwo ? '.debug_abbrev.dwo' : '.debug_abbrev', secs = this.dwarf.sections, ab = secs.get(name);
    if (!w.kernel || !ab || this.header.abbrevOffset >= ab.size) return undefined;
    secs.ensure(name);
    return w.preclassify(ab.bytes, ab.base + this.header.abbrevOffset, ab.base + ab.size, true, this.version, this.offsetSize, this.plainRangeOffsets);
  }

  /** The abbreviation of `code`: read alone where the kernel found its declaration (`decl`), else from the table in order. */
  abbrevAt(code: number, decl: DeclPositions | undefined): Abbrev | undefined {
    const p = decl && code < decl.pos.length ? decl.pos[code] : 0;
    return p > 0 ? this.abbrevs.getAt(code, p - decl!.delta) : this.abbrevs.get(code);
  }

  /** True when `dieRanges` reads a DW_AT_ranges section offset as it is (no split unit's ranges base). */
  get plainRangeOffsets(): boolean { return !this.isDwo && !this.skeleton && this.offsetSize === 4; }

  /**
   * Walk the whole DIE tree in order, materializing every DIE (reusing the
   * objects of `reuse`, in offset order) and handing it to `visit(die,
   * parent)`. The hot loop decodes in-bounds attribute values inline;
   * anything else, errors included, goes through `skipForm` / `skipAttrs`.
   */
  private walk(visit: (d: Die, parent: Die | undefined) => void, reuse?: Die[]): void {
    const root = this.root();
    if (!root) return;
    const r: ByteReader = this.freshReaderAt(this.sectionBase + this.header.dieStart);
    const base = this.sectionBase, abbrevs = this.abbrevs;
    const bytes = r.bytes, end = r.end;
    try {
      this.readDieAt(r); // the root again, to advance
      visit(root, undefined);
      if (!root.hasChildren) return;
      const stack: Die[] = [root];
      let pos = r.pos, ri = 0;
      const key = formatKey(this);
      const fixedByCode = new Int32Array(WALK_CACHE).fill(-2);
      const byCode: Array<Abbrev | undefined> = new Array<Abbrev | undefined>(WALK_CACHE).fill(undefined);
      while (stack.length > 0 && pos < end) {
        const at = pos;
        let code = bytes[at];
        if (code < 0x80) pos = at + 1;
        else { r.pos = at; code = r.ulebN(); pos = r.pos; }
        if (code === 0) { stack.pop(); continue; }
        // per-code cache for this walk: the abbreviation, and its size when all its values have a fixed size
        let ab: Abbrev | undefined, fsz = -2;
        if (code < WALK_CACHE) { fsz = fixedByCode[code]; ab = byCode[code]; }
        if (fsz === -2 || !ab) {
          ab = abbrevs.get(code);
          if (!ab) { r.pos = pos; this.noAbbrev(r, code, at); }
          const pl = planOf(this, ab);
          fsz = pl.length === 1 && pl[0] >= 0 ? pl[0] : -1;
          if (code < WALK_CACHE) { fixedByCode[code] = fsz; byCode[code] = ab; }
        }
        const attrsPos = pos;
        if (fsz >= 0 && pos + fsz <= end) pos += fsz;
        else {
          let plan = ab._plan;
          if (plan === undefined || ab._planKey !== key) plan = planOf(this, ab);
          for (let i = 0; i < plan.length; i++) {
            const x = plan[i];
            if (x >= 0 && pos + x <= end) { pos += x; continue; }
            if (x === -C.DW_FORM_exprloc || x === -C.DW_FORM_block) {
              // a short length LEB128 and the bytes it counts, in bounds
              const b = bytes[pos];
              if (b < 0x80 && pos + 1 + b <= end) { pos += 1 + b; continue; }
            }
            pos = this.skipSlow(r, pos, x);
          }
        }
        const off = at - base;
        let d: Die | undefined;
        if (reuse) {
          // both in offset order: advance a cursor instead of looking up
          while (ri < reuse.length && reuse[ri].offset < off) ri++;
          if (ri < reuse.length && reuse[ri].offset === off) d = reuse[ri++];
        }
        d ??= new Die(this, off, ab, attrsPos);
        visit(d, stack[stack.length - 1]);
        if (ab.hasChildren) {
          if (stack.length >= MAX_DEPTH) { r.pos = pos; r.fail(`DIE nesting deeper than ${MAX_DEPTH}`); }
          stack.push(d);
        }
      }
      r.pos = pos;
    } catch (e) {
      this.diagnostic(`unit at 0x${this.offset.toString(16)}: ${msg(e)} (DIEs after this point are ignored)`);
    }
  }

  /** @internal the DIE at an offset if the whole tree is parsed already (ScopeRecords hands out those). */
  parsedDieAt(offset: number): Die | undefined { return this._dies ? findByOffset(this._dies, offset) : undefined; }

  /** The DIE at a section-relative offset in this unit (binary search over the parsed tree). */
  dieAt(offset: number): Die | undefined {
    if (!this._dies && this._scope) {
      const light = this._scope.dieAtOffset(offset);
      if (light) return light;
    }
    return findByOffset(this.parseTree(), offset);
  }

  /** The type DIE of a type unit. */
  typeDie(): Die | undefined { return this.header.typeOffset !== undefined ? this.dieAt(this.header.typeOffset) : undefined; }

  private get bases(): { str?: number; addr?: number; rng?: number; loc?: number; low: number } {
    if (this._bases) return this._bases;
    const b: { str?: number; addr?: number; rng?: number; loc?: number; low: number } = { low: 0 };
    this._bases = b; // set first: reading attributes below must not recurse
    const root = this.root();
    const sec = (at: number): number | undefined => { const v = root?.attr(at); return v?.kind === 'secOffset' || v?.kind === 'const' ? Number(v.value) : undefined; };
    b.str = sec(C.DW_AT_str_offsets_base);
    b.addr = sec(C.DW_AT_addr_base) ?? sec(C.DW_AT_GNU_addr_base);
    b.rng = sec(C.DW_AT_rnglists_base) ?? sec(C.DW_AT_GNU_ranges_base);
    b.loc = sec(C.DW_AT_loclists_base);
    const low = root?.attr(C.DW_AT_low_pc);
    if (low?.kind === 'addr') b.low = low.value;
    if (this.skeleton) {
      const sb = this.skeleton.bases;
      b.addr ??= sb.addr;
      if (this.version < 5) b.rng = sb.rng;
      if (low === undefined) b.low = sb.low;
    }
    if (b.str === undefined && this.isDwo) b.str = this.version >= 5 ? 2 * this.offsetSize : 0;
    return b;
  }

  /** Base address for range/location lists (the unit's DW_AT_low_pc, 0 if absent). */
  get baseAddress(): number { return this.bases.low; }
  get addrBase(): number | undefined { return this.bases.addr; }
  get rnglistsBase(): number | undefined { return this.bases.rng; }
  get loclistsBase(): number | undefined { return this.bases.loc; }
  get strOffsetsBase(): number | undefined { return this.bases.str; }

  readString(form: number, value: number): string {
    const secs = this.dwarf.sections;
    switch (form) {
      case C.DW_FORM_strp: return secs.cstr(this.isDwo ? '.debug_str.dwo' : '.debug_str', value);
      case C.DW_FORM_line_strp: return secs.cstr('.debug_line_str', value);
      case C.DW_FORM_strx: case C.DW_FORM_strx1: case C.DW_FORM_strx2: case C.DW_FORM_strx3: case C.DW_FORM_strx4: case C.DW_FORM_GNU_str_index: {
        const base = this.strOffsetsBase ?? (this.version >= 5 ? 2 * this.offsetSize : 0);
        const name = this.isDwo ? '.debug_str_offsets.dwo' : '.debug_str_offsets';
        const r = secs.reader(name, base + value * this.offsetSize);
        const off = readOffset(r, this.offsetSize);
        return secs.cstr(this.isDwo ? '.debug_str.dwo' : '.debug_str', off);
      }
      default: throw new Error(`string form ${C.formName(form)} (supplementary file) is not supported`);
    }
  }

  readAddrIndex(index: number): number {
    const base = this.addrBase ?? 8;
    const dw = this.skeleton ? this.skeleton.dwarf : this.dwarf;
    const r = dw.sections.reader('.debug_addr', base + index * this.addressSize);
    return this.addressSize === 8 ? r.u64n() : r.u32();
  }

  /** Follow a reference value to its DIE (within this unit, another unit, or a type unit). Undefined if it cannot be resolved. */
  resolveRef(v: AttrValue): Die | undefined {
    if (v.kind === 'ref') {
      if (v.section === this.dieSection && v.offset >= this.offset && v.offset < this.end) return this.dieAt(v.offset);
      return this.dwarf.dieAtOffset(v.section, v.offset);
    }
    if (v.kind === 'refSig8') return this.dwarf.typeUnit(v.signature)?.typeDie();
    return undefined;
  }

  /** Section-relative location list offset for a location attribute value (undefined for expressions). */
  locListOffset(v: AttrValue | undefined): number | undefined {
    if (!v) return undefined;
    if (v.kind === 'secOffset') return this.isDwo && this.version >= 5 ? v.value + (this.loclistsBase ?? 0) : v.value;
    if (v.kind === 'const' && this.version < 4 && (v.size === 4 || v.size === 8)) return Number(v.value);
    if (v.kind === 'loclistx') {
      try { return loclistxOffset(this, v.index); } catch (e) { this.diagnostic(msg(e)); return undefined; }
    }
    return undefined;
  }

  /** Parse the location list at a section-relative offset (`.debug_loc` for v2-4, `.debug_loclists` for v5). */
  locationList(offset: number): LocListEntry[] | undefined {
    try { return readLocationList(this, offset); } catch (e) { this.diagnostic(msg(e)); return undefined; }
  }

  /** Address ranges of a DIE (low_pc/high_pc or DW_AT_ranges); empty when absent or unreadable (diagnostic recorded). */
  dieRanges(die: Die): AddrRange[] {
    const k = this.simpleRange(die.abbrev, die.attrsPos, rangeOut);
    if (k === 0) return [];
    if (k === 1) return [{ begin: rangeOut[0], end: rangeOut[1] }];
    try {
      if (!die.has(C.DW_AT_ranges)) {
        // fast path without allocations: low_pc (addr/addrx) + high_pc (addr or length)
        const lowV = die.attrNumber(C.DW_AT_low_pc);
        const highKind = die.formOf(C.DW_AT_high_pc);
        const highV = die.attrNumber(C.DW_AT_high_pc);
        if (lowV === undefined || highV === undefined) return [];
        const end = highKind === C.DW_FORM_addr || (highKind !== undefined && isAddrxForm(highKind)) ? highV : lowV + highV;
        if (end <= lowV || isDiscardedStart(lowV, this.addressSize)) return [];
        return [{ begin: lowV, end }];
      }
      const low = die.attr(C.DW_AT_low_pc);
      const rv = die.attr(C.DW_AT_ranges);
      if (rv) {
        let off: number | undefined;
        if (rv.kind === 'rnglistx') off = rnglistxOffset(this, rv.index);
        else if (rv.kind === 'secOffset' || rv.kind === 'const') {
          off = Number(rv.value);
          // DWARF 4 split units (GNU) and DWARF 5 dwo units: offsets are relative to the ranges base.
          if (this.skeleton && this.version < 5) off += this.rnglistsBase ?? 0;
          else if (this.isDwo && this.version >= 5) off += this.rnglistsBase ?? 0;
        }
        if (off === undefined) return [];
        return readRangeList(this, off);
      }
      if (low?.kind !== 'addr') return [];
      const high = die.attr(C.DW_AT_high_pc);
      let end: number | undefined;
      if (high?.kind === 'addr') end = high.value;
      else if (high?.kind === 'const') end = low.value + Number(high.value);
      if (end === undefined || end <= low.value || isDiscardedStart(low.value, this.addressSize)) return [];
      return [{ begin: low.value, end }];
    } catch (e) {
      this.diagnostic(`ranges of DIE 0x${die.offset.toString(16)}: ${msg(e)}`);
      return [];
    }
  }

  /**
   * The range of a DIE of the common shape (low_pc as an address, high_pc
   * as an address or a length, both at fixed offsets), straight from the
   * bytes: 1 with [begin, end) in `out`, 0 for no range (empty, or
   * discarded code), -1 for another shape (then use `dieRanges`).
   */
  simpleRange(ab: Abbrev, attrsPos: number, out: Float64Array): number {
    const lay = lowHighOf(this, ab);
    if (lay.length === 0) return -1;
    const b = this.dwarf.sections.get(this.dieSection)!.bytes, as = this.addressSize;
    const low = readLE(b, attrsPos + lay[0], as), high = readLE(b, attrsPos + lay[1], lay[2]);
    if (low < 0 || high < 0) return -1;
    const end = lay[3] === 1 ? high : low + high;
    if (end <= low || isDiscardedStart(low, as)) return 0;
    out[0] = low; out[1] = end;
    return 1;
  }

  /** The unit's line program (DW_AT_stmt_list), parsed once; undefined if absent or unreadable. */
  lineProgram(): LineProgram | undefined {
    if (this._line !== undefined) return this._line ?? undefined;
    this._line = null;
    const owner = this.skeleton ?? this;
    const v = owner.root()?.attr(C.DW_AT_stmt_list);
    if (v && (v.kind === 'secOffset' || v.kind === 'const')) {
      this._line = owner.dwarf.lineProgram(Number(v.value), owner) ?? null;
    }
    return this._line ?? undefined;
  }

  get language(): number | undefined { return this.root()?.udata(C.DW_AT_language); }
  get name(): string | undefined { return this.root()?.name; }
  get compDir(): string | undefined { return (this.skeleton ?? this).root()?.str(C.DW_AT_comp_dir) ?? this.root()?.str(C.DW_AT_comp_dir); }
}

const rangeOut = new Float64Array(2);

/** Binary search of DIEs in offset order. */
function findByOffset(dies: Die[], offset: number): Die | undefined {
  let lo = 0, hi = dies.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const o = dies[mid].offset;
    if (o === offset) return dies[mid];
    if (o < offset) lo = mid + 1; else hi = mid - 1;
  }
  return undefined;
}
