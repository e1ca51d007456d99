import { ByteReader } from '../util/reader';
import { FormatError } from '../util/errors';
import type { WasmModule } from '../wasm/module';
import type { EnsureFn, PeekFn } from '../util/lazy';

/** One `.debug_*` section: a window (no copy) into the bytes of the file that holds it. */
export interface DwarfSection {
  /** Section name as in the file, e.g. '.debug_info' or '.debug_info.dwo'. */
  readonly name: string;
  readonly bytes: Uint8Array;
  /** File the section lives in (for error messages). */
  readonly file: string;
  /** Absolute file offset of the section content (section-relative offset 0). */
  readonly base: number;
  readonly size: number;
  /** Loader of lazily filled `bytes` (absolute offsets), absent when the bytes are complete. */
  readonly ensure?: EnsureFn;
  /** Copy of a range of lazily filled `bytes` without filling them (see src/util/lazy.ts). */
  readonly peek?: PeekFn;
}

export const DWARF_SECTION_NAMES = [
  '.debug_info', '.debug_types', '.debug_abbrev', '.debug_str', '.debug_line_str', '.debug_str_offsets',
  '.debug_addr', '.debug_ranges', '.debug_rnglists', '.debug_aranges', '.debug_loc', '.debug_loclists',
  '.debug_line', '.debug_frame', '.debug_names', '.debug_pubnames', '.debug_pubtypes', '.debug_macro', '.debug_macinfo',
  '.debug_cu_index', '.debug_tu_index',
  '.debug_info.dwo', '.debug_types.dwo', '.debug_abbrev.dwo', '.debug_str.dwo', '.debug_str_offsets.dwo',
  '.debug_line.dwo', '.debug_loc.dwo', '.debug_loclists.dwo', '.debug_rnglists.dwo', '.debug_macro.dwo',
] as const;

/**
 * The DWARF sections of one file. Offsets handed to `reader()` are
 * section-relative (as inside DWARF); readers report absolute file offsets
 * in errors, with the section name.
 */
export class DwarfSections {
  private readonly map = new Map<string, DwarfSection>();
  /** Split-DWARF package (`.dwp`) or `.dwo` sections belonging to this file's skeleton units. */
  split?: DwarfSections;

  constructor(readonly file: string, sections: Iterable<DwarfSection> = []) {
    for (const s of sections) if (!this.map.has(s.name)) this.map.set(s.name, s);
  }

  /** The `.debug_*` custom sections of a Wasm module (or of a separate debug file / `.dwp`, also Wasm containers). */
  static fromModule(m: WasmModule): DwarfSections {
    const out: DwarfSection[] = [];
    for (const s of m.sections) {
      if (s.customName !== undefined && s.customName.startsWith('.debug_')) {
        out.push({ name: s.customName, bytes: m.unloadedBytes, file: m.file, base: s.contentStart, size: s.end - s.contentStart, ensure: m.ensure, peek: m.peek });
      }
    }
    return new DwarfSections(m.file, out);
  }

  /** Sections from raw, section-sized buffers (tests, generators). */
  static fromBuffers(file: string, buffers: Record<string, Uint8Array>): DwarfSections {
    const out: DwarfSection[] = [];
    for (const [name, b] of Object.entries(buffers)) out.push({ name, bytes: b, file, base: 0, size: b.length });
    return new DwarfSections(file, out);
  }

  get(name: string): DwarfSection | undefined { return this.map.get(name); }
  has(name: string): boolean { return this.map.has(name); }
  get names(): string[] { return [...this.map.keys()]; }
  /** True if there is anything to symbolize with (.debug_info or .debug_line). */
  get hasDebugInfo(): boolean { return this.map.has('.debug_info') || this.map.has('.debug_line'); }

  /**
   * A reader over the whole section, positioned at section-relative `offset`.
   * Throws if the section is absent or offset outside. For lazily loaded
   * bytes, `length` bounds what the caller will read from `offset` (only
   * that is loaded); without it the whole section is loaded.
   */
  reader(name: string, offset = 0, length?: number): ByteReader {
    const s = this.map.get(name);
    if (!s) throw new FormatError(`section ${name} is missing`, { file: this.file, section: name }, 'E_NOT_FOUND');
    const r = new ByteReader(s.bytes, s.file, name, s.base, s.base + s.size);
    if (offset < 0 || offset > s.size) r.fail(`offset 0x${offset.toString(16)} outside ${name} (size 0x${s.size.toString(16)})`, s.base);
    if (s.ensure) this.load(s, offset, length);
    r.pos = s.base + offset;
    return r;
  }

  /** Make [offset, offset + length) of a section valid (the whole section without `length`); no-op for complete bytes or a missing section. */
  ensure(name: string, offset = 0, length?: number): void {
    const s = this.map.get(name);
    if (s?.ensure && offset >= 0 && offset <= s.size) this.load(s, offset, length);
  }

  private readonly complete = new Set<DwarfSection>();
  private load(s: DwarfSection, offset: number, length: number | undefined): void {
    if (this.complete.has(s)) return;
    if (length === undefined) { s.ensure!(s.base, s.base + s.size); this.complete.add(s); return; }
    s.ensure!(s.base + offset, s.base + Math.min(s.size, offset + length));
  }

  /** The NUL-terminated string at section-relative `offset` (loading only the pages it spans). */
  cstr(name: string, offset: number): string {
    // names repeat (a namespace qualifies hundreds of functions, units share a comp_dir): decode each string once
    let cache = this.strings.get(name);
    if (!cache) this.strings.set(name, (cache = new Map()));
    let v = cache.get(offset);
    if (v === undefined) {
      v = this.readCstr(name, offset);
      if (cache.size < 100_000) cache.set(offset, v);
    }
    return v;
  }
  private readonly strings = new Map<string, Map<number, string>>();

  private readCstr(name: string, offset: number): string {
    const s = this.map.get(name);
    if (s?.ensure && !this.complete.has(s) && offset >= 0 && offset < s.size) {
      // load a short window first; the whole rest of the section only for a string that runs past it
      const end = Math.min(s.size, offset + 256);
      s.ensure(s.base + offset, s.base + end);
      const nul = s.bytes.indexOf(0, s.base + offset);
      if (nul < 0 || nul >= s.base + end) return this.reader(name, offset, s.size - offset).cstr();
      return this.reader(name, offset, end - offset).cstr();
    }
    return this.reader(name, offset).cstr();
  }

  /** Section-relative offset of a reader position in section `name`. */
  rel(name: string, absPos: number): number { return absPos - (this.map.get(name)?.base ?? 0); }

  /** A sub-window of a section (e.g. a `.dwp` contribution), as its own section object. */
  static slice(s: DwarfSection, offset: number, size: number): DwarfSection {
    if (offset < 0 || size < 0 || offset + size > s.size) {
      throw new FormatError(`contribution [0x${offset.toString(16)}, +0x${size.toString(16)}) outside ${s.name}`, { file: s.file, section: s.name, offset: s.base + offset });
    }
    return { name: s.name, bytes: s.bytes, file: s.file, base: s.base + offset, size, ensure: s.ensure, peek: s.peek };
  }
}
