/**
 * scanRootRanges (the address index's fast path) gives what the general
 * path gives: `unit.root().ranges()` and whether low_pc/ranges are present,
 * for every unit of every corpus module and fixture with DWARF.
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

const files = (): string[] => [...corpusDwarfModules(), ...fixtureModules()];

test('scanRootRanges agrees with root().ranges() on every unit', (t) => {
  const list = files();
  if (list.length === 0) { t.skip('no corpus or fixtures'); return; }
  let fast = 0, units = 0;
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
      const root = u.root();
      assert.ok(root, `${file} unit 0x${u.offset.toString(16)}: fast path on a unit without a root DIE`);
      assert.deepEqual(s.ranges, root.ranges(), `${file} unit 0x${u.offset.toString(16)}`);
      assert.equal(s.described, root.has(C.DW_AT_ranges) || root.has(C.DW_AT_low_pc), `${file} unit 0x${u.offset.toString(16)}`);
    }
  }
  assert.ok(fast > 0 && units > 0, `fast path taken for ${fast} of ${units} units`);
});
