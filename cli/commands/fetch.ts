/**
 * `wasm-coredump fetch URL`: download a crash collected by `wasm-coredump
 * serve` (its dump, modules and debug files, from GET /v1/crashes/ID/files)
 * into a folder laid out the way `bt`, `print` and the debug adapter look for
 * files: the dump, each module under the name its `coremodules` section
 * records, each separate debug file as `<build id>.debug.wasm` (found with
 * `--debug-dir DIR`). Every download is checked against its sha256 key.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { WasmCoreError } from '../../src/util/errors';
import { Options, runCommand } from '../options';

export const usage = `fetch CRASH_URL [--out DIR] [--token T]
  Download a crash from a wasm-coredump serve service (CRASH_URL: .../v1/crashes/ID) with its modules and debug files.
  --out DIR    folder to write (default: ./crash-ID)
  --token T    bearer token of the service (default: $WASM_COREDUMP_TOKEN)`;

interface Args { url: string; out?: string; token?: string }

function parseArgs(argv: string[]): Args {
  const a: Args = { url: '', token: process.env.WASM_COREDUMP_TOKEN || undefined };
  const o = new Options(argv);
  while (o.next()) {
    if (o.opt === '--out' || o.opt === '-o') a.out = o.value();
    else if (o.opt === '--token') a.token = o.value();
    else if (o.isOption()) o.unknown();
    else if (!a.url) a.url = o.arg;
    else throw new WasmCoreError('E_ARGUMENT', `unexpected argument '${o.arg}'`);
  }
  if (!a.url) throw new WasmCoreError('E_ARGUMENT', 'missing CRASH_URL');
  if (!/^https?:\/\/[^/]+\/(.*\/)?v1\/crashes\/[0-9a-f-]{36}\/?$/.test(a.url)) {
    throw new WasmCoreError('E_ARGUMENT', `'${a.url}' is not a crash URL (http(s)://HOST/v1/crashes/ID, as an upload's "url")`);
  }
  return a;
}

interface FileRef { key: string; url: string }
interface Listing {
  id: string;
  dump: FileRef & { name: string };
  modules: Array<{ name: string; buildId: string | null; module: FileRef | null; debug: FileRef | null }>;
}

/** A file name from the server: its basename when that is a plain name, else the fallback. */
function safeName(name: string, fallback: string): string {
  const b = path.basename(name.replace(/\\/g, '/'));
  return /^[A-Za-z0-9._+-]{1,200}$/.test(b) && b !== '.' && b !== '..' ? b : fallback;
}

export function run(argv: string[]): Promise<number> {
  return runCommand('fetch', usage, argv, parseArgs, fetchCrash);
}

async function fetchCrash(a: Args): Promise<number> {
  const headers: Record<string, string> = a.token ? { Authorization: `Bearer ${a.token}` } : {};
  const get = async (url: string): Promise<Response> => {
    let r: Response;
    try { r = await fetch(url, { headers, signal: AbortSignal.timeout(300_000) }); } catch (e) {
      throw new WasmCoreError('E_NOT_FOUND', `${url}: ${e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e)}`);
    }
    if (!r.ok) {
      let msg = `${r.status} ${r.statusText}`;
      try { msg = `${r.status}: ${((await r.json()) as { error?: { message?: string } }).error?.message ?? msg}`; } catch { /* not JSON */ }
      throw new WasmCoreError('E_NOT_FOUND', `${url}: ${msg}`);
    }
    return r;
  };
  const base = a.url.replace(/\/+$/, '');
  const listing = (await (await get(`${base}/files`)).json()) as Listing;
  const out = path.resolve(a.out ?? `crash-${listing.id}`);
  fs.mkdirSync(out, { recursive: true });
  const save = async (ref: FileRef, name: string): Promise<string> => {
    const bytes = Buffer.from(await (await get(ref.url)).arrayBuffer());
    const got = createHash('sha256').update(bytes).digest('hex');
    if (got !== ref.key) throw new WasmCoreError('E_MISMATCH', `${ref.url}: the download hashes to ${got}, not its key ${ref.key}`);
    const dest = path.join(out, name);
    const tmp = `${dest}.${process.pid}.part`;
    fs.writeFileSync(tmp, bytes);
    fs.renameSync(tmp, dest);
    return dest;
  };
  const dump = await save(listing.dump, `${listing.id}.coredump`);
  console.log(dump);
  let debugDir = false;
  const missing: string[] = [];
  for (const [i, m] of listing.modules.entries()) {
    if (m.module) console.log(await save(m.module, safeName(m.name, `module${i}.wasm`)));
    else missing.push(m.name);
    if (m.debug) {
      const id = m.buildId && /^[0-9a-f]{2,128}$/.test(m.buildId) ? m.buildId : m.debug.key;
      console.log(await save(m.debug, `${id}.debug.wasm`));
      debugDir = true;
    }
  }
  for (const n of missing) console.error(`note: module '${n}' is not in the service's store (upload it to /v1/debug-files); its frames show function indices only`);
  console.error(`open it: wasm-coredump bt ${path.relative(process.cwd(), dump) || dump}${debugDir ? ` --debug-dir ${path.relative(process.cwd(), out) || '.'}` : ''}`);
  return 0;
}
