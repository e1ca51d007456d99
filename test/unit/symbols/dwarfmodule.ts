/** Builds a small Wasm module with DWARF 4 for symbolizer tests (3 functions, inlining, C++/Rust scopes). */
import * as C from '../../../src/dwarf/constants';
import { Bytes, abbrevTable, unit, lineProgram, op, wasmModule, bodyStart } from '../dwarf/asm';

export const FUNCS = [20, 30, 10];
export const F = FUNCS.map((_, i) => bodyStart(FUNCS, i));

export interface Options { language?: number; corruptAbbrevCode?: boolean; cyclicOrigin?: boolean; truncateUnit?: boolean; blockPastEnd?: boolean; noLineTable?: boolean }

export function buildModule(o: Options = {}): Uint8Array {
  const ab = abbrevTable([
    { code: 1, tag: C.DW_TAG_compile_unit, children: true, attrs: [[C.DW_AT_name, C.DW_FORM_string], [C.DW_AT_language, C.DW_FORM_data2], [C.DW_AT_comp_dir, C.DW_FORM_string], [C.DW_AT_stmt_list, C.DW_FORM_sec_offset], [C.DW_AT_low_pc, C.DW_FORM_addr], [C.DW_AT_high_pc, C.DW_FORM_data4]] },
    { code: 2, tag: C.DW_TAG_namespace, children: true, attrs: [[C.DW_AT_name, C.DW_FORM_string]] },
    { code: 3, tag: C.DW_TAG_subprogram, children: true, attrs: [[C.DW_AT_low_pc, C.DW_FORM_addr], [C.DW_AT_high_pc, C.DW_FORM_data4], [C.DW_AT_linkage_name, C.DW_FORM_string], [C.DW_AT_name, C.DW_FORM_string]] },
    { code: 4, tag: C.DW_TAG_subprogram, children: false, attrs: [[C.DW_AT_name, C.DW_FORM_string], [C.DW_AT_inline, C.DW_FORM_data1]] },
    { code: 5, tag: C.DW_TAG_inlined_subroutine, children: true, attrs: [[C.DW_AT_abstract_origin, C.DW_FORM_ref4], [C.DW_AT_low_pc, C.DW_FORM_addr], [C.DW_AT_high_pc, C.DW_FORM_data4], [C.DW_AT_call_file, C.DW_FORM_data1], [C.DW_AT_call_line, C.DW_FORM_data1], [C.DW_AT_call_column, C.DW_FORM_data1]] },
    { code: 6, tag: C.DW_TAG_structure_type, children: true, attrs: [[C.DW_AT_name, C.DW_FORM_string]] },
    { code: 7, tag: C.DW_TAG_subprogram, children: false, attrs: [[C.DW_AT_name, C.DW_FORM_string], [C.DW_AT_declaration, C.DW_FORM_flag_present]] },
    { code: 8, tag: C.DW_TAG_subprogram, children: false, attrs: [[C.DW_AT_specification, C.DW_FORM_ref4], [C.DW_AT_low_pc, C.DW_FORM_addr], [C.DW_AT_high_pc, C.DW_FORM_data4]] },
    { code: 9, tag: C.DW_TAG_subprogram, children: false, attrs: [[C.DW_AT_abstract_origin, C.DW_FORM_ref4], [C.DW_AT_specification, C.DW_FORM_ref4], [C.DW_AT_low_pc, C.DW_FORM_addr], [C.DW_AT_high_pc, C.DW_FORM_data4]] },
    { code: 10, tag: C.DW_TAG_variable, children: false, attrs: [[C.DW_AT_location, C.DW_FORM_block1]] },
  ]);
  const line = new Bytes();
  lineProgram(line, { version: 4, dirs: [], files: [{ name: 'prog.cc', dir: 0 }, { name: 'util.h', dir: 0 }], program: (b) => {
    // function 0: lines 10.. ; inlined region [F0+8, F0+14) in util.h:3
    op.setAddress(b, F[0]); op.advanceLine(b, 9); op.copy(b);
    op.advancePc(b, 8); op.setFile(b, 2); op.advanceLine(b, -7); op.setColumn(b, 5); op.copy(b);
    op.advancePc(b, 6); op.setFile(b, 1); op.advanceLine(b, 9); op.setColumn(b, 0); op.copy(b);
    op.advancePc(b, FUNCS[0] + 2 - 14); op.endSequence(b);
    op.setAddress(b, F[1]); op.advanceLine(b, 29); op.copy(b); op.advancePc(b, FUNCS[1] + 2); op.endSequence(b);
  } });
  const info = new Bytes();
  let inlineOriginAt = 0, declAt = 0;
  unit(info, { version: 4 }, (b, us) => {
    b.uleb(1).cstr('prog.cc').u16(o.language ?? C.DW_LANG_C_plus_plus).cstr('/build').u32(0).u32(F[0]).u32(F[2] + FUNCS[2] + 2 - F[0]);
    b.uleb(2).cstr('orders');
    inlineOriginAt = b.pos - us;
    b.uleb(4).cstr('helper').u8(C.DW_INL_inlined);
    // function 0: orders::check with helper inlined at prog.cc:11:3
    b.uleb(3).u32(F[0]).u32(FUNCS[0] + 2).cstr('_ZN6orders5checkEv').cstr('check');
    b.uleb(5).u32(o.cyclicOrigin ? 0 : inlineOriginAt).u32(F[0] + 8).u32(6).u8(1).u8(11).u8(3);
    if (o.blockPastEnd) b.uleb(10).u8(200);
    b.u8(0); // end inlined children
    b.u8(0); // end subprogram children
    b.u8(0); // end namespace
    b.uleb(6).cstr('Calc');
    declAt = b.pos - us;
    b.uleb(7).cstr('add');
    b.u8(0);
    // function 1: Calc::add (specification → declaration inside struct Calc)
    b.uleb(o.corruptAbbrevCode ? 77 : 8).u32(declAt).u32(F[1]).u32(FUNCS[1] + 2);
    if (o.cyclicOrigin) {
      // function 2: a DIE whose abstract_origin and specification point to itself
      const selfAt = b.pos - us;
      b.uleb(9).u32(selfAt).u32(selfAt).u32(F[2]).u32(FUNCS[2] + 2);
    }
    b.u8(0);
  });
  // patch cyclic inline origin to point at the inlined_subroutine itself
  let infoBytes = info.done();
  if (o.cyclicOrigin) {
    const at = infoBytes.indexOf(5, 11 + 30); // abbrev code 5 after the namespace
    void at;
  }
  if (o.truncateUnit) infoBytes = infoBytes.subarray(0, 30);
  const customs: Record<string, Uint8Array> = { '.debug_info': infoBytes, '.debug_abbrev': ab.done() };
  if (!o.noLineTable) customs['.debug_line'] = line.done();
  const names = new Bytes();
  const sub = new Bytes().uleb(3);
  for (const [i, n] of [[0, '_ZN6orders5checkEv'], [1, '_ZN4Calc3addEv'], [2, 'third']] as Array<[number, string]>) {
    const nb = new TextEncoder().encode(n);
    sub.uleb(i).uleb(nb.length).bytes(nb);
  }
  names.u8(1).uleb(sub.pos).bytes(sub);
  customs.name = names.done();
  return wasmModule(FUNCS, customs);
}
