/**
 * Helpers shared by the module transforms (split-debug, instrument): copy a
 * module section by section, encode custom sections and the tool-conventions
 * `build_id` / `external_debug_info` payloads. Section bytes that are not
 * rewritten are copied verbatim (function bodies in particular).
 */
import { WasmEncoder, WASM_HEADER } from '../coredump/writer';
import { FormatError } from '../util/errors';
import { SectionHeader } from './sections';
import { WasmModule } from './module';

/** The raw bytes of a section, header included (id byte, size LEB, payload). */
export function sectionBytes(m: WasmModule, s: SectionHeader): Uint8Array {
  m.ensureSection(s);
  return m.unloadedBytes.subarray(s.headerStart, s.end);
}

/** A custom section, header included. */
export function customSectionBytes(name: string, content: Uint8Array): Uint8Array {
  return new WasmEncoder().customSection(name, new WasmEncoder().bytes(content)).finish();
}

/** BuildId.md: the id as a length-prefixed byte vector (as LLVM, binaryen and emscripten write it). */
export function buildIdContent(id: Uint8Array): Uint8Array {
  return new WasmEncoder().u32(id.length).bytes(id).finish();
}

/** external_debug_info: a `name` (length-prefixed UTF-8) holding a URL or path. */
export function externalDebugInfoContent(path: string): Uint8Array {
  return new WasmEncoder().name(path).finish();
}

/** Concatenate the Wasm header and the given section byte runs into one module. */
export function assemble(parts: Uint8Array[]): Uint8Array {
  let n = WASM_HEADER.length;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  out.set(WASM_HEADER, 0);
  let o = WASM_HEADER.length;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

export function hexToBytes(hex: string, what = 'build id'): Uint8Array {
  if (!/^([0-9a-f]{2})+$/i.test(hex)) throw new FormatError(`${what} '${hex}' is not an even number of hex digits`, {});
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export const isDwarfSection = (name: string | undefined): boolean => name !== undefined && name.startsWith('.debug_');
