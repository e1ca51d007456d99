import { ByteReader } from '../util/reader';
import { FormatError } from '../util/errors';
import { CodeAddr, FileOffset, codeAddr, fileOffset } from '../util/offsets';
import { SectionHeader, SectionId, indexSections, sectionReader, requireEnd } from './sections';
import { NameSection, parseNameSection } from './names';
import { ValType, readValType } from './valtypes';
import { skipConstExpr } from './instr';
import { EnsureFn, PeekFn, loaderOf, peekerOf } from '../util/lazy';

export type { ValType, HeapType } from './valtypes';
export { valTypeName, readValType, readHeapType } from './valtypes';
export { skipConstExpr } from './instr';

/**
 * A type section entry. GC struct/array types have `kind` set and empty
 * params/results (they are not function types).
 */
export interface FuncType { params: ValType[]; results: ValType[]; kind?: 'func' | 'struct' | 'array' }

export interface Import { module: string; field: string; kind: 'func' | 'table' | 'memory' | 'global' | 'tag'; typeIndex?: number }

export interface FunctionBody {
  /** Function index (imports included). */
  index: number;
  /** File offset of the body size LEB. */
  sizeStart: FileOffset;
  /** File offset of the first byte of the body (after the size LEB): where wasmtime/V8 measure from, = DWARF low_pc. */
  bodyStart: FileOffset;
  /** File offset of the first instruction (after locals declarations). */
  firstInstr: FileOffset;
  /** File offset one past the body's last byte (the final `end` opcode included). */
  end: FileOffset;
  /** Declared locals (excluding params), as (count, type) runs. */
  localRuns: Array<{ count: number; type: ValType }>;
}

export interface MemoryType { min: number; max?: number; memory64: boolean; shared: boolean; /** custom-page-sizes proposal; default 16 (64 KiB) */ pageSizeLog2?: number }
export interface GlobalType { type: ValType; mutable: boolean }

const MAX_FUNCS = 10_000_000;

/**
 * A Wasm module, indexed lazily: the section headers are read eagerly (cheap),
 * everything else on first use and cached. Holds views into the original bytes.
 */
export class WasmModule {
  readonly sections: SectionHeader[];
  private _types?: FuncType[];
  private _imports?: Import[];
  private _funcImports?: Import[];
  private _funcTypeIdx?: number[];
  private _bodies?: FunctionBody[];
  private _names?: NameSection;
  private _memories?: MemoryType[];
  private _globals?: GlobalType[];
  private _exports?: Array<{ name: string; kind: number; index: number }>;

  /**
   * Loader of lazily filled bytes (src/util/lazy.ts), undefined for complete
   * bytes. Only the `.debug_*` sections stay lazy (DwarfSections ensures what
   * it reads); every other section is read here, so code that reads
   * `bytes` directly (decoder, disassembly) sees real data.
   */
  readonly ensure?: EnsureFn;
  /** Copying reads of lazily filled bytes (src/util/lazy.ts). */
  readonly peek?: PeekFn;
  private readonly _bytes: Uint8Array;
  /** Lazily filled bytes: the Code section, read on first use of `bytes` or of a reader over it. */
  private _lazyCode?: SectionHeader;

  constructor(bytes: Uint8Array, readonly file: string) {
    this._bytes = bytes;
    const ensure = loaderOf(bytes);
    this.sections = indexSections(bytes, file, ensure);
    if (ensure) {
      this.ensure = ensure;
      this.peek = peekerOf(bytes);
      for (const s of this.sections) {
        if (s.customName?.startsWith('.debug_')) continue;
        if (s.id === SectionId.Code && s.end - s.headerStart > 65536) { this._lazyCode = s; continue; }
        ensure(s.headerStart, s.end);
      }
    }
  }

  /** The file's bytes (for lazily filled bytes: everything but the `.debug_*` sections is valid). */
  get bytes(): Uint8Array {
    if (this._lazyCode) { this.ensureSection(this._lazyCode); this._lazyCode = undefined; }
    return this._bytes;
  }

  /**
   * The buffer without loading anything: for readers that ensure what they
   * read themselves (DwarfSections). Same as `bytes` for complete bytes.
   */
  get unloadedBytes(): Uint8Array { return this._bytes; }

  /** Make a section's bytes valid (no-op for complete bytes). */
  ensureSection(s: SectionHeader): void { this.ensure?.(s.headerStart, s.end); }

  section(id: SectionId): SectionHeader | undefined {
    return this.sections.find((s) => s.id === id);
  }

  /** All custom sections with this name (core dumps have one `corestack` per thread). */
  customSections(name: string): SectionHeader[] {
    return this.sections.filter((s) => s.id === SectionId.Custom && s.customName === name);
  }

  /** Content (view, no copy) of the first custom section with this name. */
  customSection(name: string): Uint8Array | undefined {
    const s = this.customSections(name)[0];
    if (s) this.ensureSection(s);
    return s ? this._bytes.subarray(s.contentStart, s.end) : undefined;
  }

  /** File offset of the Code section payload start: DWARF address 0. */
  get codeSectionStart(): FileOffset | undefined {
    if (this._codeStart === undefined) this._codeStart = this.section(SectionId.Code)?.payloadStart ?? null;
    return this._codeStart ?? undefined;
  }
  private _codeStart?: FileOffset | null;

  reader(s: SectionHeader): ByteReader { this.ensureSection(s); return sectionReader(this._bytes, this.file, s); }

  get types(): FuncType[] {
    if (this._types) return this._types;
    const out: FuncType[] = [];
    const s = this.section(SectionId.Type);
    if (s) {
      const r = this.reader(s);
      const n = r.count('type', 1);
      for (let i = 0; i < n; i++) {
        // GC proposal: a rec group holds several types, each taking its own type index
        if (r.peekU8() === 0x4e) {
          r.u8();
          const m = r.count('rec group member', 1);
          for (let j = 0; j < m; j++) out.push(this.readSubType(r));
        } else {
          out.push(this.readSubType(r));
        }
      }
      requireEnd(r);
    }
    return (this._types = out);
  }

  private readSubType(r: ByteReader): FuncType {
    let form = r.u8();
    if (form === 0x50 || form === 0x4f) { // sub / sub final
      const n = r.count('supertype', 1);
      for (let i = 0; i < n; i++) r.uleb32();
      form = r.u8();
    }
    if (form === 0x60) {
      const np = r.count('param', 1);
      const params: ValType[] = [];
      for (let i = 0; i < np; i++) params.push(readValType(r));
      const nr = r.count('result', 1);
      const results: ValType[] = [];
      for (let i = 0; i < nr; i++) results.push(readValType(r));
      return { params, results };
    }
    if (form === 0x5f) { // struct
      const n = r.count('field', 2);
      for (let i = 0; i < n; i++) { this.readStorageType(r); r.u8(); }
      return { params: [], results: [], kind: 'struct' };
    }
    if (form === 0x5e) { // array
      this.readStorageType(r); r.u8();
      return { params: [], results: [], kind: 'array' };
    }
    return r.fail(`unknown type form 0x${form.toString(16)}`, r.pos - 1);
  }

  private readStorageType(r: ByteReader): void {
    const b = r.peekU8();
    if (b === 0x78 || b === 0x77) { r.u8(); return; } // i8, i16
    readValType(r);
  }

  get imports(): Import[] {
    if (this._imports) return this._imports;
    const out: Import[] = [];
    const s = this.section(SectionId.Import);
    if (s) {
      const r = this.reader(s);
      const n = r.count('import', 3);
      for (let i = 0; i < n; i++) {
        const module = r.name();
        const field = r.name();
        const kind = r.u8();
        switch (kind) {
          case 0: out.push({ module, field, kind: 'func', typeIndex: r.uleb32() }); break;
          case 1: readValType(r); readLimits(r); out.push({ module, field, kind: 'table' }); break;
          case 2: readLimits(r); out.push({ module, field, kind: 'memory' }); break;
          case 3: readValType(r); r.u8(); out.push({ module, field, kind: 'global' }); break;
          case 4: r.u8(); r.uleb32(); out.push({ module, field, kind: 'tag' }); break;
          default: r.fail(`unknown import kind ${kind}`, r.pos - 1);
        }
      }
      requireEnd(r);
    }
    return (this._imports = out);
  }

  /** Imported functions, in function index order. */
  get functionImports(): Import[] {
    return (this._funcImports ??= this.imports.filter((i) => i.kind === 'func'));
  }

  get importedFunctionCount(): number { return this.functionImports.length; }
  get importedGlobalCount(): number { return this.imports.filter((i) => i.kind === 'global').length; }
  get importedMemoryCount(): number { return this.imports.filter((i) => i.kind === 'memory').length; }

  /** Type index of each defined (non-imported) function. */
  get functionTypeIndices(): number[] {
    if (this._funcTypeIdx) return this._funcTypeIdx;
    const out: number[] = [];
    const s = this.section(SectionId.Function);
    if (s) {
      const r = this.reader(s);
      const n = r.count('function', 1, MAX_FUNCS);
      for (let i = 0; i < n; i++) out.push(r.uleb32());
      requireEnd(r);
    }
    return (this._funcTypeIdx = out);
  }

  /** Type of function `index` (imports included), if known. */
  funcType(index: number): FuncType | undefined {
    const nImp = this.importedFunctionCount;
    let ti: number | undefined;
    if (index < 0) return undefined;
    if (index < nImp) ti = this.functionImports[index].typeIndex;
    else ti = this.functionTypeIndices[index - nImp];
    return ti === undefined ? undefined : this.types[ti];
  }

  get functionCount(): number { return this.importedFunctionCount + this.functionTypeIndices.length; }

  /** Function bodies of the Code section (defined functions only), in order. */
  get bodies(): FunctionBody[] {
    if (this._bodies) return this._bodies;
    const out: FunctionBody[] = [];
    const s = this.section(SectionId.Code);
    if (s) {
      const r = this.reader(s);
      const n = r.count('function body', 2, MAX_FUNCS);
      const nImp = this.importedFunctionCount;
      for (let i = 0; i < n; i++) {
        const sizeStart = r.pos;
        const size = r.uleb32();
        const bodyStart = r.pos;
        if (size > r.remaining) r.fail(`function body ${nImp + i} size ${size} runs past the end of the code section`, sizeStart);
        const br = r.window(bodyStart, bodyStart + size);
        const nRuns = br.count('local declaration', 2);
        const localRuns: Array<{ count: number; type: ValType }> = [];
        let total = 0;
        for (let j = 0; j < nRuns; j++) {
          const c = br.uleb32();
          total += c;
          if (total > 50_000) br.fail(`too many locals (${total})`, br.pos, 'E_LIMIT');
          localRuns.push({ count: c, type: readValType(br) });
        }
        out.push({
          index: nImp + i,
          sizeStart: fileOffset(sizeStart),
          bodyStart: fileOffset(bodyStart),
          firstInstr: fileOffset(br.pos),
          end: fileOffset(bodyStart + size),
          localRuns,
        });
        r.pos = bodyStart + size;
      }
      requireEnd(r);
    }
    return (this._bodies = out);
  }

  /** Body of function `index` (imports included); undefined for imported functions or out of range. */
  body(index: number): FunctionBody | undefined {
    const i = index - this.importedFunctionCount;
    return i >= 0 ? this.bodies[i] : undefined;
  }

  /** Convert a file offset inside the Code section to the DWARF address space. */
  toCodeAddr(off: FileOffset): CodeAddr {
    const cs = this.codeSectionStart;
    if (cs === undefined) throw new FormatError('module has no code section', { file: this.file, section: 'code' });
    return codeAddr(off - cs);
  }
  toFileOffset(addr: CodeAddr): FileOffset {
    const cs = this.codeSectionStart;
    if (cs === undefined) throw new FormatError('module has no code section', { file: this.file, section: 'code' });
    return fileOffset(addr + cs);
  }

  /** Function whose body contains this code address (binary search). */
  functionAt(addr: CodeAddr): FunctionBody | undefined {
    const off = this.toFileOffset(addr);
    const b = this.bodies;
    let lo = 0, hi = b.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (off < b[mid].sizeStart) hi = mid - 1;
      else if (off >= b[mid].end) lo = mid + 1;
      else return b[mid];
    }
    return undefined;
  }

  get names(): NameSection {
    if (this._names) return this._names;
    const s = this.customSections('name')[0];
    let names: NameSection = { functions: new Map(), locals: new Map(), globals: new Map() };
    if (s) {
      try {
        names = parseNameSection(this.reader(s));
      } catch (e) {
        // A broken name section must not make the module unreadable: names are optional.
        names.error = e instanceof Error ? e.message : String(e);
      }
    }
    return (this._names = names);
  }

  functionName(index: number): string | undefined {
    const n = this.names.functions.get(index);
    if (n !== undefined) return n;
    const imp = index >= 0 && index < this.importedFunctionCount ? this.functionImports[index] : undefined;
    if (imp) return `${imp.module}.${imp.field}`;
    return undefined;
  }

  get memories(): MemoryType[] {
    if (this._memories) return this._memories;
    const out: MemoryType[] = [];
    const s = this.section(SectionId.Memory);
    if (s) {
      const r = this.reader(s);
      const n = r.count('memory', 2, 100_000);
      for (let i = 0; i < n; i++) out.push(readLimits(r));
      requireEnd(r);
    }
    return (this._memories = out);
  }

  /** Defined globals' types (not imports); values are read by the core dump reader for core dumps. */
  get globals(): GlobalType[] {
    if (this._globals) return this._globals;
    const out: GlobalType[] = [];
    const s = this.section(SectionId.Global);
    if (s) {
      const r = this.reader(s);
      const n = r.count('global', 3, 1_000_000);
      for (let i = 0; i < n; i++) {
        const type = readValType(r);
        const mutable = r.u8() === 1;
        out.push({ type, mutable });
        skipConstExpr(r);
      }
      requireEnd(r);
    }
    return (this._globals = out);
  }

  get exports(): Array<{ name: string; kind: number; index: number }> {
    if (this._exports) return this._exports;
    const out: Array<{ name: string; kind: number; index: number }> = [];
    const s = this.section(SectionId.Export);
    if (s) {
      const r = this.reader(s);
      const n = r.count('export', 3);
      for (let i = 0; i < n; i++) out.push({ name: r.name(), kind: r.u8(), index: r.uleb32() });
      requireEnd(r);
    }
    return (this._exports = out);
  }

  /**
   * The build_id custom section's id bytes, as lowercase hex. BuildId.md
   * writes a length-prefixed byte vector (LLVM, binaryen, emscripten); some
   * older producers (e.g. symbolic's Rust fixtures) wrote the raw bytes. The
   * prefixed reading is used when its length matches the section exactly,
   * otherwise the whole content is the id.
   */
  get buildId(): string | undefined {
    const s = this.customSections('build_id')[0];
    if (!s) return undefined;
    this.ensureSection(s);
    const content = this._bytes.subarray(s.contentStart, s.end);
    let len = 0, shift = 0, i = 0;
    for (; i < content.length && i < 5; i++) {
      len += (content[i] & 0x7f) * 2 ** shift;
      shift += 7;
      if ((content[i] & 0x80) === 0) break;
    }
    if (i < content.length && (content[i] & 0x80) === 0 && len === content.length - i - 1) return toHex(content.subarray(i + 1));
    return toHex(content);
  }

  /** external_debug_info: a URL or path. */
  get externalDebugInfo(): string | undefined {
    const s = this.customSections('external_debug_info')[0];
    return s ? this.reader(s).name() : undefined;
  }

  /** Names of all custom sections, in file order. */
  get customSectionNames(): string[] {
    return this.sections.filter((s) => s.id === SectionId.Custom).map((s) => s.customName as string);
  }
}

export function readLimits(r: ByteReader): MemoryType {
  const at = r.pos;
  const flags = r.u8();
  if (flags > 15) r.fail(`bad limits flags 0x${flags.toString(16)}`, at);
  const memory64 = (flags & 4) !== 0;
  const shared = (flags & 2) !== 0;
  const min = memory64 ? Number(r.uleb64()) : r.uleb32();
  const max = flags & 1 ? (memory64 ? Number(r.uleb64()) : r.uleb32()) : undefined;
  const out: MemoryType = { min, max, memory64, shared };
  if (flags & 8) {
    const pAt = r.pos;
    const p = r.uleb32();
    if (p > 16) r.fail(`bad page size log2 ${p}`, pAt);
    out.pageSizeLog2 = p;
  }
  return out;
}

/** Convenience: parse a module from bytes. */
export function readModule(bytes: Uint8Array, file: string): WasmModule {
  return new WasmModule(bytes, file);
}

export function toHex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}
