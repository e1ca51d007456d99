/**
 * Source path mapping: a build-time prefix → a local prefix (launch
 * `sourceMap`). The longest matching prefix wins; a prefix matches only at a
 * path-component boundary. Relative DWARF paths are joined to the unit's
 * compilation directory by the symbolizer before they get here.
 */
export function mapSourcePath(p: string, map: Record<string, string> | undefined): string {
  if (!map) return p;
  let best: { from: string; to: string } | undefined;
  for (const [key, to] of Object.entries(map)) {
    const from = key.replace(/[\\/]+$/, '');
    if (!from || typeof to !== 'string') continue;
    const ok = p === from || p.startsWith(from + '/') || p.startsWith(from + '\\');
    if (ok && (!best || from.length > best.from.length)) best = { from, to };
  }
  if (!best) return p;
  return best.to.replace(/[\\/]+$/, '') + p.slice(best.from.length);
}
