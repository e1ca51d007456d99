/**
 * How the capture CLI talks to the program it runs (WASI runner or `-r`
 * preload in a Node child): options in environment variables, results as
 * JSON lines appended to a report file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ValueEncoding } from '../../src/coredump/model';
import { TrapInfo } from './inprocess';

export const ENV_OUT = 'WASM_COREDUMP_OUT';
export const ENV_REPORT = 'WASM_COREDUMP_REPORT';
export const ENV_NO_LOCALS = 'WASM_COREDUMP_NO_LOCALS';
export const ENV_VALUE_ENCODING = 'WASM_COREDUMP_VALUE_ENCODING';
export const ENV_MAX = 'WASM_COREDUMP_MAX';

export interface ReportLine extends TrapInfo { file: string }
export interface ErrorLine { error: string }

export interface ChildSettings { out: string; report?: string; noLocals: boolean; valueEncoding: ValueEncoding; maxDumps?: number }

export function readSettings(env: NodeJS.ProcessEnv, fallbackOut: string): ChildSettings {
  return {
    out: env[ENV_OUT] || fallbackOut,
    report: env[ENV_REPORT] || undefined,
    noLocals: env[ENV_NO_LOCALS] === '1',
    valueEncoding: env[ENV_VALUE_ENCODING] === 'fixed' ? 'fixed' : 'leb',
    maxDumps: Number(env[ENV_MAX]) > 0 ? Number(env[ENV_MAX]) : undefined,
  };
}

/** The n-th (1-based) trap's file: `out`, then `out` with `.2`, `.3`... before the extension. */
export function nthFile(out: string, n: number): string {
  if (n <= 1) return out;
  const ext = path.extname(out);
  return ext ? `${out.slice(0, -ext.length)}.${n}${ext}` : `${out}.${n}`;
}

/** onTrap/onError handlers that write files and report lines (synchronously). */
export function fileWriters(s: ChildSettings): { onTrap(bytes: Uint8Array, info: TrapInfo): void; onError(e: unknown): void } {
  let n = 0;
  const report = (line: ReportLine | ErrorLine) => { if (s.report) fs.appendFileSync(s.report, JSON.stringify(line) + '\n'); };
  return {
    onTrap(bytes, info) {
      const file = nthFile(s.out, ++n);
      fs.writeFileSync(file, bytes);
      report({ file, ...info });
    },
    onError(e) {
      const msg = e instanceof Error ? e.message : String(e);
      process.stderr.write(`wasm-coredump capture: could not capture the trap: ${msg}\n`);
      report({ error: msg });
    },
  };
}
