/**
 * How the capture CLI talks to the program it runs (WASI runner or `-r`
 * preload in a Node child): options in environment variables, results as
 * JSON lines appended to a report file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ValueEncoding } from '../../src/coredump/model';
import { TrapInfo } from './inprocess';
import { Collected } from './collect';

export const ENV_OUT = 'WASM_COREDUMP_OUT';
export const ENV_REPORT = 'WASM_COREDUMP_REPORT';
export const ENV_NO_LOCALS = 'WASM_COREDUMP_NO_LOCALS';
export const ENV_VALUE_ENCODING = 'WASM_COREDUMP_VALUE_ENCODING';
export const ENV_MAX = 'WASM_COREDUMP_MAX';
export const ENV_SAVE_MODULES = 'WASM_COREDUMP_SAVE_MODULES';
/** JSON WasiSettings for the WASI runner. */
export const ENV_WASI = 'WASM_COREDUMP_WASI';

/**
 * What the WASI program sees. Like wasmtime, nothing by default: no
 * environment variables and no directories, so the core dump's memory holds
 * nothing of the host it was not given.
 */
export interface WasiSettings { env: Record<string, string>; preopens: Record<string, string> }

export function readWasiSettings(env: NodeJS.ProcessEnv): WasiSettings {
  const raw = env[ENV_WASI];
  if (!raw) return { env: {}, preopens: {} };
  const v = JSON.parse(raw) as Partial<WasiSettings>;
  return { env: v.env ?? {}, preopens: v.preopens ?? {} };
}

export interface ReportLine extends TrapInfo { file: string; modules?: string[] }
export interface ErrorLine { error: string }

export interface ChildSettings {
  out: string; report?: string; noLocals: boolean; valueEncoding: ValueEncoding; maxDumps?: number; saveModules: boolean;
}

export function readSettings(env: NodeJS.ProcessEnv, fallbackOut: string): ChildSettings {
  return {
    out: env[ENV_OUT] || fallbackOut,
    report: env[ENV_REPORT] || undefined,
    noLocals: env[ENV_NO_LOCALS] === '1',
    valueEncoding: env[ENV_VALUE_ENCODING] === 'fixed' ? 'fixed' : 'leb',
    maxDumps: Number(env[ENV_MAX]) > 0 ? Number(env[ENV_MAX]) : undefined,
    saveModules: env[ENV_SAVE_MODULES] === '1',
  };
}

/** The n-th (1-based) trap's file: `out`, then `out` with `.2`, `.3`... before the extension. */
export function nthFile(out: string, n: number): string {
  if (n <= 1) return out;
  const ext = path.extname(out);
  return ext ? `${out.slice(0, -ext.length)}.${n}${ext}` : `${out}.${n}`;
}

/**
 * Save every module whose bytes were captured next to the core dump as
 * `<dump name>.<module index>.wasm`, and name it so in `coremodules` (a
 * V8 script URL like wasm://wasm/1a2b3c4d names no file). Returns the files.
 */
export function saveModules(model: Collected, dumpFile: string): string[] {
  const base = dumpFile.replace(/\.coredump$/, '');
  const out: string[] = [];
  model.moduleBytes.forEach((bytes, k) => {
    if (!bytes) return;
    const file = `${base}.${k}.wasm`;
    fs.writeFileSync(file, bytes);
    model.modules[k] = path.basename(file);
    out.push(file);
  });
  return out;
}

/** prepare/onTrap/onError handlers that write files and report lines (synchronously). */
export function fileWriters(s: ChildSettings): {
  prepare(model: Collected): void; onTrap(bytes: Uint8Array, info: TrapInfo): void; onError(e: unknown): void;
} {
  let n = 0;
  let modules: string[] = [];
  const report = (line: ReportLine | ErrorLine) => { if (s.report) fs.appendFileSync(s.report, JSON.stringify(line) + '\n'); };
  return {
    prepare(model) {
      modules = s.saveModules ? saveModules(model, nthFile(s.out, n + 1)) : [];
    },
    onTrap(bytes, info) {
      const file = nthFile(s.out, ++n);
      fs.writeFileSync(file, bytes);
      report({ file, modules, ...info });
      modules = [];
    },
    onError(e) {
      const msg = e instanceof Error ? e.message : String(e);
      process.stderr.write(`wasm-coredump capture: could not capture the trap: ${msg}\n`);
      report({ error: msg });
    },
  };
}
