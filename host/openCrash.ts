/**
 * The ONE way a crash is opened from files: the core dump, its modules
 * (host/modules.ts) and their DWARF (host/debugfiles.ts). `wasm-coredump bt`
 * and `print`, the debug adapter's launch (adapter/load.ts) and the crash
 * collection service (service/ingest.ts) all call `openCrash`, so the frames
 * they show come from the same modules and the same debug files.
 *
 * It never throws for a missing or malformed module or a debug file of
 * another build: those are returned (`resolved[i].error`, `debugErrors`) for
 * each caller to report its own way (notes in the CLI, DapErrors in the
 * adapter, notes in a stored crash). A core dump that cannot be read throws
 * the reader's WasmCoreError.
 */
import { WasmCoreError } from '../src/util/errors';
import { WasmModule } from '../src/wasm/module';
import { readCoreDump, CoreDump } from '../src/coredump/reader';
import { normaliseFrames, NormalisationReport } from '../src/coredump/normalise';
import { Symbolizer } from '../src/symbols/symbolizer';
import { BtThread, buildBacktrace } from '../src/symbols/backtrace';
import { PostMortemTarget, TargetOptions } from '../src/target/target';
import { ThreadValues } from '../src/values';
import { threadFrameInputs } from '../src/values/fromcore';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { moduleNames, perModule, readFileBytes, readModuleBytes, resolveModules, ResolvedModule } from './modules';
import { DebugInfo, findDebugInfo } from './debugfiles';
import { FoundSourceMap, findWasmSourceMap } from './wasmmap';

export type ValueEncodingOption = 'auto' | 'leb' | 'fixed';

export interface OpenCrashOptions {
  /** Path of the core dump (modules are looked for next to it; names it in messages). */
  corePath: string;
  /** The dump already read (from `readDump`), or its bytes; otherwise `corePath` is read. */
  core?: CoreDump;
  coreBytes?: Uint8Array;
  valueEncoding?: ValueEncodingOption;
  /**
   * Module files by coremodules name, basename or index ('*': the only module
   * of a single-module dump), as `--module NAME=PATH`; or a function of the
   * dump that returns them (the adapter checks its "modules" keys against it).
   */
  modules?: Record<string, string> | ((core: CoreDump) => Record<string, string>);
  /** Called for a module no override names, before looking next to the dump: a path, or undefined. */
  findModule?: (name: string, index: number, core: CoreDump) => string | undefined;
  /** Look for modules next to the core dump (default true; the service turns it off). */
  modulesNextToCore?: boolean;
  /** Debug files by coremodules name or index ('*': the only module), as `--debug-file N=PATH`. */
  debugFiles?: Record<string, string>;
  /** Called for a module that `debugFiles` does not name: an explicit debug file, or undefined. */
  findDebug?: (module: WasmModule, resolved: ResolvedModule, count: number) => string | undefined;
  /** Directories searched by build id. */
  debugDirs?: string[];
  /** Wasm source maps by coremodules name or index ('*': the only module), as `--source-map-file N=MAP` (used for modules without DWARF). */
  sourceMapFiles?: Record<string, string>;
  /** Called for a module that `sourceMapFiles` does not name: an explicit map, or undefined (then the module's sourceMappingURL or MODULE.wasm.map). */
  findSourceMap?: (resolved: ResolvedModule, count: number) => string | undefined;
  /** Follow a module's external_debug_info path (default true; the service turns it off). */
  followExternalDebugInfo?: boolean;
  /** Called once the modules are resolved, before their DWARF is looked for (the adapter refuses bad overrides here). */
  onResolved?: (resolved: ResolvedModule[], core: CoreDump) => void;
  /** Modules and symbolizers kept between crashes (the service: stored files never change). */
  cache?: ModuleCache;
}

/**
 * Parsed modules and their symbolizers (DWARF indexes) by file, kept across
 * crashes, least recently used dropped past `limit`. A file is known by its
 * path, size and mtime, so a file replaced in a --debug-dir is read again.
 */
export class ModuleCache {
  private readonly modules = new Map<string, WasmModule>();
  private readonly syms = new Map<string, Symbolizer>();
  constructor(readonly limit = 32) {}

  private static stamp(p: string): string {
    try { const st = statSync(p); return `${resolve(p)}\0${st.size}\0${st.mtimeMs}`; } catch { return `${resolve(p)}\0?`; }
  }

  private static lru<T>(m: Map<string, T>, key: string, limit: number, make: () => T): T {
    let v = m.get(key);
    if (v !== undefined) { m.delete(key); m.set(key, v); return v; }
    v = make();
    m.set(key, v);
    while (m.size > limit) m.delete(m.keys().next().value as string);
    return v;
  }

  /** Errors (unreadable or malformed files) are not cached. */
  load = (p: string): WasmModule => ModuleCache.lru(this.modules, ModuleCache.stamp(p), this.limit, () => new WasmModule(readModuleBytes(p), p));

  symbolizer(modulePath: string, d: DebugInfo, make: () => Symbolizer, sourceMap?: string): Symbolizer {
    const key = [...[modulePath, d.path, d.dwpPath, sourceMap].map((x) => (x ? ModuleCache.stamp(x) : '')), d.origin].join('\n');
    return ModuleCache.lru(this.syms, key, this.limit, make);
  }
}

export interface OpenedCrash {
  corePath: string;
  core: CoreDump;
  resolved: ResolvedModule[];
  /** Modules by coremodules index (undefined: not found or unreadable). */
  modules: Array<WasmModule | undefined>;
  /** DWARF per module index (undefined: module missing; origin 'none' when nothing was found or it was refused). */
  debug: Array<DebugInfo | undefined>;
  /** Debug files refused per module index (another build's file, ...). */
  debugErrors: Map<number, WasmCoreError>;
  /** The Wasm source map of each module without DWARF that has one, with what was tried (notes). */
  sourceMaps: Array<FoundSourceMap | undefined>;
  /** Source maps that could not be read, per module index (a broken or missing map that was named, ...). */
  sourceMapErrors: Map<number, WasmCoreError>;
  normalisation: NormalisationReport;
  /** The symbolizer of each loaded module (shared by the backtrace, the values and the target). */
  symbolizers: Map<number, Symbolizer>;
  /** Every thread's frames in source terms (inlined frames expanded); computed once. */
  backtrace(): BtThread[];
  /** Variables of a thread (the code behind `print` and `bt --full`). */
  values(thread: number): ThreadValues;
  /** The debugger model (the adapter): throws E_MISMATCH when a module does not have the frames' functions. */
  target(opts?: Pick<TargetOptions, 'sourceMap' | 'resolveSource'>): PostMortemTarget;
}

/** Read and parse a core dump (throws the reader's WasmCoreError naming the offset). */
export function readDump(o: { corePath: string; coreBytes?: Uint8Array; valueEncoding?: ValueEncodingOption }): CoreDump {
  return readCoreDump(o.coreBytes ?? readFileBytes(o.corePath), o.corePath, { valueEncoding: o.valueEncoding ?? 'auto' });
}

export function openCrash(o: OpenCrashOptions): OpenedCrash {
  const core = o.core ?? readDump(o);
  const overrides = { ...(typeof o.modules === 'function' ? o.modules(core) : o.modules ?? {}) };
  if (o.findModule) {
    const names = moduleNames(core);
    names.forEach((name, i) => {
      if (perModule(overrides, name, i, names.length) !== undefined) return;
      const p = o.findModule?.(name, i, core);
      if (p !== undefined) overrides[String(i)] = p;
    });
  }
  const resolved = resolveModules(o.corePath, core, overrides, { nextToCore: o.modulesNextToCore ?? true, load: o.cache?.load });
  o.onResolved?.(resolved, core);
  const modules: Array<WasmModule | undefined> = resolved.map(() => undefined);
  const debug: Array<DebugInfo | undefined> = resolved.map(() => undefined);
  const debugErrors = new Map<number, WasmCoreError>();
  const sourceMaps: Array<FoundSourceMap | undefined> = resolved.map(() => undefined);
  const sourceMapErrors = new Map<number, WasmCoreError>();
  const symbolizers = new Map<number, Symbolizer>();
  const sm = o.sourceMapFiles ?? {};
  const known = new Map<number, WasmModule>();
  const df = o.debugFiles ?? {};
  for (const r of resolved) {
    if (!r.module || !r.path) continue;
    modules[r.index] = r.module;
    known.set(r.index, r.module);
    const file = perModule(df, r.name, r.index, resolved.length) ?? o.findDebug?.(r.module, r, resolved.length);
    let d: DebugInfo;
    try {
      d = findDebugInfo(r.module, r.path, { debugFile: file, debugDirs: o.debugDirs, followExternal: o.followExternalDebugInfo ?? true, load: o.cache?.load });
    } catch (e) {
      if (!(e instanceof WasmCoreError)) throw e;
      debugErrors.set(r.index, e);
      d = { origin: 'none', notes: [] };
    }
    debug[r.index] = d;
    const explicitMap = perModule(sm, r.name, r.index, resolved.length) ?? o.findSourceMap?.(r, resolved.length);
    let found: FoundSourceMap | undefined;
    try {
      found = findWasmSourceMap(r.module, r.path, { explicit: explicitMap, hasDwarf: !!d.sections?.hasDebugInfo });
    } catch (e) {
      if (!(e instanceof WasmCoreError)) throw e;
      sourceMapErrors.set(r.index, e);
    }
    sourceMaps[r.index] = found;
    const mod = r.module, secs = d.sections, map = found?.map;
    const make = (): Symbolizer => new Symbolizer(mod, secs, map);
    symbolizers.set(r.index, o.cache ? o.cache.symbolizer(r.path, d, make, map ? found?.file : undefined) : make());
  }
  const normalisation = normaliseFrames(core, known);
  let threads: BtThread[] | undefined;
  const valueCache = new Map<number, ThreadValues>();
  return {
    corePath: o.corePath, core, resolved, modules, debug, debugErrors, sourceMaps, sourceMapErrors, normalisation, symbolizers,
    backtrace: () => (threads ??= buildBacktrace(core, known, symbolizers)),
    values(t) {
      let tv = valueCache.get(t);
      if (!tv) { tv = new ThreadValues(threadFrameInputs(core, modules, (mi) => symbolizers.get(mi)?.dwarf, t)); valueCache.set(t, tv); }
      return tv;
    },
    target: (opts = {}) => new PostMortemTarget(core, modules, {
      ...opts,
      debugSections: debug.map((d) => d?.sections),
      wasmSourceMaps: sourceMaps.map((f) => f?.map),
      debugOrigins: debug.map((d) => d?.origin),
      symbolizers: (mi) => symbolizers.get(mi),
    }),
  };
}
