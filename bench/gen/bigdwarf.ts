/**
 * Generator of a Wasm module with a large, realistic DWARF 4 (for the
 * symbolizer benchmark): `units` compile units of `funcsPerUnit` functions
 * each, every function with parameters, locals, a lexical block and an
 * inlined call, per-unit struct types with members, a line program with
 * ~1 row per 3 bytes of code, and its own abbreviation table per unit (as
 * a linker concatenates them). The code is real (nop bodies) so addresses
 * are instruction boundaries. Sizes scale linearly with the parameters.
 */
import { Writer } from './writer';
import * as C from '../../src/dwarf/constants';

export interface GenOptions { units: number; funcsPerUnit: number; typesPerUnit: number; membersPerType: number; varsPerFunc: number; bodySize: number }

export const DEFAULT_100MB: GenOptions = { units: 2400, funcsPerUnit: 80, typesPerUnit: 120, membersPerType: 12, varsPerFunc: 10, bodySize: 60 };

function abbrevs(w: Writer): void {
  const a = (code: number, tag: number, children: boolean, attrs: Array<[number, number]>): void => {
    w.uleb(code).uleb(tag).u8(children ? 1 : 0);
    for (const [at, f] of attrs) w.uleb(at).uleb(f);
    w.u8(0).u8(0);
  };
  a(1, C.DW_TAG_compile_unit, true, [[C.DW_AT_producer, C.DW_FORM_strp], [C.DW_AT_language, C.DW_FORM_data2], [C.DW_AT_name, C.DW_FORM_strp], [C.DW_AT_stmt_list, C.DW_FORM_sec_offset], [C.DW_AT_comp_dir, C.DW_FORM_strp], [C.DW_AT_low_pc, C.DW_FORM_addr], [C.DW_AT_high_pc, C.DW_FORM_data4]]);
  a(2, C.DW_TAG_base_type, false, [[C.DW_AT_name, C.DW_FORM_strp], [C.DW_AT_encoding, C.DW_FORM_data1], [C.DW_AT_byte_size, C.DW_FORM_data1]]);
  a(3, C.DW_TAG_structure_type, true, [[C.DW_AT_name, C.DW_FORM_strp], [C.DW_AT_byte_size, C.DW_FORM_data2], [C.DW_AT_decl_file, C.DW_FORM_data1], [C.DW_AT_decl_line, C.DW_FORM_data2]]);
  a(4, C.DW_TAG_member, false, [[C.DW_AT_name, C.DW_FORM_strp], [C.DW_AT_type, C.DW_FORM_ref4], [C.DW_AT_decl_file, C.DW_FORM_data1], [C.DW_AT_decl_line, C.DW_FORM_data2], [C.DW_AT_data_member_location, C.DW_FORM_data1]]);
  a(5, C.DW_TAG_subprogram, true, [[C.DW_AT_low_pc, C.DW_FORM_addr], [C.DW_AT_high_pc, C.DW_FORM_data4], [C.DW_AT_frame_base, C.DW_FORM_exprloc], [C.DW_AT_name, C.DW_FORM_strp], [C.DW_AT_decl_file, C.DW_FORM_data1], [C.DW_AT_decl_line, C.DW_FORM_data2], [C.DW_AT_prototyped, C.DW_FORM_flag_present], [C.DW_AT_type, C.DW_FORM_ref4], [C.DW_AT_external, C.DW_FORM_flag_present]]);
  a(6, C.DW_TAG_formal_parameter, false, [[C.DW_AT_location, C.DW_FORM_exprloc], [C.DW_AT_name, C.DW_FORM_strp], [C.DW_AT_decl_file, C.DW_FORM_data1], [C.DW_AT_decl_line, C.DW_FORM_data2], [C.DW_AT_type, C.DW_FORM_ref4]]);
  a(7, C.DW_TAG_variable, false, [[C.DW_AT_location, C.DW_FORM_exprloc], [C.DW_AT_name, C.DW_FORM_strp], [C.DW_AT_decl_file, C.DW_FORM_data1], [C.DW_AT_decl_line, C.DW_FORM_data2], [C.DW_AT_type, C.DW_FORM_ref4]]);
  a(8, C.DW_TAG_lexical_block, true, [[C.DW_AT_low_pc, C.DW_FORM_addr], [C.DW_AT_high_pc, C.DW_FORM_data4]]);
  a(9, C.DW_TAG_subprogram, true, [[C.DW_AT_name, C.DW_FORM_strp], [C.DW_AT_decl_file, C.DW_FORM_data1], [C.DW_AT_decl_line, C.DW_FORM_data2], [C.DW_AT_prototyped, C.DW_FORM_flag_present], [C.DW_AT_type, C.DW_FORM_ref4], [C.DW_AT_inline, C.DW_FORM_data1]]);
  a(10, C.DW_TAG_formal_parameter, false, [[C.DW_AT_name, C.DW_FORM_strp], [C.DW_AT_type, C.DW_FORM_ref4]]);
  a(11, C.DW_TAG_inlined_subroutine, true, [[C.DW_AT_abstract_origin, C.DW_FORM_ref4], [C.DW_AT_low_pc, C.DW_FORM_addr], [C.DW_AT_high_pc, C.DW_FORM_data4], [C.DW_AT_call_file, C.DW_FORM_data1], [C.DW_AT_call_line, C.DW_FORM_data2], [C.DW_AT_call_column, C.DW_FORM_data1]]);
  a(12, C.DW_TAG_formal_parameter, false, [[C.DW_AT_location, C.DW_FORM_exprloc], [C.DW_AT_abstract_origin, C.DW_FORM_ref4]]);
  a(13, C.DW_TAG_pointer_type, false, [[C.DW_AT_type, C.DW_FORM_ref4]]);
  w.u8(0);
}

/** Strings are interned in .debug_str. */
class Strs {
  w = new Writer(1 << 20);
  map = new Map<string, number>();
  constructor() { this.w.u8(0); }
  of(s: string): number { let o = this.map.get(s); if (o === undefined) { o = this.w.pos; this.w.cstr(s); this.map.set(s, o); } return o; }
}

export interface Generated { wasm: Uint8Array; functions: number; dwarfBytes: number; codeSize: number }

export function generate(o: GenOptions): Generated {
  const nFuncs = o.units * o.funcsPerUnit;
  // code section: count, then bodies (size LEB, 0 locals, nops, end)
  const code = new Writer(nFuncs * (o.bodySize + 4) + 16);
  code.uleb(nFuncs);
  const bodyStart: number[] = [];
  const bodyLen = o.bodySize + 2;
  for (let i = 0; i < nFuncs; i++) {
    code.uleb(bodyLen);
    bodyStart.push(code.pos);
    code.u8(0);
    for (let k = 0; k < o.bodySize; k++) code.u8(0x01);
    code.u8(0x0b);
  }
  const info = new Writer(1 << 24), abbrev = new Writer(1 << 20), line = new Writer(1 << 22), str = new Strs();
  const producer = str.of('clang version 19.1.7 (synthetic benchmark)');
  const compDir = str.of('/build/bench');
  for (let u = 0; u < o.units; u++) {
    const abOff = abbrev.pos;
    abbrevs(abbrev);
    const first = u * o.funcsPerUnit;
    const low = bodyStart[first], high = bodyStart[first + o.funcsPerUnit - 1] + bodyLen;
    // line program for the unit
    const lineOff = line.pos;
    line.u32(0).u16(4);
    const hl = line.pos; line.u32(0);
    const hs = line.pos;
    line.u8(1).u8(1).u8(1).u8(-5 & 0xff).u8(14).u8(13);
    for (const n of [0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1]) line.u8(n);
    line.cstr('src').u8(0);
    line.cstr(`unit${u}.c`).uleb(1).uleb(0).uleb(0).cstr(`unit${u}.h`).uleb(1).uleb(0).uleb(0).u8(0);
    line.patch32(hl, line.pos - hs);
    for (let f = 0; f < o.funcsPerUnit; f++) {
      const a = bodyStart[first + f];
      line.u8(0).uleb(5).u8(C.DW_LNE_set_address).u32(a);
      line.u8(C.DW_LNS_advance_line).sleb(10 + f * 20 - 1); // each sequence starts again at line 1
      line.u8(C.DW_LNS_copy);
      for (let k = 3; k < bodyLen; k += 3) {
        // special opcode: address += 3, line += 1 → (1 - (-5)) + 14 * 3 + 13
        line.u8(13 + 6 + 14 * 3);
      }
      line.u8(C.DW_LNS_advance_pc).uleb(bodyLen - 3 * Math.floor((bodyLen - 1) / 3));
      line.u8(0).uleb(1).u8(C.DW_LNE_end_sequence);
    }
    line.patch32(lineOff, line.pos - lineOff - 4);
    // .debug_info unit
    const us = info.pos;
    info.u32(0).u16(4).u32(abOff).u8(4);
    info.uleb(1).u32(producer).u16(C.DW_LANG_C99).u32(str.of(`unit${u}.c`)).u32(lineOff).u32(compDir).u32(low).u32(high - low);
    const intAt = info.pos - us;
    info.uleb(2).u32(str.of('int')).u8(C.DW_ATE_signed).u8(4);
    const typeAt: number[] = [];
    for (let t = 0; t < o.typesPerUnit; t++) {
      typeAt.push(info.pos - us);
      info.uleb(3).u32(str.of(`struct_${u}_${t}`)).u16(o.membersPerType * 4).u8(2).u16(10 + t);
      for (let m = 0; m < o.membersPerType; m++) info.uleb(4).u32(str.of(`field${m}`)).u32(intAt).u8(2).u16(11 + t + m).u8(m * 4);
      info.u8(0);
    }
    const ptrAt = info.pos - us;
    info.uleb(13).u32(typeAt[0] ?? intAt);
    // an inline-able helper per unit
    const helperAt = info.pos - us;
    info.uleb(9).u32(str.of(`helper_${u}`)).u8(2).u16(5).u32(intAt).u8(C.DW_INL_inlined);
    const helperParam = info.pos - us;
    info.uleb(10).u32(str.of('x')).u32(intAt);
    info.u8(0);
    for (let f = 0; f < o.funcsPerUnit; f++) {
      const a = bodyStart[first + f];
      info.uleb(5).u32(a).u32(bodyLen).uleb(4).u8(0xed, 0x00, 0x01, 0x9f).u32(str.of(`function_${u}_${f}`)).u8(1).u16(10 + f * 20).u32(intAt);
      for (let v = 0; v < o.varsPerFunc; v++) {
        const t = v % 3 === 0 ? ptrAt : typeAt[(f + v) % Math.max(1, typeAt.length)] ?? intAt;
        info.uleb(v < 2 ? 6 : 7).uleb(2).u8(0x91, 0x08 + v).u32(str.of(`var${v}`)).u8(1).u16(11 + f * 20 + v).u32(t);
      }
      info.uleb(8).u32(a + 4).u32(Math.min(20, bodyLen - 6));
      info.uleb(7).uleb(2).u8(0x91, 0x40).u32(str.of('inner')).u8(1).u16(12 + f * 20).u32(intAt);
      info.uleb(11).u32(helperAt).u32(a + 6).u32(8).u8(1).u16(13 + f * 20).u8(9);
      info.uleb(12).uleb(3).u8(0xed, 0x00, 0x02).u32(helperParam);
      info.u8(0); // inlined
      info.u8(0); // lexical block
      info.u8(0); // subprogram
    }
    info.u8(0); // CU children
    info.patch32(us, info.pos - us - 4);
  }
  const customs: Array<[string, Uint8Array]> = [['.debug_info', info.done()], ['.debug_abbrev', abbrev.done()], ['.debug_line', line.done()], ['.debug_str', str.w.done()]];
  const out = new Writer(code.pos + customs.reduce((s, [, b]) => s + b.length + 32, 0) + 1024);
  out.u32(0x6d736100).u32(1);
  const section = (id: number, content: Uint8Array): void => { out.u8(id).uleb(content.length).bytes(content); };
  section(1, new Uint8Array([1, 0x60, 0, 0]));
  const fsec = new Writer(nFuncs + 8); fsec.uleb(nFuncs); for (let i = 0; i < nFuncs; i++) fsec.u8(0);
  section(3, fsec.done());
  section(10, code.done());
  for (const [name, b] of customs) {
    const h = new Writer(64); const nb = new TextEncoder().encode(name);
    h.uleb(nb.length).bytes(nb);
    out.u8(0).uleb(h.pos + b.length).bytes(h.done()).bytes(b);
  }
  return { wasm: out.done(), functions: nFuncs, dwarfBytes: customs.reduce((s, [, b]) => s + b.length, 0), codeSize: code.pos };
}
