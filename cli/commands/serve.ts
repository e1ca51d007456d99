/**
 * `wasm-coredump serve`: the crash collection service (service/): receives
 * core dumps over HTTP, symbolicates them on arrival with the code `bt`
 * uses, groups them by their top frames, logs one line per crash, and
 * optionally forwards new groups to Sentry.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { WasmCoreError } from '../../src/util/errors';
import { Options, runCommand } from '../options';
import { openStores } from '../../service/store/open';
import { createServer, DEFAULT_MAX_DUMP, ExtraHandler } from '../../service/server';
import { sentryForwarder } from '../../service/sentry';

export const usage = `serve [--port N] [--host H] [--token T] [--store DIR] [--database URL] [--s3-bucket B ...] [--debug-dir DIR ...] [--sentry-dsn DSN] [--max-dump-size BYTES]
  Run the crash collection service: POST core dumps to /v1/crashes, modules and debug files to /v1/debug-files.
  --port N              port (default 8377; 0: any free port)
  --host H              address to listen on (default 127.0.0.1); any other than loopback needs a token
  --token T             require Authorization: Bearer T (default: $WASM_COREDUMP_TOKEN)
  --store DIR           store directory (default $XDG_CACHE_HOME/wasm-coredump-debugger/store)
  --database URL        postgres://… index instead of the journal in the store directory
  --s3-bucket B         keep blobs in S3-compatible storage (with --s3-endpoint URL --s3-region R --s3-prefix P)
  --debug-dir DIR       also look for modules and debug files in DIR (by file name and build id; repeatable)
  --sentry-dsn DSN      forward each new crash group to Sentry (--sentry-all: every crash)
  --max-dump-size N     largest core dump accepted, in bytes (default ${DEFAULT_MAX_DUMP})
  --max-debug-file-size N  largest module or debug file accepted, in bytes
  --request-timeout MS  a request must arrive within MS milliseconds (default 300000)`;

interface Args {
  port: number; host: string; token?: string; store: string; database?: string;
  s3Bucket?: string; s3Endpoint?: string; s3Region?: string; s3Prefix?: string;
  debugDirs: string[]; sentryDsn?: string; sentryAll: boolean; maxDumpSize?: number; maxDebugFileSize?: number; requestTimeoutMs?: number;
}

export function defaultStore(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'wasm-coredump-debugger', 'store');
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function parseArgs(argv: string[]): Args {
  const a: Args = { port: 8377, host: '127.0.0.1', store: defaultStore(), debugDirs: [], sentryAll: false, token: process.env.WASM_COREDUMP_TOKEN || undefined };
  const o = new Options(argv);
  while (o.next()) {
    if (o.opt === '--port') { a.port = o.int(); if (a.port > 65535) throw new WasmCoreError('E_ARGUMENT', `--port ${a.port} is not a port`); }
    else if (o.opt === '--host') a.host = o.value();
    else if (o.opt === '--token') a.token = o.value();
    else if (o.opt === '--store') a.store = o.value();
    else if (o.opt === '--database') a.database = o.value();
    else if (o.opt === '--s3-bucket') a.s3Bucket = o.value();
    else if (o.opt === '--s3-endpoint') a.s3Endpoint = o.value();
    else if (o.opt === '--s3-region') a.s3Region = o.value();
    else if (o.opt === '--s3-prefix') a.s3Prefix = o.value();
    else if (o.opt === '--debug-dir') a.debugDirs.push(path.resolve(o.value()));
    else if (o.opt === '--sentry-dsn') a.sentryDsn = o.value();
    else if (o.arg === '--sentry-all') a.sentryAll = true;
    else if (o.opt === '--max-dump-size') a.maxDumpSize = o.int();
    else if (o.opt === '--max-debug-file-size') a.maxDebugFileSize = o.int();
    else if (o.opt === '--request-timeout') a.requestTimeoutMs = o.int();
    else if (o.isOption()) o.unknown();
    else throw new WasmCoreError('E_ARGUMENT', `unexpected argument '${o.arg}'`);
  }
  if (!isLoopback(a.host) && !a.token) {
    throw new WasmCoreError('E_ARGUMENT', `--host ${a.host} is not a loopback address: give --token T (or set WASM_COREDUMP_TOKEN) so that uploads need Authorization: Bearer T`);
  }
  if (a.token !== undefined && a.token.length < 8) throw new WasmCoreError('E_ARGUMENT', '--token must be at least 8 characters');
  return a;
}

export function run(argv: string[]): Promise<number> {
  return runCommand('serve', usage, argv, parseArgs, serve);
}

/** The web page's handlers (service/web/), when this build has them. */
function webHandlers(): ExtraHandler[] {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const web = require(path.join(__dirname, '..', '..', 'service', 'web')) as { handleWeb?: ExtraHandler };
    return typeof web.handleWeb === 'function' ? [web.handleWeb] : [];
  } catch { return []; }
}

async function serve(a: Args): Promise<number> {
  const version = '0.1.0';
  let sentry;
  try {
    sentry = a.sentryDsn ? sentryForwarder(a.sentryDsn, { version, all: a.sentryAll, log: (l) => console.error(l) }) : undefined;
  } catch (e) { console.error(`wasm-coredump serve: ${(e as Error).message}`); return 2; }
  let stores;
  try {
    stores = await openStores({ store: a.store, database: a.database, s3Bucket: a.s3Bucket, s3Endpoint: a.s3Endpoint, s3Region: a.s3Region, s3Prefix: a.s3Prefix });
  } catch (e) { console.error(`wasm-coredump serve: cannot open the store: ${(e as Error).message}`); return 1; }
  const warnings = (stores.index as { warnings?: string[] }).warnings ?? [];
  for (const w of warnings) console.error(`note: index: ${w}`);
  const svc = createServer({
    index: stores.index, blobs: stores.blobs, tmpDir: stores.tmpDir, debugDirs: a.debugDirs, token: a.token,
    maxDumpSize: a.maxDumpSize, maxDebugFileSize: a.maxDebugFileSize, sentry, requestTimeoutMs: a.requestTimeoutMs,
    extraHandlers: webHandlers(),
  });
  let url: string;
  try { url = await svc.listen(a.port, a.host); } catch (e) {
    console.error(`wasm-coredump serve: cannot listen on ${a.host}:${a.port}: ${(e as Error).message}`);
    await stores.close();
    return 1;
  }
  console.log(`wasm-coredump serve: listening on ${url} (${stores.description})${a.token ? '; uploads need Authorization: Bearer <token>' : ''}`);
  return new Promise<number>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop); process.off('SIGTERM', stop);
      void svc.close().then(() => stores.close()).then(() => resolve(0), () => resolve(1));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
