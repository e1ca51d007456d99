/** Shared helpers for capture tests: temp dirs, wasm-validate, running the CLI. */
import { spawnSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findTool, TOOLS } from '../../tools';

export function tmpDir(): string { return fs.mkdtempSync(path.join(os.tmpdir(), 'wcd-capture-test-')); }

/** Whether the pinned version (test/tools.ts) of a tool is installed. */
export function hasTool(command: string): boolean {
  const spec = Object.values(TOOLS).find((t) => t.command === command);
  if (!spec) throw new Error(`${command} is not a tool of test/tools.ts: add it there with its pinned version`);
  return findTool(spec).bin !== undefined;
}

/** Run wasm-validate; returns its stderr ('' when valid). */
export function wasmValidate(file: string, flags: string[] = []): { ok: boolean; output: string } {
  const r = spawnSync('wasm-validate', [...flags, file], { encoding: 'utf8' });
  return { ok: r.status === 0, output: (r.stdout ?? '') + (r.stderr ?? '') };
}

export const CLI = path.resolve('out/cli/main.js');

export interface RunResult { code: number | null; stdout: string; stderr: string }

/** Run `wasm-coredump ARGS` (async, so tests do not block the event loop). */
export function runCli(args: string[], opts: { cwd?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const t = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`capture timed out: ${stderr}`)); }, opts.timeoutMs ?? 60_000);
    child.on('exit', (code) => { clearTimeout(t); resolve({ code, stdout, stderr }); });
  });
}
