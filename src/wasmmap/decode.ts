/**
 * Source Map v3 decoder for WebAssembly modules (the format Emscripten's
 * `-gsource-map`, AssemblyScript's `--sourceMap`, Kotlin/Wasm and dart2wasm
 * write). Not to be confused with src/symbols/sourcemap.ts, which remaps
 * source *paths* (`--source-map FROM=TO`).
 *
 * A Wasm module is one generated "line": every mapping is on line 1 and its
 * generated column is the byte offset of the instruction in the module file
 * (the WebAssembly source map convention that V8, SpiderMonkey, Chrome
 * DevTools and Emscripten's own `source_map_support.js` use).
 *
 * Mappings are stored in parallel typed arrays sorted by generated offset;
 * a lookup is a binary search for the greatest mapping at or before the
 * offset. Bad input is a FormatError naming the map file and the segment.
 */
import { FormatError } from '../util/errors';
import { B64_VALUE } from '../util/base64';

/** One decoded mapping. Lines are 1-based and columns 0-based, as the source map spec's consumers report them. */
export interface WasmMapping {
  /** Generated column: the byte offset in the module file. */
  generated: number;
  /** Index into `sources`, or -1 for a segment with no source (unmapped code from here). */
  source: number;
  line: number;
  column: number;
  /** Index into `names`, or -1. */
  name: number;
}

/** A position found for a module file offset. */
export interface WasmMapPosition {
  /** Source path after `sourceRoot`. */
  source: string;
  /** 1-based. */
  line: number;
  /** 0-based, as in the map (add one for display next to DWARF's 1-based columns). */
  column: number;
  name?: string;
  /** The generated offset of the mapping used (≤ the offset asked for). */
  generated: number;
}


/** Cap on the mappings we accept (a 100 MB module has a few million). */
const MAX_MAPPINGS = 50_000_000;

export class WasmSourceMap {
  readonly sources: string[];
  readonly names: string[];
  readonly sourcesContent: Array<string | undefined>;
  readonly sourceRoot: string;
  private readonly gen: Uint32Array;
  private readonly src: Int32Array;
  private readonly line: Int32Array;
  private readonly col: Int32Array;
  private readonly name: Int32Array;
  /** Non-fatal problems met while decoding (a map with warnings still answers lookups). */
  readonly warnings: string[] = [];

  private constructor(readonly file: string, json: RawMap, m: { gen: Uint32Array; src: Int32Array; line: Int32Array; col: Int32Array; name: Int32Array }) {
    this.sourceRoot = typeof json.sourceRoot === 'string' ? json.sourceRoot : '';
    this.sources = (json.sources as unknown[]).map((s) => (typeof s === 'string' ? joinRoot(this.sourceRoot, s) : ''));
    this.names = Array.isArray(json.names) ? json.names.map((n) => (typeof n === 'string' ? n : '')) : [];
    this.sourcesContent = this.sources.map((_, i) => {
      const c = Array.isArray(json.sourcesContent) ? json.sourcesContent[i] : undefined;
      return typeof c === 'string' ? c : undefined;
    });
    this.gen = m.gen; this.src = m.src; this.line = m.line; this.col = m.col; this.name = m.name;
  }

  /** Parses the JSON text of a source map; `file` names it in errors. */
  static parse(text: string, file: string): WasmSourceMap {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new FormatError(`source map is not JSON: ${(e as Error).message}`, { file });
    }
    if (!json || typeof json !== 'object' || Array.isArray(json)) throw new FormatError('source map is not a JSON object', { file });
    const raw = json as RawMap;
    if ('sections' in raw) throw new FormatError('indexed source maps ("sections") are not supported for Wasm', { file }, 'E_UNSUPPORTED');
    if (raw.version !== 3) throw new FormatError(`source map version ${JSON.stringify(raw.version)}, expected 3`, { file }, 'E_UNSUPPORTED');
    if (!Array.isArray(raw.sources)) throw new FormatError('source map has no "sources" array', { file });
    if (typeof raw.mappings !== 'string') throw new FormatError('source map has no "mappings" string', { file });
    const nNames = Array.isArray(raw.names) ? raw.names.length : 0;
    const m = decodeMappings(raw.mappings, raw.sources.length, nNames, file);
    const map = new WasmSourceMap(file, raw, m);
    if (m.lines > 1) map.warnings.push(`${file}: mappings span ${m.lines} generated lines; a Wasm map has one (only line 1 is used)`);
    return map;
  }

  get mappingCount(): number { return this.gen.length; }

  /** Every mapping in generated order (the differential test and `wasm-coredump symbolize --all` use it). */
  *mappings(): IterableIterator<WasmMapping> {
    for (let i = 0; i < this.gen.length; i++) {
      yield { generated: this.gen[i], source: this.src[i], line: this.line[i], column: this.col[i], name: this.name[i] };
    }
  }

  /**
   * The mapping in force at a module file offset: the greatest generated
   * offset ≤ `fileOffset`, if it has a source. Offsets before the first
   * mapping, or after a source-less segment, have no position.
   */
  lookup(fileOffset: number): WasmMapPosition | undefined {
    const g = this.gen;
    let lo = 0, hi = g.length - 1, found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (g[mid] <= fileOffset) { found = mid; lo = mid + 1; } else hi = mid - 1;
    }
    if (found < 0 || this.src[found] < 0) return undefined;
    const n = this.name[found];
    return {
      source: this.sources[this.src[found]], line: this.line[found] + 1, column: this.col[found],
      name: n >= 0 ? this.names[n] : undefined, generated: g[found],
    };
  }

  /**
   * Rewrites source paths (the host resolves relative ones against the
   * map's directory where that file exists, as browsers resolve them
   * against the map's URL).
   */
  mapSources(fn: (source: string) => string): void {
    for (let i = 0; i < this.sources.length; i++) this.sources[i] = fn(this.sources[i]);
  }

  /** The embedded text (`sourcesContent`) of a source, by its path as `lookup` returns it. */
  contentOf(source: string): string | undefined {
    const i = this.sources.indexOf(source);
    return i >= 0 ? this.sourcesContent[i] : undefined;
  }
}

interface RawMap {
  version?: unknown; sources?: unknown[]; names?: unknown[]; mappings?: unknown;
  sourceRoot?: unknown; sourcesContent?: unknown[]; file?: unknown;
}

/** `sourceRoot` + source, normalised as source map consumers do (`./` dropped, `a/..` collapsed). */
function joinRoot(root: string, s: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(s)) return s;
  const joined = !root || s.startsWith('/') ? s : root.endsWith('/') ? root + s : `${root}/${s}`;
  return normalise(joined);
}

function normalise(p: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(p)) return p;
  const abs = p.startsWith('/');
  const out: string[] = [];
  for (const c of p.split('/')) {
    if (c === '.' || (c === '' && out.length > 0)) continue;
    if (c === '..' && out.length > 0 && out[out.length - 1] !== '..' && out[out.length - 1] !== '') { out.pop(); continue; }
    out.push(c);
  }
  const r = out.join('/');
  return r === '' ? (abs ? '/' : '.') : r;
}

interface Decoded { gen: Uint32Array; src: Int32Array; line: Int32Array; col: Int32Array; name: Int32Array; lines: number }

/**
 * Decodes the `mappings` string. Fields are deltas (Base64 VLQ); generated
 * column resets on each `;` (a new generated line), the others carry over.
 * Only generated line 1 is kept (a Wasm module has one).
 */
function decodeMappings(s: string, nSources: number, nNames: number, file: string): Decoded {
  let cap = Math.min(Math.max(16, s.length >>> 2), MAX_MAPPINGS);
  let gen = new Uint32Array(cap), src = new Int32Array(cap), line = new Int32Array(cap), col = new Int32Array(cap), name = new Int32Array(cap);
  let n = 0, genLine = 0, gcol = 0, sIdx = 0, oLine = 0, oCol = 0, nIdx = 0;
  let sorted = true;
  const fields = [0, 0, 0, 0, 0];
  let pos = 0, segStart = 0, segNo = 0;
  const bad = (what: string): never => {
    throw new FormatError(`${what} in mapping segment ${segNo} (line ${genLine + 1}, character ${segStart} of "mappings")`, { file, section: 'mappings' });
  };
  while (pos <= s.length) {
    segStart = pos;
    let k = 0;
    while (pos < s.length) {
      const c = s.charCodeAt(pos);
      if (c === 0x2c /* , */ || c === 0x3b /* ; */) break;
      // one VLQ value
      let value = 0, shift = 0, digit: number;
      do {
        if (pos >= s.length) bad('VLQ value runs past the end');
        const ch = s.charCodeAt(pos++);
        digit = ch < 128 ? B64_VALUE[ch] : -1;
        if (digit < 0) bad(`invalid Base64 character ${JSON.stringify(String.fromCharCode(ch))}`);
        if (shift > 30) bad('VLQ value longer than 32 bits');
        value += (digit & 31) * 2 ** shift;
        shift += 5;
        if (pos < s.length && (digit & 32) && (s.charCodeAt(pos) === 0x2c || s.charCodeAt(pos) === 0x3b)) bad('VLQ value ends in a continuation digit');
      } while (digit & 32);
      if (k >= 5) bad('more than 5 fields');
      fields[k++] = value % 2 === 1 ? -((value - 1) / 2) : value / 2;
    }
    if (k > 0) {
      if (k !== 1 && k !== 4 && k !== 5) bad(`${k} fields (a segment has 1, 4 or 5)`);
      gcol += fields[0];
      if (gcol < 0) bad(`negative generated column ${gcol}`);
      let si = -1, ni = -1;
      if (k >= 4) {
        sIdx += fields[1]; oLine += fields[2]; oCol += fields[3];
        if (sIdx < 0 || sIdx >= nSources) bad(`source index ${sIdx} out of range (${nSources} sources)`);
        if (oLine < 0) bad(`negative original line ${oLine}`);
        if (oCol < 0) bad(`negative original column ${oCol}`);
        si = sIdx;
      }
      if (k === 5) {
        nIdx += fields[4];
        if (nIdx < 0 || nIdx >= nNames) bad(`name index ${nIdx} out of range (${nNames} names)`);
        ni = nIdx;
      }
      if (genLine === 0) {
        if (n === cap) {
          if (cap >= MAX_MAPPINGS) throw new FormatError(`more than ${MAX_MAPPINGS} mappings`, { file, section: 'mappings' }, 'E_LIMIT');
          cap = Math.min(cap * 2, MAX_MAPPINGS);
          gen = grow(gen, cap); src = grow(src, cap); line = grow(line, cap); col = grow(col, cap); name = grow(name, cap);
        }
        if (n > 0 && gcol < gen[n - 1]) sorted = false;
        gen[n] = gcol; src[n] = si; line[n] = si >= 0 ? oLine : 0; col[n] = si >= 0 ? oCol : 0; name[n] = ni;
        n++;
      }
      segNo++;
    }
    if (pos >= s.length) break;
    if (s.charCodeAt(pos) === 0x3b) { genLine++; gcol = 0; }
    pos++;
  }
  let out: Decoded = { gen: gen.slice(0, n), src: src.slice(0, n), line: line.slice(0, n), col: col.slice(0, n), name: name.slice(0, n), lines: genLine + 1 };
  if (!sorted) out = sortByGenerated(out);
  return out;
}

function grow<T extends Uint32Array | Int32Array>(a: T, cap: number): T {
  const b = new (a.constructor as { new(n: number): T })(cap);
  b.set(a);
  return b;
}

/** Stable sort of the parallel arrays by generated offset (producers write them in order; this is for the rest). */
function sortByGenerated(d: Decoded): Decoded {
  const idx = Array.from({ length: d.gen.length }, (_, i) => i).sort((a, b) => d.gen[a] - d.gen[b] || a - b);
  const pick = <T extends Uint32Array | Int32Array>(a: T): T => {
    const b = new (a.constructor as { new(n: number): T })(a.length);
    idx.forEach((j, i) => { b[i] = a[j]; });
    return b;
  };
  return { gen: pick(d.gen), src: pick(d.src), line: pick(d.line), col: pick(d.col), name: pick(d.name), lines: d.lines };
}
