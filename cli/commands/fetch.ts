/**
 * `wasm-coredump fetch URL`: download a crash collected by `wasm-coredump
 * serve` (its dump, modules and debug files, from GET /v1/crashes/ID/files)
 * into a folder laid out the way `bt`, `print` and the debug adapter look for
 * files: the dump, each module under the name its `coremodules` section
 * records, each separate debug file as `<build id>.debug.wasm` (found with
 * `--debug-dir DIR`). Every download is checked against its sha256 key.
 * The download is host/crashDownload.ts, as for "Open in VS Code".
 */
import * as path from 'node:path';
import { WasmCoreError } from '../../src/util/errors';
import { downloadCrash } from '../../host/crashDownload';
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

export function run(argv: string[]): Promise<number> {
  return runCommand('fetch', usage, argv, parseArgs, fetchCrash);
}

async function fetchCrash(a: Args): Promise<number> {
  // the download the VS Code extension's "Open in VS Code" runs (host/crashDownload.ts), into the user's folder
  const id = /\/v1\/crashes\/([0-9a-f-]{36})\/?$/.exec(a.url)?.[1] as string;
  const out = path.resolve(a.out ?? `crash-${id}`);
  const c = await downloadCrash(a.url, out, { into: out, debugDir: out, headers: a.token ? { Authorization: `Bearer ${a.token}` } : {} });
  for (const p of [c.coreDump, ...Object.values(c.modules), ...c.debugFiles]) console.log(p);
  for (const n of c.missing) console.error(`note: module '${n}' is not in the service's store (upload it to /v1/debug-files); its frames show function indices only`);
  const rel = (p: string): string => path.relative(process.cwd(), p) || (p === out ? '.' : p);
  console.error(`open it: wasm-coredump bt ${rel(c.coreDump)}${c.debugFiles.length ? ` --debug-dir ${rel(out)}` : ''}`);
  return 0;
}
