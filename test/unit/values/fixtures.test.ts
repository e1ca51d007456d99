/**
 * Every value of every fixture's facts.json, in the full and the --no-locals
 * core dump: a wrong value never passes; "unavailable" only where the facts
 * allow it (optimizedOutOk, or a register-resident value without locals).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadAllFixtures, loadMultiModuleFixtures, fixturePath, dumpFrames, dumpValues, FactValue, Fixture, canonicalValue } from '../../fixtures/facts';
import { openDumpWith, Opened, loadModule } from './load';
import { Variable } from '../../../src/values';
import { readCoreDump } from '../../../src/coredump/reader';
import * as fs from 'node:fs';

/** The canonical text (facts.json conventions) of a displayed variable. */
export function canonical(v: Variable, f: FactValue): string | undefined {
  return canonicalValue(v.value, f.kind);
}

interface Outcome { ok: number; unavailable: string[]; wrong: string[] }

function check(o: Opened, fx: Fixture, dump: string, noLocals: boolean): Outcome {
  const facts = fx.facts;
  const frames = dumpFrames(facts, dump);
  const above = facts.coreDumps[dump].runtimeFramesAbove ?? facts.runtimeFramesAbove;
  let firstLogical = o.logical.findIndex((l) => l.physical >= above);
  const rep = facts.coreDumps[dump].repeatedInnermost;
  if (rep) while (firstLogical < o.logical.length && o.logical[firstLogical].name === rep.function) firstLogical++;
  const res: Outcome = { ok: 0, unavailable: [], wrong: [] };
  for (const f of dumpValues(facts, dump)) {
    if (f.frameIndex === null || frames[f.frameIndex] === undefined) continue;
    const lf = o.logical[firstLogical + f.frameIndex];
    const what = `${facts.id}/${dump}${noLocals ? '/nolocals' : ''} #${f.frameIndex} ${f.frame}: ${f.expr}`;
    let v: Variable;
    try {
      v = o.tv.evaluate(lf.physical, f.expr, { frameDie: lf.die });
    } catch (e) {
      res.unavailable.push(`${what}: error ${(e as Error).message}`);
      continue;
    }
    let got: string | undefined = canonical(v, f);
    if (f.length !== undefined && got !== undefined) {
      const n = v.indexedCount ?? 0;
      if (n !== f.length) { res.wrong.push(`${what}: length ${n}, expected ${f.length} (${v.value})`); continue; }
      if (f.elements) {
        const kids = v.children().filter((c) => /^\[\d+\]$/.test(c.name)).map((c) => canonical(c, { ...f, kind: guessKind(f.elements![0]) }));
        if (JSON.stringify(kids) !== JSON.stringify(f.elements)) { res.wrong.push(`${what}: elements ${JSON.stringify(kids)}, expected ${JSON.stringify(f.elements)}`); continue; }
      }
      res.ok++; continue;
    }
    if (f.kind === 'unique_ptr-nonnull') {
      if (got === undefined) { res.unavailable.push(`${what}: ${v.value}`); continue; }
      if (/^0x0+\b/.test(got) || !/^0x/.test(got)) res.wrong.push(`${what}: ${got}, expected a non-null pointer`); else res.ok++;
      continue;
    }
    if (got === undefined) { res.unavailable.push(`${what}: ${v.value}`); continue; }
    if (f.kind === 'enum-variant' && f.payload !== undefined && !v.value.includes(f.payload)) { res.wrong.push(`${what}: ${v.value}, expected payload ${f.payload}`); continue; }
    if (f.value !== null && got !== f.value) { res.wrong.push(`${what}: got ${JSON.stringify(got)} (${v.value}), expected ${JSON.stringify(f.value)}`); continue; }
    res.ok++;
  }
  return res;
}

function guessKind(s: string): FactValue['kind'] { return /^-?\d/.test(s) ? 'int' : 'string'; }

for (const fx of [...loadAllFixtures(), ...loadMultiModuleFixtures()]) {
  test(`fixture values: ${fx.facts.id}`, () => {
    // multi-module fixtures: the core dump names its modules (`prog.0.wasm`, ... next to it); single ones use facts.module
    const multi = (fx.facts as { modules?: string[] }).modules !== undefined;
    const modsFor = (dumpFile: string) => (multi
      ? readCoreDump(new Uint8Array(fs.readFileSync(dumpFile)), dumpFile).modules.map((n) => loadModule(fixturePath(fx, n)))
      : [single]);
    const single = loadModule(fixturePath(fx, fx.facts.module));
    const report: string[] = [];
    let okTotal = 0;
    for (const [dump, d] of Object.entries(fx.facts.coreDumps)) {
      for (const noLocals of [false, true]) {
        const file = fixturePath(fx, noLocals ? d.noLocals : d.full);
        const o = openDumpWith(file, modsFor(file));
        const r = check(o, fx, dump, noLocals);
        okTotal += r.ok;
        report.push(...r.wrong.map((w) => `WRONG ${w}`));
        // unavailable is acceptable only where the facts allow it
        const facts = dumpValues(fx.facts, dump);
        for (const u of r.unavailable) {
          const expr = u.split(': ')[1];
          const f = facts.find((x) => u.includes(`${x.frame}: ${x.expr}:`) || x.expr === expr);
          // The DWARF itself says a global is gone: no DW_AT_location (Zig 0.11, clang -O2 folding a
          // static) or a tombstone address (wasm-ld --gc-sections dropped an unused global).
          const dwarfSaysGone = f?.global === true && /optimized out|tombstone/.test(u);
          const allowed = f?.optimizedOutOk || (noLocals && !f?.memoryResident) || dwarfSaysGone;
          if (!allowed) report.push(`UNAVAILABLE ${u}`);
        }
      }
    }
    assert.deepEqual(report, []);
    assert.ok(okTotal > 0, 'no value was checked');
  });
}
