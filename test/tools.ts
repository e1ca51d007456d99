/**
 * The one place tests find the external tools they compare with (oracles:
 * LLVM's symbolizer, demangler and dwarfdump, LLDB, wabt) or prepare inputs
 * with (llvm-objcopy). Every expectation in an oracle test was written
 * against one tool version; a different version of the same tool prints
 * differently (LLVM 14's llvm-cxxfilt prints `> >` where 19 prints `>>`), so
 * a tool is used only when its own `--version` says it is the pinned
 * version. Otherwise the test skips with a message naming the version it
 * needs and what it found instead: never a fallback to whatever is on PATH.
 */
import { spawnSync } from 'node:child_process';

export interface ToolSpec {
  /** Command name without version suffix, e.g. `llvm-cxxfilt`. */
  command: string;
  /** Pinned version: a major (`19`) or an exact version (`1.0.32`). */
  version: string;
  /** How the tool prints its version: first capture group is `major.minor.patch`. */
  versionPattern: RegExp;
  /** Debian package that provides it at that version. */
  pkg: string;
  /** Suffixed command names tried first (`llvm-cxxfilt-19`); the plain name is tried last. */
  suffixed?: string[];
}

const LLVM_VERSION = /LLVM version (\d+\.\d+\.\d+)/;
const llvm = (command: string, major: string): ToolSpec =>
  ({ command, version: major, versionPattern: LLVM_VERSION, pkg: `llvm-${major}`, suffixed: [`${command}-${major}`] });
const wabt = (command: string): ToolSpec =>
  ({ command, version: '1.0.32', versionPattern: /^(\d+\.\d+\.\d+)/m, pkg: 'wabt (Debian 12: 1.0.32)' });

/** Every tool a test uses, at the version its expectations were written for. */
export const TOOLS = {
  symbolizer19: llvm('llvm-symbolizer', '19'),
  /** LLVM 14's symbolizer: the oracle of the fixtures' frames (LLVM 19 sometimes names the wrong function for a right line) and for modules LLVM 19 rejects. */
  symbolizer14: llvm('llvm-symbolizer', '14'),
  cxxfilt19: llvm('llvm-cxxfilt', '19'),
  dwarfdump19: llvm('llvm-dwarfdump', '19'),
  objcopy19: llvm('llvm-objcopy', '19'),
  lldb19: { command: 'lldb', version: '19', versionPattern: /lldb version (\d+\.\d+\.\d+)/, pkg: 'lldb-19', suffixed: ['lldb-19'] } as ToolSpec,
  /** Debian 12's rustc (the crash reason's float text is compared with its core::fmt). */
  rustc163: { command: 'rustc', version: '1.63', versionPattern: /rustc (\d+\.\d+\.\d+)/, pkg: 'rustc (Debian 12: 1.63)', suffixed: ['/usr/bin/rustc'] } as ToolSpec,
  wasmObjdump: wabt('wasm-objdump'),
  wasmValidate: wabt('wasm-validate'),
  wasm2wat: wabt('wasm2wat'),
  wat2wasm: wabt('wat2wasm'),
} satisfies Record<string, ToolSpec>;

export type ToolResult = { bin: string; version: string; missing?: undefined } | { bin?: undefined; version?: undefined; missing: string };

/** Runs `bin --version`; undefined when it does not run. */
export type VersionProbe = (bin: string) => string | undefined;

export const probeVersion: VersionProbe = (bin) => {
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  if (r.error || r.status !== 0) return undefined;
  return `${r.stdout ?? ''}${r.stderr ?? ''}`;
};

/** Whether `found` (`19.1.7`) is the pinned `want` (`19`, or exactly `1.0.32`). */
export function versionMatches(found: string, want: string): boolean {
  return found === want || found.startsWith(`${want}.`);
}

/**
 * Pure selection: the first candidate whose own version output is the pinned
 * version, or a message saying what is missing and what was found instead.
 */
export function pickTool(spec: ToolSpec, probe: VersionProbe): ToolResult {
  const seen: string[] = [];
  for (const bin of [...(spec.suffixed ?? []), spec.command]) {
    const out = probe(bin);
    if (out === undefined) continue;
    const found = spec.versionPattern.exec(out)?.[1];
    if (found && versionMatches(found, spec.version)) return { bin, version: found };
    seen.push(`${bin} is ${found ?? 'of an unknown version'}`);
  }
  const name = `${spec.command} ${spec.version}`;
  return { missing: `${name} not installed${seen.length ? ` (${seen.join(', ')}: not the version these expectations were written for)` : ''}; install ${spec.pkg}` };
}

const cache = new Map<ToolSpec, ToolResult>();

/** The pinned tool on this machine (cached per process). */
export function findTool(spec: ToolSpec): ToolResult {
  let r = cache.get(spec);
  if (!r) { r = pickTool(spec, probeVersion); cache.set(spec, r); }
  return r;
}
