/**
 * Every value of every fixture's facts.json, in the full and the --no-locals
 * core dump: a wrong value never passes; "unavailable" only where the facts
 * allow it (optimizedOutOk, or a register-resident value without locals).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadAllFixtures, loadMultiModuleFixtures, fixturePath } from '../../fixtures/facts';
import { openDumpWith, loadModule } from './load';
import { readCoreDump } from '../../../src/coredump/reader';
import { factProblems } from './factcheck';
import * as fs from 'node:fs';


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
        const r = factProblems(o, fx, dump, noLocals);
        okTotal += r.ok;
        report.push(...r.problems);
      }
    }
    assert.deepEqual(report, []);
    assert.ok(okTotal > 0, 'no value was checked');
  });
}
