/**
 * Pure helpers for the file pickers (no `vscode` import, so unit tests can
 * run them under plain Node): where the module a core dump names may sit.
 */
import * as path from 'node:path';

/**
 * Paths where a module recorded in a core dump under `recordedName` may be,
 * best first: the name as recorded (absolute, or relative to the core dump's
 * folder), then its base name next to the core dump, then with `.wasm` added.
 * Names are whatever the producer wrote (a path, a file name, or a bare name
 * such as "<module>"), so every candidate still has to be checked to exist.
 */
export function moduleCandidates(coreDumpPath: string, recordedName: string): string[] {
  const name = recordedName.trim();
  if (name === '' || name.includes('\0')) return [];
  const dir = path.dirname(coreDumpPath);
  const out: string[] = [];
  const add = (p: string): void => { if (!out.includes(p)) out.push(p); };
  const isAbs = path.isAbsolute(name) || /^[A-Za-z]:[\\/]/.test(name);
  add(isAbs ? path.normalize(name) : path.resolve(dir, name));
  const base = name.split(/[\\/]/).pop() ?? '';
  if (base !== '' && base !== '.' && base !== '..') {
    add(path.join(dir, base));
    if (!base.toLowerCase().endsWith('.wasm')) add(path.join(dir, `${base}.wasm`));
  }
  return out;
}

/**
 * Guess for the module next to a core dump that recorded no usable name:
 * `prog.coredump` → `prog.wasm`, `prog.nolocals.coredump` → `prog.wasm`.
 */
export function siblingGuesses(coreDumpPath: string): string[] {
  const dir = path.dirname(coreDumpPath);
  const base = path.basename(coreDumpPath);
  const out: string[] = [];
  const parts = base.split('.');
  for (let n = parts.length - 1; n >= 1; n--) {
    const p = path.join(dir, `${parts.slice(0, n).join('.')}.wasm`);
    if (!out.includes(p)) out.push(p);
  }
  return out;
}

/** First candidate for which `exists` answers true, checking names in recorded order. */
export async function firstExisting(
  candidates: readonly string[],
  exists: (p: string) => Promise<boolean>,
): Promise<string | undefined> {
  for (const c of candidates) if (await exists(c)) return c;
  return undefined;
}
