/**
 * Property test: mutated core dumps and modules (truncation at every section
 * boundary, seeded random byte flips) either read or fail with a typed
 * WasmCoreError, in bounded time. Deterministic (fixed seeds).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readCoreDump } from '../../src/coredump/reader';
import { normaliseFrames } from '../../src/coredump/normalise';
import { writeCoreDump, chunkMemory } from '../../src/coredump/writer';
import { WasmCoreError } from '../../src/util/errors';
import { WasmModule } from '../../src/wasm/module';
import { indexSections } from '../../src/wasm/sections';
import { readOpcode, skipImm } from '../../src/wasm/instr';
import { ByteReader } from '../../src/util/reader';
import { buildCoreDump, buildModule } from '../unit/coredump/build';
import { prng } from '../prng';

const MAX_MS = 2000;


function walk(dir: string, pred: (f: string) => boolean, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) walk(p, pred, out); else if (pred(n)) out.push(p);
  }
  return out;
}

const smallMod = new WasmModule(buildModule([
  { localDecl: [1, 1, 0x7f], code: [0x41, 0x00, 0x28, 0x02, 0x00, 0x1a, 0x0b] },
  { code: [0x01, 0x10, 0x00, 0x0b] },
]), 'small.wasm');

function coreDumpInputs(): Array<[string, Uint8Array]> {
  const out: Array<[string, Uint8Array]> = [];
  // a deterministic sample of the fixture dumps (every producer path is the same V8 capture) plus the corpus
  const fixtures = walk('test/fixtures', (n) => n.endsWith('.coredump')).filter((p) => statSync(p).size <= 4 * 1024 * 1024);
  const step = Math.max(1, Math.ceil(fixtures.length / 5));
  const sample = fixtures.filter((_, i) => i % step === 0);
  for (const p of [...sample, ...walk('../shared/corpus', (n) => n.endsWith('.coredump'))]) out.push([p, new Uint8Array(readFileSync(p))]);
  for (const enc of ['leb', 'fixed'] as const) {
    out.push([`built-${enc}`, buildCoreDump({
      enc, memories: [{ pages: 1 }, { pages: 1, memory64: true }],
      data: [{ offset: 8, bytes: new Uint8Array([1, 2, 3]) }, { mem: 1, offset: 100, bytes: new Uint8Array([4, 5]), i64: true }],
      globals: [{ type: 'i32', value: 1024 }, { type: 'f32', value: 2 }],
      threads: [{ name: 'main', frames: [
        { func: 0, offset: 5, locals: [{ t: 'i32', v: -7 }, { t: 'i64', v: 99n }, 'missing'], stack: [{ t: 'f64', v: 3 }] },
        { func: 1, offset: 2 },
      ] }, { name: 't2', frames: [{ func: 1, offset: 3, locals: [{ t: 'f32', v: 1 }] }] }],
    })]);
  }
  const mem = new Uint8Array(65536); mem.fill(3, 100, 5000);
  out.push(['writer', writeCoreDump({
    executableName: 'w', modules: ['w.wasm'], instances: [{ moduleIndex: 0, memories: [0], globals: [0] }],
    threads: [{ name: 'main', frames: [{ instanceIndex: 0, funcIndex: 0, codeOffset: 5, locals: [{ type: 'i32', value: 5 }] }] }],
    memories: [{ pages: 1, segments: chunkMemory(mem) }], globals: [{ value: { type: 'i64', value: 5n } }],
  })]);
  return out;
}

/** Read and exercise everything lazily computed; return the error if any. */
function exerciseCore(bytes: Uint8Array, mod: WasmModule = smallMod): unknown {
  try {
    const cd = readCoreDump(bytes, 'fuzz.core');
    for (const m of cd.memories) { m.coveredRanges(); m.read(0, 64); m.readU64(m.size - 4); m.covered(0, 16); }
    normaliseFrames(cd, new Map([[0, mod]]));
    return undefined;
  } catch (e) { return e; }
}

function exerciseModule(bytes: Uint8Array): unknown {
  try {
    const m = new WasmModule(bytes, 'fuzz.wasm');
    void m.types; void m.imports; void m.memories; void m.globals; void m.exports; void m.names; void m.buildId;
    for (const b of m.bodies) {
      const r = new ByteReader(bytes, 'fuzz.wasm', 'code', b.firstInstr, b.end);
      while (!r.atEnd) skipImm(r, readOpcode(r));
      m.functionName(b.index);
    }
    return undefined;
  } catch (e) { return e; }
}

function check(what: string, f: () => unknown): void {
  const t0 = performance.now();
  const e = f();
  const ms = performance.now() - t0;
  assert.ok(ms < MAX_MS, `${what}: took ${ms.toFixed(0)} ms`);
  if (e !== undefined && !(e instanceof WasmCoreError)) {
    assert.fail(`${what}: untyped exception ${e instanceof Error ? e.stack : String(e)}`);
  }
}

/** Truncate at every section boundary (header start, payload start, content start, end - 1). */
function truncations(bytes: Uint8Array): number[] {
  const cuts = new Set<number>([0, 4, 7, 8]);
  for (const s of indexSections(bytes, 'x')) for (const p of [s.headerStart, s.headerStart + 1, s.payloadStart, s.contentStart, s.end - 1]) cuts.add(p);
  return [...cuts].filter((c) => c >= 0 && c < bytes.length);
}

/** Positions worth flipping: inside sections the readers parse (skip DWARF and other unparsed custom sections). */
function parsedRanges(bytes: Uint8Array): Array<[number, number]> {
  const keep = new Set(['core', 'coremodules', 'coreinstances', 'corestack', 'name', 'build_id']);
  const out: Array<[number, number]> = [[0, 8]];
  for (const s of indexSections(bytes, 'x')) if (s.id !== 0 || keep.has(s.customName ?? '')) out.push([s.headerStart, s.end]);
  return out;
}

function flips(name: string, original: Uint8Array, seed: number, n: number, ex: (b: Uint8Array) => unknown): number {
  const rnd = prng(seed);
  const ranges = parsedRanges(original);
  const total = ranges.reduce((t, [a, b]) => t + (b - a), 0);
  const buf = original.slice();
  let failures = 0;
  for (let i = 0; i < n; i++) {
    const k = 1 + Math.floor(rnd() * 4);
    const touched: number[] = [];
    for (let j = 0; j < k; j++) {
      let x = Math.floor(rnd() * total), pos = 0;
      for (const [a, b] of ranges) { if (x < b - a) { pos = a + x; break; } x -= b - a; }
      touched.push(pos);
      const mode = rnd();
      buf[pos] = mode < 0.3 ? buf[pos] ^ (1 << Math.floor(rnd() * 8)) : mode < 0.6 ? 0xff : Math.floor(rnd() * 256);
    }
    check(`${name} flip #${i} at ${touched.join(',')}`, () => { const e = ex(buf); if (e) failures++; return e; });
    for (const p of touched) buf[p] = original[p];
  }
  return failures;
}

test('mutated core dumps: model or typed error, bounded time', { timeout: 120_000 }, () => {
  const inputs = coreDumpInputs();
  assert.ok(inputs.length >= 3);
  let seed = 1, mutants = 0;
  for (const [name, bytes] of inputs) {
    // fixture dumps are normalised against their own program (so the decoder runs on real frames)
    const progPath = join(dirname(name), 'prog.wasm');
    const mod = existsSync(progPath) ? new WasmModule(new Uint8Array(readFileSync(progPath)), progPath) : smallMod;
    const ex = (b: Uint8Array): unknown => exerciseCore(b, mod);
    assert.equal(ex(bytes), undefined, `${name} must read unmutated`);
    for (const cut of truncations(bytes)) { check(`${name} cut at ${cut}`, () => ex(bytes.subarray(0, cut))); mutants++; }
    flips(name, bytes, seed++, 1000, ex);
    mutants += 1000;
  }
  assert.ok(mutants > 3000);
});

test('mutated modules: model or typed error, bounded time', { timeout: 120_000 }, () => {
  const mods = walk('test/fixtures', (n) => n.endsWith('.wasm')).filter((p) => statSync(p).size < 1_000_000).slice(0, 4);
  mods.push('../shared/corpus/binaryen/test/passes/fib2_dwarf.wasm');
  let seed = 1000;
  for (const p of mods.filter(existsSync)) {
    const bytes = new Uint8Array(readFileSync(p));
    assert.equal(exerciseModule(bytes), undefined, `${p} must read unmutated`);
    for (const cut of truncations(bytes)) check(`${p} cut at ${cut}`, () => exerciseModule(bytes.subarray(0, cut)));
    flips(p, bytes, seed++, 300, exerciseModule);
  }
});

test('hostile counts and sizes are refused without large allocations', () => {
  const hdr = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const cases: Array<[string, number[]]> = [
    ['section size past end', [...hdr, 11, 0xff, 0xff, 0xff, 0xff, 0x0f]],
    ['LEB overflow', [...hdr, 11, 0xff, 0xff, 0xff, 0xff, 0x7f]],
    ['4 billion segments', [...hdr, 11, 5, 0xff, 0xff, 0xff, 0xff, 0x0f]],
    ['4 billion frames', [...hdr, 0, 16, 9, ...[...'corestack'].map((c) => c.charCodeAt(0)), 0, 1, 0x41, 0xff, 0xff, 0xff, 0xff, 0x0f]],
    ['memory32 of 2^32 pages', [...hdr, 5, 7, 1, 0, 0xff, 0xff, 0xff, 0xff, 0x0f]],
  ];
  for (const [what, b] of cases) {
    const before = process.memoryUsage().arrayBuffers;
    const e = exerciseCore(Uint8Array.from(b));
    assert.ok(e instanceof WasmCoreError, `${what}: ${String(e)}`);
    assert.ok(process.memoryUsage().arrayBuffers - before < 64 * 1024 * 1024, `${what}: allocated too much`);
  }
});

test('a million real segments read in bounded time', () => {
  const n = 1_000_000;
  // segment i: active, memory 0, i32.const 2i (padded 4-byte LEB), end, 1 byte 0xab
  const segBytes = new Uint8Array(n * 9);
  for (let i = 0; i < n; i++) {
    const o = i * 2;
    segBytes.set([0, 0x41, (o & 0x7f) | 0x80, ((o >> 7) & 0x7f) | 0x80, ((o >> 14) & 0x7f) | 0x80, (o >> 21) & 0x3f, 0x0b, 1, 0xab], i * 9);
  }
  const count = [0xc0, 0x84, 0x3d]; // 1_000_000 as uleb
  const size = count.length + segBytes.length;
  const head = Uint8Array.from([11, (size & 0x7f) | 0x80, ((size >> 7) & 0x7f) | 0x80, ((size >> 14) & 0x7f) | 0x80, (size >> 21) & 0x7f, ...count]);
  const core = stripDataSection(buildCoreDump({ memories: [{ pages: 31 }], threads: [{ name: 'main', frames: [] }] }));
  const all = new Uint8Array(core.length + head.length + segBytes.length);
  all.set(core); all.set(head, core.length); all.set(segBytes, core.length + head.length);
  const t0 = performance.now();
  const cd = readCoreDump(all, 'million.core');
  const ms = performance.now() - t0;
  assert.equal(cd.memories[0].segments.length, n);
  assert.equal(cd.memories[0].readU8(2 * 123456), 0xab);
  assert.equal(cd.memories[0].readU8(2 * 123456 + 1), 0);
  assert.ok(ms < 5000, `took ${ms} ms`);
});

function stripDataSection(b: Uint8Array): Uint8Array {
  const s = indexSections(b, 'x').find((x) => x.id === 11);
  if (!s) return b;
  const out = new Uint8Array(b.length - (s.end - s.headerStart));
  out.set(b.subarray(0, s.headerStart)); out.set(b.subarray(s.end), s.headerStart);
  return out;
}
