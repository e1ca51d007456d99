/**
 * Source path mapping: a build-time prefix → a local prefix (launch
 * `sourceMap`). The longest matching prefix wins; a prefix matches only at a
 * path-component boundary. Relative DWARF paths are joined to the unit's
 * compilation directory by the symbolizer before they get here. Runs of '/'
 * (some producers pad build paths with them) collapse to one, before
 * matching and in the result: the same file, a readable path.
 */
export function mapSourcePath(p: string, map: Record<string, string> | undefined): string {
  const q = collapseSlashes(p);
  if (!map) return q;
  let best: { from: string; to: string } | undefined;
  for (const [key, to] of Object.entries(map)) {
    const from = collapseSlashes(key).replace(/[\\/]+$/, '');
    if (!from || typeof to !== 'string') continue;
    const ok = q === from || q.startsWith(from + '/') || q.startsWith(from + '\\');
    if (ok && (!best || from.length > best.from.length)) best = { from, to };
  }
  if (!best) return q;
  return collapseSlashes(best.to.replace(/[\\/]+$/, '') + q.slice(best.from.length));
}

/** `a//b///c` → `a/b/c` (POSIX treats them alike). */
export function collapseSlashes(p: string): string {
  return p.includes('//') ? p.replace(/\/{2,}/g, '/') : p;
}
