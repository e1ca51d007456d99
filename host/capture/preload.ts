/**
 * `node -r <this file> script.mjs`: captures a core dump on every Wasm trap
 * of the main thread. Settings come from the environment (see env.ts).
 */
import { installTrapCapture } from './inprocess';
import { fileWriters, readSettings } from './env';

const settings = readSettings(process.env, `core.${process.pid}.coredump`);
installTrapCapture({
  noLocals: settings.noLocals,
  maxDumps: settings.maxDumps,
  // Module names: V8's script URLs, unless the modules are saved next to the dump (see env.ts).
  valueEncoding: settings.valueEncoding,
  executableName: process.argv[1] ? require('node:path').basename(process.argv[1]) : 'node',
  ...fileWriters(settings),
});
