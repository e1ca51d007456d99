/**
 * Finding sources built under another prefix (`-fdebug-prefix-map=$PWD=/src`,
 * a CI checkout, a container) without a `sourceMap`: when the mapped path is
 * not a file, look for it below the core dump's directory and the modules'
 * directories, with its leading components stripped one at a time
 * (`/src/lib/prog.c` → `<dir>/src/lib/prog.c`, `<dir>/lib/prog.c`,
 * `<dir>/prog.c`); the first file found wins, the longest suffix first.
 * An explicit `sourceMap` whose target exists wins, since its result is
 * checked first.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Paths with more components than this are only tried by their last ones. */
const MAX_COMPONENTS = 64;

export class SourceSearch {
  private readonly dirs: string[];
  private readonly entries = new Map<string, Set<string>>();
  private readonly results = new Map<string, string>();
  private readonly files = new Map<string, boolean>();

  constructor(dirs: Array<string | undefined>) {
    this.dirs = [...new Set(dirs.filter((d): d is string => !!d).map((d) => path.resolve(d)))];
  }

  /** The local file for `mapped` (after sourceMap), or `mapped` itself when none is found. */
  resolve(mapped: string): string {
    let r = this.results.get(mapped);
    if (r === undefined) {
      r = this.isFile(mapped) ? mapped : this.search(mapped) ?? mapped;
      this.results.set(mapped, r);
    }
    return r;
  }

  private search(mapped: string): string | undefined {
    const comps = mapped.split(/[\\/]+/).filter((c) => c !== '' && c !== '.');
    // a relative path's leading `..` (source map sources are relative to the map) is dropped like a prefix
    while (comps[0] === '..' && !path.isAbsolute(mapped)) comps.shift();
    if (comps.length === 0 || comps.includes('..')) return undefined;
    for (let k = Math.max(0, comps.length - MAX_COMPONENTS); k < comps.length; k++) {
      for (const dir of this.dirs) {
        // one directory listing per search directory instead of a stat per candidate
        if (!this.dirEntries(dir).has(comps[k])) continue;
        const cand = path.join(dir, ...comps.slice(k));
        if (this.isFile(cand)) return cand;
      }
    }
    return undefined;
  }

  private dirEntries(dir: string): Set<string> {
    let s = this.entries.get(dir);
    if (!s) {
      try { s = new Set(fs.readdirSync(dir)); } catch { s = new Set(); }
      this.entries.set(dir, s);
    }
    return s;
  }

  private isFile(p: string): boolean {
    let v = this.files.get(p);
    if (v === undefined) {
      try { v = fs.statSync(p).isFile(); } catch { v = false; }
      this.files.set(p, v);
    }
    return v;
  }
}
