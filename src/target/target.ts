/**
 * PostMortemTarget: one object that joins the core dump, the modules, their
 * symbols and the variables, and answers what a debugger front end asks:
 * threads, frames, scopes, evaluate, memory, disassembly, the trap.
 * Pure: bytes in (resolved by host/), model out.
 */
import { readCoreDump, CoreDump } from '../coredump/reader';
import type { Frame } from '../coredump/model';
import { WasmModule } from '../wasm/module';
import { WasmCoreError } from '../util/errors';
import { FrameInfo, MemoryLocation, MemoryReadResult, ModuleInfo, ScopeInfo, ThreadInfo, TrapInfo, ValueNode } from './model';
import { inferTrap, maxRepeat } from './trap';
import { lookupWasmName, wasmScope } from './wasmScope';
import { locateFrame, Located } from './locate';
import { normaliseFrames, NormalisationReport } from '../coredump/normalise';
import { disassembleWindow, watFunction, WatFunction } from './disasm';
import { DisassembledInstruction, SourceLocation } from './model';
import { Symbolizer, SymFrame } from '../symbols/symbolizer';
import { DwarfSections } from '../dwarf/sections';
import type { WasmSourceMap } from '../wasmmap/decode';
import { codeAddr } from '../util/offsets';
import { mapSourcePath } from './sourceMap';
import { ThreadValues } from '../values';
import { threadFrameInputs } from '../values/fromcore';
import { toScopeInfo, toValueNode } from './variables';

export interface FileBytes { bytes: Uint8Array; file: string }

export interface TargetOptions {
  /** Build path prefix → local prefix. */
  sourceMap?: Record<string, string>;
  /** Separate debug info per module index (from host/debugfiles.ts), used instead of the module's own sections. */
  debugSections?: Array<DwarfSections | undefined>;
  /** Wasm source map per module index (src/wasmmap/), used where a module has no DWARF. */
  wasmSourceMaps?: Array<WasmSourceMap | undefined>;
  /** Where each module's DWARF came from ('module', 'debug file X', ...), for `modules`. */
  debugOrigins?: Array<string | undefined>;
  /**
   * Where a source file is on this machine, given its path after `sourceMap`
   * (the adapter searches near the core dump and the modules); returns the
   * path unchanged when it knows no better. The library itself reads no files.
   */
  resolveSource?: (mappedPath: string) => string;
  /** The symbolizer of a module index, when the caller already made them (host/openCrash.ts shares its own). */
  symbolizers?: (moduleIndex: number) => Symbolizer | undefined;
}

export interface TargetInput extends TargetOptions {
  coreDump: FileBytes;
  /** Modules by core dump module index (`coremodules` order); undefined = not available. */
  modules: Array<FileBytes | undefined>;
  valueEncoding?: 'auto' | 'leb' | 'fixed';
}

/** Cap on the files `loadedSources` lists. */
const MAX_SOURCE_FILES = 20_000;

interface Expansion { frames: FrameInfo[]; syms: Array<SymFrame | undefined>; nextPhysical: number }

export class PostMortemTarget {
  readonly normalisation: NormalisationReport;
  private readonly locCache = new Map<number, Located[]>();
  private readonly watCache = new Map<string, WatFunction>();
  private readonly symbolizers = new Map<number, Symbolizer>();
  private readonly expansions = new Map<number, Expansion>();
  private readonly valueCache = new Map<number, ThreadValues>();
  private _lineFiles?: Array<{ path: string; source?: string }>;
  private _trap?: TrapInfo;

  /** From bytes (tests, the CLI): parses the core dump and the modules. */
  static fromBytes(input: TargetInput): PostMortemTarget {
    const core = readCoreDump(input.coreDump.bytes, input.coreDump.file, { valueEncoding: input.valueEncoding ?? 'auto' });
    return new PostMortemTarget(core, input.modules.map((fb) => (fb ? new WasmModule(fb.bytes, fb.file) : undefined)), input);
  }

  constructor(readonly core: CoreDump, readonly modules: Array<WasmModule | undefined>, readonly options: TargetOptions = {}) {
    const known = new Map<number, WasmModule>();
    modules.forEach((m, i) => { if (m) known.set(i, m); });
    this.normalisation = normaliseFrames(core, known);
    this.checkModules();
  }

  /** Each module must have the functions and code offsets the frames name. */
  private checkModules(): void {
    for (const t of this.core.threads) {
      for (const f of t.frames) {
        const mi = this.moduleIndexOf(f);
        const m = mi === undefined ? undefined : this.modules[mi];
        if (!m) continue;
        // bodies are already decoded by the normalisation; the function section need not be
        const count = m.importedFunctionCount + m.bodies.length;
        if (f.funcIndex >= count) {
          throw new WasmCoreError('E_MISMATCH',
            `module ${m.file} does not match the core dump: frame #${f.index} of thread '${t.name}' is in function ${f.funcIndex}, ` +
            `but the module has ${count} functions. Give the .wasm file the dump was taken from.`, { file: m.file });
        }
      }
    }
  }

  moduleIndexOf(f: Frame): number | undefined {
    const inst = this.core.instances[f.instanceIndex];
    if (inst) return inst.moduleIndex;
    return this.core.instances.length === 0 ? 0 : undefined;
  }

  moduleName(mi: number | undefined): string {
    if (mi === undefined) return '<unknown module>';
    return this.core.modules[mi] ?? `module${mi}`;
  }

  threads(): ThreadInfo[] {
    return this.core.threads.map((t, index) => ({ index, name: t.name || `thread ${index}`, frameCount: t.frames.length }));
  }

  private located(threadIndex: number): Located[] {
    let l = this.locCache.get(threadIndex);
    if (!l) {
      const t = this.core.threads[threadIndex];
      if (!t) throw new WasmCoreError('E_ARGUMENT', `no thread ${threadIndex} (the core dump has ${this.core.threads.length})`);
      l = t.frames.map((f) => {
        const mi = this.moduleIndexOf(f);
        return locateFrame(f, mi === undefined ? undefined : this.modules[mi]);
      });
      this.locCache.set(threadIndex, l);
    }
    return l;
  }

  /** The symbolizer of a module (lazy; undefined when the module is not loaded). */
  symbolizer(mi: number | undefined): Symbolizer | undefined {
    const m = this.module(mi);
    if (!m || mi === undefined) return undefined;
    let s = this.symbolizers.get(mi);
    if (!s) {
      s = this.options.symbolizers?.(mi) ?? new Symbolizer(m, this.options.debugSections?.[mi], this.options.wasmSourceMaps?.[mi]);
      this.symbolizers.set(mi, s);
    }
    return s;
  }

  private toLocation(file: string | undefined, line: number, column: number): SourceLocation | undefined {
    if (!file || line <= 0) return undefined;
    return { path: this.localPath(file), originalPath: file, line, column };
  }

  /**
   * Expand physical frames (symbolize, inline chains) until `needed` frames
   * exist or the thread is exhausted. Lazy: a client that shows the top of
   * the stack pays for the units of those frames only.
   */
  private expand(threadIndex: number, needed: number): Expansion {
    const t = this.core.threads[threadIndex];
    if (!t) throw new WasmCoreError('E_ARGUMENT', `no thread ${threadIndex} (the core dump has ${this.core.threads.length})`);
    let e = this.expansions.get(threadIndex);
    if (!e) { e = { frames: [], syms: [], nextPhysical: 0 }; this.expansions.set(threadIndex, e); }
    const located = this.located(threadIndex);
    while (e.frames.length < needed && e.nextPhysical < t.frames.length) {
      const i = e.nextPhysical++;
      const f = t.frames[i];
      const mi = this.moduleIndexOf(f);
      const m = this.module(mi);
      const loc = located[i];
      const base = {
        threadIndex, physicalIndex: i, instanceIndex: f.instanceIndex, moduleIndex: mi, moduleName: this.moduleName(mi),
        funcIndex: f.funcIndex, codeAddr: loc.codeAddr, moduleOffset: loc.moduleOffset, rawCodeOffset: f.rawCodeOffset,
      };
      const sym = this.symbolizer(mi);
      const list = sym && loc.codeAddr !== undefined ? sym.symbolize(codeAddr(loc.codeAddr)) : [];
      if (list.length === 0) {
        e.frames.push({ ...base, level: e.frames.length, inlined: false, functionName: m?.functionName(f.funcIndex) ?? `func[${f.funcIndex}]`, hasDebugInfo: false });
        e.syms.push(undefined);
        continue;
      }
      for (const sf of list) {
        const location = this.toLocation(sf.file, sf.line, sf.column);
        e.frames.push({ ...base, level: e.frames.length, inlined: sf.inlined, functionName: sf.name, location, hasDebugInfo: (!!sf.die || !!sf.fromSourceMap) && !!location });
        e.syms.push(sf);
      }
    }
    return e;
  }

  /** Frames of a thread, youngest first, inlined frames expanded (all of them). */
  frames(threadIndex: number): FrameInfo[] {
    return this.expand(threadIndex, Infinity).frames;
  }

  /**
   * Frames [start, start+count) and the total: exact once every physical
   * frame is expanded, otherwise a lower bound (frames so far + physical
   * frames not yet symbolized), which DAP clients handle by asking again.
   */
  framePage(threadIndex: number, start: number, count: number): { frames: FrameInfo[]; total: number; exact: boolean } {
    const e = this.expand(threadIndex, start + count);
    const physical = this.core.threads[threadIndex].frames.length;
    const exact = e.nextPhysical >= physical;
    return { frames: e.frames.slice(start, start + count), total: e.frames.length + (physical - e.nextPhysical), exact };
  }

  /** The symbolizer's frame (DIE, unit) behind an expanded frame, for variables. */
  symFrame(threadIndex: number, level: number): SymFrame | undefined {
    return this.expand(threadIndex, level + 1).syms[level];
  }

  frame(threadIndex: number, level: number): FrameInfo {
    const fs = this.expand(threadIndex, level + 1).frames;
    const f = fs[level];
    if (!f) throw new WasmCoreError('E_ARGUMENT', `no frame ${level} in thread ${threadIndex} (it has ${fs.length})`);
    return f;
  }

  private rawFrame(fi: FrameInfo): Frame {
    return this.core.threads[fi.threadIndex].frames[fi.physicalIndex];
  }

  /** Where a frame is, as "module!function+0xOFF" (module file offset when known). */
  where(f: FrameInfo): string {
    const off = f.moduleOffset !== undefined ? `0x${f.moduleOffset.toString(16)}` : `code offset 0x${f.rawCodeOffset.toString(16)} (raw)`;
    return `${f.moduleName}!${f.functionName} @ ${off}`;
  }

  trap(threadIndex = 0): TrapInfo {
    if (threadIndex === 0 && this._trap) return this._trap;
    const t = this.core.threads[threadIndex];
    const top = t && t.frames.length ? this.frame(threadIndex, 0) : undefined;
    const raw = top ? this.rawFrame(top) : undefined;
    const mi = raw ? this.moduleIndexOf(raw) : undefined;
    const m = mi === undefined ? undefined : this.modules[mi];
    const sp = this.stackPointer(raw);
    const info = inferTrap({
      code: m && top?.moduleOffset !== undefined ? m.bytes : undefined,
      offset: top?.moduleOffset,
      stack: raw?.stack.recorded ? raw.stack.values : undefined,
      callsImport: m ? (code, at) => callsImport(m, code, at) : undefined,
      frameCount: t?.frames.length ?? 0,
      maxRecursion: maxRepeat(t?.frames.map((f) => f.funcIndex) ?? []),
      stackPointer: sp,
      memorySize: raw ? this.core.instanceMemory(raw.instanceIndex, 0)?.size : undefined,
      where: top ? this.where(top) : '<no frames>',
    });
    if (threadIndex === 0) this._trap = info;
    return info;
  }

  /** `__stack_pointer` at crash time: the global named so, else global 0 when it is a mutable i32. */
  stackPointer(raw: Frame | undefined): number | undefined {
    if (!raw) return undefined;
    const mi = this.moduleIndexOf(raw);
    const m = mi === undefined ? undefined : this.modules[mi];
    let gi: number | undefined;
    if (m) for (const [i, n] of m.names.globals) if (n === '__stack_pointer') gi = i;
    if (gi === undefined) return undefined;
    const g = this.core.instanceGlobal(raw.instanceIndex, gi);
    return g?.value?.type === 'i32' ? g.value.value >>> 0 : undefined;
  }

  /** Source-level values of a thread (lazy; one per thread). */
  values(threadIndex: number): ThreadValues {
    let tv = this.valueCache.get(threadIndex);
    if (!tv) {
      tv = new ThreadValues(threadFrameInputs(this.core, this.modules, (mi) => this.symbolizer(mi)?.dwarf, threadIndex));
      this.valueCache.set(threadIndex, tv);
    }
    return tv;
  }

  /** Arguments, Locals (Statics), Globals from the DWARF when the frame has it, then the raw "Wasm" scope. */
  scopes(threadIndex: number, level: number): ScopeInfo[] {
    const fi = this.frame(threadIndex, level);
    const raw = this.rawFrame(fi);
    const m = this.module(fi.moduleIndex);
    const scopes: ScopeInfo[] = [];
    const sym = this.symFrame(threadIndex, level);
    if (m && sym?.die) {
      for (const s of this.values(threadIndex).scopes(fi.physicalIndex, { frameDie: sym.die })) scopes.push(toScopeInfo(s, fi.instanceIndex));
    }
    scopes.push({ name: 'Wasm', expensive: false, variables: () => wasmScope(this.core, raw, m), count: 3 });
    return scopes;
  }

  /** Evaluate an expression (C-like, see src/eval) in a frame; `$local3`, `$global0`, `$stack1` name raw Wasm state. */
  evaluate(threadIndex: number, level: number, expr: string, format: { hex?: boolean } = {}): ValueNode {
    const fi = this.frame(threadIndex, level);
    const m = this.module(fi.moduleIndex);
    if (!m) {
      // without the module only the recorded Wasm state is known
      const hit = lookupWasmName(this.core, this.rawFrame(fi), undefined, expr);
      if (hit) return hit;
      throw new WasmCoreError('E_EVAL', `cannot evaluate '${expr}': the module of frame #${level} is not loaded, so only $localN, $stackN and $globalN are known`);
    }
    const sym = this.symFrame(threadIndex, level);
    const v = this.values(threadIndex).evaluate(fi.physicalIndex, expr, sym?.die ? { frameDie: sym.die } : {}, { hex: format.hex });
    return toValueNode(v, fi.instanceIndex);
  }

  /** Read linear memory: a readable prefix, then how many bytes after it are unreadable. */
  readMemory(loc: MemoryLocation, count: number): MemoryReadResult {
    if (!Number.isSafeInteger(count) || count < 0) throw new WasmCoreError('E_ARGUMENT', `bad byte count ${count}`);
    if (!Number.isSafeInteger(loc.address) || loc.address < 0) {
      return { address: loc.address, data: new Uint8Array(0), unreadableBytes: count };
    }
    const mem = this.core.instanceMemory(loc.instance, loc.memory);
    if (!mem) return { address: loc.address, data: new Uint8Array(0), unreadableBytes: count };
    const n = Math.min(count, 16 * 1024 * 1024);
    const r = mem.read(loc.address, n);
    const firstBad = r.unreadable.length ? r.unreadable[0][0] - loc.address : n;
    return { address: loc.address, data: r.bytes.subarray(0, firstBad), unreadableBytes: count - firstBad };
  }

  private module(mi: number | undefined): WasmModule | undefined {
    return mi === undefined ? undefined : this.modules[mi];
  }

  /** `count` instructions around a module file offset (see disassembleWindow). */
  disassemble(moduleIndex: number, moduleOffset: number, instructionOffset: number, count: number): DisassembledInstruction[] {
    const m = this.module(moduleIndex);
    if (!m) throw new WasmCoreError('E_NOT_FOUND', `module ${moduleIndex} is not loaded, so its code cannot be disassembled`);
    return disassembleWindow(m, moduleOffset, instructionOffset, count, (addr) => this.lineAt(moduleIndex, addr));
  }

  /** Source location of a code address (from the DWARF line table, or the source map of a module without DWARF). */
  lineAt(moduleIndex: number, addr: number): SourceLocation | undefined {
    const sym = this.symbolizer(moduleIndex);
    const p = sym?.usesSourceMap ? sym.mapPosition(codeAddr(addr)) : sym?.lineAt(codeAddr(addr));
    return p ? this.toLocation(p.file, p.line, p.column) : undefined;
  }

  private wat(moduleIndex: number, funcIndex: number): WatFunction {
    const key = `${moduleIndex}:${funcIndex}`;
    let w = this.watCache.get(key);
    if (!w) {
      const m = this.module(moduleIndex);
      if (!m) throw new WasmCoreError('E_NOT_FOUND', `module ${moduleIndex} is not loaded`);
      w = watFunction(m, funcIndex);
      this.watCache.set(key, w);
    }
    return w;
  }

  /** WAT text of a function (the source of frames without debug info). */
  watText(moduleIndex: number, funcIndex: number): string {
    return this.wat(moduleIndex, funcIndex).text;
  }

  /** 1-based line of a frame's instruction in `watText`, when it can be rendered. */
  watLine(f: FrameInfo): number | undefined {
    if (f.moduleIndex === undefined || f.moduleOffset === undefined || !this.module(f.moduleIndex)) return undefined;
    try {
      return this.wat(f.moduleIndex, f.funcIndex).lineOf.get(f.moduleOffset);
    } catch {
      return undefined; // undecodable code: the frame simply has no WAT view
    }
  }

  /** Line table file entries of every unit of every loaded module (parses line program headers on first use). */
  private lineFiles(): Array<{ path: string; source?: string }> {
    if (this._lineFiles) return this._lineFiles;
    const out: Array<{ path: string; source?: string }> = [];
    const seen = new Set<string>();
    this.modules.forEach((m, mi) => {
      const sym = m ? this.symbolizer(mi) : undefined;
      const map = sym?.usesSourceMap ? sym.sourceMap : undefined;
      if (map) {
        map.sources.forEach((p, i) => {
          if (!p || seen.has(p) || out.length >= MAX_SOURCE_FILES) return;
          seen.add(p);
          out.push({ path: p, source: map.sourcesContent[i] });
        });
      }
      const dwarf = sym?.dwarf;
      if (!dwarf) return;
      for (const u of dwarf.units()) {
        let lp;
        try { lp = u.lineProgram(); } catch { continue; } // a unit with a broken line table has no files to list
        for (const f of lp?.files ?? []) {
          if (!f.path || seen.has(f.path) || out.length >= MAX_SOURCE_FILES) continue;
          seen.add(f.path);
          out.push({ path: f.path, source: f.source });
        }
      }
    });
    return (this._lineFiles = out);
  }

  /** Source text embedded in the DWARF (DWARF 5 DW_LNCT_LLVM_source) or a source map's `sourcesContent`, when present. */
  embeddedSource(originalPath: string): string | undefined {
    return this.lineFiles().find((f) => f.path === originalPath)?.source;
  }

  /**
   * Whether the source of a frame's position is embedded (DW_LNCT_LLVM_source
   * in its unit's line table, or the source map's sourcesContent): looks at
   * that one unit only, so a stack trace does not parse every line table.
   */
  frameHasEmbeddedSource(f: FrameInfo): boolean {
    const file = f.location?.originalPath;
    if (!file) return false;
    const sf = this.symFrame(f.threadIndex, f.level);
    const sym = this.symbolizer(f.moduleIndex);
    if (sf?.fromSourceMap) return sym?.sourceMap?.contentOf(file) !== undefined;
    try {
      const u = f.codeAddr !== undefined ? sym?.unitAt(codeAddr(f.codeAddr)) : undefined;
      return !!u?.lineProgram()?.files.some((x) => x.path === file && x.source !== undefined);
    } catch {
      return false; // a broken line table embeds nothing we can serve
    }
  }

  /** Every source file the modules' line tables name (after source mapping). */
  sourceFiles(): SourceLocation[] {
    return this.lineFiles().map((f) => ({ path: this.localPath(f.path), originalPath: f.path, line: 0, column: 0 }));
  }

  /** A DWARF file path as a path on this machine: `sourceMap`, then the resolver. */
  private localPath(file: string): string {
    const mapped = mapSourcePath(file, this.options.sourceMap);
    return this.options.resolveSource ? this.options.resolveSource(mapped) : mapped;
  }

  moduleInfos(): ModuleInfo[] {
    const n = Math.max(this.core.modules.length, this.modules.length);
    const out: ModuleInfo[] = [];
    for (let i = 0; i < n; i++) {
      const m = this.modules[i];
      const hasDwarf = !!m && (this.options.debugSections ? !!this.options.debugSections[i]?.hasDebugInfo : m.customSectionNames.includes('.debug_info'));
      const origin = this.options.debugOrigins?.[i];
      const map = hasDwarf ? undefined : this.options.wasmSourceMaps?.[i];
      out.push({
        index: i, name: this.moduleName(i), path: m?.file, hasDebugInfo: hasDwarf,
        symbolStatus: !m ? 'module not loaded' : hasDwarf ? `DWARF loaded${origin && origin !== 'module' ? ` from ${origin}` : ''}`
          : map ? `source map ${map.file} (lines, no variables)` : m.names.functions.size ? 'name section only' : 'no symbols',
        buildId: m?.buildId,
      });
    }
    return out;
  }
}

function callsImport(m: WasmModule, code: Uint8Array, at: number): boolean | undefined {
  if (code[at] !== 0x10) return undefined;
  let idx = 0, shift = 0, p = at + 1;
  for (; p < code.length && shift < 35; p++, shift += 7) {
    idx |= (code[p] & 0x7f) << shift;
    if (!(code[p] & 0x80)) break;
  }
  return idx >>> 0 < m.importedFunctionCount;
}
