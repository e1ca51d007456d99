import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readCoreDump } from '../../../src/coredump/reader';
import { readModule } from '../../../src/wasm/module';
import { hasTool, runCli, tmpDir, wasmValidate } from './helpers';

const FIXTURES = 'test/fixtures';
/** A C fixture built by H4's scripts (clang, -O0): the first one present. */
function cFixture(): string | undefined {
  for (const id of ['c-clang19-O0-dwarf4', 'c-clang19-O0-dwarf5', 'c-clang14-O0']) {
    if (fs.existsSync(path.join(FIXTURES, id, 'prog.wasm')) && fs.existsSync(path.join(FIXTURES, id, 'facts.json'))) return id;
  }
  return undefined;
}

interface Facts { frames: Array<{ function: string; inlined: boolean }>; coreDumps: Record<string, { args: string[]; command?: string[] }> }

test('capture a C fixture with and without --no-locals: the dumps differ only in locals/stack', async (t) => {
  const id = cFixture();
  if (!id) { t.skip('no C fixture in test/fixtures yet (run npm run fixtures)'); return; }
  const dir = tmpDir();
  const wasm = path.join(FIXTURES, id, 'prog.wasm');
  const facts = JSON.parse(fs.readFileSync(path.join(FIXTURES, id, 'facts.json'), 'utf8')) as Facts;
  const args = facts.coreDumps.default?.args ?? [];
  const full = path.join(dir, 'full.coredump'), bare = path.join(dir, 'bare.coredump');
  const [r1, r2] = [await runCli(['capture', '--out', full, wasm, ...args]), await runCli(['capture', '--no-locals', '--out', bare, wasm, ...args])];
  assert.equal(r1.code, 0, r1.stderr);
  assert.equal(r2.code, 0, r2.stderr);
  if (hasTool('wasm-validate')) {
    for (const f of [full, bare]) { const v = wasmValidate(f); assert.ok(v.ok, v.output); }
  } else t.diagnostic('wasm-validate (wabt) not installed: validation skipped');

  const a = readCoreDump(new Uint8Array(fs.readFileSync(full)), full);
  const b = readCoreDump(new Uint8Array(fs.readFileSync(bare)), bare);
  const shape = (c: typeof a) => ({
    exe: c.executableName, modules: c.modules, instances: c.instances,
    frames: c.threads.map((th) => th.frames.map((f) => [f.instanceIndex, f.funcIndex, f.rawCodeOffset])),
    globals: c.globals.map((g) => [g.type, g.mutable, g.value]),
    memories: c.memories.map((m) => [m.pages, m.segments.map((s) => [s.start, Buffer.from(s.data).toString('base64')])]),
  });
  assert.deepEqual(shape(b), shape(a));
  assert.ok(b.threads[0].frames.every((f) => !f.locals.recorded && !f.stack.recorded), '--no-locals writes empty vectors');
  assert.ok(a.threads[0].frames.some((f) => f.locals.recorded), 'the full dump has locals');

  // The frames are the program's own crash path, by the facts derived from its source.
  const mod = readModule(new Uint8Array(fs.readFileSync(wasm)), wasm);
  const names = a.threads[0].frames.map((f) => mod.functionName(f.funcIndex));
  const expected = facts.frames.filter((f) => !f.inlined).map((f) => f.function);
  assert.deepEqual(names.slice(0, expected.length), expected);
  // __stack_pointer (global 0 in clang output, not exported) points into linear memory.
  const sp = a.globals[a.instances[0].globals[0]].value;
  assert.ok(sp?.type === 'i32' && sp.value > 0 && sp.value < a.memories[0].size, `stack pointer ${JSON.stringify(sp)}`);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('capture reproduces every committed fixture core dump byte for byte (full and --no-locals)', async (t) => {
  const ids = fs.existsSync(FIXTURES) ? fs.readdirSync(FIXTURES).filter((id) =>
    ['prog.wasm', 'facts.json', 'prog.coredump'].every((f) => fs.existsSync(path.join(FIXTURES, id, f)))) : [];
  if (ids.length === 0) { t.skip('no fixture core dumps in test/fixtures yet (run npm run fixtures)'); return; }
  const dir = tmpDir();
  for (const id of ids) {
    const facts = JSON.parse(fs.readFileSync(path.join(FIXTURES, id, 'facts.json'), 'utf8')) as Facts;
    const args = facts.coreDumps.default?.args ?? [];
    const command = facts.coreDumps.default?.command;
    for (const [flags, committed] of [[[], 'prog.coredump'], [['--no-locals'], 'prog.nolocals.coredump']] as const) {
      const want = path.join(FIXTURES, id, committed);
      if (!fs.existsSync(want)) continue;
      let out = path.join(dir, `${id}.coredump`);
      let r;
      if (command) {
        // captured from the program's own Node entry point (Emscripten's JS glue): run it in a copy of the fixture
        const run = path.join(dir, `${id}-run`);
        fs.rmSync(run, { recursive: true, force: true });
        fs.mkdirSync(run);
        for (const f of fs.readdirSync(path.join(FIXTURES, id))) if (/\.(js|mjs|wasm)$/.test(f) && !/\.\d+\.wasm$/.test(f)) fs.copyFileSync(path.join(FIXTURES, id, f), path.join(run, f));
        out = path.join(run, committed);
        r = await runCli(['capture', ...flags, '--out', committed, '--', ...command.map((c) => (c === 'node' ? process.execPath : c)), ...args], { cwd: run });
      } else {
        r = await runCli(['capture', ...flags, '--out', out, path.join(FIXTURES, id, 'prog.wasm'), ...args]);
      }
      assert.equal(r.code, 0, `${id}: ${r.stderr}`);
      assert.ok(Buffer.from(fs.readFileSync(out)).equals(fs.readFileSync(want)), `${id} ${flags.join(' ')}: capture differs from ${want}`);
    }
  }
  t.diagnostic(`${ids.length} fixtures`);
  fs.rmSync(dir, { recursive: true, force: true });
});
