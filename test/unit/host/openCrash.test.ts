/**
 * host/openCrash.ts is the one path from files to a crash: `wasm-coredump bt`
 * (cli/commands/bt.ts) and the debug adapter's launch (adapter/load.ts) must
 * show the same frames for every fixture core dump (every thread, inlined
 * frames expanded): same function, module, function index, code address,
 * source file, line and column.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBacktrace } from '../../../cli/commands/bt';
import { loadTarget } from '../../../adapter/load';
import { parseLaunchArgs } from '../../../adapter/launchArgs';
import { ModuleCache, openCrash } from '../../../host/openCrash';
import { displaySymbol } from '../../../src/symbols/names';

function dumps(dir: string, out: string[] = []): string[] {
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) dumps(p, out);
    else if (n.endsWith('.coredump')) out.push(p);
  }
  return out;
}

const all = existsSync('test/fixtures') ? dumps('test/fixtures') : [];

test('there are fixture core dumps to compare', (t) => {
  if (!existsSync('test/fixtures')) { t.skip('test/fixtures missing'); return; }
  assert.ok(all.length >= 20, `only ${all.length} dumps`);
});

for (const file of all) {
  test(`bt and the adapter show the same frames: ${file}`, () => {
    const bt = loadBacktrace(file);
    const { target } = loadTarget(parseLaunchArgs({ coreDump: file }, process.cwd()));
    assert.equal(target.threads().length, bt.threads.length);
    let frames = 0;
    bt.threads.forEach((t, ti) => {
      const a = target.frames(ti);
      const show = (f: { name: string; line: number }[]): string => f.map((x) => `${x.name}:${x.line}`).join(' < ');
      assert.equal(a.length, t.frames.length, `thread ${ti}: bt ${show(t.frames)}\nadapter ${show(a.map((x) => ({ name: x.functionName, line: x.location?.line ?? 0 })))}`);
      t.frames.forEach((f, i) => {
        const g = a[i];
        const where = `thread ${ti} frame #${i}`;
        // the name section's names: bt shows them demangled, the adapter as written (both from the same symbolizer otherwise)
        assert.equal(f.sym ? g.functionName : displaySymbol(g.functionName), f.name, where);
        assert.equal(g.inlined, f.inlined, where);
        assert.equal(g.moduleIndex, f.moduleIndex, where);
        assert.equal(g.funcIndex, f.coreFrame.funcIndex, where);
        assert.equal(g.physicalIndex, f.coreFrame.index, where);
        assert.equal(g.codeAddr, f.codeAddr, where);
        assert.equal(g.location?.originalPath, f.line > 0 ? f.file : undefined, where);
        assert.equal(g.location?.line ?? 0, f.line > 0 ? f.line : 0, where);
        if (g.location) assert.equal(g.location.column, f.column, where);
        frames++;
      });
    });
    assert.ok(frames > 0, 'no frames');
  });
}

test('openCrash: a dump\'s module names never become paths when modulesNextToCore is off (the service)', (t) => {
  const file = 'test/fixtures/c-clang19-O0-dwarf5/prog.coredump';
  if (!existsSync(file)) { t.skip('fixture missing'); return; }
  const near = openCrash({ corePath: file });
  assert.ok(near.modules[0], 'found next to the dump by default');
  const off = openCrash({ corePath: file, modulesNextToCore: false });
  assert.equal(off.modules[0], undefined);
  assert.equal(off.resolved[0].error?.code, 'E_NOT_FOUND');
  const found = openCrash({ corePath: file, modulesNextToCore: false, findModule: () => 'test/fixtures/c-clang19-O0-dwarf5/prog.wasm' });
  assert.equal(found.backtrace()[0].frames.map((f) => f.name).join(' '), near.backtrace()[0].frames.map((f) => f.name).join(' '));
});

test('ModuleCache: a file is parsed once while it is unchanged, again after it is replaced; crashes opened through it have the same frames', (t) => {
  const dir = 'test/fixtures/c-clang19-O0-dwarf5';
  if (!existsSync(`${dir}/prog.wasm`)) { t.skip('fixture missing'); return; }
  const tmp = mkdtempSync(join(tmpdir(), 'wcd-cache-'));
  try {
    const p = join(tmp, 'prog.wasm');
    copyFileSync(`${dir}/prog.wasm`, p);
    const cache = new ModuleCache(2);
    const a = cache.load(p);
    assert.equal(cache.load(p), a);
    const plain = openCrash({ corePath: `${dir}/prog.coredump` }).backtrace()[0].frames.map((f) => `${f.name}:${f.line}`);
    const c1 = openCrash({ corePath: `${dir}/prog.coredump`, modules: { '*': p }, cache });
    const c2 = openCrash({ corePath: `${dir}/prog.coredump`, modules: { '*': p }, cache });
    assert.equal(c1.symbolizers.get(0), c2.symbolizers.get(0), 'the symbolizer is shared');
    assert.deepEqual(c2.backtrace()[0].frames.map((f) => `${f.name}:${f.line}`), plain);
    writeFileSync(p, Buffer.concat([readFileSync(p), Buffer.from([0, 2, 1, 0x6b])]));
    const b = cache.load(p);
    assert.notEqual(b, a, 'a replaced file is read again');
    assert.equal(cache.load(p), b);
    for (let i = 0; i < 2; i++) { const q = join(tmp, `m${i}.wasm`); copyFileSync(`${dir}/prog.wasm`, q); cache.load(q); }
    assert.notEqual(cache.load(p), b, 'the least recently used file was dropped (limit 2)');
  } finally { rmSync(tmp, { recursive: true, force: true }); }
});
