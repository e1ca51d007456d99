/**
 * Node side of "where is the DWARF": the module itself, an explicit
 * `--debug-file`, the module's `external_debug_info` section (a local path
 * relative to the module's directory; URLs are refused), a `build_id`
 * matched against files in `--debug-dir` directories, and a `.dwp` split
 * DWARF package next to the module (or next to the debug file).
 * A debug file whose build id differs from the module's is an error.
 */
import { statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { WasmCoreError } from '../src/util/errors';
import { WasmModule } from '../src/wasm/module';
import { DwarfSections } from '../src/dwarf/sections';
import { readModuleBytes } from './modules';

export interface DebugInfoOptions {
  /** Explicit debug file (Wasm container with .debug_* sections, or a .dwp). */
  debugFile?: string;
  /** Directories searched by build id. */
  debugDirs?: string[];
  /** Follow the module's external_debug_info path (default true; the service turns it off: an uploaded module's path never becomes a file read). */
  followExternal?: boolean;
  /** Opens a debug file (default: read on demand; the service passes a cache). */
  load?: (path: string) => WasmModule;
}

const openModule = (p: string): WasmModule => new WasmModule(readModuleBytes(p), p);

export interface DebugInfo {
  /** The DWARF to use (undefined: none found; symbolization falls back to the name section). */
  sections?: DwarfSections;
  /** Where it came from, for the user: 'module', 'debug file X', 'external_debug_info X', 'build id in X'. */
  origin: string;
  /** The file holding the DWARF. */
  path?: string;
  /** Split-DWARF package used, if any. */
  dwpPath?: string;
  /** What was tried / refused, in order (shown with -v or when nothing was found). */
  notes: string[];
}

function isFile(p: string): boolean { try { return statSync(p).isFile(); } catch { return false; } }

function hasDwarf(m: WasmModule): boolean { return m.customSectionNames.some((n) => n === '.debug_info' || n === '.debug_line' || n === '.debug_info.dwo'); }

/** Candidate file names for a build id in one search directory. */
export function buildIdCandidates(dir: string, buildId: string): string[] {
  const id = buildId.toLowerCase();
  const out = [join(dir, `${id}.wasm`), join(dir, `${id}.debug.wasm`), join(dir, `debug-${id}.wasm`)];
  if (id.length === 32) {
    const uuid = `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`;
    out.push(join(dir, `debug-${uuid}.wasm`), join(dir, `${uuid}.wasm`));
  }
  if (id.length > 2) {
    out.push(join(dir, id.slice(0, 2), `${id.slice(2)}.debug`), join(dir, '.build-id', id.slice(0, 2), `${id.slice(2)}.debug`));
  }
  return out;
}

function loadDebugModule(path: string, module: WasmModule, what: string, load: (p: string) => WasmModule = openModule): WasmModule {
  const dm = load(path);
  const want = module.buildId, got = dm.buildId;
  if (want !== undefined && got !== undefined && want !== got) {
    throw new WasmCoreError('E_MISMATCH', `${what} has build id ${got} but the module ${module.file} has build id ${want}: it belongs to a different build`, { file: path });
  }
  return dm;
}

/** A `.dwp` next to a file: `<name>.dwp` and `<name without .wasm>.dwp`. */
function dwpNextTo(file: string): string | undefined {
  const c = [file + '.dwp', file.replace(/\.wasm$/, '') + '.dwp'];
  return c.find(isFile);
}

function attachDwp(info: DebugInfo, secs: DwarfSections, nextTo: string, load: (p: string) => WasmModule): void {
  if (secs.has('.debug_info.dwo')) return; // already a split file itself
  const p = dwpNextTo(nextTo);
  if (!p) return;
  try {
    secs.split = DwarfSections.fromModule(load(p));
    info.dwpPath = p;
  } catch (e) {
    info.notes.push(`split DWARF package ${p} unreadable: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * Find the DWARF for `module` (loaded from `modulePath`). Throws
 * WasmCoreError E_MISMATCH when an explicit or build-id-matched file has a
 * different build id; otherwise returns what was found with notes.
 */
export function findDebugInfo(module: WasmModule, modulePath: string, opts: DebugInfoOptions = {}): DebugInfo {
  const notes: string[] = [];
  const info: DebugInfo = { origin: 'none', notes };
  const use = (dm: WasmModule, origin: string, path: string): DebugInfo => {
    let secs = DwarfSections.fromModule(dm);
    if (!secs.has('.debug_info') && secs.has('.debug_info.dwo') && hasDwarf(module)) {
      // the file is a split package for the module's skeleton units
      const main = DwarfSections.fromModule(module);
      main.split = secs;
      secs = main;
      info.dwpPath = path;
    } else attachDwp(info, secs, path, load);
    info.sections = secs; info.origin = origin; info.path = path;
    return info;
  };
  const load = opts.load ?? openModule;
  if (opts.debugFile) return use(loadDebugModule(opts.debugFile, module, `debug file ${opts.debugFile}`, load), `debug file ${opts.debugFile}`, opts.debugFile);
  if (module.customSectionNames.includes('.debug_info')) return use(module, 'module', modulePath);

  let ext: string | undefined;
  if (opts.followExternal !== false) try { ext = module.externalDebugInfo; } catch (e) { notes.push(`external_debug_info unreadable: ${e instanceof Error ? e.message : String(e)}`); }
  if (ext !== undefined) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(ext) && !ext.startsWith('file://')) {
      notes.push(`external_debug_info '${ext}' is a URL: not fetched (only local files are read); download it and pass --debug-file`);
    } else {
      const rel = ext.startsWith('file://') ? ext.slice(7) : ext;
      const p = isAbsolute(rel) ? rel : join(dirname(resolve(modulePath)), rel);
      if (isFile(p)) return use(loadDebugModule(p, module, `external_debug_info file ${p}`, load), `external_debug_info ${p}`, p);
      notes.push(`external_debug_info '${ext}' points to ${p}, which does not exist`);
    }
  }
  let id: string | undefined;
  try { id = module.buildId; } catch (e) { notes.push(`build_id unreadable: ${e instanceof Error ? e.message : String(e)}`); }
  if (id !== undefined) {
    const dirs = opts.debugDirs ?? [];
    if (dirs.length === 0) notes.push(`module has build id ${id}; pass --debug-dir DIR to search for its debug file`);
    let mismatch: WasmCoreError | undefined;
    for (const d of dirs) {
      for (const c of buildIdCandidates(d, id)) {
        if (!isFile(c)) continue;
        try {
          return use(loadDebugModule(c, module, `debug file ${c} (found by build id)`, load), `build id ${id} in ${d}`, c);
        } catch (e) {
          // a file named after the build id but from another build: keep looking, report it if nothing matches
          if (!(e instanceof WasmCoreError) || e.code !== 'E_MISMATCH') throw e;
          mismatch ??= e;
        }
      }
    }
    if (mismatch) throw mismatch;
    if (dirs.length) notes.push(`no debug file for build id ${id} in ${dirs.join(', ')} (tried ${buildIdCandidates('DIR', id).map((c) => basename(c)).join(', ')})`);
  }
  if (module.customSectionNames.includes('.debug_line')) return use(module, 'module', modulePath);
  notes.push('module has no DWARF (.debug_info); names come from the name section');
  return info;
}
