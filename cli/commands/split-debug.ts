/**
 * `wasm-coredump split-debug MODULE.wasm`: write the module without its
 * DWARF (plus build_id and external_debug_info) and the DWARF as a separate
 * debug file that `--debug-dir` / external_debug_info lookups find
 * (src/wasm/split.ts does the work; host/debugfiles.ts finds the result).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WasmCoreError } from '../../src/util/errors';
import { WasmModule } from '../../src/wasm/module';
import { formatSize, splitDebug } from '../../src/wasm/split';
import { readFileBytes } from '../../host/modules';
import { Options, runCommand } from '../options';

export const usage = `split-debug MODULE.wasm [-o STRIPPED.wasm] [--debug-out FILE | --debug-dir DIR] [--external-debug-info URL|PATH | --no-external-debug-info] [--json]
  Move the DWARF (.debug_* sections) out of a module: writes the stripped module
  (function bodies untouched, a build_id added when it has none, and an
  external_debug_info section naming the debug file) and the debug file (a Wasm
  module holding the .debug_* sections and the same build_id).
  -o FILE                    the stripped module (default: MODULE.stripped.wasm)
  --debug-out FILE           the debug file (default: <build-id>.debug.wasm next to the
                             stripped module)
  --debug-dir DIR            write the debug file as DIR/<build-id>.debug.wasm, the name
                             'bt/symbolize/print --debug-dir DIR' look for
  --external-debug-info X    what external_debug_info names (default: the debug file's
                             path relative to the stripped module); e.g. a URL
  --no-external-debug-info   no external_debug_info: found by build id only
  --json                     print the result as JSON`;

interface Args { module: string; out?: string; debugOut?: string; debugDir?: string; ext?: string; noExt: boolean; json: boolean }

function parseArgs(argv: string[]): Args {
  const a: Args = { module: '', noExt: false, json: false };
  const o = new Options(argv);
  while (o.next()) {
    if (o.opt === '-o' || o.opt === '--out') a.out = o.value();
    else if (o.opt === '--debug-out') a.debugOut = o.value();
    else if (o.opt === '--debug-dir') a.debugDir = o.value();
    else if (o.opt === '--external-debug-info') a.ext = o.value();
    else if (o.arg === '--no-external-debug-info') a.noExt = true;
    else if (o.arg === '--json') a.json = true;
    else if (o.isOption()) o.unknown();
    else if (!a.module) a.module = o.arg;
    else throw new WasmCoreError('E_ARGUMENT', `unexpected argument '${o.arg}'`);
  }
  if (!a.module) throw new WasmCoreError('E_ARGUMENT', 'missing MODULE.wasm');
  if (a.debugOut && a.debugDir) throw new WasmCoreError('E_ARGUMENT', '--debug-out and --debug-dir exclude each other');
  if (a.ext !== undefined && a.noExt) throw new WasmCoreError('E_ARGUMENT', '--external-debug-info and --no-external-debug-info exclude each other');
  return a;
}

export function run(argv: string[]): Promise<number> {
  return runCommand('split-debug', usage, argv, parseArgs, splitCommand);
}

/** First 16 bytes of the SHA-256 of the module: the build id added when there is none. */
export function contentBuildId(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest().subarray(0, 16));
}

export interface SplitFilesResult { stripped: string; debug: string; buildId: string; addedBuildId: boolean; externalDebugInfo: string | null; moduleBytes: number; strippedBytes: number; debugBytes: number; dwarfBytes: number }

/** Split `module` into files (what the command does, for tests and other callers). */
export function splitFiles(module: string, opts: { out?: string; debugOut?: string; debugDir?: string; externalDebugInfo?: string; noExternalDebugInfo?: boolean } = {}): SplitFilesResult {
  const bytes = readFileBytes(module); // whole file: it is hashed and copied
  const m = new WasmModule(bytes, module);
  const out = opts.out ?? module.replace(/(\.wasm)?$/, '.stripped.wasm');
  // the id is known only after looking at the module; the debug file is named after it
  const newBuildId = contentBuildId(bytes);
  const id = m.customSections('build_id').length ? m.buildId! : Buffer.from(newBuildId).toString('hex');
  const debug = opts.debugOut ?? path.join(opts.debugDir ?? path.dirname(out), `${id}.debug.wasm`);
  const ext = opts.noExternalDebugInfo ? undefined
    : opts.externalDebugInfo ?? path.relative(path.dirname(path.resolve(out)), path.resolve(debug)).split(path.sep).join('/');
  if (path.resolve(out) === path.resolve(module) || path.resolve(debug) === path.resolve(module)) {
    throw new WasmCoreError('E_ARGUMENT', `refusing to overwrite the input module ${module}`);
  }
  const r = splitDebug(m, { newBuildId, externalDebugInfo: ext });
  for (const f of [out, debug]) fs.mkdirSync(path.dirname(path.resolve(f)), { recursive: true });
  fs.writeFileSync(out, r.stripped);
  fs.writeFileSync(debug, r.debug);
  return {
    stripped: out, debug, buildId: r.buildId, addedBuildId: r.addedBuildId, externalDebugInfo: ext ?? null,
    moduleBytes: bytes.length, strippedBytes: r.stripped.length, debugBytes: r.debug.length, dwarfBytes: r.dwarfBytes,
  };
}

function splitCommand(a: Args): number {
  const r = splitFiles(a.module, { out: a.out, debugOut: a.debugOut, debugDir: a.debugDir, externalDebugInfo: a.ext, noExternalDebugInfo: a.noExt });
  if (a.json) { console.log(JSON.stringify(r, null, 2)); return 0; }
  console.log(`${formatSize(r.dwarfBytes)} of DWARF out of a ${formatSize(r.moduleBytes)} module`);
  console.log(`  stripped module  ${r.stripped}  ${formatSize(r.strippedBytes)}  (${formatSize(r.moduleBytes)} before)`);
  console.log(`  debug file       ${r.debug}  ${formatSize(r.debugBytes)}`);
  console.log(`  build id         ${r.buildId}${r.addedBuildId ? ' (added: first 16 bytes of the SHA-256 of the module)' : ' (the module\'s own)'}`);
  console.log(`  external_debug_info ${r.externalDebugInfo ?? '(none)'}`);
  return 0;
}
