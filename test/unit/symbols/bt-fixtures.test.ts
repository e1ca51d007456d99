/**
 * Every fixture core dump's backtrace (full, no-locals and producer-dialect
 * variants) matches the frames stated in its facts.json: function names in
 * source form, file (basename), line, and the inlined marker where stated.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { basename } from 'node:path';
import { existsSync } from 'node:fs';
import { loadAllFixtures, fixturePath, dumpFrames, Fixture } from '../../fixtures/facts';
import { loadBacktrace } from '../../../cli/commands/bt';
import type { BtFrame } from '../../../src/symbols/backtrace';

function dumpsOf(fx: Fixture): Array<{ dump: string; file: string }> {
  const out: Array<{ dump: string; file: string }> = [];
  for (const [dump, d] of Object.entries(fx.facts.coreDumps)) {
    out.push({ dump, file: d.full }, { dump, file: d.noLocals });
    const variants = (d as unknown as { variants?: Record<string, { file: string }> }).variants ?? {};
    for (const v of Object.values(variants)) out.push({ dump, file: v.file });
  }
  return out;
}

function show(frames: BtFrame[]): string {
  return frames.map((f) => `#${f.number} ${f.name}${f.inlined ? ' [inlined]' : ''} ${f.file ? basename(f.file) : '??'}:${f.line}`).join('\n');
}

const fixtures = existsSync('test/fixtures') ? loadAllFixtures() : [];

for (const fx of fixtures) {
  for (const { dump, file } of dumpsOf(fx)) {
    test(`bt ${fx.facts.id} ${file} matches facts.json frames`, () => {
      const path = fixturePath(fx, file);
      const bt = loadBacktrace(path);
      const frames = bt.threads[0].frames;
      const d = fx.facts.coreDumps[dump];
      const above = d.runtimeFramesAbove ?? fx.facts.runtimeFramesAbove ?? 0;
      // skip the runtime's physical frames above the innermost user frame
      let i = frames.findIndex((f) => f.coreFrame.index >= above);
      assert.ok(i >= 0, `no frames below the ${above} runtime frames\n${show(frames)}`);
      if (d.repeatedInnermost) {
        const r = d.repeatedInnermost;
        let n = 0;
        while (i < frames.length && frames[i].name === r.function) {
          if (!(r.innermostLineUnchecked && n === 0)) {
            assert.equal(frames[i].line, r.line, `repeated frame #${frames[i].number} line\n${show(frames.slice(0, 40))}`);
          }
          n++; i++;
          const next = dumpFrames(fx.facts, dump)[0];
          if (next && frames[i]?.name === next.function && frames[i]?.line === next.line) break;
        }
        assert.ok(n >= r.minCount, `expected >= ${r.minCount} frames of ${r.function}, got ${n}`);
      }
      const expected = dumpFrames(fx.facts, dump);
      for (let k = 0; k < expected.length; k++) {
        const e = expected[k], f = frames[i + k];
        const ctx = `frame ${k} (${e.function} ${e.file}:${e.line})\n${show(frames)}`;
        assert.ok(f, `missing ${ctx}`);
        assert.equal(f.name, e.function, `function of ${ctx}`);
        assert.equal(f.file ? basename(f.file) : undefined, e.file, `file of ${ctx}`);
        if (e.line !== null) assert.equal(f.line, e.line, `line of ${ctx}`);
        if (e.inlined !== undefined) assert.equal(f.inlined, e.inlined, `inlined marker of ${ctx}`);
      }
    });
  }
}

test('fixtures are present', (t) => {
  if (fixtures.length === 0) t.skip('test/fixtures not built yet');
  else assert.ok(fixtures.length >= 1);
});
