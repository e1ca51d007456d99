/**
 * The in-process runtime's cost on the path that does not trap, side by
 * side with the plain call: (1) 2,000,000 JS→Wasm calls of a tiny export,
 * each through `wrap()` (the wrapper's own work: saving and raising
 * Error.stackTraceLimit, a try/finally) vs direct; (2) one call of a
 * call-heavy export (recursive fib(27), 635,621 Wasm→Wasm calls) wrapped vs
 * direct, where the wrapper runs once. Medians of interleaved runs.
 * `node out/bench/main.js runtime` runs just this.
 */
import * as path from 'node:path';
import { OP, T, buildModule } from '../test/unit/capture/wasm-builder';

/* eslint-disable @typescript-eslint/no-explicit-any */
const WA = (globalThis as any).WebAssembly;
const importEsm = new Function('u', 'return import(u)') as (u: string) => Promise<any>;

function module(): Uint8Array {
  const I32_ADD = 0x6a, I32_SUB = 0x6b, I32_LT_S = 0x48, IF = 0x04, ELSE = 0x05;
  return buildModule({
    types: [{ params: [T.i32, T.i32], results: [T.i32] }, { params: [T.i32], results: [T.i32] }],
    funcs: [
      { type: 0, export: 'add', code: [OP.localGet, 0, OP.localGet, 1, I32_ADD] },
      {
        type: 1, export: 'fib', code: [
          OP.localGet, 0, OP.i32Const, 2, I32_LT_S, IF, T.i32,
          OP.localGet, 0,
          ELSE,
          OP.localGet, 0, OP.i32Const, 1, I32_SUB, OP.call, 1,
          OP.localGet, 0, OP.i32Const, 2, I32_SUB, OP.call, 1,
          I32_ADD,
          OP.end],
      },
    ],
  });
}

const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; };
const now = (): number => Number(process.hrtime.bigint()) / 1e6;

export async function bench(): Promise<void> {
  const rt = await importEsm(`file://${path.resolve(__dirname, '..', '..', 'runtime', 'index.mjs')}`);
  const bytes = module();
  const instance = new WA.Instance(new WA.Module(bytes), {});
  const onDump = (): void => { throw new Error('no trap expected'); };
  const add = instance.exports.add as (a: number, b: number) => number;
  const fib = instance.exports.fib as (n: number) => number;
  const wAdd = rt.wrap(add, onDump, { instance, moduleBytes: bytes });
  const wFib = rt.wrap(fib, onDump, { instance, moduleBytes: bytes });
  const N = 2_000_000, F = 27, RUNS = 9;
  const loop = (f: (a: number, b: number) => number): number => { let s = 0; for (let i = 0; i < N; i++) s = f(s, 1); return s; };
  // warm up both paths so TurboFan has compiled them
  loop(add); loop(wAdd); fib(20); wFib(20);
  const a: number[] = [], b: number[] = [], c: number[] = [], d: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    let t = now(); if (loop(add) !== N) throw new Error('add'); a.push(now() - t);
    t = now(); if (loop(wAdd) !== N) throw new Error('wrapped add'); b.push(now() - t);
    t = now(); const x = fib(F); c.push(now() - t);
    t = now(); if (wFib(F) !== x) throw new Error('wrapped fib'); d.push(now() - t);
  }
  const ns = (ms: number): string => `${((ms * 1e6) / N).toFixed(1)} ns/call`;
  console.log(`   ${N.toLocaleString('en')} JS→Wasm calls of add(): direct ${median(a).toFixed(1)} ms (${ns(median(a))}), wrap() ${median(b).toFixed(1)} ms (${ns(median(b))}); +${(median(b) - median(a)).toFixed(1)} ms`);
  const calls = (n: number): number => (n < 2 ? 1 : 1 + calls(n - 1) + calls(n - 2));
  console.log(`   fib(${F}) (${calls(F).toLocaleString('en')} Wasm calls inside one export call): direct ${median(c).toFixed(1)} ms, wrap() ${median(d).toFixed(1)} ms`);
}
