/**
 * HTTP plumbing of the service: typed errors that become
 * `{"error":{"code","message"}}` responses, JSON replies, and the upload
 * body streamed into a temporary file of the store while it is hashed and
 * its size limit enforced (the body is never held in memory; a failed or
 * refused upload leaves no file behind).
 */
import * as fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';

export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(readonly status: number, readonly code: string, message: string) { super(message); }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body, null, 2) + '\n';
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store', ...headers });
  res.end(text);
}

export function sendError(res: ServerResponse, e: HttpError): void {
  if (res.headersSent) { res.destroy(); return; }
  sendJson(res, e.status, { error: { code: e.code, message: e.message } }, e.status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {});
}

/** The media type of a request, lower case, without parameters ('' when absent). */
export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

export interface ReceivedBody { file: string; key: string; size: number }

/**
 * Stream the request body into `tmpFile` (created exclusively), hashing it
 * (sha256) and refusing more than `limit` bytes (413; also up front from
 * Content-Length). On any failure the file is removed.
 */
export async function receiveBody(req: IncomingMessage, tmpFile: string, limit: number, what: string): Promise<ReceivedBody> {
  const declared = req.headers['content-length'];
  if (declared !== undefined) {
    const n = Number(declared);
    if (!Number.isSafeInteger(n) || n < 0) throw new HttpError(400, 'bad_request', `Content-Length '${declared}' is not a byte count`);
    if (n > limit) throw new HttpError(413, 'too_large', `${what} of ${n} bytes is larger than the limit of ${limit} bytes`);
  }
  const fh = await fs.promises.open(tmpFile, 'wx', 0o644);
  const hash = createHash('sha256');
  let size = 0;
  let ok = false;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) throw new HttpError(413, 'too_large', `${what} is larger than the limit of ${limit} bytes`);
      hash.update(chunk);
      let done = 0;
      while (done < chunk.length) done += (await fh.write(chunk, done, chunk.length - done)).bytesWritten;
    }
    if (!req.complete) throw new HttpError(400, 'incomplete', `${what}: the upload ended before the whole body arrived`);
    if (size === 0) throw new HttpError(400, 'empty', `${what}: the request body is empty (send the file's bytes as the body)`);
    ok = true; // fsync'd by the blob store before it becomes an object (not at all when the object already exists)
  } catch (e) {
    if (e instanceof HttpError) throw e;
    throw new HttpError(400, 'incomplete', `${what}: the upload did not complete (${e instanceof Error ? e.message : String(e)})`);
  } finally {
    await fh.close();
    if (!ok) await fs.promises.rm(tmpFile, { force: true });
  }
  return { file: tmpFile, key: hash.digest('hex'), size };
}

/** Drain (and drop) what is left of a request body, so a refused request's connection can answer. */
export function discardBody(req: IncomingMessage): void {
  if (!req.complete) req.resume();
}
