/**
 * Downloads a crash from a `wasm-coredump serve` service into a local folder,
 * for the VS Code extension's "Open in VS Code" links (no `vscode` import: the
 * extension's URI handler calls this, and tests call it directly).
 *
 * `<crash URL>/files` answers with the download URLs (absolute, or relative to
 * the service), as the service writes it:
 *
 *   { "id", "dump": { "url", ... }, "modules": [{ "name", "buildId", "module": { "url", ... } | null, "debug": { "url", ... } | null }] }
 *
 * or flat (any source of crashes can write this one):
 *
 *   { "id"?, "dump": URL, "modules": [{ "name", "url" }], "debugFiles"?: [{ "name", "url", "buildId"? }] }
 *
 * The dump becomes `<dir>/<id>.coredump`; each module is saved under the base
 * name of its `coremodules` name next to it (and passed as `modules` too, so
 * names with folders still match); debug files go to `<dir>/debug/`, named
 * `<build id>.debug.wasm` when they have one (how the adapter searches a
 * symbol directory); the session gets them as `debugFiles` and the folder as
 * `symbolSearchPaths`. A file the listing gives a `key` (its sha256) is checked
 * against it. `wasm-coredump fetch` downloads through the same code into a
 * folder of the user's, the debug files beside the dump.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, promises as fsp } from 'node:fs';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { WasmCoreError } from '../src/util/errors';

export interface CrashFiles {
  id?: string;
  dump: string;
  dumpKey?: string;
  modules: { name: string; url: string; key?: string }[];
  debugFiles: { name: string; url: string; buildId?: string; key?: string }[];
  /** Modules the listing names with no stored file (the service's shape: `module: null`). */
  missing: string[];
}

export interface DownloadedCrash {
  id: string;
  dir: string;
  coreDump: string;
  /** coremodules name → local path */
  modules: Record<string, string>;
  debugDir: string;
  debugFiles: string[];
  /** Modules the service has no file for: their frames show function indices only. */
  missing: string[];
}

export interface DownloadOptions {
  /** Request headers (a bearer token). */
  headers?: Record<string, string>;
  /** Download into this folder (created if needed) instead of a new one under `root`. */
  into?: string;
  /** Where the debug files go (default: `debug/` in the crash's folder). */
  debugDir?: string;
}

/** The debug configuration that opens a downloaded crash (attributes of adapter/launchSchema.json). */
export function launchConfigFor(c: DownloadedCrash): { type: string; request: 'launch'; name: string; coreDump: string; modules: Record<string, string>; debugFiles: string[]; symbolSearchPaths: string[] } {
  // debugFiles: matched by build id (or the one of a one-module dump); the folder: searched by build id
  return { type: 'wasm-coredump', request: 'launch', name: `crash ${c.id}`, coreDump: c.coreDump, modules: c.modules, debugFiles: c.debugFiles, symbolSearchPaths: [c.debugDir] };
}

/** A file name from an untrusted name: its base name, with only portable characters. */
export function safeFileName(name: string, fallback: string): string {
  const b = basename(name.replace(/\\/g, '/')).replace(/[^A-Za-z0-9._+-]/g, '_').replace(/^\.+/, '');
  return b.length && b.length <= 200 ? b : fallback;
}

/** Read the listing: the service's shape, or the flat one (both described in the header). */
function checkFiles(v: unknown, where: string): CrashFiles {
  const bad = (what: string): never => { throw new WasmCoreError('E_FORMAT', `${where}: ${what}`); };
  if (typeof v !== 'object' || v === null || Array.isArray(v)) bad('not a JSON object');
  const o = v as Record<string, unknown>;
  const urlOf = (x: unknown): string | undefined =>
    typeof x === 'string' ? x : typeof x === 'object' && x !== null && typeof (x as Record<string, unknown>).url === 'string' ? (x as Record<string, string>).url : undefined;
  // the service gives each stored object's sha256 as its key: the download is checked against it
  const keyOf = (x: unknown): { key?: string } => {
    const k = typeof x === 'object' && x !== null ? (x as Record<string, unknown>).key : undefined;
    return typeof k === 'string' && /^[0-9a-f]{64}$/.test(k) ? { key: k } : {};
  };
  const dump = urlOf(o.dump) ?? bad('"dump" (the core dump URL) is missing');
  const list = (k: string): Record<string, unknown>[] => {
    const x = o[k] ?? [];
    if (!Array.isArray(x)) bad(`"${k}" must be an array`);
    return (x as unknown[]).map((e, i) => {
      if (typeof e !== 'object' || e === null || typeof (e as Record<string, unknown>).name !== 'string') bad(`${k}[${i}] needs a "name" string`);
      return e as Record<string, unknown>;
    });
  };
  const buildIdOf = (e: Record<string, unknown>): { buildId?: string } => (typeof e.buildId === 'string' ? { buildId: e.buildId } : {});
  const modules: CrashFiles['modules'] = [];
  const debugFiles: CrashFiles['debugFiles'] = [];
  const missing: string[] = [];
  for (const [i, m] of list('modules').entries()) {
    const name = m.name as string;
    if ('url' in m) {
      modules.push({ name, url: urlOf(m.url) ?? bad(`modules[${i}].url must be a string`) });
      continue;
    }
    // the service's shape: the stored module and debug file, each null when the service has none
    if (m.module !== null && m.module !== undefined) modules.push({ name, url: urlOf(m.module) ?? bad(`modules[${i}].module needs a "url" string`), ...keyOf(m.module) });
    else missing.push(name);
    if (m.debug !== null && m.debug !== undefined) {
      debugFiles.push({ name: `${name.replace(/\.wasm$/i, '')}.debug.wasm`, url: urlOf(m.debug) ?? bad(`modules[${i}].debug needs a "url" string`), ...buildIdOf(m), ...keyOf(m.debug) });
    }
  }
  for (const [i, d] of list('debugFiles').entries()) debugFiles.push({ name: d.name as string, url: urlOf(d.url) ?? bad(`debugFiles[${i}] needs a "url" string`), ...buildIdOf(d), ...keyOf(d) });
  return { id: typeof o.id === 'string' ? o.id : undefined, dump, dumpKey: keyOf(o.dump).key, modules, debugFiles, missing };
}

async function get(url: string, headers: Record<string, string> = {}): Promise<Response> {
  let r: Response;
  try {
    r = await fetch(url, { redirect: 'follow', headers, signal: AbortSignal.timeout(300_000) });
  } catch (e) {
    throw new WasmCoreError('E_NOT_FOUND', `cannot reach ${url}: ${(e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message}`);
  }
  if (!r.ok) {
    // the service's errors are {"error": {"message"}}: say what it said
    let said = '';
    try { said = ((await r.json()) as { error?: { message?: string } }).error?.message ?? ''; } catch { /* not JSON */ }
    throw new WasmCoreError('E_NOT_FOUND', `${url}: HTTP ${r.status}${said ? `: ${said}` : ` ${r.statusText}`}`);
  }
  return r;
}

async function download(url: string, to: string, headers: Record<string, string>, key?: string): Promise<void> {
  const r = await get(url, headers);
  if (!r.body) throw new WasmCoreError('E_NOT_FOUND', `${url}: empty response`);
  const tmp = `${to}.${process.pid}.part`;
  try {
    const hash = createHash('sha256');
    const body = Readable.fromWeb(r.body as import('node:stream/web').ReadableStream);
    body.on('data', (chunk: Buffer) => hash.update(chunk));
    await pipeline(body, createWriteStream(tmp));
    const want = Number(r.headers.get('content-length'));
    const { size } = await fsp.stat(tmp);
    if (Number.isFinite(want) && want > 0 && size !== want) throw new WasmCoreError('E_FORMAT', `${url}: got ${size} of ${want} bytes`);
    const got = hash.digest('hex');
    if (key !== undefined && got !== key) throw new WasmCoreError('E_MISMATCH', `${url}: the download hashes to ${got}, not its key ${key}`);
    await fsp.rename(tmp, to);
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    throw e;
  }
}

/**
 * Fetch `<crashUrl>/files` and download everything it lists into a new folder
 * under `root` (or into `opts.into`). Only http(s) URLs are accepted.
 */
export async function downloadCrash(crashUrl: string, root: string, opts: DownloadOptions = {}): Promise<DownloadedCrash> {
  const headers = opts.headers ?? {};
  let base: URL;
  try { base = new URL(crashUrl); } catch { throw new WasmCoreError('E_ARGUMENT', `not a URL: ${crashUrl}`); }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new WasmCoreError('E_ARGUMENT', `${crashUrl}: only http and https crash URLs are opened`);
  const listUrl = `${base.toString().replace(/\/+$/, '')}/files`;
  const text = await (await get(listUrl, headers)).text();
  let json: unknown;
  try { json = JSON.parse(text); } catch (e) { throw new WasmCoreError('E_FORMAT', `${listUrl}: not JSON (${(e as Error).message})`); }
  const files = checkFiles(json, listUrl);
  const resolveUrl = (u: string): string => {
    const r = new URL(u, listUrl);
    if (r.protocol !== 'http:' && r.protocol !== 'https:') throw new WasmCoreError('E_FORMAT', `${listUrl}: ${u} is not an http(s) URL`);
    return r.toString();
  };
  const id = safeFileName(files.id ?? decodeURIComponent(base.pathname.replace(/\/+$/, '').split('/').pop() ?? ''), 'crash');
  let dir: string;
  if (opts.into) { dir = opts.into; await fsp.mkdir(dir, { recursive: true }); } else {
    await fsp.mkdir(root, { recursive: true });
    dir = await fsp.mkdtemp(join(root, `${id}-`));
  }
  const debugDir = opts.debugDir ?? join(dir, 'debug');
  await fsp.mkdir(debugDir, { recursive: true });
  const coreDump = join(dir, `${id}.coredump`);
  await download(resolveUrl(files.dump), coreDump, headers, files.dumpKey);
  const used = new Set([basename(coreDump), 'debug']);
  const unique = (name: string): string => {
    let n = name, i = 1;
    while (used.has(n)) n = `${i++}-${name}`;
    used.add(n);
    return n;
  };
  const modules: Record<string, string> = {};
  for (const [i, m] of files.modules.entries()) {
    const p = join(dir, unique(safeFileName(m.name, `module${i}.wasm`)));
    await download(resolveUrl(m.url), p, headers, m.key);
    modules[m.name] = p;
  }
  const debugFiles: string[] = [];
  const usedDebug = new Set<string>();
  for (const [i, d] of files.debugFiles.entries()) {
    let name = d.buildId && /^[0-9a-fA-F]{2,128}$/.test(d.buildId) ? `${d.buildId.toLowerCase()}.debug.wasm` : safeFileName(d.name, `debug${i}.wasm`);
    if (usedDebug.has(name)) name = `${i}-${name}`;
    usedDebug.add(name);
    const p = join(debugDir, name);
    await download(resolveUrl(d.url), p, headers, d.key);
    debugFiles.push(p);
  }
  return { id, dir, coreDump, modules, debugDir, debugFiles, missing: files.missing };
}

/** Remove downloaded crashes older than `maxAgeMs` under `root` (best effort). */
export async function pruneDownloads(root: string, maxAgeMs: number, now = Date.now()): Promise<void> {
  let names: string[];
  try { names = await fsp.readdir(root); } catch { return; }
  for (const n of names) {
    const p = join(root, n);
    try {
      const st = await fsp.stat(p);
      if (st.isDirectory() && now - st.mtimeMs > maxAgeMs) await fsp.rm(p, { recursive: true, force: true });
    } catch { /* gone already */ }
  }
}
