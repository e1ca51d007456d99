import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as C from '../../../src/dwarf/constants';
import { Dwarf, DwarfSections } from '../../../src/dwarf';
import { Bytes, abbrevTable, unit } from './asm';

/** A DWARF 5 unit using every attribute form, plus a second unit and a type unit for cross references. */
function build(): { dw: Dwarf; u1Start: number; u2Start: number } {
  const str = new Bytes().cstr('').cstr('from_strp').cstr('strx0').cstr('strx1');
  const lineStr = new Bytes().cstr('from_line_strp');
  // str_offsets: header (len, version 5, pad) then offsets of 'strx0', 'strx1'
  const strOff = new Bytes().u32(12).u16(5).u16(0).u32(11).u32(17);
  // addr: header (len, version 5, addr size 4, seg 0) then addresses
  const addr = new Bytes().u32(4 + 4 * 3).u16(5).u8(4, 0).u32(0x100).u32(0x200).u32(0x300);
  // rnglists: header (len, v5, addr 4, seg 0, offset_entry_count 1), offsets[0] = 4, then list
  const rng = new Bytes();
  rng.u32(0).u16(5).u8(4, 0).u32(1).u32(4);
  rng.u8(C.DW_RLE_start_length).u32(0x100).uleb(0x10).u8(C.DW_RLE_startx_length).uleb(1).uleb(0x20).u8(C.DW_RLE_end_of_list);
  rng.patch32(0, rng.pos - 4);
  const loc = new Bytes();
  loc.u32(0).u16(5).u8(4, 0).u32(1).u32(4);
  loc.u8(C.DW_LLE_start_end).u32(0x100).u32(0x108).uleb(2).u8(0x91, 0x08).u8(C.DW_LLE_end_of_list);
  loc.patch32(0, loc.pos - 4);

  const ab = abbrevTable([
    { code: 1, tag: C.DW_TAG_compile_unit, children: true, attrs: [
      [C.DW_AT_str_offsets_base, C.DW_FORM_sec_offset], [C.DW_AT_addr_base, C.DW_FORM_sec_offset],
      [C.DW_AT_rnglists_base, C.DW_FORM_sec_offset], [C.DW_AT_loclists_base, C.DW_FORM_sec_offset],
      [C.DW_AT_name, C.DW_FORM_strx1], [C.DW_AT_low_pc, C.DW_FORM_addrx]] },
    { code: 2, tag: C.DW_TAG_variable, children: false, attrs: [
      [C.DW_AT_name, C.DW_FORM_string], [0x2001, C.DW_FORM_strp], [0x2002, C.DW_FORM_line_strp], [0x2003, C.DW_FORM_strx],
      [0x2004, C.DW_FORM_strx2], [0x2005, C.DW_FORM_strx3], [0x2006, C.DW_FORM_strx4],
      [0x2010, C.DW_FORM_addr], [0x2011, C.DW_FORM_addrx1], [0x2012, C.DW_FORM_addrx2], [0x2013, C.DW_FORM_addrx3], [0x2014, C.DW_FORM_addrx4],
      [0x2020, C.DW_FORM_data1], [0x2021, C.DW_FORM_data2], [0x2022, C.DW_FORM_data4], [0x2023, C.DW_FORM_data8], [0x2024, C.DW_FORM_data16],
      [0x2025, C.DW_FORM_udata], [0x2026, C.DW_FORM_sdata], [0x2027, C.DW_FORM_implicit_const, -42],
      [0x2030, C.DW_FORM_flag], [0x2031, C.DW_FORM_flag_present],
      [0x2040, C.DW_FORM_exprloc], [0x2041, C.DW_FORM_block1], [0x2042, C.DW_FORM_block2], [0x2043, C.DW_FORM_block4], [0x2044, C.DW_FORM_block],
      [0x2050, C.DW_FORM_sec_offset], [C.DW_AT_location, C.DW_FORM_loclistx], [C.DW_AT_ranges, C.DW_FORM_rnglistx],
      [0x2060, C.DW_FORM_indirect]] },
    { code: 3, tag: C.DW_TAG_base_type, children: false, attrs: [[C.DW_AT_name, C.DW_FORM_string]] },
    { code: 4, tag: C.DW_TAG_variable, children: false, attrs: [
      [0x3001, C.DW_FORM_ref1], [0x3002, C.DW_FORM_ref2], [0x3003, C.DW_FORM_ref4], [0x3004, C.DW_FORM_ref8], [0x3005, C.DW_FORM_ref_udata],
      [0x3006, C.DW_FORM_ref_addr], [C.DW_AT_type, C.DW_FORM_ref_sig8]] },
    { code: 5, tag: C.DW_TAG_type_unit, children: true, attrs: [] },
    { code: 6, tag: C.DW_TAG_structure_type, children: false, attrs: [[C.DW_AT_name, C.DW_FORM_string]] },
  ]);
  const info = new Bytes();
  let typeDieOff = 0;
  const u1Start = unit(info, { version: 5 }, (b, us) => {
    b.uleb(1).u32(8).u32(8).u32(12).u32(12).u8(1).uleb(0);
    b.uleb(2).cstr('all').u32(1).u32(0).uleb(0).u16(1).u24(0).u32(1);
    b.u32(0x1234).u8(1).u16(2).u24(0).u32(1);
    b.u8(0xfe).u16(0xfffe).u32(0xfffffffe).u64(0x123456789abcdef0n).bytes(Array.from({ length: 16 }, (_, i) => i));
    b.uleb(300).sleb(-300);
    b.u8(1);
    b.uleb(2).u8(0x91, 0x10).u8(1, 0xaa).u16(2).u8(1, 2).u32(1).u8(3).uleb(1).u8(4);
    b.u32(0x77).uleb(0).uleb(0);
    b.uleb(C.DW_FORM_data2).u16(0xbeef); // indirect
    const baseTypeAt = b.pos - us;
    b.uleb(3).cstr('int');
    b.uleb(4).u8(baseTypeAt).u16(baseTypeAt).u32(baseTypeAt).u64(baseTypeAt).uleb(baseTypeAt);
    (b as Bytes & { refAddrAt?: number }).refAddrAt = b.pos;
    b.u32(0); // ref_addr patched below
    b.u64(0xabcdn); // ref_sig8
    b.u8(0);
  });
  const refAddrAt = (info as Bytes & { refAddrAt?: number }).refAddrAt!;
  const u2Start = unit(info, { version: 5 }, (b) => {
    b.uleb(1).u32(8).u32(8).u32(12).u32(12).u8(0).uleb(0);
    b.uleb(3).cstr('in_unit_2');
    b.u8(0);
  });
  info.patch32(refAddrAt, u2Start + 12 + 1 + 4 * 4 + 1 + 1); // first child DIE of unit 2
  unit(info, { version: 5, unitType: C.DW_UT_type, typeSignature: 0xabcdn, typeOffset: 25 }, (b, us) => {
    b.uleb(5);
    typeDieOff = b.pos - us;
    b.uleb(6).cstr('S');
    b.u8(0);
  });
  assert.equal(typeDieOff, 25);
  const secs = DwarfSections.fromBuffers('mem', {
    '.debug_info': info.done(), '.debug_abbrev': ab.done(), '.debug_str': str.done(), '.debug_line_str': lineStr.done(),
    '.debug_str_offsets': strOff.done(), '.debug_addr': addr.done(), '.debug_rnglists': rng.done(), '.debug_loclists': loc.done(),
  });
  return { dw: new Dwarf(secs), u1Start, u2Start };
}

test('every attribute form decodes to its typed value (DWARF 5)', () => {
  const { dw } = build();
  const units = dw.units();
  assert.equal(units.length, 3);
  const [u1] = units;
  assert.equal(u1.version, 5);
  const root = u1.root()!;
  assert.equal(root.tag, C.DW_TAG_compile_unit);
  assert.equal(root.name, 'strx1');
  assert.equal(u1.baseAddress, 0x100);
  const v = root.children[0];
  assert.equal(v.str(C.DW_AT_name), 'all');
  assert.equal(v.str(0x2001), 'from_strp');
  assert.equal(v.str(0x2002), 'from_line_strp');
  assert.equal(v.str(0x2003), 'strx0');
  assert.equal(v.str(0x2004), 'strx1');
  assert.equal(v.str(0x2005), 'strx0');
  assert.equal(v.str(0x2006), 'strx1');
  assert.deepEqual(v.attr(0x2010), { kind: 'addr', form: C.DW_FORM_addr, value: 0x1234 });
  assert.equal((v.attr(0x2011) as { value: number }).value, 0x200);
  assert.equal((v.attr(0x2012) as { value: number }).value, 0x300);
  assert.equal((v.attr(0x2013) as { value: number }).value, 0x100);
  assert.equal((v.attr(0x2014) as { value: number }).value, 0x200);
  assert.equal(v.udata(0x2020), 0xfe);
  assert.equal(v.sdata(0x2020), -2);
  assert.equal(v.udata(0x2021), 0xfffe);
  assert.equal(v.sdata(0x2022), -2);
  assert.equal(v.bigdata(0x2023), 0x123456789abcdef0n);
  const d16 = v.attr(0x2024);
  assert.equal(d16?.kind, 'data16');
  assert.deepEqual(Array.from((d16 as { bytes: Uint8Array }).bytes), Array.from({ length: 16 }, (_, i) => i));
  assert.equal(v.udata(0x2025), 300);
  assert.equal(v.sdata(0x2026), -300);
  assert.equal(v.sdata(0x2027), -42);
  assert.equal(v.flag(0x2030), true);
  assert.equal(v.flag(0x2031), true);
  assert.equal(v.flag(0x9999), false);
  assert.deepEqual(Array.from(v.exprloc(0x2040)!), [0x91, 0x10]);
  assert.deepEqual(Array.from(v.exprloc(0x2041)!), [0xaa]);
  assert.deepEqual(Array.from(v.exprloc(0x2042)!), [1, 2]);
  assert.deepEqual(Array.from(v.exprloc(0x2043)!), [3]);
  assert.deepEqual(Array.from(v.exprloc(0x2044)!), [4]);
  assert.deepEqual(v.attr(0x2050), { kind: 'secOffset', form: C.DW_FORM_sec_offset, value: 0x77 });
  assert.equal(v.udata(0x2060), 0xbeef);
  assert.deepEqual(v.ranges(), [{ begin: 0x100, end: 0x110 }, { begin: 0x200, end: 0x220 }]);
  const ll = v.locationList()!;
  assert.equal(ll.length, 1);
  assert.equal(ll[0].begin, 0x100);
  assert.equal(ll[0].end, 0x108);
  assert.deepEqual(Array.from(ll[0].expr), [0x91, 0x08]);
});

test('references: ref1/2/4/8/udata within the unit, ref_addr across units, ref_sig8 to a type unit', () => {
  const { dw } = build();
  const [u1] = dw.units();
  const refs = u1.root()!.children[2];
  assert.equal(refs.tag, C.DW_TAG_variable);
  for (const at of [0x3001, 0x3002, 0x3003, 0x3004, 0x3005]) assert.equal(refs.ref(at)?.name, 'int', `attr 0x${at.toString(16)}`);
  const other = refs.ref(0x3006);
  assert.equal(other?.name, 'in_unit_2');
  assert.equal(other?.unit, dw.units()[1]);
  const t = refs.ref(C.DW_AT_type);
  assert.equal(t?.tag, C.DW_TAG_structure_type);
  assert.equal(t?.name, 'S');
  assert.equal(t?.parent?.tag, C.DW_TAG_type_unit);
});

test('tree: parent/children and dieAt', () => {
  const { dw } = build();
  const u = dw.units()[0];
  const dies = u.parseTree();
  assert.equal(dies.length, 4);
  assert.equal(dies[1].parent, dies[0]);
  assert.deepEqual(u.root()!.children.map((d) => d.tag), [C.DW_TAG_variable, C.DW_TAG_base_type, C.DW_TAG_variable]);
  assert.equal(u.dieAt(dies[2].offset), dies[2]);
  assert.equal(u.dieAt(dies[2].offset + 1), undefined);
  assert.deepEqual(dw.diagnostics, []);
});

test('constant names use spec spellings', () => {
  assert.equal(C.atName(C.DW_AT_location), 'DW_AT_location');
  assert.equal(C.formName(C.DW_FORM_strx3), 'DW_FORM_strx3');
  assert.equal(C.opName(C.DW_OP_lit7), 'DW_OP_lit7');
  assert.equal(C.tagName(0x7777), 'DW_TAG_0x7777');
  assert.equal(C.DW_OP_WASM_location, 0xed);
  assert.equal(C.DW_LANG_Rust, 0x1c);
  assert.equal(C.DW_ATE_signed, 5);
});
