import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as C from '../../../src/dwarf/constants';
import { Dwarf, DwarfSections, parseLineProgram } from '../../../src/dwarf';
import { Bytes, abbrevTable, unit, lineProgram, op } from './asm';

const AB = abbrevTable([
  { code: 1, tag: C.DW_TAG_compile_unit, children: true, attrs: [[C.DW_AT_name, C.DW_FORM_string], [C.DW_AT_low_pc, C.DW_FORM_addr], [C.DW_AT_ranges, C.DW_FORM_sec_offset]] },
  { code: 2, tag: C.DW_TAG_subprogram, children: false, attrs: [[C.DW_AT_name, C.DW_FORM_string], [C.DW_AT_location, C.DW_FORM_sec_offset]] },
  { code: 3, tag: C.DW_TAG_type_unit, children: true, attrs: [] },
  { code: 4, tag: C.DW_TAG_base_type, children: false, attrs: [[C.DW_AT_name, C.DW_FORM_string]] },
  { code: 5, tag: C.DW_TAG_partial_unit, children: false, attrs: [[C.DW_AT_name, C.DW_FORM_string]] },
  { code: 6, tag: C.DW_TAG_skeleton_unit, children: false, attrs: [[C.DW_AT_name, C.DW_FORM_string]] },
]).done();

test('unit headers: DWARF 2, 3, 4 (+ .debug_types), 5 partial/skeleton, 64-bit', () => {
  const info = new Bytes();
  for (const version of [2, 3, 4]) {
    unit(info, { version }, (b) => { b.uleb(1).cstr(`v${version}`).u32(0x10).u32(0); b.uleb(2).cstr('f').u32(0); b.u8(0); });
  }
  unit(info, { version: 4, dwarf64: true }, (b) => { b.uleb(1).cstr('v4-64').u32(0x10).u64(0); b.u8(0); });
  unit(info, { version: 5, unitType: C.DW_UT_partial }, (b) => { b.uleb(5).cstr('partial'); });
  unit(info, { version: 5, unitType: C.DW_UT_skeleton, dwoId: 0x1122n }, (b) => { b.uleb(6).cstr('skel'); });
  const types = new Bytes();
  unit(types, { version: 4, typeSignature: 0x99n, typeOffset: 24 }, (b) => { b.uleb(3); b.uleb(4).cstr('T'); b.u8(0); });
  const dw = new Dwarf(DwarfSections.fromBuffers('mem', { '.debug_info': info.done(), '.debug_abbrev': AB, '.debug_types': types.done() }));
  const us = dw.units();
  assert.deepEqual(us.map((u) => [u.version, u.kind, u.offsetSize, u.name]), [
    [2, 'compile', 4, 'v2'], [3, 'compile', 4, 'v3'], [4, 'compile', 4, 'v4'], [4, 'compile', 8, 'v4-64'],
    [5, 'partial', 4, 'partial'], [5, 'skeleton', 4, 'skel'],
  ]);
  assert.equal(us[5].header.dwoId, 0x1122n);
  assert.equal(us[0].root()!.children[0].name, 'f');
  const tu = dw.typeUnit(0x99n)!;
  assert.equal(tu.typeDie()?.name, 'T');
  assert.deepEqual(dw.diagnostics, []);
});

test('.debug_ranges and .debug_loc (DWARF 4) with base address selection', () => {
  const ranges = new Bytes().u32(0x10).u32(0x20).u32(0xffffffff).u32(0x1000).u32(0x1).u32(0x5).u32(0).u32(0x10).u32(0).u32(0);
  const loc = new Bytes().u32(0x0).u32(0x8).u16(1).u8(0x50).u32(0xffffffff).u32(0x2000).u32(4).u32(6).u16(2).u8(0x91, 0x7f).u32(0).u32(0);
  const info = new Bytes();
  unit(info, { version: 4 }, (b) => { b.uleb(1).cstr('cu').u32(0x100).u32(0); b.uleb(2).cstr('f').u32(0); b.u8(0); });
  const dw = new Dwarf(DwarfSections.fromBuffers('mem', { '.debug_info': info.done(), '.debug_abbrev': AB, '.debug_ranges': ranges.done(), '.debug_loc': loc.done() }));
  const u = dw.units()[0];
  // [0x110,0x120) relative to low_pc 0x100; then base 0x1000: [0x1001,0x1005); [0x1000,0x1010) starts at base+0 (fine: not code address 0)
  assert.deepEqual(u.root()!.ranges(), [{ begin: 0x110, end: 0x120 }, { begin: 0x1001, end: 0x1005 }, { begin: 0x1000, end: 0x1010 }]);
  const l = u.root()!.children[0].locationList()!;
  assert.deepEqual(l.map((e) => [e.begin, e.end, Array.from(e.expr)]), [[0x100, 0x108, [0x50]], [0x2004, 0x2006, [0x91, 0x7f]]]);
});

function lines(version: number): Uint8Array {
  const out = new Bytes();
  lineProgram(out, {
    version,
    dirs: version >= 5 ? ['/comp', 'inc', '/abs'] : ['inc', '/abs'],
    files: version >= 5
      ? [{ name: 'main.c', dir: 0, md5: Array.from({ length: 16 }, (_, i) => i) }, { name: 'util.h', dir: 1 }, { name: 'lib.c', dir: 2 }]
      : [{ name: 'main.c', dir: 0 }, { name: 'util.h', dir: 1 }, { name: 'lib.c', dir: 2 }],
    program: (b) => {
      const first = version >= 5 ? 0 : 1;
      op.setAddress(b, 0x10); op.setFile(b, first); op.advanceLine(b, 9); op.copy(b);      // 0x10 line 10
      op.advancePc(b, 4); op.advanceLine(b, 2); op.setColumn(b, 7); op.copy(b);         // 0x14 line 12 col 7
      op.negateStmt(b); op.advancePc(b, 2); op.setFile(b, first + 1); op.advanceLine(b, -8); op.copy(b); // 0x16 util.h:4 !stmt
      b.u8(13 + (1 - -5) + 14 * 3);                                                    // special: addr+3, line+1 -> 0x19 line 5
      op.advancePc(b, 7); op.endSequence(b);                                            // end 0x20
      op.setAddress(b, 0x40); op.setFile(b, first + 2); op.advanceLine(b, 99); op.copy(b);
      op.advancePc(b, 0x10); op.endSequence(b);
    },
  });
  return out.done();
}

for (const version of [2, 3, 4, 5]) {
  test(`line program version ${version}: files, rows, sequences, lookup`, () => {
    const secs = DwarfSections.fromBuffers('mem', { '.debug_line': lines(version) });
    const lp = parseLineProgram(secs, 0);
    assert.equal(lp.version, version);
    const base = version >= 5 ? 0 : 1;
    const paths = [0, 1, 2].map((i) => lp.fileEntry(base + i)?.path);
    // no unit: comp dir unknown ('' for v2-4, '/comp' from dirs[0] for v5)
    assert.deepEqual(paths, version >= 5 ? ['/comp/main.c', 'inc/util.h', '/abs/lib.c'] : ['main.c', 'inc/util.h', '/abs/lib.c']);
    if (version >= 5) assert.deepEqual(Array.from(lp.fileEntry(0)!.md5!), Array.from({ length: 16 }, (_, i) => i));
    assert.deepEqual(lp.sequences.map((s) => [s.begin, s.end]), [[0x10, 0x20], [0x40, 0x50]]);
    const at = (a: number): string => {
      const i = lp.lookup(a);
      if (i < 0) return 'none';
      const r = lp.row(i);
      return `${lp.fileEntry(r.file)?.name}:${r.line}:${r.column}${r.isStmt ? '' : '!'}`;
    };
    assert.equal(at(0x10), 'main.c:10:0');
    assert.equal(at(0x13), 'main.c:10:0');
    assert.equal(at(0x14), 'main.c:12:7');
    assert.equal(at(0x16), 'util.h:4:7!');
    assert.equal(at(0x19), 'util.h:5:7!');
    assert.equal(at(0x1f), 'util.h:5:7!');
    assert.equal(at(0x20), 'none');
    assert.equal(at(0x30), 'none');
    assert.equal(at(0x45), 'lib.c:100:0');
    assert.equal(at(0x0f), 'none');
  });
}

test('line sequences starting at code address 0 (discarded functions) are set aside', () => {
  const out = new Bytes();
  lineProgram(out, { version: 4, dirs: [], files: [{ name: 'a.c', dir: 0 }], program: (b) => {
    op.setAddress(b, 0); op.advanceLine(b, 50); op.copy(b); op.advancePc(b, 0x30); op.endSequence(b);
    op.setAddress(b, 0x10); op.advanceLine(b, 4); op.copy(b); op.advancePc(b, 0x10); op.endSequence(b);
  } });
  const lp = parseLineProgram(DwarfSections.fromBuffers('mem', { '.debug_line': out.done() }), 0);
  assert.deepEqual(lp.sequences.map((s) => [s.begin, s.end]), [[0x10, 0x20]]);
  assert.deepEqual(lp.discarded.map((s) => [s.begin, s.end]), [[0, 0x30]]);
  assert.equal(lp.row(lp.lookup(0x15)).line, 5);
});

test('GNU split DWARF 4: skeleton → .dwo unit by DWO id, address indexes, .debug_loc.dwo entries', () => {
  const skAb = abbrevTable([{ code: 1, tag: C.DW_TAG_compile_unit, children: false, attrs: [[C.DW_AT_GNU_dwo_id, C.DW_FORM_data8], [C.DW_AT_GNU_addr_base, C.DW_FORM_sec_offset], [C.DW_AT_low_pc, C.DW_FORM_addr]] }]).done();
  const dwoAb = abbrevTable([
    { code: 1, tag: C.DW_TAG_compile_unit, children: true, attrs: [[C.DW_AT_GNU_dwo_id, C.DW_FORM_data8], [C.DW_AT_name, C.DW_FORM_string]] },
    { code: 2, tag: C.DW_TAG_subprogram, children: true, attrs: [[C.DW_AT_low_pc, C.DW_FORM_GNU_addr_index], [C.DW_AT_high_pc, C.DW_FORM_data4], [C.DW_AT_name, C.DW_FORM_string]] },
    { code: 3, tag: C.DW_TAG_variable, children: false, attrs: [[C.DW_AT_name, C.DW_FORM_string], [C.DW_AT_location, C.DW_FORM_sec_offset]] },
  ]).done();
  const info = new Bytes();
  unit(info, { version: 4 }, (b) => { b.uleb(1).u64(0x77n).u32(0).u32(0); });
  const dwo = new Bytes();
  unit(dwo, { version: 4 }, (b) => { b.uleb(1).u64(0x77n).cstr('split.c'); b.uleb(2).uleb(1).u32(0x20).cstr('f'); b.uleb(3).cstr('v').u32(0); b.u8(0); b.u8(0); });
  const addr = new Bytes().u32(0x100).u32(0x200);
  // GNU entries: start_length(index 1, len 8) expr [0x50]; start_end(idx 0, idx 1) expr [0x51]; end
  const loc = new Bytes().u8(3).uleb(1).u32(8).u16(1).u8(0x50).u8(2).uleb(0).uleb(1).u16(1).u8(0x51).u8(0);
  const secs = DwarfSections.fromBuffers('main', { '.debug_info': info.done(), '.debug_abbrev': skAb, '.debug_addr': addr.done() });
  secs.split = DwarfSections.fromBuffers('split.dwo', { '.debug_info.dwo': dwo.done(), '.debug_abbrev.dwo': dwoAb, '.debug_loc.dwo': loc.done() });
  const dw = new Dwarf(secs);
  const skel = dw.units()[0];
  const split = dw.splitUnitFor(skel)!;
  assert.equal(split.name, 'split.c');
  assert.equal(split.isDwo, true);
  const f = split.root()!.children[0];
  assert.deepEqual(f.ranges(), [{ begin: 0x200, end: 0x220 }]);
  const l = f.children[0].locationList()!;
  assert.deepEqual(l.map((e) => [e.begin, e.end, Array.from(e.expr)]), [[0x200, 0x208, [0x50]], [0x100, 0x200, [0x51]]]);
  assert.deepEqual(dw.diagnostics, []);
});
