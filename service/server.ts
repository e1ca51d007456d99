/**
 * The HTTP API of `wasm-coredump serve` (node:http):
 *
 *   POST /v1/crashes                  body: the core dump (Content-Type application/wasm or application/octet-stream);
 *                                     metadata: X-Crash-Meta: {"app":…,"version":…,"environment":…,"requestId":…}
 *                                     and/or ?app=&version=&environment=&request_id=   → 201 {id, fingerprint, isNew, group, title, url}
 *   POST /v1/debug-files?name=FILE[&kind=module|debug]  body: a .wasm module (stripped or not) or a separate debug file  → 201 record
 *   GET  /v1/crashes/:id              the crash record (JSON)
 *   GET  /v1/crashes/:id/dump         the core dump
 *   GET  /v1/crashes/:id/files        URLs of the dump, its modules and debug files (what a debugger downloads)
 *   GET  /v1/groups                   groups, most recently seen first (?limit=&offset=)
 *   GET  /v1/groups/:fingerprint      one group with its latest crashes
 *   GET  /v1/blobs/:kind/:key         a stored object (kind dump|module|debug, key: 64 hex digits)
 *   GET  /healthz                     "ok" (never needs the token)
 *
 * Errors are JSON `{"error":{"code","message"}}` with a 4xx status; the
 * server keeps serving after any of them. With a token, every other request
 * needs `Authorization: Bearer TOKEN`. Extra handlers (the web page,
 * service/web/) run before the built-in `GET /` page.
 */
import * as http from 'node:http';
import * as fs from 'node:fs';
import { timingSafeEqual } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { BlobStore, CrashRecord, IndexStore } from './store/types';
import { isBlobKey, isBlobKind } from './store/keys';
import { HttpError, mediaType, receiveBody, sendError, sendJson } from './http';
import { IngestContext, ingestCrash, ingestDebugFile, parseMeta, Slots } from './ingest';
import { SentryForwarder } from './sentry';
import { ModuleCache } from '../host/openCrash';

export type ExtraHandler = (req: http.IncomingMessage, res: http.ServerResponse, ctx: { index: IndexStore; blobs: BlobStore; baseUrl: string }) => Promise<boolean>;

export interface ServiceOptions {
  index: IndexStore;
  blobs: BlobStore;
  /** Local directory for uploads in progress (a directory store's tmp/). */
  tmpDir: string;
  debugDirs?: string[];
  /** Required bearer token (none: no authentication, for loopback use). */
  token?: string;
  /** Largest core dump accepted (default 512 MiB). */
  maxDumpSize?: number;
  /** Largest module / debug file accepted (default 1 GiB). */
  maxDebugFileSize?: number;
  /** The crash log (one line per crash; default stdout). */
  log?: (line: string) => void;
  /** Refused uploads and forwarding failures (default stderr). */
  logError?: (line: string) => void;
  sentry?: SentryForwarder;
  extraHandlers?: ExtraHandler[];
  /** Whole-request timeout (default 5 min) and headers timeout (default 30 s), for slow clients. */
  requestTimeoutMs?: number;
  headersTimeoutMs?: number;
  /** Crashes checked and symbolicated at once (default 2; the rest wait on disk). */
  maxConcurrentIngest?: number;
  /** URL prefix of links in responses (default: the listening address). */
  baseUrl?: string;
}

export const DEFAULT_MAX_DUMP = 512 * 1024 * 1024;
export const DEFAULT_MAX_DEBUG_FILE = 1024 * 1024 * 1024;

const UPLOAD_TYPES = new Set(['application/wasm', 'application/octet-stream']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function tokenOk(req: http.IncomingMessage, token: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  if (!m) return false;
  const a = Buffer.from(m[1].trim()), b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function tempName(tmpDir: string): string {
  return `${tmpDir}/${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}.part`;
}

export interface Service {
  server: http.Server;
  /** Start listening; resolves with the base URL. */
  listen(port: number, host: string): Promise<string>;
  close(): Promise<void>;
  readonly baseUrl: string;
}

export function createServer(opts: ServiceOptions): Service {
  const log = opts.log ?? ((l: string) => process.stdout.write(l + '\n'));
  const logError = opts.logError ?? ((l: string) => process.stderr.write(l + '\n'));
  const ingest: IngestContext = {
    index: opts.index, blobs: opts.blobs, debugDirs: opts.debugDirs ?? [], log, cache: new ModuleCache(32), slots: new Slots(opts.maxConcurrentIngest ?? 2),
    onCrash: opts.sentry ? (c, g, n) => { void opts.sentry?.forward(c, g, n); } : undefined,
  };
  let baseUrl = opts.baseUrl ?? '';
  const requestTimeout = opts.requestTimeoutMs ?? 300_000;
  const server = http.createServer({
    requestTimeout, headersTimeout: Math.min(opts.headersTimeoutMs ?? 30_000, requestTimeout),
    connectionsCheckingInterval: Math.max(100, Math.min(30_000, Math.floor(requestTimeout / 4))),
  });
  const crashUrl = (id: string): string => `${baseUrl}/v1/crashes/${id}`;
  const blobUrl = (kind: string, key: string): string => `${baseUrl}/v1/blobs/${kind}/${key}`;

  async function upload(req: http.IncomingMessage, limit: number, what: string): Promise<{ file: string; key: string; size: number }> {
    const t = mediaType(req);
    if (!UPLOAD_TYPES.has(t)) {
      throw new HttpError(415, 'unsupported_media_type', `${what}: Content-Type ${t ? `'${t}'` : '(none)'} is not accepted; send the raw bytes as application/wasm or application/octet-stream`);
    }
    return receiveBody(req, tempName(opts.tmpDir), limit, what);
  }

  async function getCrash(id: string): Promise<CrashRecord> {
    if (!UUID.test(id)) throw new HttpError(404, 'not_found', `no crash '${id.slice(0, 80)}' (crash ids are UUIDs)`);
    const c = await opts.index.getCrash(id);
    if (!c) throw new HttpError(404, 'not_found', `no crash ${id}`);
    return c;
  }

  async function sendBlob(res: http.ServerResponse, kind: 'dump' | 'module' | 'debug', key: string, name: string): Promise<void> {
    const o = await opts.blobs.open(kind, key);
    if (!o) throw new HttpError(404, 'not_found', `no ${kind} ${key}`);
    res.writeHead(200, {
      'Content-Type': 'application/wasm', 'Content-Length': o.size,
      'Content-Disposition': `attachment; filename="${name.replace(/[^A-Za-z0-9._-]/g, '_')}"`, 'Cache-Control': 'private, max-age=31536000, immutable',
    });
    await new Promise<void>((resolve) => {
      o.stream.on('error', () => { res.destroy(); resolve(); });
      res.on('close', resolve);
      o.stream.pipe(res);
    });
  }

  async function route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const p = url.pathname.replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';
    if (p === '/healthz') { if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed('GET'); res.writeHead(200, { 'Content-Type': 'text/plain' }); res.end('ok\n'); return; }
    if (opts.token !== undefined && !tokenOk(req, opts.token)) throw new HttpError(401, 'unauthorized', 'this service needs Authorization: Bearer TOKEN (the --token given to serve)');
    const seg = p.split('/').slice(1).map((s) => { try { return decodeURIComponent(s); } catch { return s; } });

    if (p === '/v1/crashes') {
      if (method !== 'POST') throw methodNotAllowed('POST');
      const meta = parseMeta(req.headers['x-crash-meta'], url.searchParams);
      const body = await upload(req, opts.maxDumpSize ?? DEFAULT_MAX_DUMP, 'core dump');
      try {
        const r = await ingestCrash(ingest, body, meta);
        sendJson(res, 201, { id: r.crash.id, fingerprint: r.crash.fingerprint, isNew: r.isNew, title: r.crash.title, group: r.group, url: crashUrl(r.crash.id) }, { Location: crashUrl(r.crash.id) });
      } finally {
        await fs.promises.rm(body.file, { force: true });
      }
      return;
    }
    if (p === '/v1/debug-files') {
      if (method === 'GET') {
        const q = { buildId: url.searchParams.get('build_id') ?? undefined, name: url.searchParams.get('name') ?? undefined };
        if (q.buildId === undefined && q.name === undefined) throw new HttpError(400, 'bad_request', 'give ?build_id= or ?name=');
        sendJson(res, 200, { files: (await opts.index.findDebugFiles(q)).map((r) => ({ ...r, url: blobUrl(r.kind, r.key) })) });
        return;
      }
      if (method !== 'POST') throw methodNotAllowed('POST, GET');
      const name = url.searchParams.get('name') ?? '';
      const body = await upload(req, opts.maxDebugFileSize ?? DEFAULT_MAX_DEBUG_FILE, name || 'debug file');
      try {
        const rec = await ingestDebugFile(ingest, body, name, url.searchParams.get('kind') ?? undefined);
        sendJson(res, 201, { ...rec, url: blobUrl(rec.kind, rec.key) });
      } finally {
        await fs.promises.rm(body.file, { force: true });
      }
      return;
    }
    if (seg[0] === 'v1' && seg[1] === 'crashes' && seg.length >= 3 && seg.length <= 4) {
      if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed('GET');
      const c = await getCrash(seg[2]);
      if (seg.length === 3) { sendJson(res, 200, c); return; }
      if (seg[3] === 'dump') { await sendBlob(res, 'dump', c.dumpKey, `${c.id}.coredump`); return; }
      if (seg[3] === 'files') {
        sendJson(res, 200, {
          id: c.id,
          dump: { name: `${c.id}.coredump`, key: c.dumpKey, size: c.dumpSize, url: blobUrl('dump', c.dumpKey) },
          modules: c.summary.modules.map((m) => ({
            name: m.name, buildId: m.buildId ?? null,
            module: m.moduleKey ? { key: m.moduleKey, url: blobUrl('module', m.moduleKey) } : null,
            debug: m.debugKey ? { key: m.debugKey, url: blobUrl('debug', m.debugKey) } : null,
          })),
        });
        return;
      }
    }
    if (p === '/v1/groups') {
      if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed('GET');
      const num = (k: string, d: number): number => { const v = Number(url.searchParams.get(k) ?? d); return Number.isSafeInteger(v) && v >= 0 ? Math.min(v, 10_000) : d; };
      sendJson(res, 200, { groups: await opts.index.listGroups({ limit: num('limit', 100), offset: num('offset', 0) }) });
      return;
    }
    if (seg[0] === 'v1' && seg[1] === 'groups' && seg.length === 3) {
      if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed('GET');
      const g = /^[0-9a-z-]{1,64}$/.test(seg[2]) ? await opts.index.getGroup(seg[2]) : undefined;
      if (!g) throw new HttpError(404, 'not_found', `no group '${seg[2].slice(0, 80)}'`);
      const crashes = await opts.index.listCrashes(g.fingerprint, { limit: 20 });
      sendJson(res, 200, { group: g, crashes: crashes.map((c) => ({ id: c.id, receivedAt: c.receivedAt, meta: c.meta, url: crashUrl(c.id) })) });
      return;
    }
    if (seg[0] === 'v1' && seg[1] === 'blobs' && seg.length >= 3) {
      if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed('GET');
      const [kind, key] = [seg[2], seg[3]];
      if (seg.length !== 4 || !isBlobKind(kind) || !isBlobKey(key)) {
        throw new HttpError(404, 'not_found', 'blobs are /v1/blobs/{dump|module|debug}/{sha256: 64 lower-case hex digits}');
      }
      await sendBlob(res, kind, key, `${key}.${kind === 'dump' ? 'coredump' : 'wasm'}`);
      return;
    }
    for (const h of opts.extraHandlers ?? []) if (await h(req, res, { index: opts.index, blobs: opts.blobs, baseUrl })) return;
    if (p === '/' && (method === 'GET' || method === 'HEAD')) {
      const groups = await opts.index.listGroups({ limit: 50 });
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`wasm-coredump crash collection service\n\n${groups.length} group(s); JSON: ${baseUrl}/v1/groups\n\n` +
        groups.map((g) => `${g.count.toString().padStart(6)}  ${g.fingerprint.slice(0, 8)}  ${g.title}  (last ${g.lastSeen})`).join('\n') + '\n');
      return;
    }
    throw new HttpError(404, 'not_found', `no such endpoint: ${method} ${p.slice(0, 200)}`);
  }

  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    route(req, res).catch((e: unknown) => {
      const he = e instanceof HttpError ? e : new HttpError(500, 'internal', `internal error: ${e instanceof Error ? e.message : String(e)}`);
      if (!(e instanceof HttpError)) logError(`internal error on ${req.method} ${req.url}: ${e instanceof Error ? e.stack : String(e)}`);
      else if (req.method === 'POST') logError(`upload refused: ${he.status} ${he.code}: ${he.message}`);
      if (!req.complete) {
        // the body was not read (refused up front): answer, then close the connection instead of reading it
        res.setHeader('Connection', 'close');
        res.on('finish', () => req.destroy());
      }
      sendError(res, he);
    });
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (socket.writable && !socket.destroyed) {
      const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
      const body = JSON.stringify({ error: { code: status === 408 ? 'timeout' : 'bad_request', message: status === 408 ? 'the request did not arrive in time' : `malformed request: ${err.code ?? err.message}` } });
      socket.end(`HTTP/1.1 ${status} ${status === 408 ? 'Request Timeout' : 'Bad Request'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    } else socket.destroy();
  });

  return {
    server,
    get baseUrl() { return baseUrl; },
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const a = server.address() as AddressInfo;
          const h = a.family === 'IPv6' ? `[${a.address}]` : a.address;
          if (!opts.baseUrl) baseUrl = `http://${h}:${a.port}`;
          resolve(baseUrl);
        });
      });
    },
    async close() {
      await new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); });
      await opts.sentry?.idle();
    },
  };
}

function methodNotAllowed(allow: string): HttpError {
  return new HttpError(405, 'method_not_allowed', `method not allowed here; use ${allow}`);
}
