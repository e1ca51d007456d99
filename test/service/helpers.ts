/** Shared by the service tests: a service on a loopback port over a fresh store, and a small HTTP client. */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { openStores, Stores } from '../../service/store/open';
import { createServer, Service, ServiceOptions } from '../../service/server';

export const CLI = path.resolve('out/cli/main.js');

export interface Running { svc: Service; url: string; stores: Stores; dir: string; logs: string[]; errors: string[]; stop(): Promise<void> }

export function tempDir(tag: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `wcd-${tag}-`));
}

export async function startService(opts: Partial<ServiceOptions> = {}, dir = tempDir('svc')): Promise<Running> {
  const stores = await openStores({ store: dir });
  const logs: string[] = [], errors: string[] = [];
  const svc = createServer({ index: stores.index, blobs: stores.blobs, tmpDir: stores.tmpDir, log: (l) => logs.push(l), logError: (l) => errors.push(l), ...opts });
  const url = await svc.listen(0, '127.0.0.1');
  return {
    svc, url, stores, dir, logs, errors,
    async stop() { await svc.close(); await stores.close(); fs.rmSync(dir, { recursive: true, force: true }); },
  };
}

export interface Reply { status: number; headers: http.IncomingHttpHeaders; body: Buffer; json(): any }

/** One request; `body` is sent whole (a Buffer) or not at all. Socket errors after a response has begun are ignored. */
export function request(url: string, opts: { method?: string; headers?: Record<string, string>; body?: Uint8Array; chunked?: boolean } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? 'GET', headers: opts.headers, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('error', () => { /* a closed connection after the answer */ });
      res.on('close', () => {
        const body = Buffer.concat(parts);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body.toString('utf8')) });
      });
    });
    req.on('error', reject);
    if (opts.body && opts.chunked) {
      // no Content-Length: Transfer-Encoding chunked, in pieces
      const b = Buffer.from(opts.body);
      for (let i = 0; i < b.length; i += 65536) req.write(b.subarray(i, i + 65536));
      req.end();
    } else req.end(opts.body ? Buffer.from(opts.body) : undefined);
  });
}

export function upload(url: string, endpoint: string, bytes: Uint8Array, headers: Record<string, string> = {}): Promise<Reply> {
  return request(url + endpoint, { method: 'POST', body: bytes, headers: { 'Content-Type': 'application/wasm', ...headers } });
}

/** Fixture directories with a prog.wasm and their prog*.coredump files. */
export function fixtureDumps(): Array<{ dir: string; module: string; dumps: string[] }> {
  const root = 'test/fixtures';
  if (!fs.existsSync(root)) return [];
  const out: Array<{ dir: string; module: string; dumps: string[] }> = [];
  for (const n of fs.readdirSync(root).sort()) {
    const dir = path.join(root, n);
    if (n.startsWith('_') || !fs.statSync(dir).isDirectory() || !fs.existsSync(path.join(dir, 'prog.wasm'))) continue;
    const dumps = fs.readdirSync(dir).filter((f) => /^prog.*\.coredump$/.test(f)).sort().map((f) => path.join(dir, f));
    out.push({ dir, module: path.join(dir, 'prog.wasm'), dumps });
  }
  return out;
}

/** Every file below `dir` (relative paths). */
export function filesBelow(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const n of fs.readdirSync(d)) {
      const p = path.join(d, n);
      if (fs.statSync(p).isDirectory()) walk(p); else out.push(path.relative(dir, p));
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out.sort();
}
