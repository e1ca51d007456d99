/**
 * A small crash service for the web page tests: an in-memory index holding
 * records built from real fixture dumps (and one with hostile names), served
 * by a node:http server that runs handleWeb first, as `serve` does.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleWeb } from '../../service/web/index';
import type { BlobStore, CrashRecord } from '../../service/store/types';
import { MemoryIndex } from './memoryIndex';
import { crashRecord, sha256File, summaryFromFixture, FIXTURES } from './records';
import { join } from 'node:path';
import { statSync } from 'node:fs';

export const HOSTILE = '<script>alert("x")</script>';

export interface Records { unreachable: CrashRecord[]; divzero: CrashRecord; inlined: CrashRecord; hostile: CrashRecord }

export function buildRecords(): Records {
  const o0 = summaryFromFixture('c-clang19-O0-dwarf4', 'prog.coredump');
  const dz = summaryFromFixture('c-clang19-O0-dwarf4', 'prog.divzero.coredump');
  const o2 = summaryFromFixture('c-clang19-O2', 'prog.coredump');
  const dump = (f: string, d: string): { dumpKey: string; dumpSize: number } => ({ dumpKey: sha256File(join(FIXTURES, f, d)), dumpSize: statSync(join(FIXTURES, f, d)).size });
  const hostileSummary = structuredClone(o0);
  hostileSummary.threads[0].frames[0].function = HOSTILE;
  hostileSummary.variables.push({ name: '<b>bold</b>', type: 'char *', value: '"<img src=x onerror=alert(1)>"' });
  return {
    unreachable: [
      crashRecord(o0, { id: '6f1c2d3e-0000-4000-8000-000000000001', fingerprint: 'a'.repeat(64), receivedAt: '2026-11-30T10:00:00.000Z', meta: { app: 'prog', version: '1.0', environment: 'staging' }, ...dump('c-clang19-O0-dwarf4', 'prog.coredump') }),
      crashRecord(o0, { id: '6f1c2d3e-0000-4000-8000-000000000002', fingerprint: 'a'.repeat(64), receivedAt: '2026-12-02T10:00:00.000Z', meta: { app: 'prog', version: '1.1', environment: 'production', requestId: 'req-42' }, ...dump('c-clang19-O0-dwarf4', 'prog.coredump') }),
    ],
    divzero: crashRecord(dz, { id: '6f1c2d3e-0000-4000-8000-000000000003', fingerprint: 'b'.repeat(64), receivedAt: '2026-12-01T10:00:00.000Z', meta: { app: 'prog', version: '1.1' }, ...dump('c-clang19-O0-dwarf4', 'prog.divzero.coredump') }),
    inlined: crashRecord(o2, { id: '6f1c2d3e-0000-4000-8000-000000000004', fingerprint: 'c'.repeat(64), receivedAt: '2026-11-29T10:00:00.000Z', meta: { app: 'prog-O2', version: '2.0' }, ...dump('c-clang19-O2', 'prog.coredump') }),
    hostile: crashRecord(hostileSummary, { id: '6f1c2d3e-0000-4000-8000-000000000005', fingerprint: 'd'.repeat(64), receivedAt: '2026-11-28T10:00:00.000Z', meta: { app: `app ${HOSTILE}`, [`key${HOSTILE}`]: 'v' }, title: `unreachable in ${HOSTILE}` }),
  };
}

export async function indexOf(r: Records): Promise<MemoryIndex> {
  const index = new MemoryIndex();
  for (const c of [...r.unreachable, r.divzero, r.inlined, r.hostile]) await index.addCrash(c);
  return index;
}

/** Serves handleWeb; anything it leaves is answered 418 so tests can tell. */
export async function startWebServer(index: MemoryIndex): Promise<{ url: string; close(): Promise<void> }> {
  let baseUrl = '';
  // the pages never read blobs (downloads are the JSON API's): any use fails the test
  const blobs = new Proxy({}, { get: (_t, k) => { throw new Error(`the web pages used blobs.${String(k)}`); } }) as BlobStore;
  const server = http.createServer((req, res) => {
    handleWeb(req, res, { index, blobs, baseUrl }).then((handled) => {
      if (!handled) { res.writeHead(418, { 'content-type': 'text/plain' }); res.end('not a page'); }
    }, (e: Error) => { res.writeHead(500); res.end(e.message); });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url: baseUrl, close: () => new Promise<void>((r) => server.close(() => r())) };
}
