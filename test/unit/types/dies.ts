/**
 * Test helper: write a DWARF 4 unit from a DIE tree description. Each
 * distinct (tag, children, attribute forms) gets an abbreviation; references
 * are by label (`ref: 'Item'`) and become unit-relative ref4 values.
 */
import * as C from '../../../src/dwarf/constants';
import { Bytes, abbrevTable, unit, AbbrevDef } from '../dwarf/asm';
import { DwarfSections } from '../../../src/dwarf/sections';
import { Dwarf } from '../../../src/dwarf/dwarf';

export type AttrVal =
  | { str: string } | { u: number | bigint } | { s: number | bigint } | { d1: number } | { ref: string }
  | { flag: true } | { expr: number[] } | { block: number[] };

export interface DieDef { tag: number; label?: string; attrs?: Array<[number, AttrVal]>; children?: DieDef[] }

function formOf(v: AttrVal): number {
  if ('str' in v) return C.DW_FORM_string;
  if ('u' in v) return C.DW_FORM_udata;
  if ('s' in v) return C.DW_FORM_sdata;
  if ('d1' in v) return C.DW_FORM_data1;
  if ('ref' in v) return C.DW_FORM_ref4;
  if ('flag' in v) return C.DW_FORM_flag_present;
  if ('expr' in v) return C.DW_FORM_exprloc;
  return C.DW_FORM_block1;
}

export function buildDwarf(root: DieDef, language = C.DW_LANG_C11): Dwarf {
  const abbrevs: AbbrevDef[] = [];
  const key = (d: DieDef) => `${d.tag}/${d.children?.length ? 1 : 0}/${(d.attrs ?? []).map(([a, v]) => `${a}:${formOf(v)}`).join(',')}`;
  const codes = new Map<string, number>();
  const withLang: DieDef = { ...root, attrs: [[C.DW_AT_language, { u: language }], ...(root.attrs ?? [])] };
  const visit = (d: DieDef) => {
    const k = key(d);
    if (!codes.has(k)) {
      codes.set(k, abbrevs.length + 1);
      abbrevs.push({ code: abbrevs.length + 1, tag: d.tag, children: !!d.children?.length, attrs: (d.attrs ?? []).map(([a, v]) => [a, formOf(v)]) });
    }
    d.children?.forEach(visit);
  };
  visit(withLang);
  const labels = new Map<string, number>();
  const fixups: Array<{ at: number; label: string }> = [];
  const info = new Bytes();
  const start = unit(info, { version: 4 }, (b, unitStart) => {
    const write = (d: DieDef) => {
      if (d.label) labels.set(d.label, b.pos - unitStart);
      b.uleb(codes.get(key(d))!);
      for (const [, v] of d.attrs ?? []) {
        if ('str' in v) b.cstr(v.str);
        else if ('u' in v) b.uleb(v.u);
        else if ('s' in v) b.sleb(v.s);
        else if ('d1' in v) b.u8(v.d1);
        else if ('ref' in v) { fixups.push({ at: b.pos, label: v.ref }); b.u32(0); }
        else if ('expr' in v) b.uleb(v.expr.length).bytes(v.expr);
        else if ('block' in v) b.u8(v.block.length).bytes(v.block);
      }
      if (d.children?.length) { d.children.forEach(write); b.u8(0); }
    };
    write(withLang);
  });
  for (const f of fixups) {
    const off = labels.get(f.label);
    if (off === undefined) throw new Error(`no DIE labelled ${f.label}`);
    info.patch32(f.at, off);
  }
  void start;
  return new Dwarf(DwarfSections.fromBuffers('types-test', { '.debug_info': info.done(), '.debug_abbrev': abbrevTable(abbrevs).done() }));
}
