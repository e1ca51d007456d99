/**
 * A stand-in for the crash service's download endpoints, serving real files:
 * `/v1/blobs/<sha256>` and `/v1/crashes/<id>/files` (the listing a test
 * gives). Used by the crash download test and the VS Code end-to-end test
 * of "Open in VS Code".
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { sha256File } from './records';

/** Serves `/v1/blobs/<key>` from files and `/v1/crashes/<id>/files` from listings (given in terms of local paths). */
export class FakeService {
  private readonly blobs = new Map<string, string>();
  private readonly listings = new Map<string, unknown>();
  private server = http.createServer((req, res) => this.serve(req, res));
  url = '';
  hits: string[] = [];

  blob(path: string): string {
    const key = sha256File(path);
    this.blobs.set(key, path);
    return `/v1/blobs/${key}`;
  }
  crash(id: string, listing: unknown): string {
    this.listings.set(id, listing);
    return `${this.url}/v1/crashes/${id}`;
  }
  private serve(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.hits.push(req.url ?? '');
    let m = /^\/v1\/blobs\/([0-9a-f]{64})$/.exec(req.url ?? '');
    if (m && this.blobs.has(m[1])) {
      const body = readFileSync(this.blobs.get(m[1])!);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
      res.end(body);
      return;
    }
    m = /^\/v1\/crashes\/([^/]+)\/files$/.exec(req.url ?? '');
    if (m && this.listings.has(m[1])) {
      const l = this.listings.get(m[1]);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(typeof l === 'string' ? l : JSON.stringify(l));
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"error":"not found"}');
  }
  async start(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  close(): Promise<void> { return new Promise((r) => this.server.close(() => r())); }
}
