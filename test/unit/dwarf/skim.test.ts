/**
 * The cold-lookup fast paths give exactly what the general code gives:
 *  - `unit.scopeDies()` (skim.ts + Unit.scanScope) keeps the same DIEs, with
 *    the same nearest kept ancestors, as the full tree walk filtered to the
 *    scope tags, on every unit of every corpus module and fixture, and on
 *    damaged copies of fixture DWARF (same DIEs kept before the error, same
 *    diagnostics);
 *  - the root ranges decoded while the unit headers are read from a lazily
 *    loaded file (peek + rootscan's layout memo) equal `root().ranges()`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { WasmModule } from '../../../src/wasm/module';
import { DwarfSections } from '../../../src/dwarf/sections';
import { Dwarf } from '../../../src/dwarf/dwarf';
import type { Unit } from '../../../src/dwarf/unit';
import type { Die } from '../../../src/dwarf/die';
import * as C from '../../../src/dwarf/constants';
import { scanRootRanges } from '../../../src/dwarf/rootscan';
import { openLazy } from '../../../host/lazyFile';
import { Bytes, abbrevTable, unit } from './asm';
import { corpusDwarfModules, fixtureModules } from '../../corpus';

const SCOPE = new Set([
  C.DW_TAG_subprogram, C.DW_TAG_inlined_subroutine, C.DW_TAG_namespace, C.DW_TAG_class_type, C.DW_TAG_structure_type,
  C.DW_TAG_union_type, C.DW_TAG_interface_type, C.DW_TAG_enumeration_type, C.DW_TAG_module, C.DW_TAG_compile_unit,
  C.DW_TAG_partial_unit, C.DW_TAG_type_unit, C.DW_TAG_skeleton_unit,
]);

const modules = (): string[] => [...corpusDwarfModules(), ...fixtureModules()];

/** [offset, nearest kept ancestor's offset] of the scope DIEs from the skim walk. */
function light(u: Unit): Array<[number, number]> {
  return u.scopeDies().map((d) => [d.offset, d.parent?.offset ?? -1]);
}

/** The same from the full tree: every DIE, filtered to the scope tags. */
function full(u: Unit): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const d of u.parseTree()) {
    if (!SCOPE.has(d.tag)) continue;
    let p: Die | undefined = d.parent;
    while (p && !SCOPE.has(p.tag)) p = p.parent;
    out.push([d.offset, p?.offset ?? -1]);
  }
  return out;
}

function dwarfOf(bytes: Uint8Array, file: string): Dwarf | undefined {
  try {
    const secs = DwarfSections.fromModule(new WasmModule(bytes, file));
    return secs.has('.debug_info') ? new Dwarf(secs) : undefined;
  } catch { return undefined; }
}

test('scopeDies (skim) keeps what the full tree walk keeps, on every unit of every module', (t) => {
  const list = modules();
  if (list.length === 0) { t.skip('no corpus or fixtures'); return; }
  let units = 0, dies = 0;
  for (const file of list) {
    const bytes = new Uint8Array(readFileSync(file));
    // two independent readers: the full walk reuses (and re-parents) the light walk's DIE objects
    const a = dwarfOf(bytes, file), b = dwarfOf(bytes, file);
    if (!a || !b) continue;
    const ua = a.units(), ub = b.units();
    for (let i = 0; i < ua.length; i++) {
      const l = light(ua[i]);
      assert.deepEqual(l, full(ub[i]), `${file} unit 0x${ua[i].offset.toString(16)}`);
      units++; dies += l.length;
    }
  }
  assert.ok(units > 100 && dies > 1000, `${units} units, ${dies} scope DIEs compared`);
});

test('scopeDies (skim) stops where the full walk stops on damaged DWARF, with the same diagnostics', () => {
  const file = 'test/fixtures/cpp-clang19-O0/prog.wasm';
  const orig = new Uint8Array(readFileSync(file));
  const info = new WasmModule(orig, file).sections.find((s) => s.customName === '.debug_info')!;
  let seed = 7;
  const rnd = (k: number): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % k; };
  let damaged = 0;
  for (let n = 0; n < 300; n++) {
    const bytes = orig.slice();
    // a few bytes of the DIEs (not the first unit header) set to random values
    for (let k = 0; k < 1 + rnd(3); k++) bytes[info.contentStart + 16 + rnd(info.end - info.contentStart - 16)] = rnd(256);
    const a = dwarfOf(bytes, file), b = dwarfOf(bytes, file);
    if (!a || !b) continue;
    const ua = a.units(), ub = b.units();
    assert.equal(ua.length, ub.length);
    for (let i = 0; i < ua.length; i++) {
      const l = light(ua[i]), f = full(ub[i]);
      assert.deepEqual(l, f, `mutation ${n}, unit ${i}`);
      assert.deepEqual(ua[i].diagnostics, ub[i].diagnostics, `mutation ${n}, unit ${i}`);
      if (ua[i].diagnostics.length) damaged++;
    }
  }
  assert.ok(damaged > 20, `${damaged} damaged units compared`);
});

test('root ranges read with the unit headers from a lazily loaded file equal root().ranges()', (t) => {
  const list = modules();
  if (list.length === 0) { t.skip('no corpus or fixtures'); return; }
  let withRanges = 0;
  for (const file of list) {
    const lazy = dwarfOf(openLazy(file, { readWholeBelow: 0 }).bytes, file);
    if (!lazy) continue;
    for (const u of lazy.units()) {
      if (!u.rootRanges) continue;
      withRanges++;
      const root = u.root()!;
      assert.deepEqual(u.rootRanges.ranges, root.ranges(), `${file} unit 0x${u.offset.toString(16)}`);
      assert.equal(u.rootRanges.described, root.has(C.DW_AT_ranges) || root.has(C.DW_AT_low_pc));
    }
  }
  assert.ok(withRanges > 100, `${withRanges} units`);
});

test('the root declaration memo: identical declarations reuse the layout, values and truncation still count', () => {
  // every unit has its own (byte-identical) abbreviation table, as linked units do
  const decl = { code: 1, tag: C.DW_TAG_compile_unit, children: false, attrs: [[C.DW_AT_name, C.DW_FORM_strp], [C.DW_AT_low_pc, C.DW_FORM_addr], [C.DW_AT_high_pc, C.DW_FORM_data4]] as Array<[number, number]> };
  const ab = new Bytes();
  const tables: number[] = [];
  for (let i = 0; i < 4; i++) { tables.push(ab.pos); ab.bytes(abbrevTable([decl])); }
  const info = new Bytes();
  const lows = [0x100, 0x200, 0, 0x400];
  for (let i = 0; i < 4; i++) {
    unit(info, { version: 4, abbrevOffset: tables[i] }, (b) => {
      if (i === 3) { b.uleb(1).u32(0).u16(0x40); return; } // values cut short
      b.uleb(1).u32(0).u32(lows[i]).u32(0x10 * (i + 1));
    });
  }
  const bytes = info.done();
  const dw = new Dwarf(DwarfSections.fromBuffers('mem', { '.debug_info': bytes, '.debug_abbrev': ab.done(), '.debug_str': new Uint8Array(1) }));
  const got = dw.units().map((u) => scanRootRanges(u));
  assert.deepEqual(got[0], { ranges: [{ begin: 0x100, end: 0x110 }], described: true });
  assert.deepEqual(got[1], { ranges: [{ begin: 0x200, end: 0x220 }], described: true });
  assert.deepEqual(got[2], { ranges: [], described: true }); // low_pc 0: discarded code
  assert.equal(got[3], undefined); // truncated: left to the general path, which reports it
});
