import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WasmModule } from '../../../src/wasm/module';
import { Symbolizer } from '../../../src/symbols/symbolizer';
import { codeAddr } from '../../../src/util/offsets';
import { findDebugInfo, buildIdCandidates } from '../../../host/debugfiles';
import { isWasmCoreError } from '../../../src/util/errors';
import { Bytes, wasmModule } from '../dwarf/asm';
import { buildModule, F, FUNCS } from './dwarfmodule';

const ID = '0123456789abcdef0123456789abcdef';
const idSection = (hex: string): Uint8Array => new Bytes().uleb(hex.length / 2).bytes(hex.match(/../g)!.map((x) => parseInt(x, 16))).done();
const nameSection = (s: string): Uint8Array => { const b = new TextEncoder().encode(s); return new Bytes().uleb(b.length).bytes(b).done(); };

/** The debug file: the test module with DWARF plus a build_id section. */
function debugFile(id: string): Uint8Array {
  const m = buildModule();
  const extra = new Bytes().u8(0).uleb(0).done(); // placeholder to compute sizes
  void extra;
  const sec = new Bytes();
  const nm = new TextEncoder().encode('build_id');
  const content = idSection(id);
  sec.u8(0).uleb(nm.length + 1 + content.length).uleb(nm.length).bytes(nm).bytes(content);
  const out = new Uint8Array(m.length + sec.pos);
  out.set(m); out.set(sec.done(), m.length);
  return out;
}
/** The stripped module: same code, no DWARF, a build_id and optionally external_debug_info. */
function stripped(id: string, ext?: string): Uint8Array {
  const customs: Record<string, Uint8Array> = { build_id: idSection(id) };
  if (ext !== undefined) customs.external_debug_info = nameSection(ext);
  return wasmModule(FUNCS, customs);
}

function setup(): string { return mkdtempSync(join(tmpdir(), 'wcd-debugfiles-')); }

test('build id: found in --debug-dir under every supported name', () => {
  for (const name of [`${ID}.debug.wasm`, `${ID}.wasm`, 'debug-01234567-89ab-cdef-0123-456789abcdef.wasm', join('01', `${ID.slice(2)}.debug`)]) {
    const dir = setup();
    const dbg = join(dir, 'dbg');
    mkdirSync(join(dbg, '01'), { recursive: true });
    writeFileSync(join(dbg, name), debugFile(ID));
    writeFileSync(join(dir, 'app.wasm'), stripped(ID));
    const m = new WasmModule(new Uint8Array(readFileSync(join(dir, 'app.wasm'))), join(dir, 'app.wasm'));
    const info = findDebugInfo(m, join(dir, 'app.wasm'), { debugDirs: [dbg] });
    assert.equal(info.path, join(dbg, name), name);
    const s = new Symbolizer(m, info.sections);
    assert.equal(s.symbolize(codeAddr(F[0] + 9))[1].name, 'orders::check');
  }
  assert.ok(buildIdCandidates('/d', ID).length >= 6);
});

test('build id mismatch is an error the user sees', () => {
  const dir = setup();
  writeFileSync(join(dir, 'other.wasm'), debugFile('ffff'));
  const m = new WasmModule(stripped(ID), join(dir, 'app.wasm'));
  assert.throws(() => findDebugInfo(m, join(dir, 'app.wasm'), { debugFile: join(dir, 'other.wasm') }),
    (e: unknown) => isWasmCoreError(e) && e.code === 'E_MISMATCH' && /build id ffff/.test(e.message) && new RegExp(ID).test(e.message));
});

test('external_debug_info: local relative path is read; URLs are refused with a note', () => {
  const dir = setup();
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'sub', 'app.debug.wasm'), debugFile(ID));
  const m = new WasmModule(stripped(ID, 'sub/app.debug.wasm'), join(dir, 'app.wasm'));
  const info = findDebugInfo(m, join(dir, 'app.wasm'));
  assert.equal(info.path, join(dir, 'sub', 'app.debug.wasm'));
  assert.ok(info.sections?.has('.debug_info'));
  const u = new WasmModule(stripped(ID, 'https://example.com/app.debug.wasm'), join(dir, 'app.wasm'));
  const i2 = findDebugInfo(u, join(dir, 'app.wasm'));
  assert.equal(i2.sections, undefined);
  assert.match(i2.notes.join('\n'), /is a URL: not fetched/);
  assert.match(i2.notes.join('\n'), /pass --debug-dir/);
});

test('a .dwp next to the module is attached for split DWARF (wasmtime dwarf_fission pair)', (t) => {
  const p = '../shared/corpus/wasmtime/tests/all/debug/testsuite/dwarf_fission.wasm';
  if (!existsSync(p)) { t.skip('corpus not available'); return; }
  const m = new WasmModule(new Uint8Array(readFileSync(p)), p);
  const info = findDebugInfo(m, p);
  assert.equal(info.dwpPath, p.replace(/\.wasm$/, '.dwp'));
  const s = new Symbolizer(m, info.sections);
  const f = s.symbolize(codeAddr(0x40));
  assert.equal(f[0].name, 'main');
  assert.equal(f[0].unit?.isDwo, true);
  assert.equal(f[0].line, 6);
});
