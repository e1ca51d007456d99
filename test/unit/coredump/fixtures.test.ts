/**
 * Every fixture core dump (test/fixtures/<id>/*.coredump, listed in facts.json)
 * reads, finds its module next to it, normalises every frame plausibly, and
 * its frames are the fixture's expected (non-inlined) functions. The
 * --no-locals dump differs only in locals/stack.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCoreDump } from '../../../src/coredump/reader';
import { normaliseFrames } from '../../../src/coredump/normalise';
import { resolveModules, readFileBytes } from '../../../host/modules';
import { WasmModule } from '../../../src/wasm/module';

interface FactFrame { function: string; inlined?: boolean }
interface Facts {
  runtimeFramesAbove?: number;
  frames?: FactFrame[];
  coreDumps?: Record<string, {
    full?: string; noLocals?: string; frames?: FactFrame[]; runtimeFramesAbove?: number;
    repeatedInnermost?: { function: string; minCount?: number };
  }>;
}

const ROOT = 'test/fixtures';
const dirs = existsSync(ROOT) ? readdirSync(ROOT).filter((d) => existsSync(join(ROOT, d, 'facts.json'))).sort() : [];

for (const id of dirs) {
  const facts = JSON.parse(readFileSync(join(ROOT, id, 'facts.json'), 'utf8')) as Facts;
  for (const [scenario, cd] of Object.entries(facts.coreDumps ?? {})) {
    test(`fixture ${id} / ${scenario}: core dump frames match the facts`, (t) => {
      const full = cd.full && join(ROOT, id, cd.full);
      if (!full || !existsSync(full)) { t.skip(`${full ?? 'core dump'} not built yet (npm run fixtures)`); return; }
      const core = readCoreDump(readFileBytes(full), full);
      const [res] = resolveModules(full, core);
      assert.ok(res.module, `module of ${full}: ${res.error?.message}`);
      const mod = res.module as WasmModule;
      const rep = normaliseFrames(core, new Map([[0, mod]]));
      const frames = core.threads[0].frames;
      assert.equal(rep.modules[0].normalised, frames.length, rep.modules[0].reason);
      assert.equal(rep.modules[0].base, 'body', 'V8 capture measures from the body start');
      assert.equal(rep.modules[0].callSite, 'at-call');
      const expected = (cd.frames ?? (scenario === 'default' ? facts.frames : undefined) ?? []).filter((f) => !f.inlined).map((f) => f.function);
      const name = (i: number): string => mod.functionName(frames[i].funcIndex) ?? `#${frames[i].funcIndex}`;
      // 'prog::Order::total' matches a mangled '_ZN4prog5Order5total17h…E'
      const matches = (i: number, fn: string): boolean => i < frames.length && fn.split('::').every((part) => name(i).includes(part));
      let above = cd.runtimeFramesAbove ?? (scenario === 'default' ? facts.runtimeFramesAbove ?? 0 : 0);
      const rep0 = cd.repeatedInnermost;
      if (rep0) {
        let n = 0;
        while (matches(above + n, rep0.function)) n++;
        assert.ok(n >= (rep0.minCount ?? 1), `expected at least ${rep0.minCount} frames of ${rep0.function}, got ${n}`);
        above += n;
        if (above === frames.length) { t.diagnostic(`stack of ${n} ${rep0.function} frames truncated by the engine before the callers`); return; }
      }
      const all = frames.map((_, i) => name(i)).join(', ');
      expected.forEach((fn, i) => assert.ok(matches(above + i, fn), `frame ${above + i}: expected ${fn}, got ${above + i < frames.length ? name(above + i) : 'nothing'} (all: ${all})`));
      assert.ok(frames.some((f) => f.locals.recorded), 'a full capture records locals');

      const nl = cd.noLocals && join(ROOT, id, cd.noLocals);
      if (nl && existsSync(nl)) {
        const c2 = readCoreDump(readFileBytes(nl), nl);
        const key = (c: typeof core) => c.threads.map((th) => th.frames.map((f) => [f.instanceIndex, f.funcIndex, f.rawCodeOffset]));
        assert.deepEqual(key(c2), key(core), '--no-locals: same frames');
        assert.ok(c2.threads.every((th) => th.frames.every((f) => !f.locals.recorded && !f.stack.recorded)), '--no-locals: nothing recorded');
      }
    });
  }
}

test('fixture discovery', (t) => {
  if (dirs.length === 0) t.skip('no fixtures with facts.json yet');
  else assert.ok(dirs.length > 0);
});

// Producer variants of a fixture's default dump (prog.<variant>.coredump that no scenario names:
// WasmEdge-style first-instruction offsets, the rewriter's fixed-width values, legacy wasmgdb frames)
// must normalise to exactly the same frames and values as the V8 capture.
for (const id of dirs) {
  const facts = JSON.parse(readFileSync(join(ROOT, id, 'facts.json'), 'utf8')) as Facts;
  const named = new Set(Object.values(facts.coreDumps ?? {}).flatMap((c) => [c.full, c.noLocals]));
  const base = join(ROOT, id, 'prog.coredump');
  const variants = readdirSync(join(ROOT, id)).filter((f) => f.endsWith('.coredump') && !named.has(f)).sort();
  for (const v of variants) {
    test(`fixture ${id}: producer variant ${v} reads like the V8 capture`, (t) => {
      if (!existsSync(base)) { t.skip('prog.coredump not built yet'); return; }
      const mod = new WasmModule(readFileBytes(join(ROOT, id, 'prog.wasm')), 'prog.wasm');
      const load = (p: string) => {
        const c = readCoreDump(readFileBytes(p), p);
        const rep = normaliseFrames(c, new Map([[0, mod]]));
        assert.equal(rep.unresolvedFrames, 0, `${p}: ${rep.modules[0]?.reason}`);
        return { c, rep };
      };
      const a = load(base), b = load(join(ROOT, id, v));
      t.diagnostic(`${v}: ${b.c.valueEncoding}, ${b.c.frameLayout}, offsets relative to ${b.rep.modules[0].base}`);
      const frames = (c: typeof a.c) => c.threads.map((th) => th.frames.map((f) => ({ func: f.funcIndex, addr: f.codeAddr, locals: f.locals, stack: f.stack })));
      assert.deepEqual(frames(b.c), frames(a.c));
      assert.deepEqual(b.c.globals.map((g) => g.value), a.c.globals.map((g) => g.value));
      assert.deepEqual(b.c.memories.map((m) => m.coveredRanges()), a.c.memories.map((m) => m.coveredRanges()));
    });
  }
}
