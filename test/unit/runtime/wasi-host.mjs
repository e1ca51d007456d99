// A production-style host for the runtime tests: runs a WASI command under
// node:wasi (no inspector, no environment, no preopens) with `_start`
// wrapped by wasm-coredump-debugger/runtime, and writes the core dump the
// wrapper hands over on a trap.
//   node wasi-host.mjs RUNTIME.mjs PROGRAM.wasm OUT.coredump [ARGS...]
// Exit code: 0 = the program trapped and a dump was written; 3 = it trapped
// but no dump came; 4 = it did not trap.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { WASI } from 'node:wasi';

const [runtimePath, program, out, ...args] = process.argv.slice(2);
const { wrap } = await import(pathToFileURL(runtimePath).href);
const bytes = new Uint8Array(readFileSync(program));
const name = basename(program);
const wasi = new WASI({ version: 'preview1', args: [name, ...args], env: {}, returnOnExit: true });
const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), wasi.getImportObject());
let written = false;
const start = wrap(instance.exports._start, (dump) => { writeFileSync(out, dump); written = true; }, {
  instance, moduleBytes: bytes, name, onCaptureError: (e) => { console.error(`capture failed: ${e.stack}`); },
});
try {
  // wasi.start calls exports._start: hand it the wrapped one
  wasi.start({ exports: { ...instance.exports, _start: start } });
} catch (e) {
  console.error(`trapped: ${e && e.name}: ${e && e.message}`);
  process.exit(written ? 0 : 3);
}
process.exit(4);
