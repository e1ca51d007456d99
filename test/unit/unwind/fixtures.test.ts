/**
 * The shadow-stack reconstruction checked against real programs: in every
 * fixture's full core dump the frame-base locals were recorded, so the
 * rebuilt value of each frame's DW_AT_frame_base local must equal the
 * recorded one (or be declared unavailable — never different).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as C from '../../../src/dwarf/constants';
import { loadAllFixtures, loadMultiModuleFixtures, fixturePath } from '../../fixtures/facts';
import { openDumpWith, loadModule } from '../values/load';
import { readCoreDump } from '../../../src/coredump/reader';
import { reconstructedLocal } from '../../../src/unwind/stack';
import { inlineChain } from '../../../src/symbols/funcindex';
import type { Die } from '../../../src/dwarf/die';

for (const fx of [...loadAllFixtures(), ...loadMultiModuleFixtures()]) {
  test(`rebuilt frame bases equal the recorded ones: ${fx.facts.id}`, () => {
    const multi = (fx.facts as { modules?: string[] }).modules !== undefined;
    let compared = 0;
    const wrong: string[] = [];
    for (const d of Object.values(fx.facts.coreDumps)) {
      const file = fixturePath(fx, d.full);
      const names = multi ? readCoreDump(new Uint8Array(fs.readFileSync(file)), file).modules : [fx.facts.module];
      const o = openDumpWith(file, names.map((n) => loadModule(fixturePath(fx, n))));
      o.core.threads[0].frames.forEach((f, i) => {
        const lf = o.logical.find((l) => l.physical === i && l.die);
        if (!lf || !f.locals.recorded) return;
        const chain = inlineChain(lf.die as Die);
        const fb = chain[chain.length - 1].exprloc(C.DW_AT_frame_base);
        if (!fb || fb[0] !== 0xed || fb[1] !== 0x00) return;
        const local = fb[2]; // small local indices: one-byte ULEB
        const rec = f.locals.values[local];
        if (rec?.type !== 'i32') return;
        const rebuilt = reconstructedLocal(o.tv.stackInfo(i)!, local);
        if (rebuilt === undefined) return;
        compared++;
        if (rebuilt !== rec.value >>> 0) wrong.push(`${d.full} frame ${i} (${lf.name}): local ${local} recorded 0x${(rec.value >>> 0).toString(16)}, rebuilt 0x${rebuilt.toString(16)}`);
      });
    }
    assert.deepEqual(wrong, []);
    if (!fx.facts.optimized) assert.ok(compared > 0, 'no frame base compared');
  });
}
