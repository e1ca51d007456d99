import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { readCoreDump } from '../../../src/coredump/reader';
import { normaliseFrames, CallSiteConvention } from '../../../src/coredump/normalise';
import { CodeOffsetBase } from '../../../src/coredump/model';
import { WasmModule } from '../../../src/wasm/module';
import { buildCoreDump, buildModule } from './build';

// func 0: (local i32) i32.const 0; i32.load; drop      -> traps at i32.load
// func 1: nop; call 0
// func 2: i32.const 5; drop; call 1
const modBytes = buildModule([
  { localDecl: [1, 1, 0x7f], code: [0x41, 0x00, 0x28, 0x02, 0x00, 0x1a, 0x0b] },
  { code: [0x01, 0x10, 0x00, 0x0b] },
  { code: [0x41, 0x05, 0x1a, 0x10, 0x01, 0x0b] },
], ['load_it', 'middle', 'outer']);
const mod = new WasmModule(modBytes, 'prog.wasm');
const b = mod.bodies;
// file offsets of: the load in f0, the call in f1, the call in f2 (and the ends of the calls)
const sites = [
  { func: 0, at: b[0].firstInstr + 2, end: b[0].firstInstr + 2 },
  { func: 1, at: b[1].firstInstr + 1, end: b[1].firstInstr + 3 },
  { func: 2, at: b[2].firstInstr + 3, end: b[2].firstInstr + 5 },
];

function rawFor(base: CodeOffsetBase, site: CallSiteConvention, i: number): number {
  const s = sites[i];
  const off = i > 0 && site === 'after-call' ? s.end : s.at;
  const body = b[s.func];
  if (base === 'body') return off - body.bodyStart;
  if (base === 'first-instruction') return off - body.firstInstr;
  return off - (mod.codeSectionStart as number);
}

for (const base of ['body', 'first-instruction', 'code-section'] as const) {
  for (const site of ['at-call', 'after-call'] as const) {
    test(`detects code offsets relative to ${base}, callers ${site}`, () => {
      const core = readCoreDump(buildCoreDump({
        threads: [{ name: 'main', frames: sites.map((s, i) => ({ func: s.func, offset: rawFor(base, site, i) })) }],
      }), 'x.core');
      const rep = normaliseFrames(core, new Map([[0, mod]]));
      assert.equal(rep.modules.length, 1);
      const m = rep.modules[0];
      assert.equal(m.base, base, m.reason);
      assert.equal(m.callSite, site, m.reason);
      assert.equal(m.normalised, 3);
      assert.equal(rep.unresolvedFrames, 0);
      // always normalised to the start of the trapping / call instruction, in the code-section address space
      assert.deepEqual(core.threads[0].frames.map((f) => f.codeAddr), sites.map((s) => s.at - (mod.codeSectionStart as number)));
      assert.match(m.reason, /3\/3 frames plausible/);
    });
  }
}

test('frames of an unknown module keep codeAddr undefined', () => {
  const core = readCoreDump(buildCoreDump({ threads: [{ name: 'main', frames: [{ func: 0, offset: 5 }] }] }), 'x.core');
  const rep = normaliseFrames(core, new Map());
  assert.equal(core.threads[0].frames[0].codeAddr, undefined);
  assert.equal(rep.unresolvedFrames, 1);
  assert.deepEqual(rep.modules, []);
});

test('a module that matches no frame is reported, not guessed', () => {
  // every offset lands past the end of every function
  const core = readCoreDump(buildCoreDump({ threads: [{ name: 'main', frames: [{ func: 0, offset: 500 }, { func: 1, offset: 400 }] }] }), 'x.core');
  const rep = normaliseFrames(core, new Map([[0, mod]]));
  assert.equal(rep.modules[0].base, undefined);
  assert.match(rep.modules[0].reason, /no interpretation/);
  assert.ok(core.threads[0].frames.every((f) => f.codeAddr === undefined));
  assert.equal(rep.unresolvedFrames, 2);
});

test('imported or out-of-range function index: frame left unresolved, others normalised', () => {
  const core = readCoreDump(buildCoreDump({ threads: [{ name: 'main', frames: [
    { func: 0, offset: rawFor('body', 'at-call', 0) }, { func: 9, offset: 1 },
  ] }] }), 'x.core');
  const rep = normaliseFrames(core, new Map([[0, mod]]));
  assert.equal(rep.modules[0].base, 'body');
  assert.equal(core.threads[0].frames[1].codeAddr, undefined);
  assert.equal(rep.unresolvedFrames, 1);
});

test('two modules: each gets its own decision; frames of an unresolved module stay undefined', () => {
  const core = readCoreDump(buildCoreDump({
    modules: ['a.wasm', 'b.wasm', 'c.wasm'],
    instances: [{ module: 0, memories: [], globals: [] }, { module: 1, memories: [], globals: [] }, { module: 2, memories: [], globals: [] }],
    threads: [{ name: 'main', frames: [
      { instance: 1, func: 0, offset: rawFor('first-instruction', 'at-call', 0) },
      { instance: 0, func: 1, offset: rawFor('body', 'at-call', 1) },
      { instance: 2, func: 2, offset: 0 },
      { instance: 0, func: 2, offset: rawFor('body', 'at-call', 2) },
    ] }],
  }), 'multi.core');
  const rep = normaliseFrames(core, new Map([[0, mod], [1, mod]]));
  assert.deepEqual(rep.modules.map((m) => [m.moduleIndex, m.base]), [[0, 'body'], [1, 'first-instruction']]);
  const fr = core.threads[0].frames;
  const cs = mod.codeSectionStart as number;
  assert.deepEqual(fr.map((f) => f.codeAddr), [sites[0].at - cs, sites[1].at - cs, undefined, sites[2].at - cs]);
  assert.equal(rep.unresolvedFrames, 1);
});

test('the wrong module is flagged as suspect (real wasmtime dump against another program of the same project)', (t) => {
  if (!existsSync('../shared/corpus/thesis-sk-machine/trap.coredump')) { t.skip('shared corpus not available (../shared/corpus)'); return; }
  const core = readCoreDump(new Uint8Array(readFileSync('../shared/corpus/thesis-sk-machine/trap.coredump')), 'trap.coredump');
  const other = new WasmModule(new Uint8Array(readFileSync('../shared/corpus/thesis-sk-machine/minimal.wasm')), 'minimal.wasm');
  const rep = normaliseFrames(core, new Map([[0, other]]));
  assert.equal(rep.modules[0].suspect, true, rep.modules[0].reason);
  assert.match(rep.modules[0].reason, /probably not the one that crashed|no interpretation/);
});

test('a correct module is not suspect', () => {
  const core = readCoreDump(buildCoreDump({ threads: [{ name: 'main', frames: sites.map((s, i) => ({ func: s.func, offset: rawFor('body', 'at-call', i) })) }] }), 'x.core');
  assert.equal(normaliseFrames(core, new Map([[0, mod]])).modules[0].suspect, false);
});

test('an empty locals vector is "none" for a function without params or locals, "not recorded" otherwise', () => {
  // func 0 declares one i32 local; func 1 and func 2 have none (type () -> ())
  const core = readCoreDump(buildCoreDump({
    threads: [{ name: 'main', frames: sites.map((s, i) => ({ func: s.func, offset: rawFor('body', 'at-call', i) })) }],
  }), 'x.core');
  normaliseFrames(core, new Map([[0, mod]]));
  const locals = core.threads[0].frames.map((f) => f.locals);
  assert.deepEqual(locals[0], { recorded: false });
  assert.deepEqual(locals[1], { recorded: true, values: [] });
  assert.deepEqual(locals[2], { recorded: true, values: [] });
  // the operand stack can never be told apart from "not recorded"
  assert.ok(core.threads[0].frames.every((f) => !f.stack.recorded));
});
