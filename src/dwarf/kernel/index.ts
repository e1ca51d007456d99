import { KERNEL_WASM_BASE64 } from './binary';
import { decodeBase64 } from '../../util/base64';

/** What the kernel needs of a WebAssembly.Memory (the library's `lib` has no WebAssembly types). */
export interface KernelMemory { readonly buffer: ArrayBuffer; grow(pages: number): number }

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: object) => { exports: object };
}

/**
 * The compiled DWARF kernels (assembly/kernel.ts, built into binary.ts by
 * scripts/build-kernel.mjs): the DIE skim loop with the classification of
 * abbreviations, the line-program state machine and the sort of a walk's
 * subprogram ranges, which a one-shot symbolization runs once over hundreds of
 * kilobytes, where JavaScript would still be in V8's interpreter. One
 * instance per process, instantiated on first use; its linear memory is a
 * scratch area that one walk at a time lays out from `base` (walks are
 * synchronous and never nested). Undefined when WebAssembly is unavailable:
 * the callers then do all the work in their general code.
 */
export interface Kernel {
  readonly memory: KernelMemory;
  /** First byte callers may use. */
  readonly base: number;
  skim(pos: number, end: number, state: number): number;
  lines(pos: number, end: number, state: number): number;
  subprograms(state: number): void;
  abbrevs(state: number): number;
}

/** Scratch memory above which the instance is dropped after use (its memory cannot shrink). */
const KEEP_BYTES = 256 << 20;
const PAGE = 65536;

let instance: Kernel | null | undefined;
let busy = false;
let enabled = true;

/** Turn the kernel off or on (tests compare the general code with it; WASM_COREDUMP_NO_KERNEL=1 starts with it off). */
export function setKernelEnabled(on: boolean): void { enabled = on; }
if (typeof process !== 'undefined' && process.env?.WASM_COREDUMP_NO_KERNEL === '1') enabled = false;

function load(): Kernel | null {
  try {
    // Node's native base64 decoder where there is one (a cold JavaScript decode of the 5 KB costs about 0.5 ms per process)
    const native = (globalThis as { Buffer?: { from(s: string, encoding: 'base64'): Uint8Array } }).Buffer;
    let bytes: Uint8Array;
    if (native) bytes = native.from(KERNEL_WASM_BASE64, 'base64');
    else {
      const decoded = decodeBase64(KERNEL_WASM_BASE64);
      if ('bad' in decoded) return null;
      bytes = decoded.bytes;
    }
    const wa = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
    if (!wa) return null;
    const inst = new wa.Instance(new wa.Module(bytes), {});
    const x = inst.exports as unknown as { memory: KernelMemory; skim: Kernel['skim']; lines: Kernel['lines']; subprograms: Kernel['subprograms']; abbrevs: Kernel['abbrevs']; heapBase(): number };
    return { memory: x.memory, base: (x.heapBase() + 15) & ~15, skim: x.skim, lines: x.lines, subprograms: x.subprograms, abbrevs: x.abbrevs };
  } catch {
    return null;
  }
}

/**
 * Run `f` with the kernel and at least `bytes` of scratch memory from
 * `k.base` (undefined kernel when unavailable, or when a walk is already
 * using it). The instance is replaced after a walk that needed a lot of
 * memory, or that trapped (a trap means a bug or memory it could not get:
 * the caller's general code then does the work).
 */
export function withKernel<T>(bytes: number, f: (k: Kernel | undefined) => T): T {
  if (instance === undefined) instance = load();
  const k = instance;
  if (!k || busy || !enabled || !reserve(k, bytes)) return f(undefined);
  busy = true;
  try {
    return f(k);
  } finally {
    busy = false;
    if (k.memory.buffer.byteLength > KEEP_BYTES) instance = undefined;
  }
}

/** Make sure the scratch area holds `bytes` from `base`; false if the memory cannot grow that far. */
export function reserve(k: Kernel, bytes: number): boolean {
  const need = k.base + bytes, have = k.memory.buffer.byteLength;
  if (need <= have) return true;
  if (need > 0xffff0000) return false;
  try { k.memory.grow(Math.ceil((need - have) / PAGE)); return true; } catch { return false; }
}

/** Drop the instance (after a trap: its memory may be in any state). */
export function dropKernel(): void { instance = undefined; }
