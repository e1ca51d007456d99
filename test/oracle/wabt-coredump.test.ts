/**
 * Oracle: every core dump we can find (test/fixtures, ../shared/corpus, plus
 * dumps written by H3's writer and by the test builder) is accepted by
 * wabt's wasm-validate, and wasm-objdump -x agrees with our reader on
 * memories, globals (types, mutability, values), data segments and the
 * core dump custom sections.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCoreDump } from '../../src/coredump/reader';
import { writeCoreDump, chunkMemory } from '../../src/coredump/writer';
import { buildCoreDump } from '../unit/coredump/build';
import { findTool, TOOLS } from '../tools';



function walk(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) walk(p, out); else if (n.endsWith('.coredump')) out.push(p);
  }
  return out;
}

function generated(): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'wcd-oracle-'));
  const mem = new Uint8Array(3 * 65536);
  mem.fill(7, 10, 9000); mem[3 * 65536 - 1] = 1;
  const out: string[] = [];
  for (const enc of ['leb', 'fixed'] as const) {
    const w = join(dir, `writer-${enc}.coredump`);
    writeFileSync(w, writeCoreDump({
      executableName: 'x', modules: ['a.wasm', 'b.wasm'],
      instances: [{ moduleIndex: 0, memories: [0], globals: [0, 1] }, { moduleIndex: 1, memories: [1], globals: [2] }],
      threads: [{ name: 'main', frames: [{ instanceIndex: 1, funcIndex: 2, codeOffset: 3, locals: [{ type: 'i64', value: -9n }] }] },
        { name: 'w', frames: [{ instanceIndex: 0, funcIndex: 0, codeOffset: 1 }] }],
      memories: [{ pages: 3, segments: chunkMemory(mem) }, { pages: 1, maxPages: 4, segments: [{ offset: 5, bytes: new Uint8Array([1]) }] }],
      globals: [{ value: { type: 'i32', value: -66560 } }, { value: { type: 'f64', value: 0.1, bits: 0x3fb999999999999an }, mutable: false },
        { value: { type: 'i64', value: 1n << 60n } }],
    }, { valueEncoding: enc }));
    out.push(w);
    const b = join(dir, `built-${enc}.coredump`);
    writeFileSync(b, buildCoreDump({ enc, memories: [{ pages: 1 }], data: [{ offset: 100, bytes: new Uint8Array([1, 2]) }],
      globals: [{ type: 'f32', value: 1.25, mutable: false }], threads: [{ name: 't', frames: [{ func: 1, offset: 2, locals: ['missing'] }] }] }));
    out.push(b);
  }
  return out;
}

interface Objdump { customs: string[]; memories: number; globals: Array<{ type: string; mutable: boolean; init: string }>; segments: Array<{ memory: number; size: number; offset: number }>; dataCount: number }

function objdump(path: string): Objdump {
  const r = spawnSync('wasm-objdump', ['-x', path], { encoding: 'utf8', maxBuffer: 1 << 30 });
  assert.equal(r.status, 0, `wasm-objdump -x ${path}: ${r.stderr}`);
  const o: Objdump = { customs: [], memories: 0, globals: [], segments: [], dataCount: 0 };
  for (const line of r.stdout.split('\n')) {
    let m: RegExpMatchArray | null;
    if ((m = line.match(/^ - name: "(.*)"$/))) o.customs.push(m[1]);
    else if ((m = line.match(/^Memory\[(\d+)\]/))) o.memories = +m[1];
    else if ((m = line.match(/^Data\[(\d+)\]/))) o.dataCount = +m[1];
    else if ((m = line.match(/^ - global\[\d+\] (\S+) mutable=(\d) - init (.*)$/))) o.globals.push({ type: m[1], mutable: m[2] === '1', init: m[3] });
    else if ((m = line.match(/^ - segment\[\d+\] memory=(\d+) size=(\d+) - init i(?:32|64)=(-?\d+)$/))) o.segments.push({ memory: +m[1], size: +m[2], offset: +m[3] });
  }
  return o;
}

/** Our value in wabt's notation: i32=N, i64=N, f32/f64 in C99 hex float. */
function initText(type: string, v: { type: string; value: number | bigint } | undefined): string | undefined {
  if (!v) return undefined;
  if (type === 'i32' || type === 'i64') return `${type}=${v.value}`;
  return undefined; // floats: compared by value below
}

function hexFloat(s: string): number {
  // wabt prints e.g. 0x1.8p+0, -0x1.999999999999ap-4, 0x0p+0, nan, inf
  if (/nan/.test(s)) return NaN;
  if (/inf/.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  const m = s.match(/^(-?)0x([0-9a-f]+)(?:\.([0-9a-f]*))?p([+-]\d+)$/i);
  if (!m) return NaN;
  const mant = parseInt(m[2], 16) + (m[3] ? parseInt(m[3], 16) / 16 ** m[3].length : 0);
  return (m[1] ? -1 : 1) * mant * 2 ** +m[4];
}

test('wabt accepts our core dumps and agrees on sections, globals and segments', (t) => {
  const wabtMissing = findTool(TOOLS.wasmObjdump).missing ?? findTool(TOOLS.wasmValidate).missing;
  if (wabtMissing) { t.skip(wabtMissing); return; }
  const files = [...walk('test/fixtures'), ...walk('../shared/corpus'), ...generated()];
  assert.ok(files.length >= 5);
  for (const f of files) {
    const v = spawnSync('wasm-validate', ['--enable-all', f], { encoding: 'utf8' });
    assert.equal(v.status, 0, `wasm-validate ${f}: ${v.stderr}`);
    const cd = readCoreDump(new Uint8Array(readFileSync(f)), f);
    const od = objdump(f);
    assert.equal(od.customs.filter((n) => n === 'corestack').length, cd.threads.length, `${f}: corestack sections`);
    assert.equal(od.customs.includes('core'), cd.executableName !== undefined, `${f}: core section`);
    assert.equal(od.memories, cd.memories.length, `${f}: memories`);
    assert.equal(od.globals.length, cd.globals.length, `${f}: globals`);
    od.globals.forEach((g, i) => {
      const ours = cd.globals[i];
      assert.equal(ours.type, g.type, `${f}: global ${i} type`);
      assert.equal(ours.mutable, g.mutable, `${f}: global ${i} mutability`);
      const txt = initText(ours.type, ours.value as { type: string; value: number | bigint } | undefined);
      if (txt) assert.equal(g.init, txt, `${f}: global ${i} value`);
      else if (ours.value && (ours.value.type === 'f32' || ours.value.type === 'f64')) {
        const theirs = hexFloat(g.init.slice(4));
        assert.ok(Object.is(theirs, ours.value.value) || Math.abs(theirs - ours.value.value) <= Math.abs(theirs) * 1e-15, `${f}: global ${i} ${g.init} vs ${ours.value.value}`);
      }
    });
    assert.equal(od.dataCount, cd.dataSegmentCount, `${f}: data segments`);
    for (const s of od.segments) {
      const mem = cd.memories[s.memory];
      assert.ok(mem, `${f}: segment names memory ${s.memory}`);
      const start = s.offset < 0 ? s.offset + 2 ** 32 : s.offset;
      if (s.size > 0) assert.ok(mem.covered(start, s.size), `${f}: segment at ${start} (+${s.size}) covered`);
    }
    const perMem = new Map<number, number>();
    for (const s of od.segments) perMem.set(s.memory, (perMem.get(s.memory) ?? 0) + s.size);
    for (const m of cd.memories) assert.equal(m.coveredBytes, perMem.get(m.index) ?? 0, `${f}: memory ${m.index} covered bytes`);
  }
});
