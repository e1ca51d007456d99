import * as C from './constants';
import type { Abbrev } from './abbrev';
import { AttrValue, readForm, skipForm, readNumberForm } from './form';
import type { Unit } from './unit';
import type { AddrRange } from './ranges';
import type { LocListEntry } from './loclists';

/**
 * One debugging information entry. Attributes are decoded on demand from the
 * bytes (nothing is copied when the tree is built). `children`/`parent` are
 * available once the unit's tree is parsed (done lazily by `children`).
 */
export class Die {
  /**
   * Parent DIE. For DIEs from `unit.scopeDies()` (symbol lookup) before the
   * unit's full tree is parsed, this is the nearest subprogram / inlined
   * subroutine / namespace / type ancestor (lexical blocks skipped); use
   * `fullParent` or `children` (which parse the tree) when exactness matters.
   */
  parent: Die | undefined;
  /** @internal filled by Unit's tree parse */
  _children: Die[] | undefined;

  constructor(
    readonly unit: Unit,
    /** Section-relative offset of the DIE (as printed by llvm-dwarfdump). */
    readonly offset: number,
    readonly abbrev: Abbrev,
    /** Absolute position of the first attribute value in the file bytes. */
    readonly attrsPos: number,
  ) {}

  get tag(): number { return this.abbrev.tag; }
  get hasChildren(): boolean { return this.abbrev.hasChildren; }

  /** Children in order (parses the unit's DIE tree on first use). */
  get children(): Die[] {
    if (this._children === undefined) this.unit.parseTree();
    return this._children ?? [];
  }

  /** The true parent (parses the unit's tree if this DIE came from a light scan). */
  get fullParent(): Die | undefined {
    if (this._children === undefined) this.unit.parseTree();
    return this.parent;
  }

  /** Decoded value of attribute `at`, or undefined if the DIE does not have it (or it cannot be decoded). */
  attr(at: number): AttrValue | undefined {
    const specs = this.abbrev.attrs;
    let i = 0;
    for (; i < specs.length; i++) if (specs[i].at === at) break;
    if (i === specs.length) return undefined;
    const r = this.unit.readerAt(this.attrsPos);
    try {
      for (let j = 0; j < i; j++) skipForm(r, specs[j].form, this.unit);
      return readForm(r, specs[i].form, this.unit, specs[i].implicitConst);
    } catch (e) {
      this.unit.diagnostic(`DIE 0x${this.offset.toString(16)}: attribute ${C.atName(at)}: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  }

  has(at: number): boolean {
    const specs = this.abbrev.attrs;
    for (let i = 0; i < specs.length; i++) if (specs[i].at === at) return true;
    return false;
  }

  /** The form of attribute `at` in this DIE's abbreviation. */
  formOf(at: number): number | undefined {
    const specs = this.abbrev.attrs;
    for (let i = 0; i < specs.length; i++) if (specs[i].at === at) return specs[i].form;
    return undefined;
  }

  /** Address or unsigned constant attribute as a number, read without allocating (undefined for other forms). */
  attrNumber(at: number): number | undefined {
    const specs = this.abbrev.attrs;
    let i = 0;
    for (; i < specs.length; i++) if (specs[i].at === at) break;
    if (i === specs.length) return undefined;
    const r = this.unit.readerAt(this.attrsPos);
    try {
      for (let j = 0; j < i; j++) skipForm(r, specs[j].form, this.unit);
      return readNumberForm(r, specs[i].form, this.unit, specs[i].implicitConst);
    } catch (e) {
      this.unit.diagnostic(`DIE 0x${this.offset.toString(16)}: attribute ${C.atName(at)}: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  }

  /** All attributes, decoded (for dumps and tests); stops at an undecodable one (diagnostic recorded). */
  attributes(): Array<{ at: number; value: AttrValue }> {
    const out: Array<{ at: number; value: AttrValue }> = [];
    const r = this.unit.freshReaderAt(this.attrsPos);
    try {
      for (const s of this.abbrev.attrs) out.push({ at: s.at, value: readForm(r, s.form, this.unit, s.implicitConst) });
    } catch (e) {
      this.unit.diagnostic(`DIE 0x${this.offset.toString(16)}: ${e instanceof Error ? e.message : String(e)} (later attributes omitted)`);
    }
    return out;
  }

  /** String attribute (DW_FORM_string/strp/line_strp/strx*). */
  str(at: number): string | undefined {
    const v = this.attr(at);
    return v?.kind === 'string' ? v.value : undefined;
  }

  /** Unsigned constant (dataN/udata/implicit_const), if it fits in a JS number. */
  udata(at: number): number | undefined {
    const f = this.formOf(at);
    if (f === C.DW_FORM_data1 || f === C.DW_FORM_data2 || f === C.DW_FORM_data4 || f === C.DW_FORM_udata) return this.attrNumber(at);
    const v = this.attr(at);
    if (v?.kind !== 'const') return undefined;
    const n = Number(v.value);
    return Number.isSafeInteger(n) ? n : undefined;
  }

  /** Signed constant: sdata/implicit_const as is; fixed-size dataN sign-extended from its size. */
  sdata(at: number): number | undefined {
    const v = this.attr(at);
    if (v?.kind !== 'const') return undefined;
    const big = v.signed || v.size === 0 ? v.value : BigInt.asIntN(v.size * 8, v.value);
    const n = Number(big);
    return Number.isSafeInteger(n) ? n : undefined;
  }

  /** The constant as bigint (unsigned for dataN/udata, signed for sdata/implicit_const). */
  bigdata(at: number): bigint | undefined {
    const v = this.attr(at);
    return v?.kind === 'const' ? v.value : undefined;
  }

  flag(at: number): boolean {
    const v = this.attr(at);
    return v?.kind === 'flag' ? v.value : v !== undefined && v.kind === 'const' ? v.value !== 0n : false;
  }

  /** Follow a reference attribute (ref1..8, ref_udata, ref_addr across units, ref_sig8 to type units). */
  ref(at: number): Die | undefined {
    const v = this.attr(at);
    return v ? this.unit.resolveRef(v) : undefined;
  }

  /** Bytes of an exprloc (or DWARF 2/3 block) attribute. */
  exprloc(at: number): Uint8Array | undefined {
    const v = this.attr(at);
    return v?.kind === 'exprloc' || v?.kind === 'block' ? v.bytes : undefined;
  }

  get name(): string | undefined { return this.str(C.DW_AT_name); }

  /** Section-relative `.debug_loc`/`.debug_loclists` offset if attribute `at` is a location list (not an expression). */
  locationListOffset(at = C.DW_AT_location): number | undefined { return this.unit.locListOffset(this.attr(at)); }

  /** Parsed location list of attribute `at` (undefined if it is an expression or absent). Addresses are code-section relative. */
  locationList(at = C.DW_AT_location): LocListEntry[] | undefined {
    const off = this.locationListOffset(at);
    return off === undefined ? undefined : this.unit.locationList(off);
  }

  /** Code address ranges of this DIE from low_pc/high_pc or DW_AT_ranges (empty if none / unavailable). */
  ranges(): AddrRange[] { return this.unit.dieRanges(this); }

  /** This DIE, or the DIE it specifies / is an instance of (DW_AT_specification, DW_AT_abstract_origin), bounded. */
  origin(): Die {
    let d: Die = this;
    for (let i = 0; i < 16; i++) {
      const next = d.ref(C.DW_AT_abstract_origin) ?? d.ref(C.DW_AT_specification);
      if (!next || next === d) break;
      d = next;
    }
    return d;
  }

  /** Attribute looked up on this DIE, then through abstract_origin/specification (bounded). */
  inheritedAttr(at: number): AttrValue | undefined {
    let d: Die | undefined = this;
    for (let i = 0; d && i < 16; i++) {
      const v = d.attr(at);
      if (v) return v;
      d = d.ref(C.DW_AT_abstract_origin) ?? d.ref(C.DW_AT_specification);
    }
    return undefined;
  }

  inheritedStr(at: number): string | undefined {
    const v = this.inheritedAttr(at);
    return v?.kind === 'string' ? v.value : undefined;
  }

  toString(): string { return `${C.tagName(this.tag)}@0x${this.offset.toString(16)}${this.name ? ` "${this.name}"` : ''}`; }
}
