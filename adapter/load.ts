/**
 * Node side of launch: read the files the configuration names and build the
 * pure PostMortemTarget. Every failure becomes a DapError with a stable id
 * and a message that names the file and what to do.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PostMortemTarget, FileBytes } from '../src/target/target';
import { isWasmCoreError } from '../src/util/errors';
import { CoreDump } from '../src/coredump/reader';
import { openCrash, readDump } from '../host/openCrash';
import type { ResolvedModule } from '../host/modules';
import { WasmModule } from '../src/wasm/module';
import { DapError, ErrorId } from './errorIds';
import type { LaunchConfig } from './launchArgs';
import { SourceSearch } from './sourceSearch';

/** Largest file we read (a core dump holds at most 4 GiB of memory plus code). */
const MAX_FILE = 8 * 1024 ** 3;

export function readFileBytes(file: string, what: string, hint: string): FileBytes {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e) {
    throw new DapError(ErrorId.FileUnreadable, `${what} ${file} does not exist (${(e as NodeJS.ErrnoException).code ?? 'error'}). ${hint}`);
  }
  if (!st.isFile()) throw new DapError(ErrorId.FileUnreadable, `${what} ${file} is not a file. ${hint}`);
  if (st.size > MAX_FILE) throw new DapError(ErrorId.FileUnreadable, `${what} ${file} is ${st.size} bytes, more than we read`);
  try {
    const b = fs.readFileSync(file);
    return { bytes: new Uint8Array(b.buffer, b.byteOffset, b.byteLength), file };
  } catch (e) {
    throw new DapError(ErrorId.FileUnreadable, `${what} ${file} cannot be read: ${(e as Error).message}. ${hint}`);
  }
}

export interface Loaded { target: PostMortemTarget; warnings: string[] }

/** Module overrides for host/modules.ts: `modules` by name, `program` for the module it names (else the first). */
export function moduleOverrides(names: string[], cfg: LaunchConfig): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, p] of Object.entries(cfg.modules)) {
    if (!names.includes(name)) {
      throw new DapError(ErrorId.ModuleMismatch,
        `"modules" names '${name}', but the core dump's modules are ${names.map((x) => `'${x}'`).join(', ') || '(none listed)'}. ` +
        'Use the names `wasm-coredump info` prints as keys.');
    }
    out[name] = p;
  }
  if (cfg.program) {
    const strip = (x: string): string => path.basename(x).replace(/\.wasm$/, '');
    let i = names.findIndex((x) => strip(x) === strip(cfg.program as string));
    if (i < 0) i = names.findIndex((x) => out[x] === undefined);
    if (i < 0 && names.length === 0) i = 0;
    if (i >= 0 && (names[i] === undefined || out[names[i]] === undefined)) out[String(i)] = cfg.program;
  }
  return out;
}

export function loadTarget(cfg: LaunchConfig): Loaded {
  const core = readFileBytes(cfg.coreDump, 'core dump', 'Set "coreDump" to the path of the .coredump file.');
  let dump: CoreDump;
  try {
    dump = readDump({ corePath: core.file, coreBytes: core.bytes, valueEncoding: cfg.valueEncoding });
  } catch (e) {
    throw asDapError(e, 'Is "coreDump" a WebAssembly core dump (wasmtime -D coredump, WasmEdge, wasm-coredump capture)?');
  }
  const warnings: string[] = [];
  let mapFor: number | undefined;
  const debugIds = new Map<string, string | undefined>();
  // the same path as `wasm-coredump bt` (host/openCrash.ts); here its problems become DapErrors
  const crash = openCrash({
    corePath: cfg.coreDump, core: dump,
    modules: (d) => moduleOverrides(d.modules, cfg),
    onResolved: (resolved) => {
      for (const r of resolved) {
        if (!r.error) continue;
        if (r.matchedBy === 'override' || (r.path !== undefined && r.error.code !== 'E_NOT_FOUND')) {
          const id = r.error.code === 'E_NOT_FOUND' ? ErrorId.FileUnreadable : r.error.code === 'E_MISMATCH' ? ErrorId.ModuleMismatch : ErrorId.BadFormat;
          throw new DapError(id, `module '${r.name}': ${r.error.message}. Set "program" (or "modules") to the .wasm the core dump was taken from.`);
        }
        warnings.push(`module ${r.index} ('${r.name}') not found (tried ${r.tried.join(', ') || 'nothing'}): its frames show function indices only. ` +
          'Set "program" (or "modules") in the launch configuration.');
      }
      mapFor = sourceMapModule(resolved, cfg);
    },
    findDebug: (m) => debugFileFor(m, cfg, debugIds),
    debugDirs: cfg.symbolSearchPaths,
    findSourceMap: (r) => (r.index === mapFor ? cfg.sourceMapFile : undefined),
  });
  for (const r of crash.resolved) {
    const refused = crash.debugErrors.get(r.index);
    if (refused) throw asDapError(refused, 'Check "debugFiles" and "symbolSearchPaths".');
    const info = crash.debug[r.index];
    if (r.path && info && !info.sections && info.notes.length) warnings.push(`no DWARF for ${r.path}: ${info.notes.join('; ')}`);
    // a Wasm source map (modules without DWARF): a broken discovered one is a warning, a named one that fails an error
    const mapError = crash.sourceMapErrors.get(r.index);
    if (mapError) {
      if (mapError.code === 'E_NOT_FOUND') throw new DapError(ErrorId.FileUnreadable, `${mapError.message}. Check "sourceMapFile".`);
      throw asDapError(mapError, 'Check "sourceMapFile": it must be the JSON source map written with the module.');
    }
    const wm = crash.sourceMaps[r.index];
    for (const n of [...(wm?.notes ?? []), ...(wm?.map?.warnings ?? [])]) warnings.push(`module ${r.index} ('${r.name}'): ${n}`);
  }
  const resolved = crash.resolved;
  const search = new SourceSearch([path.dirname(cfg.coreDump), ...resolved.map((r) => (r.module && r.path ? path.dirname(r.path) : undefined))]);
  try {
    const target = crash.target({ sourceMap: cfg.sourceMap, resolveSource: (p) => search.resolve(p) });
    for (const n of target.normalisation.modules) {
      if (n.frames > 0 && n.normalised < n.frames) {
        warnings.push(`module ${n.moduleIndex} ('${dump.modules[n.moduleIndex] ?? n.moduleIndex}'): ${n.frames - n.normalised} of ${n.frames} frames could not be placed on an instruction (${n.reason}); is it the module the dump was taken from?`);
      }
    }
    return { target, warnings: [...warnings, ...dump.warnings] };
  } catch (e) {
    throw asDapError(e, 'Check that "program" is the .wasm the core dump was taken from.');
  }
}

/**
 * The explicit debug file for one module from `debugFiles`: matched by build
 * id (the only one when there is one and either side has no build id).
 * The rest (the module's own sections, external_debug_info, a build-id match
 * in `symbolSearchPaths`) is host/debugfiles.ts, through openCrash.
 * `ids` keeps each debug file's build id for the launch, so a file is read
 * once however many modules the dump has.
 */
export function debugFileFor(m: WasmModule, cfg: LaunchConfig, ids: Map<string, string | undefined>): string | undefined {
  const id = m.buildId;
  for (const f of cfg.debugFiles) {
    let otherId: string | undefined;
    if (ids.has(f)) otherId = ids.get(f);
    else {
      const other = readFileBytes(f, 'debug file', 'Check "debugFiles" in the launch configuration.');
      try { otherId = new WasmModule(other.bytes, f).buildId; } catch (e) { throw asDapError(e, 'A debug file is a .wasm (or .dwp) holding .debug_* sections.'); }
      ids.set(f, otherId);
    }
    if ((id !== undefined && otherId === id) || (cfg.debugFiles.length === 1 && (id === undefined || otherId === undefined))) return f;
  }
  return undefined;
}

export function asDapError(e: unknown, hint: string): DapError {
  if (e instanceof DapError) return e;
  if (isWasmCoreError(e)) {
    const id = e.code === 'E_MISMATCH' ? ErrorId.ModuleMismatch : e.code === 'E_NOT_FOUND' ? ErrorId.ModuleNotFound
      : e.code === 'E_EVAL' ? ErrorId.Evaluation : e.code === 'E_ARGUMENT' ? ErrorId.BadArguments : ErrorId.BadFormat;
    return new DapError(id, `${e.message}${id === ErrorId.BadFormat ? `. ${hint}` : ''}`);
  }
  return new DapError(ErrorId.Internal, `internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
}

/**
 * The module `sourceMapFile` belongs to: the one `program` names, else the
 * only module found. Undefined without `sourceMapFile`; a DapError when it
 * is given but cannot be placed.
 */
function sourceMapModule(resolved: ResolvedModule[], cfg: LaunchConfig): number | undefined {
  if (!cfg.sourceMapFile) return undefined;
  const withModule = resolved.filter((r) => r.module && r.path);
  const program = cfg.program ? withModule.find((r) => path.resolve(r.path as string) === path.resolve(cfg.program as string)) : undefined;
  const at = program?.index ?? (withModule.length === 1 ? withModule[0].index : undefined);
  if (at === undefined) {
    throw new DapError(ErrorId.LaunchArguments, '"sourceMapFile" is given, but the core dump has several modules and "program" names none of them. Set "program" to the module the map belongs to.');
  }
  return at;
}
