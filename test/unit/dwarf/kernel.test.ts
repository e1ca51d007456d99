/**
 * The Wasm kernels (src/dwarf/kernel/) give exactly what the general
 * TypeScript code gives:
 *  - binary.ts is what scripts/build-kernel.mjs builds from the kernel
 *    source with the pinned AssemblyScript (installed by `npm ci`);
 *  - every line program of every corpus module and fixture decodes to the
 *    same rows and sequences with and without the kernel, and so do 400
 *    damaged copies (same rows, same diagnostics, same errors);
 *  - the scope walk keeps the same DIEs with the kernel off (the general
 *    code then reads every DIE) as the full tree walk.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { WasmModule } from '../../../src/wasm/module';
import { DwarfSections } from '../../../src/dwarf/sections';
import { Dwarf } from '../../../src/dwarf/dwarf';
import type { LineProgram } from '../../../src/dwarf/line';
import { setKernelEnabled, withKernel } from '../../../src/dwarf/kernel';
import { KERNEL_SOURCE_SHA256 } from '../../../src/dwarf/kernel/binary';
import { corpusDwarfModules, fixtureModules } from '../../corpus';
import { prng } from '../../prng';
import { FunctionIndex } from '../../../src/symbols/funcindex';
import { SkimWalk, MAX_SKIM_CODE } from '../../../src/dwarf/skim';
import { AbbrevTable, type Abbrev } from '../../../src/dwarf/abbrev';
import { skimClass } from '../../../src/dwarf/layout';
import { abbrevTable } from './asm';
import * as C from '../../../src/dwarf/constants';

const ROOT = join(__dirname, '..', '..', '..', '..');

function programs(bytes: Uint8Array, file: string, kernel: boolean): Array<{ lp?: LineProgram; error?: string; diags: string[] }> {
  setKernelEnabled(kernel);
  try {
    const dw = new Dwarf(DwarfSections.fromModule(new WasmModule(bytes, file)));
    return dw.units().map((u) => {
      try { return { lp: u.lineProgram(), diags: [...u.diagnostics, ...dw.diagnostics] }; } catch (e) { return { error: String(e), diags: [] }; }
    });
  } finally { setKernelEnabled(true); }
}

function same(a: ReturnType<typeof programs>, b: ReturnType<typeof programs>, what: string): number {
  assert.equal(a.length, b.length, what);
  let rows = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i], y = b[i];
    assert.equal(x.error, y.error, `${what} unit ${i}`);
    assert.deepEqual(x.diags, y.diags, `${what} unit ${i}`);
    if (!x.lp || !y.lp) { assert.equal(!!x.lp, !!y.lp, `${what} unit ${i}`); continue; }
    for (const k of ['addr', 'file', 'line', 'column', 'flags'] as const) assert.deepEqual(x.lp[k], y.lp[k], `${what} unit ${i} ${k}`);
    assert.deepEqual(x.lp.sequences, y.lp.sequences, `${what} unit ${i} sequences`);
    assert.deepEqual(x.lp.discarded, y.lp.discarded, `${what} unit ${i} discarded`);
    assert.deepEqual(x.lp.files.map((f) => f.path), y.lp.files.map((f) => f.path), `${what} unit ${i} files`);
    rows += x.lp.rowCount;
  }
  return rows;
}

test('binary.ts is built from the kernel source by scripts/build-kernel.mjs', () => {
  const src = readFileSync(join(ROOT, 'src/dwarf/kernel/assembly/kernel.ts'));
  assert.equal(KERNEL_SOURCE_SHA256, createHash('sha256').update(src).digest('hex'), 'kernel source changed: run node scripts/build-kernel.mjs');
  // rebuilds with the pinned asc and compares the whole generated file
  execFileSync(process.execPath, [join(ROOT, 'scripts/build-kernel.mjs'), '--check'], { cwd: ROOT, stdio: 'pipe' });
  assert.equal(withKernel(16, (k) => k !== undefined), true, 'the kernel loads');
});

test('line programs: the kernel gives the general code\'s rows and sequences on every module', (t) => {
  const list = [...corpusDwarfModules(), ...fixtureModules()];
  if (list.length === 0) { t.skip('no corpus or fixtures'); return; }
  let rows = 0;
  for (const file of list) {
    const bytes = new Uint8Array(readFileSync(file));
    rows += same(programs(bytes, file, true), programs(bytes, file, false), file);
  }
  assert.ok(rows > 100000, `${rows} rows compared`);
});

test('line programs: damaged programs give the same rows, diagnostics and errors with and without the kernel', () => {
  const file = 'test/fixtures/cpp-clang19-O0/prog.wasm';
  const orig = new Uint8Array(readFileSync(file));
  const line = new WasmModule(orig, file).sections.find((s) => s.customName === '.debug_line')!;
  const r01 = prng(11);
  const rnd = (k: number): number => Math.floor(r01() * k);
  const base = JSON.stringify(programs(orig, file, true).map((x) => x.lp && Array.from(x.lp.line)));
  let changed = 0, failed = 0;
  for (let n = 0; n < 400; n++) {
    const bytes = orig.slice();
    for (let k = 0; k < 1 + rnd(4); k++) bytes[line.contentStart + rnd(line.end - line.contentStart)] = rnd(256);
    const a = programs(bytes, file, true), b = programs(bytes, file, false);
    same(a, b, `mutation ${n}`);
    if (a.some((x) => x.diags.length || x.error)) failed++;
    else if (JSON.stringify(a.map((x) => x.lp && Array.from(x.lp.line))) !== base) changed++;
  }
  assert.ok(failed > 10 && changed > 50, `${failed} mutations with diagnostics, ${changed} with other rows`);
});

test('scope walk without the kernel keeps what the full tree walk keeps', () => {
  for (const file of fixtureModules()) {
    const bytes = new Uint8Array(readFileSync(file));
    setKernelEnabled(false);
    let light: number[][];
    try {
      const dw = new Dwarf(DwarfSections.fromModule(new WasmModule(bytes, file)));
      light = dw.units().map((u) => u.scopeDies().map((d) => d.offset));
    } finally { setKernelEnabled(true); }
    const dw = new Dwarf(DwarfSections.fromModule(new WasmModule(bytes, file)));
    const withKernel = dw.units().map((u) => u.scopeDies().map((d) => d.offset));
    assert.deepEqual(light, withKernel, file);
  }
});

test('subroutine entries of the scope walk: ranges and enclosing subprograms as the DIEs give them, with and without the kernel', (t) => {
  const list = [...corpusDwarfModules(), ...fixtureModules()];
  if (list.length === 0) { t.skip('no corpus or fixtures'); return; }
  let simple = 0, general = 0, listed = 0;
  const out = new Float64Array(2);
  for (const file of list) {
    const bytes = new Uint8Array(readFileSync(file));
    for (const kernel of [true, false]) {
      setKernelEnabled(kernel);
      try {
        const dw = new Dwarf(DwarfSections.fromModule(new WasmModule(bytes, file)));
        for (const u of dw.units()) {
          const sc = u.scopeRecords();
          if (!sc) continue;
          const want = sc.count === 0 ? 0 : [...Array(sc.count).keys()].filter((i) => {
            const ab = sc.abbrev(i);
            return (ab.tag === C.DW_TAG_subprogram || ab.tag === C.DW_TAG_inlined_subroutine) && ab.attrs.some((a) => a.at === C.DW_AT_low_pc || a.at === C.DW_AT_ranges);
          }).length;
          assert.equal(sc.subCount, want, `${file} unit 0x${u.offset.toString(16)}: subroutines`);
          for (let j = 0; j < sc.subCount; j++) {
            const d = sc.die(sc.subRecord(j));
            const what = `${file} DIE 0x${d.offset.toString(16)} (kernel ${kernel})`;
            assert.equal(sc.subInlined(j), d.tag === C.DW_TAG_inlined_subroutine, what);
            if (sc.subInlined(j)) {
              let p = d.parent;
              while (p && p.tag !== C.DW_TAG_subprogram) p = p.parent;
              assert.equal(sc.subParent(j) < 0 ? undefined : sc.die(sc.subParent(j)), p, what);
            }
            const k = sc.subRange(j, out);
            if (k === -1) { general++; continue; }
            if (k === -2) { listed++; assert.deepEqual(sc.listedRanges(j, out[0]), d.ranges(), what); continue; }
            simple++;
            assert.deepEqual(d.ranges(), k === 1 ? [{ begin: out[0], end: out[1] }] : [], what);
          }
        }
      } finally { setKernelEnabled(true); }
    }
  }
  // (the fixtures alone: 26,802 ranges and 8,036 lists)
  assert.ok(simple > 10000 && listed > 1000, `${simple} ranges read by the walk, ${listed} range lists found by it, ${general} from the DIEs`);
  t.diagnostic(`${simple} ranges read by the walk, ${listed} range lists found by it, ${general} from the DIEs`);
});

test('function index: the kernel\'s sorted subprogram ranges give the lookups of the general build, on every module', (t) => {
  const list = [...corpusDwarfModules(), ...fixtureModules()];
  if (list.length === 0) { t.skip('no corpus or fixtures'); return; }
  let units = 0, split = 0, sorted = 0, probes = 0;
  for (const file of list) {
    const bytes = new Uint8Array(readFileSync(file));
    const lookups = (kernel: boolean): Array<Array<number | undefined>> => {
      setKernelEnabled(kernel);
      try {
        const dw = new Dwarf(DwarfSections.fromModule(new WasmModule(bytes, file)));
        return dw.units().map((u) => {
          const sc = u.scopeRecords();
          if (!sc) return [];
          if (kernel && sc.split) { split++; if (sc.split.sorted) sorted++; }
          const fi = new FunctionIndex(u);
          // probe each subroutine's bounds and middle, and the address before it
          const addrs: number[] = [];
          for (let j = 0; j < sc.subCount; j++) {
            for (const r of sc.die(sc.subRecord(j)).ranges()) addrs.push(r.begin - 1, r.begin, (r.begin + r.end) >> 1, r.end - 1, r.end);
          }
          return addrs.map((a) => fi.lookup(a)?.offset);
        });
      } finally { setKernelEnabled(true); }
    };
    const a = lookups(true), b = lookups(false);
    units += a.length;
    for (const x of a) probes += x.length;
    assert.deepEqual(a, b, file);
  }
  assert.ok(sorted > 100, `${split} of ${units} units split by the kernel, ${sorted} sorted`);
  t.diagnostic(`${units} units, ${probes} lookups; ${split} split by the kernel, ${sorted} of them sorted and disjoint`);
});

test('abbreviation tables: the kernel classifies every code as the TypeScript code does, on every unit of every module', (t) => {
  const list = [...corpusDwarfModules(), ...fixtureModules()];
  if (list.length === 0) { t.skip('no corpus or fixtures'); return; }
  let tables = 0, accepted = 0, codes = 0, unclassified = 0;
  for (const file of list) {
    const dw = new Dwarf(DwarfSections.fromModule(new WasmModule(new Uint8Array(readFileSync(file)), file)));
    for (const u of dw.units()) {
      const name = u.isDwo ? '.debug_abbrev.dwo' : '.debug_abbrev', sec = dw.sections.get(name);
      if (!sec || u.header.abbrevOffset >= sec.size) continue;
      tables++;
      dw.sections.ensure(name);
      SkimWalk.run(new Uint8Array(1), 0, 0, 8, u.addressSize, (w) => {
        const decl = w.preclassify(sec.bytes, sec.base + u.header.abbrevOffset, sec.base + sec.size, true, u.version, u.offsetSize, u.plainRangeOffsets);
        let all: Abbrev[] | undefined;
        try { u.abbrevs.parseAll(); all = []; for (let c = 1; c < MAX_SKIM_CODE; c++) { const a = u.abbrevs.get(c); if (a) all.push(a); } } catch { all = undefined; }
        if (!decl) return; // left to the walk's general code (the damage cases are the next test)
        accepted++;
        assert.ok(all, `${file} unit 0x${u.offset.toString(16)}: the kernel took a table the TypeScript code rejects`);
        for (const ab of all!) {
          codes++;
          const want = skimClass(u, ab), got = w.classified(ab.code);
          const what = `${file} unit 0x${u.offset.toString(16)} code ${ab.code}`;
          if (!want) { unclassified++; assert.equal(got, undefined, what); continue; }
          assert.ok(got, what);
          assert.equal(got!.info, want.info, what);
          assert.deepEqual(got!.plan, want.plan, what);
          const s = want.sub;
          assert.deepEqual(got!.sub, [s.flags, s.low ?? s.ranges ?? 0, s.high ?? 0, (s.highSize ?? 0) | (s.highIsAddr ? 0x100 : 0)], what);
          // and the declaration is where the kernel says: read alone there, it is the same
          const alone = new AbbrevTable(dw.sections.reader(name, u.header.abbrevOffset)).getAt(ab.code, decl.pos[ab.code] - decl.delta);
          const decoded = (x: Abbrev | undefined): unknown => x && { code: x.code, tag: x.tag, hasChildren: x.hasChildren, attrs: x.attrs };
          assert.deepEqual(decoded(alone), decoded(ab), what);
        }
      });
    }
  }
  // (the fixtures alone, without ../shared/corpus: 460 tables, 9,864 codes)
  assert.ok(accepted > 100 && codes > 1000, `${accepted} of ${tables} tables classified by the kernel, ${codes} codes`);
  t.diagnostic(`${accepted} of ${tables} tables classified by the kernel: ${codes} codes, ${unclassified} of them left to the walk's general code`);
});

test('abbreviation tables the TypeScript code reports are left to it: a repeated code, a cut declaration', () => {
  const decl = (code: number) => ({ code, tag: C.DW_TAG_subprogram, children: false, attrs: [[C.DW_AT_low_pc, C.DW_FORM_addr], [C.DW_AT_high_pc, C.DW_FORM_data4]] as Array<[number, number]> });
  const run = (table: Uint8Array, atEnd: boolean): unknown => SkimWalk.run(new Uint8Array(1), 0, 0, 8, 4, (w) => w.preclassify(table, 0, table.length, atEnd, 4, 4, true));
  const good = abbrevTable([decl(1), decl(2)]).done();
  assert.ok(run(good, true));
  assert.equal(run(abbrevTable([decl(1), decl(1)]).done(), true), undefined);
  assert.equal(run(good.subarray(0, good.length - 3), true), undefined); // a declaration cut by the section's end
  assert.ok(run(good.subarray(0, good.length - 1), true)); // no closing 0 at the section's end: tolerated, as the TypeScript code does
  assert.equal(run(good.subarray(0, good.length - 1), false), undefined); // ... but not before other bytes
});
