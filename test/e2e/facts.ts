/**
 * What the e2e test expects of a fixture, read from its facts.json (written by
 * the fixture build from the program's logic, never from our own output).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface FactFrame { function: string; file: string; line: number | null; inlined?: boolean }
export interface FactValue { frame: string; expr: string; value: string | null; kind: string; frameIndex: number | null; onlyDumps?: string[]; global?: boolean; static?: boolean; optimizedOutOk?: boolean }
export interface Facts { id: string; language: string; optimized: boolean; module: string; runtimeFramesAbove?: number; coreDumps: Record<string, { full: string }>; frames: FactFrame[]; values: FactValue[] }

export const FIXTURES_DIR = resolve('test/fixtures');
/** One -O0 fixture per language: E2E_FIXTURES=quick. */
export const QUICK_FIXTURES = ['c-clang19-O0-dwarf4', 'cpp-clang19-O0', 'rust-1.63-O0', 'zig-0.11-debug'];

/**
 * The default (CI): one fixture per language and one Emscripten build, each a
 * minute in a real VS Code; every fixture's session is checked at the DAP
 * level by the golden transcripts. (With E2E_FIXTURES=all, fixtures whose
 * sources share a file name open side by side in one workbench; the hover of
 * the second prog.cpp was seen to miss there, while it passes alone.)
 */
export const DEFAULT_FIXTURES = [...QUICK_FIXTURES, 'c-emcc3.1.6-O0'];

/** DEFAULT_FIXTURES unless E2E_FIXTURES says otherwise: `all` (every fixture with a facts.json), `quick`, or a comma list of ids. */
export function selectedFixtures(): Facts[] {
  const env = process.env.E2E_FIXTURES?.trim();
  const ids = !env ? DEFAULT_FIXTURES
    : env === 'all' ? readdirSync(FIXTURES_DIR).filter((d) => existsSync(join(FIXTURES_DIR, d, 'facts.json'))).sort()
    : env === 'quick' ? QUICK_FIXTURES
    : env.split(',').map((s) => s.trim()).filter(Boolean);
  return ids.filter((id) => existsSync(join(FIXTURES_DIR, id, 'facts.json')))
    .map((id) => JSON.parse(readFileSync(join(FIXTURES_DIR, id, 'facts.json'), 'utf8')) as Facts);
}

const plainIdent = /^[A-Za-z_][A-Za-z0-9_]*$/;
const memberExpr = /^[A-Za-z_][A-Za-z0-9_]*(?:\.|->)[A-Za-z_][A-Za-z0-9_.]*$/;
const usable = (v: FactValue): boolean => v.value !== null && v.frameIndex !== null && !v.onlyDumps && !v.static && !v.optimizedOutOk;

/**
 * A variable shown directly in the Variables view: a local (a non-zero int if
 * there is one, in the youngest frame that has one); for optimised builds,
 * where any local may be optimised out, a global instead.
 */
export function variableToCheck(f: Facts): FactValue | undefined {
  const c = f.values.filter((v) => usable(v) && plainIdent.test(v.expr)).sort((a, b) => a.frameIndex! - b.frameIndex!);
  const locals = c.filter((v) => !v.global);
  const pick = (l: FactValue[]): FactValue | undefined => l.find((v) => v.kind === 'int' && v.value !== '0') ?? l[0];
  return pick(locals) ?? pick(c.filter((v) => v.global));
}

/** A member expression in the same frame (or among the globals) for the Watch view, an int if possible. */
export function watchToCheck(f: Facts, like: FactValue): FactValue | undefined {
  const c = f.values.filter((v) => usable(v) && memberExpr.test(v.expr) && (like.global ? v.global : !v.global && v.frameIndex === like.frameIndex));
  return c.find((v) => v.kind === 'int') ?? c.find((v) => v.kind === 'string') ?? c[0];
}
