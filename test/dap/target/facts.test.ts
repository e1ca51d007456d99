/**
 * The target against every fixture's facts.json (derived from the program's
 * logic, not from our output): expanded frames (function, file, line,
 * inlined) after the runtime frames, and the trap kind of every dump.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PostMortemTarget } from '../../../src/target/target';
import { FIXTURES, fixtureIds } from '../harness';

const TRAP_KIND: Record<string, string> = {
  unreachable: 'unreachable', abort: 'unreachable', panic: 'unreachable', divzero: 'integer-divide-by-zero',
  oob: 'out-of-bounds-memory', nullcall: 'indirect-call', stackoverflow: 'stack-overflow',
};

interface FactFrame { function: string; file: string; line: number; inlined?: boolean }
interface Facts {
  module: string; runtimeFramesAbove?: number; frames?: FactFrame[];
  coreDumps: Record<string, { full: string; noLocals?: string; trap?: string; frames?: FactFrame[] }>;
}

function open(dir: string, dump: string, module: string): PostMortemTarget {
  const b = (f: string): { bytes: Uint8Array; file: string } => ({ bytes: new Uint8Array(fs.readFileSync(path.join(dir, f))), file: f });
  return PostMortemTarget.fromBytes({ coreDump: b(dump), modules: [b(module)] });
}

for (const id of fixtureIds()) {
  const dir = path.join(FIXTURES, id);
  const facts = JSON.parse(fs.readFileSync(path.join(dir, 'facts.json'), 'utf8')) as Facts;
  for (const [kind, d] of Object.entries(facts.coreDumps)) {
    for (const file of [d.full, d.noLocals].filter((x): x is string => !!x && fs.existsSync(path.join(dir, x)))) {
      test(`${id} ${file}: trap kind and frames match facts.json`, () => {
        const t = open(dir, file, facts.module);
        const trap = t.trap(0);
        if (d.trap && TRAP_KIND[d.trap]) assert.equal(trap.kind, TRAP_KIND[d.trap], `${trap.description} (${trap.evidence})`);
        const want = d.frames ?? (kind === 'default' ? facts.frames : undefined);
        if (!want) return;
        // runtime frames above the user code are physical frames; skip the expanded frames they produce
        const frames = t.frames(0);
        const skipPhysical = kind === 'default' || d.frames === undefined ? (facts.runtimeFramesAbove ?? 0) : 0;
        const got = frames.filter((f) => f.physicalIndex >= skipPhysical || skipPhysical === 0);
        const start = got.findIndex((f) => f.functionName === want[0].function);
        assert.ok(start >= 0, `no frame named ${want[0].function}: ${frames.map((f) => f.functionName).join(', ')}`);
        want.forEach((w, i) => {
          const f = got[start + i];
          assert.ok(f, `frame ${i} (${w.function}) missing`);
          assert.equal(f.functionName, w.function, `frame ${i}`);
          assert.equal(path.basename(f.location?.originalPath ?? ''), w.file, `frame ${i} file`);
          assert.equal(f.location?.line, w.line, `frame ${i} (${w.function}) line`);
          if (w.inlined !== undefined) assert.equal(f.inlined, w.inlined, `frame ${i} (${w.function}) inlined`);
        });
      });
    }
  }
}
