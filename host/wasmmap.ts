/**
 * Node side of Wasm source maps (src/wasmmap/): find and read the source map
 * of a module that has no DWARF. In order: an explicit file
 * (`--source-map-file`, launch attribute `sourceMapFile`); the module's
 * `sourceMappingURL` section (a `data:` URL, a `file:` URL, or a path
 * relative to the module; for an http(s) URL, its file name next to the
 * module, as nothing is fetched); `<module>.map` next to the module.
 * An explicit file that cannot be read or parsed is an error; a map found
 * by discovery that is broken is a note, and the module keeps its names.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WasmSourceMap } from '../src/wasmmap/decode';
import { decodeDataUrl, isDataUrl, sourceMappingURL } from '../src/wasmmap/url';
import { WasmCoreError } from '../src/util/errors';
import type { WasmModule } from '../src/wasm/module';

export interface FoundSourceMap {
  map?: WasmSourceMap;
  /** Where it came from ('--source-map-file X', 'sourceMappingURL X', ...). */
  origin?: string;
  /** The map's file, when it was read from one (not a data: URL). */
  file?: string;
  /** What was tried and why it was not used. */
  notes: string[];
}

/** Largest map we read (maps of 100 MB modules are tens of MB). */
const MAX_MAP = 512 * 1024 * 1024;

function readMap(file: string): WasmSourceMap {
  let st: fs.Stats;
  try { st = fs.statSync(file); } catch (e) {
    throw new WasmCoreError('E_NOT_FOUND', `source map ${file} does not exist (${(e as NodeJS.ErrnoException).code ?? 'error'})`, { file });
  }
  if (!st.isFile()) throw new WasmCoreError('E_NOT_FOUND', `source map ${file} is not a file`, { file });
  if (st.size > MAX_MAP) throw new WasmCoreError('E_LIMIT', `source map ${file} is ${st.size} bytes, more than we read`, { file });
  const map = WasmSourceMap.parse(fs.readFileSync(file, 'utf8'), file);
  // relative sources are relative to the map (as a browser resolves them against its URL): use that
  // file where it exists; otherwise keep the path as written for the source search
  const dir = path.dirname(path.resolve(file));
  map.mapSources((s) => {
    if (!s || path.isAbsolute(s) || /^[a-z][a-z0-9+.-]*:/i.test(s)) return s;
    const p = path.resolve(dir, s);
    return fs.existsSync(p) ? p : s;
  });
  return map;
}

/**
 * The source map of `module` (read from `modulePath`). Modules with DWARF
 * are not searched unless `explicit` is given (DWARF wins where both exist).
 */
export function findWasmSourceMap(module: WasmModule, modulePath: string, opts: { explicit?: string; hasDwarf?: boolean } = {}): FoundSourceMap {
  const notes: string[] = [];
  if (opts.explicit) return { map: readMap(opts.explicit), origin: `source map file ${opts.explicit}`, file: opts.explicit, notes };
  if (opts.hasDwarf) return { notes };
  const dir = path.dirname(modulePath);
  const candidates: Array<{ file: string; why: string }> = [];
  let url: string | undefined;
  try { url = sourceMappingURL(module); } catch (e) { notes.push(`sourceMappingURL section unreadable: ${(e as Error).message}`); }
  if (url !== undefined) {
    if (isDataUrl(url)) {
      try {
        return { map: WasmSourceMap.parse(decodeDataUrl(url, modulePath), `${modulePath} (sourceMappingURL data: URL)`), origin: 'sourceMappingURL data: URL', notes };
      } catch (e) {
        notes.push(`source map in the sourceMappingURL data: URL is unusable: ${(e as Error).message}`);
        return { notes };
      }
    }
    if (/^file:/i.test(url)) {
      try { candidates.push({ file: fileURLToPath(url), why: `sourceMappingURL ${url}` }); } catch { notes.push(`sourceMappingURL ${url} is not a usable file: URL`); }
    } else if (/^[a-z][a-z0-9+.-]*:/i.test(url)) {
      const base = url.split(/[?#]/)[0].split('/').pop();
      notes.push(`sourceMappingURL ${url} is not fetched`);
      if (base) candidates.push({ file: path.join(dir, decodeURIComponent(base)), why: `sourceMappingURL ${url} (its file name next to the module)` });
    } else {
      candidates.push({ file: path.resolve(dir, decodeURIComponent(url.split(/[?#]/)[0])), why: `sourceMappingURL ${url}` });
    }
  }
  candidates.push({ file: `${modulePath}.map`, why: 'next to the module' });
  const tried = new Set<string>();
  for (const c of candidates) {
    if (tried.has(c.file)) continue;
    tried.add(c.file);
    if (!fs.existsSync(c.file)) { if (c.why !== 'next to the module') notes.push(`${c.why}: ${c.file} not found`); continue; }
    try {
      return { map: readMap(c.file), origin: `${c.file} (${c.why})`, file: c.file, notes };
    } catch (e) {
      notes.push(`source map ${c.file} is unusable (names only): ${(e as Error).message}`);
    }
  }
  return { notes };
}
