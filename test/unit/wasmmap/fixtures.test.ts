/**
 * The Wasm source map fixtures (test/fixtures/_sourcemap/: AssemblyScript,
 * Emscripten -gsource-map with its JS glue), each a crash captured from Node:
 * `bt` and the DAP target give the frames facts.json derives from the
 * sources, whether the map is found by sourceMappingURL, named explicitly or
 * carried in a data: URL; and every mapping agrees with the `source-map`
 * package's consumer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { SourceMapConsumer } from 'source-map';
import { FIXTURES_DIR } from '../../fixtures/facts';
import { loadBacktrace } from '../../../cli/commands/bt';
import { loadTarget } from '../../../adapter/load';
import { parseLaunchArgs } from '../../../adapter/launchArgs';
import { WasmSourceMap } from '../../../src/wasmmap/decode';
import { WasmModule } from '../../../src/wasm/module';
import { sourceMappingURL } from '../../../src/wasmmap/url';

interface SmFacts {
  id: string; module: string; sourceMap: string; source: string[];
  coreDump: { file: string; trap: string; dumpModules: Record<string, string> };
  frames: Array<{ function: string; file: string; line: number; marker: string }>;
}
const root = path.join(FIXTURES_DIR, '_sourcemap');
const fixtures = fs.readdirSync(root).sort().map((d) => ({ dir: path.join(root, d), facts: JSON.parse(fs.readFileSync(path.join(root, d, 'facts.json'), 'utf8')) as SmFacts }));

test('the source map fixtures are there', () => {
  assert.deepEqual(fixtures.map((f) => f.facts.id), ['as-0.28-debug', 'c-emcc3.1.6-O2-sourcemap', 'c-emcc3.1.6-sourcemap']);
});

type Got = Array<{ function: string; file: string | undefined; line: number }>;
const want = (f: SmFacts): Got => f.frames.map((x) => ({ function: x.function, file: x.file, line: x.line }));
const userFrames = (frames: Got, f: SmFacts): Got => frames.slice(0, f.frames.length).map((x) => ({ ...x, file: x.file && path.basename(x.file) }));

for (const { dir, facts } of fixtures) {
  const core = path.join(dir, facts.coreDump.file);

  test(`${facts.id}: bt finds the map through sourceMappingURL and shows the source frames`, () => {
    const saved = Object.keys(facts.coreDump.dumpModules)[0];
    const url = sourceMappingURL(new WasmModule(new Uint8Array(fs.readFileSync(path.join(dir, saved))), saved));
    assert.equal(path.resolve(dir, url ?? ''), path.resolve(dir, facts.sourceMap), `sourceMappingURL ${url}`);
    const bt = loadBacktrace(core);
    assert.deepEqual(bt.errors, []);
    assert.ok(bt.notes.some((n) => /source lines from .*prog\.wasm\.map/.test(n)), bt.notes.join('\n'));
    const frames = bt.threads[0].frames.map((f) => ({ function: f.name, file: f.file, line: f.line }));
    assert.deepEqual(userFrames(frames, facts), want(facts));
    assert.ok(bt.threads[0].frames.slice(0, facts.frames.length).every((f) => f.sym?.nameSource === 'name-section' && f.sym.fromSourceMap));
  });

  test(`${facts.id}: an explicit map file and a data: URL give the same frames; a broken map is a note, names stay`, () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wcd-sm-'));
    try {
      const saved = Object.keys(facts.coreDump.dumpModules)[0];
      const bytes = fs.readFileSync(path.join(dir, saved));
      fs.copyFileSync(core, path.join(tmp, 'prog.coredump'));
      fs.copyFileSync(path.join(dir, saved), path.join(tmp, saved));
      // no map next to the module: names only
      const bare = loadBacktrace(path.join(tmp, 'prog.coredump'));
      assert.equal(bare.threads[0].frames[0].name, facts.frames[0].function);
      assert.equal(bare.threads[0].frames[0].line, 0);
      // explicit
      const mapCopy = path.join(tmp, 'elsewhere.map');
      fs.copyFileSync(path.join(dir, facts.sourceMap), mapCopy);
      const ex = loadBacktrace(path.join(tmp, 'prog.coredump'), { sourceMapFiles: [mapCopy] });
      assert.deepEqual(userFrames(ex.threads[0].frames.map((f) => ({ function: f.name, file: f.file, line: f.line })), facts), want(facts));
      // data: URL in a module whose sourceMappingURL section is rewritten
      const url = `data:application/json;base64,${fs.readFileSync(mapCopy).toString('base64')}`;
      fs.writeFileSync(path.join(tmp, saved), withSourceMappingURL(bytes, url));
      const du = loadBacktrace(path.join(tmp, 'prog.coredump'));
      assert.deepEqual(userFrames(du.threads[0].frames.map((f) => ({ function: f.name, file: f.file, line: f.line })), facts), want(facts));
      // --source-map-base style http(s) URL: not fetched, its file name is looked for next to the module
      fs.copyFileSync(mapCopy, path.join(tmp, 'served.wasm.map'));
      fs.writeFileSync(path.join(tmp, saved), withSourceMappingURL(bytes, 'https://cdn.example/app/served.wasm.map?v=3'));
      const web = loadBacktrace(path.join(tmp, 'prog.coredump'));
      assert.ok(web.notes.some((n) => /https:\/\/cdn\.example\/app\/served\.wasm\.map\?v=3 is not fetched/.test(n)), web.notes.join('\n'));
      assert.deepEqual(userFrames(web.threads[0].frames.map((f) => ({ function: f.name, file: f.file, line: f.line })), facts), want(facts));
      // file: URL
      fs.writeFileSync(path.join(tmp, saved), withSourceMappingURL(bytes, pathToFileURL(mapCopy).href));
      const fu = loadBacktrace(path.join(tmp, 'prog.coredump'));
      assert.deepEqual(userFrames(fu.threads[0].frames.map((f) => ({ function: f.name, file: f.file, line: f.line })), facts), want(facts));
      fs.rmSync(path.join(tmp, 'served.wasm.map'));
      // broken map found by discovery: a note naming it, the frames keep their names
      fs.writeFileSync(path.join(tmp, saved), bytes);
      fs.writeFileSync(path.join(tmp, path.basename(facts.sourceMap)), '{"version":3,"sources":[],"mappings":"A!"}');
      const br = loadBacktrace(path.join(tmp, 'prog.coredump'));
      assert.ok(br.notes.some((n) => n.includes('prog.wasm.map') && /invalid Base64 character/.test(n)), br.notes.join('\n'));
      assert.equal(br.threads[0].frames[0].name, facts.frames[0].function);
      // ... but an explicit one that is broken is an error
      const bad = loadBacktrace(path.join(tmp, 'prog.coredump'), { sourceMapFiles: [path.join(tmp, path.basename(facts.sourceMap))] });
      assert.ok(bad.errors.some((e) => /invalid Base64/.test(e)), bad.errors.join('\n'));
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  test(`${facts.id}: the DAP target shows source frames (sourceMapFile, and by discovery) and disassembly lines`, () => {
    for (const extra of [{}, { sourceMapFile: path.join(dir, facts.sourceMap) }]) {
      const cfg = parseLaunchArgs({ coreDump: core, ...extra }, process.cwd());
      const { target } = loadTarget(cfg);
      const frames = target.frames(0).slice(0, facts.frames.length);
      assert.deepEqual(frames.map((f) => ({ function: f.functionName, file: f.location && path.basename(f.location.path), line: f.location?.line ?? 0 })), want(facts));
      assert.ok(frames.every((f) => f.hasDebugInfo));
      // the crashing source file is found on disk next to the module (AssemblyScript's "prog/prog.ts" by suffix)
      assert.equal(frames[0].location?.path, path.resolve(dir, facts.frames[0].file));
      const top = frames[0];
      const dis = target.disassemble(top.moduleIndex!, top.moduleOffset!, 0, 1);
      assert.equal(dis[0].location?.line, facts.frames[0].line);
      assert.match(target.moduleInfos()[0].symbolStatus, /source map .*prog\.wasm\.map \(lines, no variables\)/);
    }
  });

  test(`${facts.id}: every mapping agrees with the source-map package's consumer`, (t) => {
    const text = fs.readFileSync(path.join(dir, facts.sourceMap), 'utf8');
    const ours = WasmSourceMap.parse(text, facts.sourceMap);
    const theirs = new SourceMapConsumer(JSON.parse(text));
    // several mappings at one offset (Emscripten writes one per DWARF line row, and rows share
    // addresses): the consumer answers the smallest original position, we the last one written,
    // as a DWARF line table means (the last row at an address describes its instruction)
    const at = new Map<number, string[]>();
    const key = (s: string | null, l: number | null, c: number | null, n: string | null): string => JSON.stringify([s, l, c, n]);
    for (const m of ours.mappings()) {
      const k = m.source < 0 ? key(null, null, null, null) : key(ours.sources[m.source], m.line + 1, m.column, m.name >= 0 ? ours.names[m.name] : null);
      at.set(m.generated, [...(at.get(m.generated) ?? []), k]);
    }
    let n = 0, shared = 0;
    const problems: string[] = [];
    theirs.eachMapping((m) => {
      n++;
      const exp = theirs.originalPositionFor({ line: 1, column: m.generatedColumn, bias: SourceMapConsumer.GREATEST_LOWER_BOUND });
      const got = ours.lookup(m.generatedColumn);
      const a = got ? key(got.source, got.line, got.column, got.name ?? null) : key(null, null, null, null);
      const b = key(exp.source ?? null, exp.line ?? null, exp.column ?? null, exp.name ?? null);
      const all = at.get(m.generatedColumn) ?? [];
      const ok = all.length > 1 ? a === all[all.length - 1] && all.includes(b) : a === b;
      if (all.length > 1) shared++;
      if (!ok && problems.length < 10) problems.push(`${m.generatedColumn}: ours ${a} theirs ${b} (all here: ${all.join(' ')})`);
    });
    assert.equal(n, ours.mappingCount);
    assert.ok(n > 100, `${n} mappings`);
    assert.deepEqual(problems, []);
    t.diagnostic(`${facts.id}: ${n} mappings compared, ${shared} at offsets with several mappings`);
  });
}

/** The module with its sourceMappingURL custom section's URL replaced (the section must be last, as producers write it). */
function withSourceMappingURL(bytes: Buffer, url: string): Buffer {
  const m = new WasmModule(new Uint8Array(bytes), 'x.wasm');
  const s = m.customSections('sourceMappingURL')[0];
  const uleb = (n: number): number[] => { const o: number[] = []; do { let x = n & 0x7f; n >>>= 7; if (n) x |= 0x80; o.push(x); } while (n); return o; };
  const name = Buffer.from('sourceMappingURL');
  const u = Buffer.from(url);
  const body = Buffer.concat([Buffer.from(uleb(name.length)), name, Buffer.from(uleb(u.length)), u]);
  const sec = Buffer.concat([Buffer.from([0, ...uleb(body.length)]), body]);
  const start = m.sections.indexOf(s) >= 0 ? sectionStart(bytes, s.payloadStart) : -1;
  assert.ok(start > 0 && s.end === bytes.length, 'sourceMappingURL is the last section');
  return Buffer.concat([bytes.subarray(0, start), sec]);
}

/** Offset of a section's id byte, from its payload start (id + LEB size precede it). */
function sectionStart(bytes: Buffer, payloadStart: number): number {
  let p = payloadStart - 1;
  while (p > 0 && (bytes[p - 1] & 0x80)) p--;
  return p - 1;
}
