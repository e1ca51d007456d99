/**
 * Every variable of every frame, full dump vs its --no-locals twin: what
 * lives in linear memory in the full dump must show the very same text
 * without locals; everything else may only become "unavailable", never a
 * different value.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { loadAllFixtures, loadMultiModuleFixtures, fixturePath } from '../../fixtures/facts';
import { openDumpWith, loadModule, Loaded } from './load';
import { readCoreDump } from '../../../src/coredump/reader';
import { formatValue } from '../../../src/values/format';
import { frameVariables } from '../../../src/values/scopes';
import { inlineChain } from '../../../src/symbols/funcindex';
import type { Die } from '../../../src/dwarf/die';

for (const fx of [...loadAllFixtures(), ...loadMultiModuleFixtures()]) {
  test(`no-locals dumps show the same memory-resident variables: ${fx.facts.id}`, (t) => {
    const multi = (fx.facts as { modules?: string[] }).modules !== undefined;
    const cache = new Map<string, Loaded>();
    const mods = (file: string) => (multi ? readCoreDump(new Uint8Array(fs.readFileSync(file)), file).modules : [fx.facts.module])
      .map((n) => { let l = cache.get(n); if (!l) { l = loadModule(fixturePath(fx, n)); cache.set(n, l); } return l; });
    const problems: string[] = [];
    let same = 0;
    for (const d of Object.values(fx.facts.coreDumps)) {
      const fullFile = fixturePath(fx, d.full), bareFile = fixturePath(fx, d.noLocals);
      const full = openDumpWith(fullFile, mods(fullFile));
      const bare = openDumpWith(bareFile, mods(bareFile));
      full.logical.forEach((lf, k) => {
        if (!lf.die || k >= 40) return; // deep recursion: the first 40 logical frames are plenty
        const chain = inlineChain(lf.die as Die);
        const fs1 = full.tv.state(lf.physical).forSubprogram(chain[chain.length - 1]);
        const fs2 = bare.tv.state(lf.physical).forSubprogram(chain[chain.length - 1]);
        for (const v of frameVariables(lf.die as Die, full.core.threads[0].frames[lf.physical].codeAddr)) {
          const a = fs1.variable(v.die), b = fs2.variable(v.die);
          const ta = formatValue(a, { depth: 1 }), tb = formatValue(b, { depth: 1 });
          const where = `${d.full} #${k} ${lf.name}: ${v.name}`;
          if (a.loc.kind === 'memory' && !ta.startsWith('<unavailable')) {
            if (ta !== tb) problems.push(`${where}: full ${ta} | no-locals ${tb}`);
            else same++;
          } else if (!tb.startsWith('<unavailable') && tb !== ta) problems.push(`${where}: full ${ta} | no-locals ${tb} (different, not unavailable)`);
        }
      });
    }
    t.diagnostic(`${same} memory-resident values identical`);
    assert.deepEqual(problems, []);
    if (!fx.facts.optimized) assert.ok(same > 0, 'no memory-resident variable compared');
  });
}
