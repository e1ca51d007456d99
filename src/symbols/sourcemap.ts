/**
 * Source path substitution: DWARF records build-machine paths; the user
 * maps prefixes to local directories (`--source-map FROM=TO`, several
 * entries, the longest matching prefix wins). Pure: existence checks are
 * passed in as a callback.
 */
export interface SourceMapEntry { from: string; to: string }

function norm(p: string): string { return p.replace(/\\/g, '/'); }

export class SourcePathMap {
  readonly entries: SourceMapEntry[];
  constructor(entries: SourceMapEntry[] = []) {
    // longest prefix first
    this.entries = [...entries].sort((a, b) => norm(b.from).length - norm(a.from).length);
  }

  /** Parse `FROM=TO` strings (the last '=' separates, so FROM may not contain '='... but TO may not either). */
  static parse(specs: string[]): SourcePathMap {
    const out: SourceMapEntry[] = [];
    for (const s of specs) {
      const i = s.indexOf('=');
      if (i <= 0) throw new Error(`source map entry '${s}' is not FROM=TO`);
      out.push({ from: s.slice(0, i), to: s.slice(i + 1) });
    }
    return new SourcePathMap(out);
  }

  /** The local path for a DWARF path (unchanged when no prefix matches). Matches whole path components. */
  map(path: string): string {
    const p = norm(path);
    for (const e of this.entries) {
      const f = norm(e.from).replace(/\/+$/, '');
      if (p === f || p.startsWith(f + '/') || (f === '' && p.startsWith('/'))) {
        const rest = p.slice(f.length);
        const to = e.to.replace(/[\\/]+$/, '');
        return to + rest;
      }
    }
    return path;
  }

  get size(): number { return this.entries.length; }
}

/** Which of `paths` (DWARF paths) do not exist locally after mapping; each reported once, in first-seen order. */
export function missingSources(paths: Iterable<string>, map: SourcePathMap, exists: (path: string) => boolean): Array<{ path: string; mapped: string }> {
  const seen = new Set<string>();
  const out: Array<{ path: string; mapped: string }> = [];
  for (const p of paths) {
    if (seen.has(p)) continue;
    seen.add(p);
    const mapped = map.map(p);
    if (!exists(mapped)) out.push({ path: p, mapped });
  }
  return out;
}
