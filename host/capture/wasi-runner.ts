/**
 * Child process entry: `node wasi-runner.js PROGRAM.wasm [ARGS...]` runs a
 * WASI command under `node:wasi` with trap capture installed. The program's
 * stdio is the process's stdio; the process exits with the program's exit
 * code (a trap propagates as an uncaught RuntimeError: exit code 1).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WASI } from 'node:wasi';
import { installTrapCapture } from './inprocess';
import { fileWriters, readSettings, readWasiSettings } from './env';

/** Node has WebAssembly, but this project's `lib` setting does not declare it. */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

function main(): void {
  const [program, ...args] = process.argv.slice(2);
  if (!program) { process.stderr.write('usage: wasi-runner PROGRAM.wasm [ARGS...]\n'); process.exit(2); }
  const bytes = new Uint8Array(fs.readFileSync(program));
  const name = path.basename(program);
  const settings = readSettings(process.env, `${name.replace(/\.wasm$/, '')}.coredump`);
  const module = new WA.Module(bytes);
  const writers = fileWriters(settings);
  installTrapCapture({
    noLocals: settings.noLocals,
    maxDumps: settings.maxDumps,
    valueEncoding: settings.valueEncoding,
    executableName: name,
    moduleName: () => name,
    moduleBytes: () => bytes,
    ...writers,
  });
  const wasi = new WASI({
    version: 'preview1',
    args: [name, ...args],
    ...readWasiSettings(process.env),
    returnOnExit: true,
  });
  const instance = new WA.Instance(module, wasi.getImportObject());
  const exports = instance.exports;
  let code: number | undefined;
  try {
    code = typeof exports._start === 'function' ? wasi.start(instance) : (wasi.initialize(instance), 0);
  } catch (e) {
    if (e instanceof RangeError && /call stack size/i.test(e.message)) {
      // V8's debugger never pauses on a stack overflow, so nothing could be captured.
      writers.onError(new Error('stack overflow (RangeError): V8 does not pause on stack overflows, so no core dump can be taken'));
    }
    throw e;
  }
  process.exitCode = code ?? 0;
}

main();
