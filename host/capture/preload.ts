/**
 * `node -r <this file> script.mjs`: captures a core dump on Wasm traps of
 * the main thread and of every worker thread (Node runs `-r` preloads in
 * workers too). Settings come from the environment (see env.ts). A worker's
 * dumps go to the output name with `.worker<threadId>` before the extension,
 * and `--max` counts per thread.
 */
import * as path from 'node:path';
import { isMainThread, threadId } from 'node:worker_threads';
import { installTrapCapture } from './inprocess';
import { fileWriters, readSettings } from './env';

const settings = readSettings(process.env, `core.${process.pid}.coredump`);
if (!isMainThread) {
  const ext = path.extname(settings.out);
  settings.out = `${ext ? settings.out.slice(0, -ext.length) : settings.out}.worker${threadId}${ext}`;
}
installTrapCapture({
  noLocals: settings.noLocals,
  maxDumps: settings.maxDumps,
  valueEncoding: settings.valueEncoding,
  threadName: isMainThread ? 'main' : `worker ${threadId}`,
  executableName: process.argv[1] ? path.basename(process.argv[1]) : 'node',
  // Module names: V8's script URLs, unless the modules are saved next to the dump (see env.ts).
  ...fileWriters(settings),
});
