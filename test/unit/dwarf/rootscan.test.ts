/**
 * scanRootRanges (the address index's fast path) gives what the general
 * path gives: `unit.root().ranges()` and whether low_pc/ranges are present,
 * for every unit of every corpus module and fixture with DWARF, and on
 * synthetic units for the shapes the corpus may not hold (DW_AT_ranges
 * roots, shared tables, damaged declarations and lists).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { WasmModule } from '../../../src/wasm/module';
import { DwarfSections } from '../../../src/dwarf/sections';
import { Dwarf } from '../../../src/dwarf/dwarf';
import { scanRootRanges } from '../../../src/dwarf/rootscan';
import * as C from '../../../src/dwarf/constants';
import { corpusDwarfModules, fixtureModules } from '../../corpus';
import { Bytes, abbrevTable, unit } from './asm';

const files = (): string[] => [...corpusDwarfModules(), ...fixtureModules()];

test('scanRootRanges agrees with root().ranges() on every unit', (t) => {
  const list = files();
  if (list.length === 0) { t.skip('no corpus or fixtures'); return; }
  let fast = 0, units = 0, lists = 0;
  for (const file of list) {
    let m: WasmModule;
    try { m = new WasmModule(new Uint8Array(readFileSync(file)), file); } catch { continue; }
    const secs = DwarfSections.fromModule(m);
    if (!secs.has('.debug_info')) continue;
    const dw = new Dwarf(secs);
    for (const u of dw.units()) {
      units++;
      const s = scanRootRanges(u);
      if (!s) continue;
      fast++;
      if (s.ranges.length > 1) lists++;
      const root = u.root();
      assert.ok(root, `${file} unit 0x${u.offset.toString(16)}: fast path on a unit without a root DIE`);
      assert.deepEqual(s.ranges, root.ranges(), `${file} unit 0x${u.offset.toString(16)}`);
      assert.equal(s.described, root.has(C.DW_AT_ranges) || root.has(C.DW_AT_low_pc), `${file} unit 0x${u.offset.toString(16)}`);
    }
  }
  assert.ok(fast > 0 && units > 0, `fast path taken for ${fast} of ${units} units`);
  assert.ok(lists > 0, `${lists} roots with a range list of several ranges on the fast path`);
});

test('DW_AT_ranges roots, shared tables and damage: the fast path gives root().ranges() or leaves the unit to it', () => {
  const cu = (code: number, attrs: Array<[number, number]>) => ({ code, tag: C.DW_TAG_compile_unit, children: false, attrs });
  // one table for all units; the root declarations are not its first
  const ab = abbrevTable([
    { code: 1, tag: C.DW_TAG_base_type, children: false, attrs: [[C.DW_AT_name, C.DW_FORM_string], [C.DW_AT_byte_size, C.DW_FORM_implicit_const, 4]] },
    cu(2, [[C.DW_AT_name, C.DW_FORM_string], [C.DW_AT_low_pc, C.DW_FORM_addr], [C.DW_AT_ranges, C.DW_FORM_sec_offset]]),
    cu(3, [[C.DW_AT_ranges, C.DW_FORM_sec_offset]]),
    cu(4, [[C.DW_AT_low_pc, C.DW_FORM_addr], [C.DW_AT_high_pc, C.DW_FORM_data4]]),
  ]);
  const rng = new Bytes();
  const list = (pairs: Array<[number, number]>): number => { const at = rng.pos; for (const [b, e] of pairs) rng.u32(b).u32(e); rng.u32(0).u32(0); return at; };
  const l0 = list([[0x10, 0x20], [0x40, 0x48]]); // relative to low_pc 0x1000
  const l1 = list([[0x300, 0x310], [0xffffffff, 0x2000], [0, 8], [5, 5]]); // base 0, then a base address selection
  const cut = rng.pos; rng.u32(0x10); // a list cut short
  const info = new Bytes();
  unit(info, { version: 4 }, (b) => { b.uleb(2).cstr('a.c').u32(0x1000).u32(l0); });
  unit(info, { version: 4 }, (b) => { b.uleb(3).u32(l1); });
  unit(info, { version: 4 }, (b) => { b.uleb(4).u32(0x500).u32(0x30); });
  unit(info, { version: 4 }, (b) => { b.uleb(2).cstr('b.c').u32(0x1000).u32(cut); });
  unit(info, { version: 4 }, (b) => { b.uleb(2).cstr('c.c').u32(0x2000).u32(l0); }); // the memo's layout, other values
  unit(info, { version: 4 }, (b) => { b.uleb(9).u32(0); }); // no such declaration
  const dw = new Dwarf(DwarfSections.fromBuffers('mem', { '.debug_info': info.done(), '.debug_abbrev': ab.done(), '.debug_ranges': rng.done() }));
  const got = dw.units().map((u) => scanRootRanges(u));
  assert.deepEqual(got[0], { ranges: [{ begin: 0x1010, end: 0x1020 }, { begin: 0x1040, end: 0x1048 }], described: true });
  assert.deepEqual(got[1], { ranges: [{ begin: 0x300, end: 0x310 }, { begin: 0x2000, end: 0x2008 }], described: true });
  assert.deepEqual(got[2], { ranges: [{ begin: 0x500, end: 0x530 }], described: true });
  assert.equal(got[3], undefined); // the general path reports the cut list
  assert.deepEqual(got[4], { ranges: [{ begin: 0x2010, end: 0x2020 }, { begin: 0x2040, end: 0x2048 }], described: true });
  assert.equal(got[5], undefined);
  dw.units().forEach((u, i) => {
    if (got[i]) assert.deepEqual(got[i]!.ranges, u.root()!.ranges(), `unit ${i}`);
  });
  assert.deepEqual(dw.units()[3].root()!.ranges(), []);
  // a table with a repeated code before the root's: left to the general path (which reports it)
  const dup = abbrevTable([cu(1, [[C.DW_AT_name, C.DW_FORM_string]]), cu(1, [[C.DW_AT_name, C.DW_FORM_string]]), cu(2, [[C.DW_AT_low_pc, C.DW_FORM_addr], [C.DW_AT_high_pc, C.DW_FORM_data4]])]);
  const info2 = new Bytes();
  unit(info2, { version: 4 }, (b) => { b.uleb(2).u32(0x500).u32(0x30); });
  const dw2 = new Dwarf(DwarfSections.fromBuffers('mem', { '.debug_info': info2.done(), '.debug_abbrev': dup.done() }));
  assert.equal(scanRootRanges(dw2.units()[0]), undefined);
});
