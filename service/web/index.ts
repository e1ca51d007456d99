/**
 * The web pages of `wasm-coredump serve`, as an extra handler of the service's
 * HTTP server: `/` (crash groups), `/groups/:fingerprint` (a group's crashes),
 * `/crashes/:id` (one crash). Everything else is left to the other handlers
 * (the JSON API under /v1/ serves the downloads the pages link to).
 */
import type * as http from 'node:http';
import type { BlobStore, IndexStore } from '../store/types';
import { renderCrash, renderGroup, renderGroupList, renderNotFound } from './render';

export interface WebContext { index: IndexStore; blobs: BlobStore; baseUrl: string }

const PAGE = 100;

function send(req: http.IncomingMessage, res: http.ServerResponse, status: number, html: string): true {
  const body = Buffer.from(html, 'utf8');
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8', 'content-length': body.length,
    // nothing on these pages needs scripts, frames or other origins (the icon is an empty data: URL, so no favicon request)
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'cache-control': 'no-store',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}

function decode(s: string): string | undefined {
  try { return decodeURIComponent(s); } catch { return undefined; }
}

/** Serve a page when the request is one; true when it was handled. */
export async function handleWeb(req: http.IncomingMessage, res: http.ServerResponse, ctx: WebContext): Promise<boolean> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = url.pathname;
  if (path === '/' || path === '/index.html') {
    const offset = Math.max(0, Math.floor(Number(url.searchParams.get('offset') ?? 0)) || 0);
    const groups = await ctx.index.listGroups({ limit: PAGE + 1, offset });
    return send(req, res, 200, renderGroupList(groups.slice(0, PAGE), { offset, limit: PAGE, more: groups.length > PAGE }));
  }
  let m = /^\/groups\/([^/]+)\/?$/.exec(path);
  if (m) {
    const fp = decode(m[1]);
    const g = fp !== undefined ? await ctx.index.getGroup(fp) : undefined;
    if (!g) return send(req, res, 404, renderNotFound(`No crash group ${fp ?? m[1]}.`));
    return send(req, res, 200, renderGroup(g, await ctx.index.listCrashes(g.fingerprint, { limit: PAGE })));
  }
  m = /^\/crashes\/([^/]+)\/?$/.exec(path);
  if (m) {
    const id = decode(m[1]);
    const c = id !== undefined ? await ctx.index.getCrash(id) : undefined;
    if (!c) return send(req, res, 404, renderNotFound(`No crash ${id ?? m[1]}.`));
    return send(req, res, 200, renderCrash(c, ctx.baseUrl));
  }
  return false;
}
