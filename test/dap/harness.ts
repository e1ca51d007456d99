/**
 * Drives the real adapter (out/adapter/main.js) with DebugClient over stdio
 * or TCP, runs one scripted post-mortem session and records it as a
 * transcript with machine-specific details stabilised.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn, ChildProcess } from 'node:child_process';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';

export const REPO = process.cwd();
export const ADAPTER = path.resolve(REPO, 'out/adapter/main.js');
export const FIXTURES = path.resolve(REPO, 'test/fixtures');
export const GOLDEN = path.resolve(REPO, 'test/golden');

export async function stdioClient(): Promise<DebugClient> {
  const dc = new DebugClient(process.execPath, ADAPTER, 'wasm-coredump');
  dc.defaultTimeout = 20_000;
  await dc.start();
  return dc;
}

export async function tcpClient(port: number): Promise<DebugClient> {
  const dc = new DebugClient(process.execPath, ADAPTER, 'wasm-coredump');
  await dc.start(port);
  return dc;
}

/** Start `wasm-coredump-dap --port 0` and read the port it prints. */
export async function startServer(extra: string[] = []): Promise<{ proc: ChildProcess; port: number; stderr: () => string }> {
  const proc = spawn(process.execPath, [ADAPTER, '--port', '0', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr?.on('data', (d: Buffer) => { err += d.toString(); });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error(`server did not print its port: ${out} ${err}`)), 10_000);
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on .*:(\d+)/.exec(out);
      if (m) { clearTimeout(t); resolve(Number(m[1])); }
    });
    proc.on('exit', (c) => { clearTimeout(t); reject(new Error(`server exited (${c}): ${err}`)); });
  });
  return { proc, port, stderr: () => err };
}

export function fixtureIds(): string[] {
  if (!fs.existsSync(FIXTURES)) return [];
  return fs.readdirSync(FIXTURES).filter((d) => fs.existsSync(path.join(FIXTURES, d, 'facts.json'))).sort();
}

export interface Facts {
  id: string;
  module: string;
  values?: Array<{ frame: string; expr: string; value: string | null; frameIndex?: number }>;
  coreDumps: Record<string, { full: string; noLocals?: string; trap?: string; frames?: Array<{ function: string; file: string; line: number; inlined?: boolean }> }>;
}

export function readFacts(id: string): Facts {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, id, 'facts.json'), 'utf8')) as Facts;
}

export type Entry = { request: string; args?: unknown; response: unknown } | { event: string; body: unknown };

/**
 * Replace machine-specific strings: the shared corpus and repository paths, and runs of '/'
 * (the zig fixture's DWARF pads its build paths with a build-dependent
 * number of slashes).
 */
const SHARED = [path.resolve(REPO, '..', 'shared'), safeRealpath(path.resolve(REPO, '..', 'shared'))];
function safeRealpath(p: string): string {
  try { return fs.realpathSync(p); } catch { return p; }
}

export function stabilise<T>(v: T): T {
  const s = JSON.stringify(v, (_k, x) => {
    if (typeof x !== 'string') return x;
    // the shared corpus sits beside the clone, wherever that is (CI clones elsewhere)
    for (const sh of SHARED) x = x.split(sh).join('<shared>');
    return x.split(REPO).join('<repo>').replace(/\/{2,}/g, '/');
  });
  return JSON.parse(s) as T;
}

function strip(r: DebugProtocol.Response): unknown {
  const { seq: _s, request_seq: _r, type: _t, ...rest } = r as DebugProtocol.Response & Record<string, unknown>;
  return rest;
}

interface RawClient { doSend(command: string, args: unknown, cb: (r: DebugProtocol.Response) => void): void }

/** Send a request and resolve with its response, successful or not (DebugClient rejects failures with the message only). */
export function request(dc: DebugClient, command: string, args?: unknown, timeoutMs = 20_000): Promise<DebugProtocol.Response> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no response to '${command}' within ${timeoutMs} ms`)), timeoutMs);
    (dc as unknown as RawClient).doSend(command, args, (r) => { clearTimeout(t); resolve(r); });
  });
}

/** Send a request and record it with its response. */
export async function rec(dc: DebugClient, log: Entry[], command: string, args?: unknown): Promise<DebugProtocol.Response> {
  const resp = await request(dc, command, args);
  log.push({ request: command, args, response: strip(resp) });
  return resp;
}
