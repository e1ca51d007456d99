/**
 * Differential test of the Itanium C++ demangler against llvm-cxxfilt on
 * every C++ linkage name (DW_AT_linkage_name) of the fixtures and corpus
 * modules. Accepted difference: for function templates llvm-cxxfilt prints
 * the return type first (`int max<int>(int, int)`); we leave it out (frames
 * show names without signature), so a leading "<type> " on llvm's side is
 * ignored. Names we cannot demangle (vendor qualifiers like `Ua9enable_if`,
 * `Tn` template parameter declarations, expressions) are shown mangled;
 * they must stay under 10%.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { WasmModule } from '../../src/wasm/module';
import { Dwarf, DwarfSections, DW_AT_linkage_name } from '../../src/dwarf';
import { demangle } from '../../src/symbols/demangle';
import { findTool, TOOLS } from '../tools';

const MODULES = [
  'test/fixtures/cpp-clang19-O0/prog.wasm',
  '../shared/corpus/binaryen/test/unit/input/dwarf/cubescript.wasm',
  '../shared/corpus/binaryen/test/passes/class_with_dwarf_noprint.wasm',
  '../shared/corpus/chicory/history/prism.wasm',
];

test('Itanium demangler agrees with llvm-cxxfilt on the C++ linkage names of fixtures and corpus', (t) => {
  const { bin, missing } = findTool(TOOLS.cxxfilt19);
  if (!bin) { t.skip(missing); return; }
  const names = new Set<string>();
  for (const p of MODULES.filter(existsSync)) {
    const dw = new Dwarf(DwarfSections.fromModule(new WasmModule(new Uint8Array(readFileSync(p)), p)));
    for (const u of dw.units()) for (const d of u.parseTree()) {
      const n = d.str(DW_AT_linkage_name);
      if (n && n.startsWith('_Z') && !/17h[0-9a-f]{16}E/.test(n)) names.add(n);
    }
  }
  const list = [...names];
  if (list.length < 50) { t.skip(`only ${list.length} C++ names found (fixtures/corpus missing?)`); return; }
  const r = spawnSync(bin, [], { input: list.join('\n') + '\n', encoding: 'utf8', maxBuffer: 1 << 26 });
  const llvm = r.stdout.split('\n');
  let agree = 0, unsupported = 0;
  const bad: string[] = [];
  list.forEach((n, i) => {
    const ours = demangle(n);
    if (ours === undefined) { unsupported++; return; }
    const l = llvm[i];
    if (l === ours || (l.endsWith(' ' + ours) && !ours.startsWith('operator'))) agree++;
    else bad.push(`${n}\n  ours: ${ours}\n  llvm: ${l}`);
  });
  const supported = list.length - unsupported;
  t.diagnostic(`${list.length} names: ${agree} agree, ${bad.length} differ, ${unsupported} not demangled`);
  assert.ok(unsupported / list.length < 0.1, `too many names not demangled: ${unsupported}/${list.length}`);
  assert.ok(agree / supported >= 0.97, `agreement ${agree}/${supported}\n${bad.slice(0, 10).join('\n')}`);
});
