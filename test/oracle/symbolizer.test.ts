/**
 * Differential test: our Symbolizer vs llvm-symbolizer on sampled
 * instruction-boundary addresses of every module with DWARF in the shared
 * corpus (MANIFEST.tsv, kind "wasm+DWARF...") and in test/fixtures.
 * One llvm-symbolizer process per module (addresses on stdin).
 *
 * Compared: the innermost frame's file:line (bar: ≥ 99.9% agreement over all
 * sampled addresses) and the innermost function's DW_AT_name against
 * llvm-symbolizer's --functions=short name where it gives one.
 *
 * Accepted disagreement classes (counted separately, listed on failure):
 *  - discarded-code-at-0: the address is also covered by a line sequence
 *    that starts at code address 0. Linkers before tombstone values (LLVM <
 *    11, old rustc/emscripten, binaryen test inputs) wrote 0 as the start of
 *    discarded functions; their ranges then overlap real code. Address 0 of
 *    the Code section is the function count, never an instruction, so we
 *    drop such sequences/ranges; llvm-symbolizer keeps them and sometimes
 *    answers with the discarded function's lines (verified by hand on
 *    ignore_missing_func_dwarf.wasm, bz2.wasm, zlib.wasm: the name section
 *    names the function we report).
 *  - llvm14-only: llvm-symbolizer-19 rejects the module ("invalid function
 *    export" in binaryen's hand-made test inputs); llvm-symbolizer-14 reads
 *    it but resolves nothing (??:0) where the DWARF has rows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { compareModule, findLlvmSymbolizer, Disagreement } from './symbolizer-compare';
import { findTool, TOOLS } from '../tools';

const CORPUS = '../shared/corpus';

function modules(): string[] {
  const out: string[] = [];
  const manifest = join(CORPUS, 'MANIFEST.tsv');
  if (existsSync(manifest)) {
    for (const line of readFileSync(manifest, 'utf8').split('\n').slice(1)) {
      const cols = line.split('\t');
      // linked modules with DWARF, and relocatable objects with DWARF (wasm32 and wasm64)
      if (cols.length > 5 && (cols[5].startsWith('wasm+DWARF') || /object file.*\+ DWARF/.test(cols[5]))) out.push(join(CORPUS, cols[0]));
    }
  }
  const fx = 'test/fixtures';
  if (existsSync(fx)) {
    for (const d of readdirSync(fx, { withFileTypes: true })) {
      if (!d.isDirectory()) continue;
      for (const f of readdirSync(join(fx, d.name))) if (f.endsWith('.wasm')) out.push(join(fx, d.name, f));
    }
  }
  return out;
}

test('symbolize agrees with llvm-symbolizer on file:line for >= 99.9% of sampled addresses', (t) => {
  const { bin, missing, fallback } = findLlvmSymbolizer();
  if (!bin) { t.skip(missing); return; }
  if (!fallback) t.diagnostic(`${findTool(TOOLS.symbolizer14).missing}: the modules llvm-symbolizer 19 rejects are skipped`);
  const mods = modules();
  assert.ok(mods.length > 0, 'no modules with DWARF found (corpus missing?)');
  let total = 0, agree = 0, names = 0, nameAgree = 0;
  const unexplained: Array<Disagreement & { file: string }> = [];
  const accepted = new Map<string, number>();
  for (const f of mods) {
    const r = compareModule(bin, f, 3000, fallback);
    if (r.llvmFailed) { t.diagnostic(`skipped ${f}: ${r.llvmFailed}`); continue; }
    total += r.addresses; agree += r.lineAgree; names += r.nameChecked; nameAgree += r.nameAgree;
    for (const d of r.disagreements) {
      if (d.accepted) accepted.set(`${d.kind}:${d.accepted}`, (accepted.get(`${d.kind}:${d.accepted}`) ?? 0) + 1);
      else unexplained.push({ ...d, file: f });
    }
  }
  const lineUnexplained = unexplained.filter((d) => d.kind === 'line').length;
  t.diagnostic(`${mods.length} modules, ${total} addresses: file:line agree ${agree} (${(100 * agree / total).toFixed(3)}%), ` +
    `names agree ${nameAgree}/${names}; accepted ${JSON.stringify(Object.fromEntries(accepted))}; unexplained ${unexplained.length}`);
  const show = unexplained.slice(0, 20).map((d) => `${d.file} 0x${d.addr.toString(16)} ${d.kind}: ours=${d.ours} llvm=${d.llvm}`).join('\n');
  assert.ok(total > 10_000, `too few addresses sampled (${total})`);
  // agreement counting accepted classes as explained must reach 99.9%
  assert.ok(lineUnexplained / total <= 0.001,
    `file:line: ${lineUnexplained} unexplained disagreements of ${total}\n${show}`);
  assert.ok((nameAgree / names) >= 0.99, `innermost names agree only ${nameAgree}/${names}\n${show}`);
});
