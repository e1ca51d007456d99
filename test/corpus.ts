/**
 * The real modules tests and benchmarks run on: linked modules with DWARF
 * from the shared corpus (../shared/corpus, listed in MANIFEST.tsv as
 * "wasm+DWARF...") and the fixtures' modules (test/fixtures/<id>/prog.wasm).
 * Paths are relative to the repository root; missing files are left out.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const CORPUS = '../shared/corpus';
const FIXTURES = 'test/fixtures';

/** Corpus modules whose MANIFEST kind is "wasm+DWARF..." (empty without the corpus). */
export function corpusDwarfModules(root = '.'): string[] {
  const corpus = join(root, CORPUS), manifest = join(corpus, 'MANIFEST.tsv');
  if (!existsSync(manifest)) return [];
  return readFileSync(manifest, 'utf8').split('\n').map((l) => l.split('\t'))
    .filter((c) => c.length > 5 && c[5].startsWith('wasm+DWARF')).map((c) => join(corpus, c[0])).filter((f) => existsSync(f));
}

/** Every fixture's prog.wasm. */
export function fixtureModules(root = '.'): string[] {
  const dir = join(root, FIXTURES);
  return existsSync(dir) ? readdirSync(dir).map((d) => join(dir, d, 'prog.wasm')).filter((f) => existsSync(f)) : [];
}
