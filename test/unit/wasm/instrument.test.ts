/**
 * `instrument`: every fixture module, instrumented, validates; every global,
 * memory and table is exported under its reserved name (and instantiates,
 * so the exports are real); the Code section and every other section but
 * Export are byte-identical; a build_id is added once; instrumenting twice
 * adds nothing. A module without an Export section gets one in the right
 * place.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fixtureModules } from '../../corpus';
import { instrumentFile } from '../../../cli/commands/instrument';
import { instrumentModule, reservedName } from '../../../src/wasm/instrument';
import { WasmModule } from '../../../src/wasm/module';
import { SectionId } from '../../../src/wasm/sections';
import { FormatError } from '../../../src/util/errors';
import { readFileBytes } from '../../../host/modules';
import { hasTool, wasmValidate } from '../capture/helpers';
import { section, str, uleb, vec, I32 } from './builder';

/* eslint-disable @typescript-eslint/no-explicit-any */
/** The WebAssembly JS API (not in the ES2022 lib this project compiles with). */
const WA = (globalThis as any).WebAssembly;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wcd-instrument-test-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const raw = (m: WasmModule, id: number): Uint8Array[] => m.sections.filter((s) => s.id !== SectionId.Export && (id < 0 || s.id === id)).map((s) => m.bytes.subarray(s.headerStart, s.end));

test('instrument: fixture modules validate, export every global, memory and table, keep every other section byte for byte', async (t) => {
  const mods = fixtureModules();
  assert.ok(mods.length >= 8);
  if (!hasTool('wasm-validate')) t.diagnostic('wasm-validate (wabt) not installed: validation skipped');
  for (const [k, mod] of mods.entries()) {
    const out = path.join(tmp, `${k}.wasm`);
    const r = instrumentFile(mod, out);
    const a = new WasmModule(readFileBytes(mod), mod), b = new WasmModule(readFileBytes(out), out);
    if (hasTool('wasm-validate')) { const v = wasmValidate(out); assert.ok(v.ok, `${mod}: ${v.output}`); }
    // code section (and everything else but the export section and the added build_id) unchanged
    assert.deepEqual(raw(b, SectionId.Code), raw(a, SectionId.Code), `${mod}: code section changed`);
    assert.deepEqual(raw(b, -1).slice(0, raw(a, -1).length), raw(a, -1), `${mod}: a section changed`);
    assert.ok(b.codeSectionStart! > a.codeSectionStart!, 'the export section grew: the code section moved');
    assert.deepEqual(b.bodies.map((x) => x.end - x.bodyStart), a.bodies.map((x) => x.end - x.bodyStart));
    // exports: the old ones first, then one per global, memory, table
    assert.deepEqual(b.exports.slice(0, a.exports.length), a.exports);
    const nGlobals = a.importedGlobalCount + a.globals.length, nMem = a.importedMemoryCount + a.memories.length;
    for (let i = 0; i < nGlobals; i++) assert.ok(b.exports.some((e) => e.name === reservedName('global', i) && e.kind === 3 && e.index === i), `${mod}: global ${i}`);
    for (let i = 0; i < nMem; i++) assert.ok(b.exports.some((e) => e.name === reservedName('memory', i) && e.kind === 2 && e.index === i), `${mod}: memory ${i}`);
    assert.ok(b.exports.some((e) => e.name === reservedName('table', 0) && e.kind === 1));
    assert.ok(r.added.some((x) => x.kind === 'global' && a.globals[x.index]?.mutable), `${mod}: no mutable global exported`);
    // build id added (none of the fixtures has one), DWARF still there
    assert.equal(a.buildId, undefined);
    assert.equal(b.buildId, r.buildId);
    assert.match(r.buildId, /^[0-9a-f]{32}$/);
    assert.ok(b.customSectionNames.includes('.debug_info'));
    // the exports are real: the module instantiates (WASI imports stubbed) and hands out the globals and memory
    const imports: Record<string, Record<string, () => number>> = {};
    for (const i of WA.Module.imports(new WA.Module(b.bytes)) as Array<{ module: string; name: string; kind: string }>) {
      if (i.kind !== 'function') continue;
      (imports[i.module] ??= {})[i.name] = () => 0;
    }
    const inst = new WA.Instance(new WA.Module(b.bytes), imports);
    const sp = inst.exports[reservedName('global', 0)];
    assert.equal(typeof sp.value, 'number');
    assert.ok(inst.exports[reservedName('memory', 0)] instanceof WA.Memory);
    // idempotent
    const again = instrumentModule(b, { newBuildId: new Uint8Array(16) });
    assert.deepEqual(again.added, []);
    assert.equal(again.addedBuildId, false);
    assert.deepEqual(again.bytes, b.bytes);
  }
});

test('instrument: a module without an Export section gets one after Global and before Code', () => {
  const bytes = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, 0, 0]])),
    ...section(3, vec([[0]])),
    ...section(5, vec([[0x00, 1]])),
    ...section(6, vec([[I32, 1, 0x41, ...uleb(1024), 0x0b], [I32, 0, 0x41, 7, 0x0b]])),
    ...section(0, [...str('keep'), 1, 2, 3]),
    ...section(10, vec([[2, 0, 0x0b]])),
  ]);
  const r = instrumentModule(new WasmModule(bytes, 'hand.wasm'), { newBuildId: Uint8Array.from([1, 2, 3, 4]) });
  const m = new WasmModule(r.bytes, 'out.wasm');
  assert.deepEqual(m.sections.map((s) => s.label), ['type', 'function', 'memory', 'global', 'keep', 'export', 'code', 'build_id']);
  assert.deepEqual(m.exports.map((e) => e.name), ['__wcd_global_0', '__wcd_global_1', '__wcd_memory_0']);
  assert.equal(m.buildId, '01020304');
  const inst = new WA.Instance(new WA.Module(r.bytes));
  assert.equal(inst.exports.__wcd_global_0.value, 1024);
  assert.equal(inst.exports.__wcd_global_1.value, 7);
});

test('instrument: bad input is a typed error naming the file and offset', () => {
  const f = path.join(tmp, 'cut.wasm');
  fs.writeFileSync(f, fs.readFileSync('test/fixtures/c-clang19-O0-dwarf4/prog.wasm').subarray(0, 300));
  assert.throws(() => instrumentFile(f, path.join(tmp, 'o.wasm')), (e: unknown) => e instanceof FormatError && e.message.includes(f) && /offset 0x[0-9a-f]+/.test(e.message));
});
