import { ByteReader } from '../util/reader';
import { DwarfSections } from './sections';
import { DW_FORM_implicit_const } from './constants';

export interface AttrSpec {
  at: number;
  form: number;
  /** Value of a DW_FORM_implicit_const attribute (stored in the abbreviation). */
  implicitConst?: bigint;
}

export interface Abbrev {
  code: number;
  tag: number;
  hasChildren: boolean;
  attrs: AttrSpec[];
  /** @internal skip plan cached for one unit format (see Unit.skipAttrs) */
  _plan?: Int32Array;
  /** @internal the unit format `_plan` was built for */
  _planKey?: number;
  /** @internal low_pc/high_pc layout for Unit.dieRanges, for the unit format `_lohiKey` */
  _lohi?: Int32Array;
  /** @internal */
  _lohiKey?: number;
  /** @internal offset of a DW_AT_ranges offset value after fixed-size values (-1: another shape), for the unit format `_rngKey` */
  _rng?: number;
  /** @internal */
  _rngKey?: number;
  /** @internal subroutine kind for FunctionIndex: 0 none, 1 subprogram with code, 2 inlined subroutine with code */
  _sub?: number;
  /** @internal the tag is one of the scope tags a symbol lookup materializes (see Unit.scopeDies) */
  _scope?: boolean;
}

const MAX_ATTRS = 1000;

/**
 * One abbreviation table (the set starting at one `.debug_abbrev` offset).
 * Parsed incrementally: `get(code)` reads declarations only up to the one
 * asked for (a unit's root DIE usually needs just the first), so indexing
 * thousands of units does not parse thousands of whole tables.
 */
export class AbbrevTable {
  private readonly dense: Array<Abbrev | undefined> = [];
  private readonly sparse = new Map<number, Abbrev>();
  /** Declarations read out of order (`getAt`), by code: their positions, so the in-order reading keeps them and takes them for no repeat. */
  private readonly readAt = new Map<number, number>();
  private r?: ByteReader;
  /** Set when the rest of the table could not be read. */
  error?: string;

  constructor(r?: ByteReader, private readonly onError?: (msg: string) => void) { this.r = r; }

  add(a: Abbrev): void {
    if (a.code < 4096) this.dense[a.code] = a;
    else this.sparse.set(a.code, a);
  }
  private lookup(code: number): Abbrev | undefined { return code < 4096 ? this.dense[code] : this.sparse.get(code); }

  get(code: number): Abbrev | undefined {
    const found = this.lookup(code);
    if (found || !this.r) return found;
    try {
      while (this.r) {
        const a = this.next(this.r);
        if (!a) { this.r = undefined; break; }
        if (a.code === code) return a;
      }
    } catch (e) {
      this.r = undefined;
      this.error = e instanceof Error ? e.message : String(e);
      this.onError?.(this.error);
    }
    return this.lookup(code);
  }

  /** Parse the rest of the table now (errors propagate). */
  parseAll(): this {
    while (this.r) if (!this.next(this.r)) this.r = undefined;
    return this;
  }

  /** The next declaration in order, added (or the one `getAt` already read there); undefined at the table's end. */
  private next(r: ByteReader): Abbrev | undefined {
    const at = r.pos;
    const a = readOne(r, (c) => this.lookup(c) !== undefined && this.readAt.get(c) !== at);
    if (!a) return undefined;
    if (this.readAt.get(a.code) === at) return this.lookup(a.code);
    this.add(a);
    return a;
  }

  /**
   * The declaration of `code` when its position `pos` in the table is known
   * (the Wasm kernel read the whole table and found it well formed, with no
   * code repeated: SkimWalk.preclassify), read alone; else as `get`.
   */
  getAt(code: number, pos: number): Abbrev | undefined {
    const found = this.lookup(code);
    if (found || !this.r) return found ?? this.get(code);
    let a: Abbrev | undefined;
    try { a = readOne(this.r.window(pos, this.r.end), () => false); } catch { a = undefined; }
    if (a?.code !== code) return this.get(code);
    this.add(a);
    this.readAt.set(code, pos);
    return a;
  }
}

/** One declaration, or undefined at the table's end (code 0 or end of section). */
function readOne(r: ByteReader, exists: (code: number) => boolean): Abbrev | undefined {
  if (r.atEnd) return undefined; // a table may end with the section (tolerated, as LLVM does)
  const at = r.pos;
  const code = r.ulebN();
  if (code === 0) return undefined;
  const tag = r.ulebN();
  const hasChildren = r.u8() !== 0;
  const attrs: AttrSpec[] = [];
  for (;;) {
    const atName = r.ulebN();
    const form = r.ulebN();
    if (atName === 0 && form === 0) break;
    const spec: AttrSpec = { at: atName, form };
    if (form === DW_FORM_implicit_const) spec.implicitConst = r.sleb64();
    attrs.push(spec);
    if (attrs.length > MAX_ATTRS) r.fail(`abbreviation ${code} has more than ${MAX_ATTRS} attributes`, at, 'E_LIMIT');
  }
  if (exists(code)) r.fail(`duplicate abbreviation code ${code}`, at);
  // every cache field is present from the start: one object shape for all abbreviations (V8 deoptimizes on new shapes)
  return { code, tag, hasChildren, attrs, _plan: undefined, _planKey: undefined, _lohi: undefined, _lohiKey: undefined, _rng: undefined, _rngKey: undefined, _sub: undefined, _scope: undefined };
}

/** The abbreviation table at section-relative `offset`, parsed lazily; read errors go to `onError`. */
export function lazyAbbrevTable(secs: DwarfSections, offset: number, section = '.debug_abbrev', onError?: (msg: string) => void): AbbrevTable {
  return new AbbrevTable(secs.reader(section, offset), onError);
}

/** Parse the whole abbreviation table at section-relative `offset` (errors throw). */
export function parseAbbrevTable(secs: DwarfSections, offset: number, section = '.debug_abbrev'): AbbrevTable {
  return new AbbrevTable(secs.reader(section, offset)).parseAll();
}
