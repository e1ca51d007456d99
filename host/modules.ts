/**
 * Node side of module lookup: find the `.wasm` file of every module a core
 * dump names, next to the core dump or through `--module NAME=PATH`.
 */
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { WasmCoreError } from '../src/util/errors';
import { WasmModule } from '../src/wasm/module';
import { CoreDumpModel } from '../src/coredump/model';
import { openLazy } from './lazyFile';

/** Read a whole file; a missing/unreadable file is a typed error naming it. */
export function readFileBytes(path: string): Uint8Array {
  try {
    const b = readFileSync(path);
    return new Uint8Array(b.buffer, b.byteOffset, b.length);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new WasmCoreError('E_NOT_FOUND', 'file not found', { file: path });
    if (code === 'EISDIR') throw new WasmCoreError('E_ARGUMENT', 'is a directory, not a file', { file: path });
    throw new WasmCoreError('E_NOT_FOUND', `cannot read file: ${code ?? String(e)}`, { file: path });
  }
}

/**
 * Bytes of a module (or debug file) to open with `WasmModule`: read on
 * demand (host/lazyFile.ts), so a big module's DWARF is read only where a
 * lookup needs it. Same errors as `readFileBytes`. Not for core dumps
 * (their reader reads the bytes directly).
 */
export function readModuleBytes(path: string): Uint8Array {
  return openLazy(path).bytes;
}

export interface ResolvedModule {
  index: number;
  name: string;
  /** The file that matched (absent when none was found). */
  path?: string;
  /** How it matched: 'override', 'exact', 'name.wasm', 'basename', 'executable'. */
  matchedBy?: string;
  module?: WasmModule;
  error?: WasmCoreError;
  /** Paths tried, in order (for the "not found" message). */
  tried: string[];
}

function isFile(p: string): boolean {
  try { return statSync(p).isFile(); } catch { return false; }
}

/** Starts with the Wasm magic `\0asm`: a file found by looking (e.g. a dump's executable `run.mjs`) that is not a module is passed over. */
function looksLikeWasm(p: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(p, 'r');
    const b = Buffer.alloc(4);
    return readSync(fd, b, 0, 4, 0) === 4 && b[0] === 0 && b[1] === 0x61 && b[2] === 0x73 && b[3] === 0x6d;
  } catch { return false; } finally { if (fd !== undefined) closeSync(fd); }
}

/**
 * Parse `NAME=PATH` strings (repeated `--module`) into an override map.
 * A bare PATH (no '=') is keyed '*': it applies to a core dump with one module.
 */
export function parseModuleOverrides(specs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of specs) {
    const eq = s.indexOf('=');
    if (eq <= 0) out['*'] = s; else out[s.slice(0, eq)] = s.slice(eq + 1);
  }
  return out;
}

/** A dump's module names by coremodules index: its `coremodules` list, or for a dump without one its single module (the executable's name). */
export function moduleNames(core: CoreDumpModel): string[] {
  return core.modules.length ? core.modules : [core.executableName ?? '<module 0>'];
}

/** The entry of a per-module option map for one module: by its coremodules name, then its index, then '*' when the dump has one module. */
export function perModule<T>(map: Record<string, T>, name: string, index: number, count: number): T | undefined {
  return map[name] ?? map[String(index)] ?? (count === 1 ? map['*'] : undefined);
}

/**
 * Find and index the module files of a core dump. Candidates, in order:
 * an override keyed by the module's name, its basename, or its index; then
 * next to the core dump: the exact name, name + '.wasm', the basename (and
 * + '.wasm'); for a single-module dump also the `core` executable name.
 * A module that is found but malformed carries `error` (never throws).
 * `nextToCore: false` uses the overrides only (the service: a dump's module
 * names never become paths).
 */
export function resolveModules(coreDumpPath: string, core: CoreDumpModel, overrides: Record<string, string> = {}, opts: { nextToCore?: boolean; load?: (path: string) => WasmModule } = {}): ResolvedModule[] {
  const dir = dirname(resolve(coreDumpPath));
  const names = moduleNames(core);
  return names.map((name, index) => {
    const cands: Array<[string, string]> = [];
    for (const key of [name, basename(name), String(index)]) if (overrides[key] !== undefined) cands.push([overrides[key], 'override']);
    if (names.length === 1 && overrides['*'] !== undefined) cands.push([overrides['*'], 'override']);
    if (cands.length === 0 && opts.nextToCore !== false) {
      const rel = (p: string): string => (isAbsolute(p) ? p : join(dir, p));
      if (!name.startsWith('<')) {
        cands.push([rel(name), 'exact'], [rel(name + '.wasm'), 'name.wasm']);
        cands.push([join(dir, basename(name)), 'basename'], [join(dir, basename(name) + '.wasm'), 'basename']);
      }
      if (names.length === 1 && core.executableName && core.executableName !== name) {
        cands.push([rel(core.executableName), 'executable'], [join(dir, basename(core.executableName)), 'executable']);
      }
    }
    const tried: string[] = [];
    const res: ResolvedModule = { index, name, tried };
    for (const [p, how] of cands) {
      if (tried.includes(p)) continue;
      tried.push(p);
      if (how !== 'override' && (!isFile(p) || resolve(p) === resolve(coreDumpPath) || !looksLikeWasm(p))) continue;
      res.path = p;
      res.matchedBy = how;
      try {
        res.module = opts.load ? opts.load(p) : new WasmModule(readModuleBytes(p), p);
        if (res.module.customSections('corestack').length > 0) {
          res.error = new WasmCoreError('E_MISMATCH', 'this is a core dump, not the program module', { file: p });
          res.module = undefined;
        }
      } catch (e) {
        if (!(e instanceof WasmCoreError)) throw e;
        res.error = e;
      }
      return res;
    }
    res.error = new WasmCoreError('E_NOT_FOUND',
      `module ${index} '${name}' not found` + (tried.length ? ` (tried ${tried.join(', ')})` : '') + '; pass --module NAME=PATH');
    return res;
  });
}
