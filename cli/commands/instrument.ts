/**
 * `wasm-coredump instrument MODULE.wasm -o OUT.wasm`: export every global,
 * memory and table under the reserved names the runtime module reads
 * (src/wasm/instrument.ts), add a build_id when absent. No function body
 * changes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WasmCoreError } from '../../src/util/errors';
import { WasmModule } from '../../src/wasm/module';
import { instrumentModule } from '../../src/wasm/instrument';
import { formatSize } from '../../src/wasm/split';
import { readFileBytes } from '../../host/modules';
import { contentBuildId } from './split-debug';
import { Options, runCommand } from '../options';

export const usage = `instrument MODULE.wasm -o OUT.wasm [--json]
  Make the module's state readable by the in-process core dump runtime
  (wasm-coredump-debugger/runtime): export every global as __wcd_global_<index>,
  every memory as __wcd_memory_<index> and every table as __wcd_table_<index>
  (indices count imports first, as in the module), and add a build_id section
  when there is none (first 16 bytes of the SHA-256 of the module). Function
  bodies, DWARF and the name section are copied unchanged. The Code section
  moves in the file (the Export section grows): give the runtime the
  instrumented module's bytes, not the original's.
  -o FILE   where to write (required; may not be MODULE itself)
  --json    print what was added as JSON`;

interface Args { module: string; out: string; json: boolean }

function parseArgs(argv: string[]): Args {
  const a: Args = { module: '', out: '', json: false };
  const o = new Options(argv);
  while (o.next()) {
    if (o.opt === '-o' || o.opt === '--out') a.out = o.value();
    else if (o.arg === '--json') a.json = true;
    else if (o.isOption()) o.unknown();
    else if (!a.module) a.module = o.arg;
    else throw new WasmCoreError('E_ARGUMENT', `unexpected argument '${o.arg}'`);
  }
  if (!a.module) throw new WasmCoreError('E_ARGUMENT', 'missing MODULE.wasm');
  if (!a.out) throw new WasmCoreError('E_ARGUMENT', 'missing -o OUT.wasm');
  if (path.resolve(a.out) === path.resolve(a.module)) throw new WasmCoreError('E_ARGUMENT', `refusing to overwrite the input module ${a.module}`);
  return a;
}

export function run(argv: string[]): Promise<number> {
  return runCommand('instrument', usage, argv, parseArgs, instrumentCommand);
}

/** Instrument `module` into `out` (what the command does; for tests and build scripts). */
export function instrumentFile(module: string, out: string): ReturnType<typeof instrumentModule> & { inBytes: number } {
  const bytes = readFileBytes(module);
  const r = instrumentModule(new WasmModule(bytes, module), { newBuildId: contentBuildId(bytes) });
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  fs.writeFileSync(out, r.bytes);
  return { ...r, inBytes: bytes.length };
}

function instrumentCommand(a: Args): number {
  const r = instrumentFile(a.module, a.out);
  if (a.json) { console.log(JSON.stringify({ out: a.out, buildId: r.buildId, addedBuildId: r.addedBuildId, exports: r.added, bytes: r.bytes.length, inBytes: r.inBytes }, null, 2)); return 0; }
  const count = (k: string): number => r.added.filter((x) => x.kind === k).length;
  console.log(`${a.out}: ${count('global')} globals, ${count('memory')} memories, ${count('table')} tables exported; ${formatSize(r.inBytes)} → ${formatSize(r.bytes.length)}`);
  console.log(`  build id ${r.buildId}${r.addedBuildId ? ' (added)' : ' (the module\'s own)'}`);
  return 0;
}
