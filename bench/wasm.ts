/**
 * Decoder benchmark: a generated ~20 MB module (40,000 functions of mixed
 * instructions). Prints the time to scan instruction boundaries of every
 * function (what core dump normalisation needs), to decode every
 * instruction, for 100,000 random instructionAt lookups, and to render WAT.
 */
import { performance } from 'node:perf_hooks';
import { WasmModule } from '../src/wasm/module';
import { decodeFunction, instructionAt, instructionBoundaries } from '../src/wasm/decoder';
import { functionToWat } from '../src/wasm/wat';
import { codeAddr } from '../src/util/offsets';

function uleb(n: number, out: number[]): void {
  do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; out.push(b); } while (n);
}

/** One body: locals, then a loop of loads, arithmetic, stores, calls and a br_table, repeated. */
function body(i: number, nFuncs: number): number[] {
  const code: number[] = [1, 4, 0x7f]; // 4 i32 locals
  for (let k = 0; k < 20; k++) {
    code.push(0x02, 0x40, 0x20, 0, 0x28, 2, ...[0x80 + (k & 0x7f), 1], 0x41, 0x7b, 0x6a, 0x21, 1);
    code.push(0x20, 1, 0x0e, 3, 0, 0, 0, 0, 0x0b);
    code.push(0x20, 0, 0x20, 1, 0x36, 2, 8, 0x10); uleb((i + 1) % nFuncs, code);
    code.push(0x44, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 0x1a, 0xfd, 0x0c, ...new Array(16).fill(k), 0x1a);
  }
  code.push(0x0b);
  return code;
}

function generate(nFuncs: number): Uint8Array {
  const head: number[] = [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0];
  const sec = (out: number[], id: number, payload: number[]) => { out.push(id); uleb(payload.length, out); for (const b of payload) out.push(b); };
  sec(head, 1, [1, 0x60, 1, 0x7f, 0]); // (func (param i32))
  const fsec: number[] = []; uleb(nFuncs, fsec);
  sec(head, 3, [...fsec, ...new Array<number>(nFuncs).fill(0)]);
  sec(head, 5, [1, 0, 1]);
  const bodies: Uint8Array[] = [];
  let codeLen = 0;
  const count: number[] = []; uleb(nFuncs, count);
  codeLen += count.length;
  for (let i = 0; i < nFuncs; i++) {
    const b = body(i, nFuncs); const size: number[] = []; uleb(b.length, size);
    const u = new Uint8Array(size.length + b.length); u.set(size); u.set(b, size.length);
    bodies.push(u); codeLen += u.length;
  }
  const codeHead: number[] = [10]; uleb(codeLen, codeHead);
  const out = new Uint8Array(head.length + codeHead.length + codeLen);
  let p = 0;
  for (const part of [head, codeHead, count]) { out.set(part, p); p += part.length; }
  for (const u of bodies) { out.set(u, p); p += u.length; }
  return out;
}

const ms = (t0: number) => `${(performance.now() - t0).toFixed(1)} ms`;

export async function bench(): Promise<void> {
  let t0 = performance.now();
  const bytes = generate(40_000);
  console.log(`   generated ${(bytes.length / 1e6).toFixed(1)} MB module in ${ms(t0)}`);
  const m = new WasmModule(bytes, 'bench-decoder.wasm');
  t0 = performance.now();
  let n = 0;
  for (const b of m.bodies) n += instructionBoundaries(m, b.index).length;
  console.log(`   instruction boundaries of ${m.bodies.length} functions: ${n} instructions in ${ms(t0)}`);
  t0 = performance.now();
  let d = 0;
  for (const b of m.bodies) for (const _ of decodeFunction(m, b.index)) d++;
  console.log(`   full decode of ${d} instructions: ${ms(t0)}`);
  t0 = performance.now();
  const last = m.bodies[m.bodies.length - 1].end - (m.codeSectionStart as number);
  let hits = 0;
  for (let i = 0; i < 100_000; i++) if (instructionAt(m, codeAddr((i * 2654435761) % last))) hits++;
  console.log(`   100,000 random instructionAt (cached boundaries): ${hits} on a boundary, ${ms(t0)}`);
  t0 = performance.now();
  let chars = 0;
  for (let i = 0; i < 1000; i++) chars += functionToWat(m, i * 40).text.length;
  console.log(`   WAT of 1,000 functions: ${(chars / 1e6).toFixed(1)} M chars in ${ms(t0)}`);
}
