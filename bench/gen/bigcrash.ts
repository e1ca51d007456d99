/**
 * The generated 100 MB-DWARF module with a synthetic 10-frame core dump, as
 * the DAP and variables benchmarks both use it. Generated once per bench run
 * (it takes about two seconds) and shared.
 */
import { DEFAULT_100MB, generate } from './bigdwarf';
import { WasmModule } from '../../src/wasm/module';
import { buildCoreDump } from '../../test/unit/coredump/build';

export interface BigCrash {
  wasm: Uint8Array; dump: Uint8Array; functions: number; dwarfBytes: number; generateMs: number;
  /** The frames' code-section-relative addresses, innermost first (for llvm-symbolizer). */
  frameAddrs: number[];
}

let cached: BigCrash | undefined;

export function bigCrash(): BigCrash {
  if (cached) return cached;
  const t = performance.now();
  const g = generate(DEFAULT_100MB);
  const bodies = new WasmModule(g.wasm, 'big.wasm').bodies;
  // 10 frames spread over the module; offsets are body-relative (wasmtime's convention), inside the nops
  const pick = Array.from({ length: 10 }, (_, k) => bodies[Math.floor((k * 7919 + 13) % bodies.length)]);
  const dump = buildCoreDump({
    threads: [{ name: 'main', frames: pick.map((b) => ({ func: b.index, offset: 5, locals: [{ t: 'i32', v: 0x1000 }, { t: 'i32', v: 0x2000 }, { t: 'i32', v: 7 }] })) }],
    memories: [{ pages: 1 }],
    data: [{ offset: 0, bytes: new Uint8Array(65536).map((_, i) => i & 0xff) }],
    globals: [{ type: 'i32', mutable: true, value: 0x8000 }],
  });
  const m = new WasmModule(g.wasm, 'big.wasm');
  const frameAddrs = pick.map((b) => m.toCodeAddr(b.bodyStart) + 5);
  cached = { wasm: g.wasm, dump, functions: g.functions, dwarfBytes: g.dwarfBytes, generateMs: performance.now() - t, frameAddrs };
  return cached;
}
