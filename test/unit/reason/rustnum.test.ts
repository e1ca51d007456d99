/**
 * Float Display/Debug text against rustc's own core::fmt (a native program
 * built at test time prints the same bit patterns), and Debug escapes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { escapeDebug, floatDebug, floatDisplay } from '../../../src/reason/rustnum';
import { findTool, TOOLS } from '../../tools';

const rustc = findTool(TOOLS.rustc163);
// rustc links the native program with the system C compiler
const noCc = spawnSync('cc', ['--version']).status !== 0 ? 'cc not installed (rustc links with it; apt: gcc)' : undefined;
const RUSTC = noCc ? undefined : rustc.bin;
const rustcMissing = rustc.missing ?? noCc;
const N = 4000;

/** The same xorshift64 in Rust and here: bit patterns covering normals, subnormals, NaNs and infinities. */
const PROGRAM = `
fn main() {
    let fixed: [f64; 24] = [9.75, 0.1, 1.0, -0.0, 0.0, 1e21, 1e22, 1.5e-7, 1e-4, 9.999e-5, 1e16, 1e15, 9999999999999998.0,
        123456789.125, f64::MAX, f64::MIN_POSITIVE, 5e-324, 0.3, 2.0 / 3.0, 1e100, -2.5, f64::NAN, f64::INFINITY, f64::NEG_INFINITY];
    for v in fixed.iter() { println!("{}|{:?}|{}|{:?}", v, v, *v as f32, *v as f32); }
    let mut x: u64 = 0x9E3779B97F4A7C15;
    for _ in 0..${N} {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        let f = f64::from_bits(x); let g = f32::from_bits(x as u32);
        println!("{}|{:?}|{}|{:?}", f, f, g, g);
    }
}
`;

function ours(): string[] {
  const fixed = [9.75, 0.1, 1.0, -0.0, 0.0, 1e21, 1e22, 1.5e-7, 1e-4, 9.999e-5, 1e16, 1e15, 9999999999999998.0,
    123456789.125, Number.MAX_VALUE, 2.2250738585072014e-308, 5e-324, 0.3, 2.0 / 3.0, 1e100, -2.5, NaN, Infinity, -Infinity];
  const pairs: Array<[number, number]> = fixed.map((v) => [v, Math.fround(v)]);
  const M = (1n << 64n) - 1n;
  const dv = new DataView(new ArrayBuffer(8));
  let x = 0x9E3779B97F4A7C15n;
  for (let i = 0; i < N; i++) {
    x ^= (x << 13n) & M; x ^= x >> 7n; x ^= (x << 17n) & M;
    dv.setBigUint64(0, x, true);
    pairs.push([dv.getFloat64(0, true), dv.getFloat32(0, true)]);
  }
  return pairs.map(([f, g]) => `${floatDisplay(f, false)}|${floatDebug(f, false)}|${floatDisplay(g, true)}|${floatDebug(g, true)}`);
}

test('f64/f32 {} and {:?} match rustc\'s core::fmt bit for bit', { skip: !RUSTC && rustcMissing }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wcd-rustnum-'));
  try {
    fs.writeFileSync(path.join(dir, 'f.rs'), PROGRAM);
    const c = spawnSync(RUSTC as string, ['-O', 'f.rs', '-o', 'f'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    assert.equal(c.status, 0, c.stderr);
    const r = spawnSync(path.join(dir, 'f'), [], { encoding: 'utf8', timeout: 60_000 });
    const want = r.stdout.trim().split('\n');
    const got = ours();
    assert.equal(got.length, want.length);
    const bad = got.map((g, i) => [i, g, want[i]] as const).filter(([, g, w]) => g !== w);
    assert.deepEqual(bad.slice(0, 5), [], `${bad.length} of ${got.length} differ`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('Debug escapes of ASCII; other characters are not guessed', () => {
  assert.equal(escapeDebug('quote"d\ttab\\\n\0', '"'), 'quote\\"d\\ttab\\\\\\n\\0');
  assert.equal(escapeDebug('it\'s', '"'), 'it\'s');
  assert.equal(escapeDebug('\'', '\''), '\\\'');
  assert.equal(escapeDebug('\x07\x7f', '"'), '\\u{7}\\u{7f}');
  assert.equal(escapeDebug('caf\u00e9', '"'), undefined);
});
