import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCoreDump } from '../../../src/coredump/reader';
import { resolveModules, parseModuleOverrides, readFileBytes } from '../../../host/modules';
import { WasmCoreError } from '../../../src/util/errors';
import { buildCoreDump, buildModule } from './build';

const CLI = 'out/cli/main.js';
const info = (...args: string[]) => spawnSync(process.execPath, [CLI, 'info', ...args], { encoding: 'utf8' });

// func 0 traps at i32.load (first-instruction offset 2), func 1 calls it (offset 1)
const modBytes = buildModule([
  { code: [0x41, 0x00, 0x28, 0x02, 0x00, 0x1a, 0x0b] },
  { code: [0x01, 0x10, 0x00, 0x0b] },
], ['crash_here', 'caller']);

function setup(moduleName: string, fileName: string): { dir: string; core: string } {
  const dir = mkdtempSync(join(tmpdir(), 'wcd-info-'));
  writeFileSync(join(dir, fileName), modBytes);
  const core = join(dir, 'crash.coredump');
  writeFileSync(core, buildCoreDump({
    modules: [moduleName], memories: [{ pages: 1 }], data: [{ offset: 0x400, bytes: new Uint8Array([1, 2, 3]) }],
    globals: [{ type: 'i32', value: 1024 }],
    // WasmEdge-style offsets: from the first instruction
    threads: [{ name: 'main', frames: [{ func: 0, offset: 2, locals: [{ t: 'i32', v: 5 }] }, { func: 1, offset: 1 }] }],
  }));
  return { dir, core };
}

test('info --json: frames with names, normalised addresses, module match, memory, globals', () => {
  const { core } = setup('prog', 'prog.wasm');
  const r = info(core, '--json');
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.valueEncoding, 'leb');
  assert.equal(j.modules[0].matchedBy, 'name.wasm');
  assert.equal(j.modules[0].offsetBase, 'first-instruction');
  const [f0, f1] = j.threads[0].frames;
  assert.equal(f0.funcName, 'crash_here');
  assert.equal(f1.funcName, 'caller');
  assert.equal(f0.locals, 1);
  assert.equal(f0.stack, null, 'empty vector = not recorded');
  assert.equal(f1.locals, 0, "func 1 has no params or locals: an empty vector is exactly right");
  assert.equal(f0.rawCodeOffset, 2);
  assert.equal(typeof f0.codeAddr, 'number');
  assert.equal(f1.codeAddr - f0.codeAddr > 0, true);
  assert.deepEqual(j.memories[0].coveredRanges, [[0x400, 0x403]]);
  assert.equal(j.globals[0].value, '1024');
});

test('info human output and --module override', () => {
  const { core, dir } = setup('weird-name', 'other.wasm');
  const r1 = info(core);
  assert.equal(r1.status, 0, r1.stderr);
  assert.match(r1.stdout, /not found/);
  assert.match(r1.stdout, /\(not normalised\)/);
  const r2 = info(core, '--module', `weird-name=${join(dir, 'other.wasm')}`);
  assert.equal(r2.status, 0, r2.stderr);
  assert.match(r2.stdout, /#0 instance 0 func 0 crash_here offset 0x2 -> code 0x[0-9a-f]+ \(first-instruction\); 1 locals, stack values not recorded/);
  assert.match(r2.stdout, /matched by override/);
});

test('info on the real wasmtime core dump', (t) => {
  if (!existsSync('../shared/corpus/thesis-sk-machine/trap.coredump')) { t.skip('shared corpus not available (../shared/corpus)'); return; }
  const r = info('../shared/corpus/thesis-sk-machine/trap.coredump');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /thread 'main': 2 frames/);
  assert.match(r.stdout, /#0 instance 0 func 1 offset 0x7 .*locals not recorded, stack values not recorded/);
  assert.match(r.stdout, /#1 instance 0 func 2 offset 0x3b /);
});

test('info: bad arguments and bad files give clear errors and exit codes', () => {
  assert.equal(info().status, 2);
  assert.equal(info('x', '--value-encoding', 'zzz').status, 2);
  const r = info('/nonexistent/core');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /\/nonexistent\/core: file not found/);
  const { dir } = setup('p', 'p.wasm');
  const bad = info(join(dir, 'p.wasm'));
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /not a core dump/);
});

test('resolveModules: lookup order, overrides, errors', () => {
  const { core, dir } = setup('sub/prog.wasm', 'prog.wasm');
  const cd = readCoreDump(readFileBytes(core), core);
  const [m] = resolveModules(core, cd);
  assert.equal(m.matchedBy, 'basename');
  assert.ok(m.module);
  assert.deepEqual(parseModuleOverrides(['a=b', 'c']), { a: 'b', '*': 'c' });
  const [o] = resolveModules(core, cd, { '*': join(dir, 'missing.wasm') });
  assert.ok(o.error instanceof WasmCoreError);
  assert.equal(o.error.code, 'E_NOT_FOUND');
  assert.throws(() => readFileBytes(dir), (e: unknown) => e instanceof WasmCoreError && e.code === 'E_ARGUMENT');
});

test('info warns about a --module override that names no module', () => {
  const { core, dir } = setup('prog', 'prog.wasm');
  const r = info(core, '--module', `typo=${join(dir, 'prog.wasm')}`);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /--module typo=.* matches no module of the core dump \(modules: prog\)/);
  assert.match(r.stdout, /matched by name\.wasm/);
});
