/**
 * `split-debug` on every fixture module and on corpus modules with DWARF:
 * the stripped module validates where the original does and holds no
 * .debug_*; llvm-dwarfdump shows the same DWARF in the debug file as in the
 * original; symbolize through --debug-dir equals symbolize of the original
 * on sampled addresses; `bt --full` of fixture core dumps with the stripped
 * module equals the original's. Bad input is a typed error naming the file
 * and the offset.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { corpusDwarfModules, fixtureModules } from '../../corpus';
import { splitFiles } from '../../../cli/commands/split-debug';
import { WasmModule } from '../../../src/wasm/module';
import { Symbolizer } from '../../../src/symbols/symbolizer';
import { findDebugInfo } from '../../../host/debugfiles';
import { readFileBytes } from '../../../host/modules';
import { codeAddr } from '../../../src/util/offsets';
import { FormatError } from '../../../src/util/errors';
import { loadAllFixtures, fixturePath } from '../../fixtures/facts';
import { hasTool, wasmValidate, CLI } from '../capture/helpers';
import { frameJson } from '../../../cli/commands/symbolize';
import { findTool, TOOLS } from '../../tools';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wcd-split-test-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Corpus modules of different producers (clang/emscripten, Rust, TinyGo, Swift, binaryen, wasmtime's tests, one with its own build_id). */
const CORPUS_PICK = [
  'symbolic/symbolic-testutils/fixtures/wasm/simple.wasm',
  'symbolic/symbolic-testutils/fixtures/wasm/emscripten/index.wasm',
  'tinygo/reactor.wasm',
  'wasm-tools/crates/wasmparser/benches/bz2.wasm',
  'binaryen/test/unit/input/dwarf/zlib.wasm',
  'chicory/wasm-corpus/src/main/resources/compiled/count_vowels.rs.wasm',
  'chicory/wasm-corpus/src/main/resources/compiled/hello-world.swift.wasm',
  'wasmtime/tests/all/debug/testsuite/fib-wasm.wasm',
  'binaryen/test/passes/fannkuch3_dwarf.wasm',
];
const corpus = corpusDwarfModules().filter((f) => CORPUS_PICK.some((p) => f.endsWith(p)));
const modules = [...fixtureModules(), ...corpus];
const dwarfdumpTool = findTool(TOOLS.dwarfdump19);
const dwarfdump = dwarfdumpTool.bin !== undefined;
const validate = hasTool('wasm-validate');

let n = 0;
function split(mod: string): ReturnType<typeof splitFiles> & { dir: string } {
  const dir = path.join(tmp, String(n++));
  return { ...splitFiles(mod, { out: path.join(dir, 'stripped.wasm'), debugDir: path.join(dir, 'dbg'), noExternalDebugInfo: true }), dir };
}

function dump(file: string): string {
  const r = spawnSync(dwarfdumpTool.bin as string, ['--debug-info', '--debug-line', file], { encoding: 'utf8', maxBuffer: 1 << 30 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').slice(1).join('\n'); // line 1 names the file
}

/** Addresses to compare: each function's first, middle and last byte, and a stride through the code section. */
function sample(m: WasmModule): number[] {
  const cs = m.codeSectionStart!;
  const out = new Set<number>();
  const bodies = m.bodies;
  const step = Math.max(1, Math.floor(bodies.length / 150));
  for (let i = 0; i < bodies.length; i += step) {
    const b = bodies[i];
    out.add(b.bodyStart - cs); out.add(((b.firstInstr + b.end) >> 1) - cs); out.add(b.end - 1 - cs);
  }
  return [...out];
}

test(`split-debug: ${modules.length} modules (${corpus.length} from the corpus)`, (t) => {
  assert.ok(fixtureModules().length >= 8, 'fixture modules missing');
  if (corpus.length === 0) t.diagnostic('shared corpus (../shared/corpus) not found: fixtures only');
  if (!dwarfdump) t.diagnostic(`${dwarfdumpTool.missing}: DWARF dump comparison skipped`);
  if (!validate) t.diagnostic('wasm-validate (wabt) not installed: validation skipped');
  for (const mod of modules) {
    const r = split(mod);
    const orig = new WasmModule(readFileBytes(mod), mod);
    const s = new WasmModule(readFileBytes(r.stripped), r.stripped);
    const dbg = new WasmModule(readFileBytes(r.debug), r.debug);
    assert.equal(path.basename(r.debug), `${r.buildId}.debug.wasm`);
    assert.deepEqual(s.customSectionNames.filter((x) => x.startsWith('.debug_')), [], `${mod}: stripped still has DWARF`);
    assert.equal(s.buildId, r.buildId, mod);
    assert.equal(dbg.buildId, r.buildId, mod);
    if (orig.customSections('build_id').length) assert.equal(r.buildId, orig.buildId, `${mod}: own build id kept`);
    assert.deepEqual(dbg.customSectionNames.filter((x) => x !== 'build_id'), orig.customSectionNames.filter((x) => x.startsWith('.debug_')));
    // function bodies untouched
    const oc = orig.section(10)!, sc = s.section(10)!;
    assert.deepEqual(s.bytes.subarray(sc.headerStart, sc.end), orig.bytes.subarray(oc.headerStart, oc.end), `${mod}: code section changed`);
    assert.ok(r.strippedBytes + r.dwarfBytes <= r.moduleBytes + 64, `${mod}: sizes`);
    if (validate) {
      const vo = wasmValidate(mod, ['--enable-all']);
      const vs = wasmValidate(r.stripped, ['--enable-all']);
      if (vo.ok) assert.ok(vs.ok, `${mod}: stripped module invalid: ${vs.output}`);
      assert.ok(wasmValidate(r.debug).ok, `${mod}: debug file invalid`);
    }
    if (dwarfdump) assert.equal(dump(r.debug), dump(mod), `${mod}: llvm-dwarfdump differs`);
    // symbolize through --debug-dir, as the CLI does
    const found = findDebugInfo(s, r.stripped, { debugDirs: [path.join(r.dir, 'dbg')] });
    assert.equal(found.path, r.debug, `${mod}: debug file not found by build id: ${found.notes.join('; ')}`);
    const a = new Symbolizer(orig, findDebugInfo(orig, mod).sections);
    const b = new Symbolizer(s, found.sections);
    const addrs = sample(orig);
    if (mod.includes('test/fixtures')) assert.ok(addrs.some((x) => a.symbolize(codeAddr(x))[0]?.file !== undefined), `${mod}: no address has a source line`);
    for (const x of addrs) assert.deepEqual(b.symbolize(codeAddr(x)).map((f) => frameJson(f)), a.symbolize(codeAddr(x)).map((f) => frameJson(f)), `${mod} @0x${x.toString(16)}`);
    t.diagnostic(`${mod}: ${r.moduleBytes} → ${r.strippedBytes} bytes + ${r.dwarfBytes} of DWARF; ${addrs.length} addresses equal`);
  }
});

test('split-debug: bt --full of fixture core dumps with the stripped module and --debug-dir equals bt of the original', () => {
  const fixtures = loadAllFixtures();
  assert.ok(fixtures.length >= 8);
  for (const fx of fixtures) {
    const r = split(fixturePath(fx, fx.facts.module));
    for (const d of Object.values(fx.facts.coreDumps)) {
      const core = fixturePath(fx, d.full);
      const bt = (extra: string[]) => spawnSync(process.execPath, [CLI, 'bt', '--full', core, ...extra], { encoding: 'utf8' });
      const want = bt([]), got = bt(['--module', r.stripped, '--debug-dir', path.join(r.dir, 'dbg')]);
      assert.equal(want.status, 0, want.stderr);
      assert.equal(got.status, 0, got.stderr);
      assert.ok(/ at \/src\//.test(want.stdout), `${core}: bt has no source lines`);
      assert.equal(got.stdout, want.stdout, core);
    }
  }
});

test('split-debug: not wasm, truncated, or without DWARF: a typed error naming the file and offset', () => {
  const dir = path.join(tmp, 'bad');
  fs.mkdirSync(dir);
  const notWasm = path.join(dir, 'notwasm.wasm');
  fs.writeFileSync(notWasm, 'this is text, not a module');
  assert.throws(() => splitFiles(notWasm), (e: unknown) => e instanceof FormatError && e.message.includes(notWasm) && /offset 0x0: bad magic/.test(e.message));
  const full = fs.readFileSync('test/fixtures/c-clang19-O0-dwarf4/prog.wasm');
  const cut = path.join(dir, 'truncated.wasm');
  fs.writeFileSync(cut, full.subarray(0, full.length - 1000));
  assert.throws(() => splitFiles(cut), (e: unknown) => e instanceof FormatError && e.message.includes(cut) && /offset 0x[0-9a-f]+: section custom size \d+ runs past the end/.test(e.message));
  const first = split('test/fixtures/c-clang19-O0-dwarf4/prog.wasm');
  assert.throws(() => splitFiles(first.stripped, { out: path.join(dir, 'again.wasm') }), /has no \.debug_\* sections/);
  // the CLI: exit 1 with the message, no stack trace
  const c = spawnSync(process.execPath, [CLI, 'split-debug', cut, '-o', path.join(dir, 'o.wasm')], { encoding: 'utf8' });
  assert.equal(c.status, 1);
  assert.match(c.stderr, /^wasm-coredump: error: .*truncated\.wasm, section section header, offset 0x[0-9a-f]+: /);
  const h = spawnSync(process.execPath, [CLI, 'split-debug', '--help'], { encoding: 'utf8' });
  assert.match(h.stdout, /usage: wasm-coredump split-debug MODULE\.wasm/);
});

test('split-debug: external_debug_info names the debug file relative to the stripped module; bt finds it without --debug-dir', () => {
  const dir = path.join(tmp, 'ext');
  const r = splitFiles('test/fixtures/c-clang19-O0-dwarf4/prog.wasm', { out: path.join(dir, 'app.wasm'), debugDir: path.join(dir, 'symbols') });
  assert.equal(r.externalDebugInfo, `symbols/${r.buildId}.debug.wasm`);
  const s = new WasmModule(readFileBytes(r.stripped), r.stripped);
  assert.equal(s.externalDebugInfo, r.externalDebugInfo);
  assert.match(findDebugInfo(s, r.stripped).origin, /^external_debug_info /);
  const out = spawnSync(process.execPath, [CLI, 'split-debug', 'test/fixtures/c-clang19-O0-dwarf4/prog.wasm', '-o', path.join(dir, 'b.wasm'), '--debug-out', path.join(dir, 'b.debug.wasm')], { encoding: 'utf8' });
  assert.equal(out.status, 0, out.stderr);
  assert.match(out.stdout, /^\d+ KiB of DWARF out of a \d+ KiB module\n/);
});
