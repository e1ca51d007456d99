/**
 * host/lazyFile: a module read on demand gives exactly what a whole-file
 * read gives (section index, symbolization), reads only what is asked for,
 * and fails with typed errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { openLazy } from '../../../host/lazyFile';
import { loaderOf, peekerOf } from '../../../src/util/lazy';
import { WasmModule } from '../../../src/wasm/module';
import { Symbolizer } from '../../../src/symbols/symbolizer';
import { codeAddr } from '../../../src/util/offsets';
import { WasmCoreError } from '../../../src/util/errors';
import { corpusDwarfModules } from '../../corpus';


test('openLazy reads only the ranges ensured, with the file\'s bytes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lazy-'));
  try {
    const f = join(dir, 'x.bin');
    const data = new Uint8Array(20000);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7 + 1) & 0xff || 1;
    writeFileSync(f, data);
    const lf = openLazy(f, { readWholeBelow: 0 });
    assert.equal(lf.bytes.length, data.length);
    assert.equal(lf.loaded(), 0);
    assert.equal(lf.bytes[5000], 0, 'nothing read yet');
    const ensure = loaderOf(lf.bytes)!;
    ensure(5000, 5010);
    assert.deepEqual(lf.bytes.subarray(5000, 5010), data.subarray(5000, 5010));
    assert.ok(lf.loaded() > 0 && lf.loaded() <= 1024, `read ${lf.loaded()} bytes for 10`);
    assert.equal(lf.bytes[15000], 0, 'far bytes not read');
    const peek = peekerOf(lf.bytes)!;
    const before = lf.loaded();
    assert.deepEqual(peek(15000, 15100), data.subarray(15000, 15100), 'peek copies the file\'s bytes');
    assert.equal(lf.loaded(), before, 'peek does not fill the buffer');
    assert.equal(lf.bytes[15000], 0);
    assert.deepEqual(peek(5000, 5010), data.subarray(5000, 5010), 'peek of loaded bytes');
    ensure(0, data.length);
    assert.deepEqual(lf.bytes, data);
    assert.equal(lf.loaded(), data.length);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('openLazy reads a small file whole when it is opened', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lazy-'));
  try {
    const f = join(dir, 'x.bin');
    const data = new Uint8Array(20000).map((_, i) => (i * 13 + 5) & 0xff);
    writeFileSync(f, data);
    const lf = openLazy(f);
    assert.equal(lf.loaded(), data.length);
    assert.deepEqual(lf.bytes, data);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('openLazy: missing file, directory and a file that shrinks give typed errors', () => {
  assert.throws(() => openLazy('/nonexistent/x.wasm'), (e: unknown) => e instanceof WasmCoreError && e.code === 'E_NOT_FOUND');
  const dir = mkdtempSync(join(tmpdir(), 'lazy-'));
  try {
    assert.throws(() => openLazy(dir), (e: unknown) => e instanceof WasmCoreError && e.code === 'E_ARGUMENT');
    const f = join(dir, 'y.bin');
    writeFileSync(f, new Uint8Array(10000).fill(3));
    const lf = openLazy(f, { readWholeBelow: 0 });
    truncateSync(f, 100);
    assert.throws(() => loaderOf(lf.bytes)!(5000, 6000), (e: unknown) => e instanceof WasmCoreError && /shrank/.test(e.message));
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

const dwarfModules = (): string[] => corpusDwarfModules();

test('a lazily read module symbolizes exactly as the whole file does (corpus modules with DWARF)', (t) => {
  const mods = dwarfModules();
  if (mods.length === 0) { t.skip('corpus not available'); return; }
  let compared = 0;
  for (const file of mods) {
    const whole = new WasmModule(new Uint8Array(readFileSync(file)), file);
    const lf = openLazy(file, { readWholeBelow: 0 });
    const lazy = new WasmModule(lf.bytes, file);
    assert.deepEqual(lazy.sections, whole.sections, file);
    if (whole.section(10) === undefined) continue;
    const a = new Symbolizer(whole), b = new Symbolizer(lazy);
    const bodies = whole.bodies;
    const step = Math.max(1, Math.floor(bodies.length / 60));
    for (let i = 0; i < bodies.length; i += step) {
      for (const off of [bodies[i].firstInstr, bodies[i].end - 1]) {
        const addr = codeAddr(off - whole.codeSectionStart!);
        const fa = a.symbolize(addr).map((f) => [f.name, f.linkageName, f.file, f.line, f.column, f.inlined, f.callSite?.line]);
        const fb = b.symbolize(addr).map((f) => [f.name, f.linkageName, f.file, f.line, f.column, f.inlined, f.callSite?.line]);
        assert.deepEqual(fb, fa, `${file} 0x${addr.toString(16)}`);
        compared++;
      }
    }
    assert.deepEqual(b.diagnostics, a.diagnostics, file);
    assert.ok(lf.loaded() <= whole.bytes.length);
  }
  assert.ok(compared > 500, `compared ${compared} addresses`);
});
