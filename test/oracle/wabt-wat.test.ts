/**
 * Oracle: our WAT text against wabt's wasm2wat (`--no-debug-names`, so both
 * sides print indices) for every module of the corpus and test/fixtures:
 * every instruction line of every function (sampled in big modules) must be
 * the same text, block labels and branch-target comments included. Floats
 * differ by design (wasm2wat prints hex floats, we print the shortest
 * round-tripping decimal), so those are compared by value.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { WasmModule } from '../../src/wasm/module';
import { NameSection } from '../../src/wasm/names';
import { functionToWat } from '../../src/wasm/wat';
import { findTool, TOOLS } from '../tools';

function walk(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.wasm$/.test(name)) out.push(p);
  }
  return out;
}

const wasm2watTool = findTool(TOOLS.wasm2wat);
const files = [...walk('../shared/corpus'), ...walk('test/fixtures')];

/** A hex float as wasm2wat prints it (`-0x1.8p+1`), `inf`, `nan` or `nan:0x..`: a number, or the text for NaNs. */
function parseHexFloat(text: string): number | string {
  const m = /^([+-]?)0x([0-9a-f]+)(?:\.([0-9a-f]*))?p([+-]?\d+)$/i.exec(text);
  if (!m) return text === 'inf' ? Infinity : text === '-inf' ? -Infinity : text;
  const frac = m[3] ?? '';
  const v = Number(BigInt('0x' + m[2] + frac)) * 2 ** (Number(m[4]) - 4 * frac.length);
  return m[1] === '-' ? -v : v;
}

/** Instruction lines of each defined function in wasm2wat's output (indented body lines, locals excluded). */
function wasm2watFunctions(text: string): string[][] {
  const funcs: string[][] = [];
  let cur: string[] | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('  (func ')) {
      cur = / \(import "/.test(line) ? undefined : [];
      if (cur) funcs.push(cur);
    } else if (line.startsWith('  (')) cur = undefined;
    else if (cur && line.startsWith('    ') && !line.startsWith('    (local')) cur.push(line);
  }
  return funcs;
}

function sameLine(ours: string, theirs: string): boolean {
  if (ours === theirs) return true;
  const a = /^(\s*)(f32|f64)\.const (\S+)$/.exec(ours);
  const b = /^(\s*)(f32|f64)\.const (\S+)$/.exec(theirs);
  if (!a || !b || a[1] !== b[1] || a[2] !== b[2]) return false;
  const want = parseHexFloat(b[3]);
  if (typeof want === 'string') return a[3] === want;
  const got = a[2] === 'f32' ? Math.fround(Number(a[3].replace('inf', 'Infinity'))) : Number(a[3].replace('inf', 'Infinity'));
  return Object.is(got, want);
}

test('WAT text agrees with wasm2wat', (t) => {
  if (!wasm2watTool.bin) { t.skip(wasm2watTool.missing); return; }
  if (files.length === 0) { t.skip('no corpus or fixture modules present'); return; }
  let compared = 0;
  for (const file of files) {
    const r = spawnSync('wasm2wat', ['--no-debug-names', '--enable-all', file], { encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
    if (r.status !== 0) continue; // GC types, wasm64 tables: wabt 1.0.32 cannot read them (see wabt-decoder.test.ts)
    const m = new WasmModule(new Uint8Array(readFileSync(file)), file);
    if (m.customSections('linking').length) continue; // wasm2wat names symbols of relocatable objects even with --no-debug-names
    const empty: NameSection = { functions: new Map(), locals: new Map(), globals: new Map() };
    Object.defineProperty(m, 'names', { value: empty }); // print indices, as wasm2wat --no-debug-names does
    const theirs = wasm2watFunctions(r.stdout);
    assert.equal(theirs.length, m.bodies.length, `${file}: function count`);
    const step = m.bodies.length > 300 ? 7 : 1;
    for (let i = 0; i < m.bodies.length; i += step) {
      const body = m.bodies[i];
      const want = theirs[i].map((l) => l.replace(/ \(;=[^;]*;\)/, '')); // wasm2wat's decimal note on float constants
      const got = functionToWat(m, body.index).text.split('\n')
        .filter((l) => l.startsWith('    ') || (l.startsWith('  ') && !l.startsWith('  (local')))
        .map((l) => l.replace(/ \(; \S+ ;\)$/, '')); // our `(; env.abort ;)` note on calls to imports
      // wasm2wat closes the function on its last instruction line; we print `)` on its own line
      if (want.length) want[want.length - 1] = want[want.length - 1].replace(/\)+$/, '');
      if (got.length) got[got.length - 1] = got[got.length - 1].replace(/\)+$/, '');
      const reindent = (l: string) => l.slice(2); // wasm2wat nests functions one level deeper (inside `(module`)
      assert.equal(got.length, want.length, `${file} func ${body.index}: line count`);
      for (let k = 0; k < got.length; k++) {
        const ours = got[k], them = reindent(want[k]);
        if (/^\s*br_table/.test(ours) && ours.includes('more targets')) continue; // we elide huge tables on purpose
        if (!sameLine(ours, them)) assert.fail(`${file} func ${body.index} line ${k}:\n  ours:     ${ours}\n  wasm2wat: ${them}`);
        compared++;
      }
    }
  }
  assert.ok(compared > 10_000, `only ${compared} lines compared`);
});
