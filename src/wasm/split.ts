/**
 * split-debug: move a module's DWARF (`.debug_*` custom sections) into a
 * separate debug file.
 *
 * - The stripped module is the original with every `.debug_*` section (and
 *   any `external_debug_info`) left out, every other section copied byte for
 *   byte in its place, then `build_id` (when the module had none) and
 *   `external_debug_info` naming the debug file appended at the end. Since
 *   DWARF sections come after the code section in every producer's output,
 *   and new sections are appended, the code section normally keeps its file
 *   offset; DWARF addresses are code-section relative anyway.
 * - The debug file is a Wasm module of custom sections only: the same
 *   `build_id`, then the `.debug_*` sections in their original order (bytes
 *   unchanged), so llvm-dwarfdump reads the same DWARF from it.
 *
 * The id used when the module has no build_id is chosen by the caller (the
 * CLI takes the first 16 bytes of the SHA-256 of the original module), so
 * this stays free of host APIs.
 */
import { WasmCoreError } from '../util/errors';
import { SectionId } from './sections';
import { WasmModule, toHex } from './module';
import { assemble, buildIdContent, customSectionBytes, externalDebugInfoContent, isDwarfSection, sectionBytes } from './rewrite';

export interface SplitOptions {
  /** Id bytes to add when the module has no build_id section. */
  newBuildId: Uint8Array;
  /**
   * What the stripped module's external_debug_info names (a path relative to
   * the stripped module, or a URL); undefined: no external_debug_info (the
   * debug file is found by build id only).
   */
  externalDebugInfo?: string;
}

export interface SplitResult {
  stripped: Uint8Array;
  debug: Uint8Array;
  /** Lowercase hex of the build id both files carry. */
  buildId: string;
  /** True when the module had no build_id and one was added. */
  addedBuildId: boolean;
  /** Bytes of the `.debug_*` sections (headers included). */
  dwarfBytes: number;
  /** Names of the sections moved, in order. */
  movedSections: string[];
}

export function splitDebug(m: WasmModule, opts: SplitOptions): SplitResult {
  if (!m.section(SectionId.Code)) throw new WasmCoreError('E_UNSUPPORTED', `${m.file}: module has no code section: nothing to split debug info from`, { file: m.file });
  const dwarf = m.sections.filter((s) => s.id === SectionId.Custom && isDwarfSection(s.customName));
  if (dwarf.length === 0) throw new WasmCoreError('E_NOT_FOUND', `${m.file}: module has no .debug_* sections (already stripped?)`, { file: m.file });
  const had = m.customSections('build_id')[0];
  const buildId = had ? m.buildId! : toHex(opts.newBuildId);
  const idSection = had ? sectionBytes(m, had) : customSectionBytes('build_id', buildIdContent(opts.newBuildId));

  const keep: Uint8Array[] = [];
  for (const s of m.sections) {
    if (s.id === SectionId.Custom && (isDwarfSection(s.customName) || s.customName === 'external_debug_info')) continue;
    keep.push(sectionBytes(m, s));
  }
  if (!had) keep.push(idSection);
  if (opts.externalDebugInfo !== undefined) keep.push(customSectionBytes('external_debug_info', externalDebugInfoContent(opts.externalDebugInfo)));

  const moved = dwarf.map((s) => sectionBytes(m, s));
  const dwarfBytes = moved.reduce((n, b) => n + b.length, 0);
  return {
    stripped: assemble(keep),
    debug: assemble([idSection, ...moved]),
    buildId,
    addedBuildId: !had,
    dwarfBytes,
    movedSections: dwarf.map((s) => s.customName!),
  };
}

/** "4.5 MiB", "313 KiB", "812 B". */
export function formatSize(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KiB`;
  return `${(n / 1048576).toFixed(1)} MiB`;
}
