#!/usr/bin/env node
/**
 * The `wasm-coredump` executable. It sets V8 flags that suit a short one-shot
 * process, then runs the CLI (cli/run.ts): from its bundle
 * (out/cli/bundle/wasm-coredump.js, written by scripts/bundle-cli.mjs in
 * `npm run build`) with a V8 code cache when the bundle is current, else from
 * the compiled modules (out/cli/run.js and what it imports). Same output, exit
 * codes and behaviour either way; only Node built-ins are loaded here.
 *
 * Environment:
 *   WASM_COREDUMP_V8_DEFAULTS=1  no one-shot V8 flags (the code cache's checksum check stays)
 *   WASM_COREDUMP_NO_BUNDLE=1    run the compiled modules: no bundle, no code cache
 *   WASM_COREDUMP_CACHE_DIR=DIR  where the code cache is kept (default: next to
 *                                the bundle if writable, else $XDG_CACHE_HOME/wasm-coredump,
 *                                ~/.cache/wasm-coredump or $TMPDIR/wasm-coredump-UID)
 */
import fs = require('node:fs');
import path = require('node:path');
import v8 = require('node:v8');
import type * as vmTypes from 'node:vm';

const env = process.env;

/**
 * Flags for a process that lives ~0.1 s and exits: inlining makes TurboFan
 * spend tens of ms (on a background thread that competes for 2 cores) on our
 * large hot functions, which a one-shot run does not live long enough to repay.
 * Measured on `symbolize` (big module, 50 addresses) and `bt` (fixture); other
 * candidates (--always-sparkplug, ...) did not pay. Not for the DAP server.
 */
const ONE_SHOT_FLAGS = ['--no-turbo-inlining'];
const oneShot = env.WASM_COREDUMP_V8_DEFAULTS !== '1';
if (oneShot) for (const f of ONE_SHOT_FLAGS) v8.setFlagsFromString(f);

const BUNDLE = path.join(__dirname, 'bundle', 'wasm-coredump.js');
const BUNDLE_HEADER = '// wasm-coredump-bundle ';
const CACHE_MAGIC = 'wcdc1';

/** The bundle's text and id, if it exists and every input it was built from is unchanged. */
function currentBundle(): { code: string; id: string } | undefined {
  const code = fs.readFileSync(BUNDLE, 'utf8');
  const eol = code.indexOf('\n');
  if (!code.startsWith(BUNDLE_HEADER) || eol < 0) return undefined;
  const meta = JSON.parse(code.slice(BUNDLE_HEADER.length, eol)) as { id: string; inputs: Array<[string, number, number]> };
  const root = path.join(__dirname, '..', '..');
  for (const [rel, size, mtimeMs] of meta.inputs) {
    const st = fs.statSync(path.join(root, rel), { throwIfNoEntry: false });
    if (!st || st.size !== size || st.mtimeMs !== mtimeMs) return undefined;
  }
  return /^[0-9a-f]{16}$/.test(meta.id) ? { code, id: meta.id } : undefined;
}

function cacheDir(): string {
  if (env.WASM_COREDUMP_CACHE_DIR) return path.resolve(env.WASM_COREDUMP_CACHE_DIR);
  const here = path.dirname(BUNDLE);
  try { fs.accessSync(here, fs.constants.W_OK); return here; } catch { /* a read-only install */ }
  const os = require('node:os') as typeof import('node:os');
  if (env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME)) return path.join(env.XDG_CACHE_HOME, 'wasm-coredump');
  const home = os.homedir();
  return path.isAbsolute(home) ? path.join(home, '.cache', 'wasm-coredump') : path.join(os.tmpdir(), `wasm-coredump-${process.getuid?.() ?? 'user'}`);
}

/**
 * A code cache file: one text line `wcdc1 NODE_VERSION ARCH COMMANDS` (the
 * commands whose successful runs it includes), then V8's data. Only a file of
 * this user is used; V8 itself rejects data of another V8, other flags, another
 * source, or (with --verify-snapshot-checksum) a wrong checksum.
 */
function readCache(file: string): { data: Buffer; commands: string[] } | undefined {
  let fd: number;
  try { fd = fs.openSync(file, 'r'); } catch { return undefined; }
  try {
    if (process.getuid && fs.fstatSync(fd).uid !== process.getuid()) return undefined;
    const buf = fs.readFileSync(fd);
    const eol = buf.indexOf(10);
    const [magic, version, arch, commands = ''] = buf.toString('latin1', 0, Math.max(eol, 0)).split(' ');
    if (eol < 0 || magic !== CACHE_MAGIC || version !== process.version || arch !== process.arch) return undefined;
    return { data: buf.subarray(eol + 1), commands: commands ? commands.split(',') : [] };
  } finally {
    fs.closeSync(fd);
  }
}

/** Written by a temporary file and a rename, so a concurrent reader sees the old file or the new one. */
function writeCache(dir: string, file: string, script: vmTypes.Script, commands: string[]): void {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    const data = script.createCachedData();
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const fd = fs.openSync(tmp, 'wx', 0o600);
    try {
      fs.writeSync(fd, `${CACHE_MAGIC} ${process.version} ${process.arch} ${commands.join(',')}\n`, null, 'latin1');
      fs.writeSync(fd, data);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch {
    try { fs.unlinkSync(tmp); } catch { /* never created */ }
  }
}

/**
 * Runs the bundle as Node would run a CommonJS module, compiled with the code
 * cache. Returns false, having run nothing, if the bundle is missing, stale or
 * cannot be compiled; a missing, rejected or unreadable cache only costs the
 * compile and is rewritten when the process exits (after the run, so that the
 * functions compiled lazily during it are included).
 */
function runBundle(): boolean {
  let script: vmTypes.Script, run: Function, dir: string, file: string, cache: ReturnType<typeof readCache>;
  try {
    const bundle = currentBundle();
    if (!bundle) return false;
    const vm = require('node:vm') as typeof vmTypes;
    v8.setFlagsFromString('--verify-snapshot-checksum'); // corrupt cache data is rejected, not deserialized
    dir = cacheDir();
    file = path.join(dir, `wasm-coredump-${bundle.id}-${oneShot ? 'oneshot' : 'default'}.cache`);
    try { cache = readCache(file); } catch { cache = undefined; }
    script = new vm.Script(`(function (exports, require, module, __filename, __dirname) { ${bundle.code}\n})`, {
      filename: BUNDLE, cachedData: cache?.data, importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
    run = script.runInThisContext();
  } catch {
    return false;
  }
  const accepted = cache !== undefined && script.cachedDataRejected === false;
  const covered = accepted ? cache!.commands : [];
  const arg = process.argv[2] ?? '';
  const command = /^[a-z][a-z-]{0,15}$/.test(arg) ? arg : '-';
  if (!accepted || (!covered.includes(command) && covered.length < 16)) {
    process.once('exit', (code) => {
      if (accepted && code !== 0) return; // a failed run says little about what the command compiles
      writeCache(dir, file, script, code === 0 ? [...covered, command] : covered);
    });
  }
  const Module = require('node:module') as typeof import('node:module');
  const m = new Module(BUNDLE, module);
  m.filename = BUNDLE;
  run.call(m.exports, m.exports, Module.createRequire(BUNDLE), m, BUNDLE, path.dirname(BUNDLE));
  return true;
}

if (env.WASM_COREDUMP_NO_BUNDLE === '1' || !runBundle()) require('./run');
