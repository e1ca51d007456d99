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
}

/** One abbreviation table (the set starting at one `.debug_abbrev` offset). */
export class AbbrevTable {
  private readonly dense: Array<Abbrev | undefined> = [];
  private readonly sparse = new Map<number, Abbrev>();
  add(a: Abbrev): void {
    if (a.code < 4096) this.dense[a.code] = a;
    else this.sparse.set(a.code, a);
  }
  get(code: number): Abbrev | undefined { return code < 4096 ? this.dense[code] : this.sparse.get(code); }
}

const MAX_ATTRS = 1000;

/** Parse the abbreviation table at section-relative `offset` of `section` (default `.debug_abbrev`). */
export function parseAbbrevTable(secs: DwarfSections, offset: number, section = '.debug_abbrev'): AbbrevTable {
  const r = secs.reader(section, offset);
  const table = new AbbrevTable();
  for (;;) {
    if (r.atEnd) break; // a table may end with the section (tolerated, as LLVM does)
    const at = r.pos;
    const code = r.ulebN();
    if (code === 0) break;
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
    if (table.get(code)) r.fail(`duplicate abbreviation code ${code}`, at);
    table.add({ code, tag, hasChildren, attrs });
  }
  return table;
}
