/**
 * Where a frame's code offset points in its module: the DWARF code address
 * and the module file offset. The core dump's normalisation
 * (src/coredump/normalise.ts) decides the producer's convention and sets
 * `frame.codeAddr`; a frame it could not place stays unavailable.
 */
import type { Frame } from '../coredump/model';
import type { WasmModule } from '../wasm/module';

export interface Located {
  codeAddr?: number;
  moduleOffset?: number;
  /** Why the location is unavailable, when it is. */
  problem?: string;
}

export function locateFrame(f: Frame, m: WasmModule | undefined): Located {
  if (!m) return { problem: 'module not available' };
  const cs = m.codeSectionStart;
  if (cs === undefined) return { problem: `module ${m.file} has no code section` };
  if (f.codeAddr === undefined) return { problem: `code offset 0x${f.rawCodeOffset.toString(16)} does not land on an instruction of function ${f.funcIndex}` };
  return { codeAddr: f.codeAddr, moduleOffset: f.codeAddr + cs };
}
