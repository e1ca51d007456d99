/**
 * `wasm-coredump capture`: run a program under V8 and write a standard core
 * dump when a Wasm trap happens.
 *   capture [options] PROGRAM.wasm [ARGS...]     WASI command under node:wasi
 *   capture [options] -- node script.mjs [ARGS]  any Node program (-r preload)
 *   capture [options] --connect HOST:PORT        a running V8 inspector endpoint
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WasmCoreError, isWasmCoreError } from '../../src/util/errors';
import { ENV_MAX, ENV_SAVE_MODULES, ENV_WASI, WasiSettings, ENV_NO_LOCALS, ENV_OUT, saveModules, ENV_REPORT, ENV_VALUE_ENCODING, ErrorLine, ReportLine } from '../../host/capture/env';
import { captureFromEndpoint } from '../../host/capture/remote';

export const usage = `capture [--out FILE] [--no-locals] [--value-encoding leb|fixed] [--max N] [--env NAME[=VALUE]] [--dir DIR] PROGRAM.wasm [ARGS...]
       capture [--out FILE] [--no-locals] [--value-encoding leb|fixed] [--max N] -- node [NODE-OPTIONS] script.mjs [ARGS...]
       capture [--out FILE] [--no-locals] [--value-encoding leb|fixed] [--timeout SECONDS] --connect HOST:PORT
  Run a WASI command module (under node:wasi) or a Node program, or attach to a running
  V8 inspector (node --inspect, Chrome --remote-debugging-port, workerd), and write a
  standard Wasm core dump on a Wasm trap: every Wasm frame with its locals and operand
  stack, all globals (exported or not) and all memories. With -- node, traps in worker
  threads are captured too (to FILE with .worker<id> before the extension).
  --out FILE             where to write (default: PROGRAM.coredump, or core.<pid>.coredump
                         for Node programs, in the current directory)
  --max N                capture up to N traps in one run (default 1; every Wasm trap counts,
                         also one the program catches); the second goes to FILE with .2
                         before the extension, and so on
  --env NAME[=VALUE]     WASI: give the program this environment variable (from ours when
                         no value is given); repeatable. Default: none, as in wasmtime
  --dir HOST[::GUEST]    WASI: preopen HOST directory, seen as GUEST (default: the same
                         path); repeatable. Default: none, as in wasmtime
  --no-locals            write empty locals/operand stack vectors (as wasmtime does)
  --value-encoding E     i32/i64 values as signed LEB128 (leb, default: the spec, wasmtime)
                         or fixed-width little-endian (fixed: wasmgdb style)
  --connect HOST:PORT    attach to the first target at http://HOST:PORT/json/list and
                         capture its next Wasm trap
  --target STR           with --connect: the target whose id is, or whose URL or title
                         contains, STR (default: the first page or Node target)
  --timeout SECONDS      with --connect: give up after this long (default: wait forever)
  --no-save-modules      with -- node or --connect: name modules by their V8 script URL
                         (wasm://wasm/...) instead of saving each module's bytes next to the
                         core dump as FILE-without-.coredump.N.wasm and naming them so
  Exit code 0 when a core dump was written.`;

interface Args {
  out?: string; noLocals: boolean; enc: 'leb' | 'fixed';
  connect?: string; timeout?: number; command: string[]; nodeMode: boolean; max: number;
  saveModules: boolean; target?: string; wasi: WasiSettings;
}

export function parseArgs(argv: string[]): Args {
  const a: Args = { noLocals: false, enc: 'leb', command: [], nodeMode: false, max: 1, saveModules: true, wasi: { env: {}, preopens: {} } };
  let i = 0;
  for (; i < argv.length; i++) {
    const s = argv[i];
    const val = (): string => {
      if (s.includes('=')) return s.slice(s.indexOf('=') + 1);
      const v = argv[++i];
      if (v === undefined) throw new WasmCoreError('E_ARGUMENT', `${s} needs a value`);
      return v;
    };
    const name = s.includes('=') ? s.slice(0, s.indexOf('=')) : s;
    if (s === '--') { a.nodeMode = true; i++; break; }
    else if (name === '--out' || name === '-o') a.out = val();
    else if (s === '--no-locals') a.noLocals = true;
    else if (name === '--value-encoding') {
      const v = val();
      if (v !== 'leb' && v !== 'fixed') throw new WasmCoreError('E_ARGUMENT', `--value-encoding must be leb or fixed (got '${v}')`);
      a.enc = v;
    } else if (name === '--connect') a.connect = val();
    else if (s === '--no-save-modules') a.saveModules = false;
    else if (name === '--target') a.target = val();
    else if (name === '--env') {
      const v = val();
      const eq = v.indexOf('=');
      if (eq === 0) throw new WasmCoreError('E_ARGUMENT', `--env needs NAME or NAME=VALUE (got '${v}')`);
      if (eq > 0) a.wasi.env[v.slice(0, eq)] = v.slice(eq + 1);
      else if (process.env[v] !== undefined) a.wasi.env[v] = process.env[v] as string;
    } else if (name === '--dir') {
      const v = val();
      const sep = v.indexOf('::');
      const host = sep >= 0 ? v.slice(0, sep) : v, guest = sep >= 0 ? v.slice(sep + 2) : v;
      if (!host || !guest) throw new WasmCoreError('E_ARGUMENT', `--dir needs HOST_DIR or HOST_DIR::GUEST_DIR (got '${v}')`);
      a.wasi.preopens[guest] = path.resolve(host);
    }
    else if (name === '--max') {
      const v = Number(val());
      if (!Number.isInteger(v) || v < 1) throw new WasmCoreError('E_ARGUMENT', '--max needs a positive whole number');
      a.max = v;
    }
    else if (name === '--timeout') {
      const v = Number(val());
      if (!(v > 0)) throw new WasmCoreError('E_ARGUMENT', '--timeout needs a positive number of seconds');
      a.timeout = v;
    } else if (s.startsWith('-')) throw new WasmCoreError('E_ARGUMENT', `unknown option ${s}`);
    else break;
  }
  a.command = argv.slice(i);
  if (a.connect !== undefined) {
    if (a.command.length) throw new WasmCoreError('E_ARGUMENT', '--connect takes no program');
  } else if (a.command.length === 0) {
    throw new WasmCoreError('E_ARGUMENT', a.nodeMode ? 'nothing to run after --' : `no program given\n\nusage: wasm-coredump ${usage}`);
  }
  if (a.nodeMode && !/^node(\.exe)?$|[/\\]node(\.exe)?$/.test(a.command[0])) {
    throw new WasmCoreError('E_ARGUMENT', `only Node programs can be run after -- (got '${a.command[0]}'); use: -- node script.mjs`);
  }
  return a;
}

/** Where the compiled host/capture entry points live (next to this file in out/). */
const captureDir = path.join(__dirname, '..', '..', 'host', 'capture');

function summary(r: ReportLine): string {
  const mods = r.modules?.length ? ` + module${r.modules.length === 1 ? '' : 's'} ${r.modules.join(', ')}` : '';
  return `wasm-coredump: wrote ${r.file}${mods}: ${r.message} in ${r.topFunction || '(unnamed)'} (${r.frames} Wasm frame${r.frames === 1 ? '' : 's'})`;
}

async function runChild(a: Args): Promise<number> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wasm-coredump-'));
  const report = path.join(tmp, 'report.jsonl');
  const env: NodeJS.ProcessEnv = { ...process.env, [ENV_REPORT]: report, [ENV_NO_LOCALS]: a.noLocals ? '1' : '0', [ENV_VALUE_ENCODING]: a.enc, [ENV_MAX]: String(a.max), [ENV_SAVE_MODULES]: a.saveModules ? '1' : '0' };
  let argv: string[];
  if (a.nodeMode) {
    argv = ['-r', path.join(captureDir, 'preload.js'), ...a.command.slice(1)];
    if (a.out) env[ENV_OUT] = a.out;
  } else {
    const program = a.command[0];
    if (!fs.existsSync(program)) throw new WasmCoreError('E_NOT_FOUND', `program not found: ${program}`);
    argv = [path.join(captureDir, 'wasi-runner.js'), ...a.command];
    env[ENV_SAVE_MODULES] = '0'; // the module is the program file itself
    env[ENV_WASI] = JSON.stringify(a.wasi);
    env[ENV_OUT] = a.out ?? `${path.basename(program).replace(/\.wasm$/, '')}.coredump`;
  }
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, argv, { stdio: 'inherit', env });
    child.on('error', reject);
    child.on('exit', (c, sig) => resolve(c ?? (sig ? 128 : 1)));
  });
  const lines = fs.existsSync(report) ? fs.readFileSync(report, 'utf8').split('\n').filter(Boolean) : [];
  fs.rmSync(tmp, { recursive: true, force: true });
  let written = 0, failed = 0;
  for (const l of lines) {
    const r = JSON.parse(l) as ReportLine | ErrorLine;
    if ('error' in r) { failed++; continue; } // already printed by the child
    console.error(summary(r));
    written++;
  }
  if (written) return 0;
  console.error(failed
    ? `wasm-coredump: no core dump written (program exit code ${code})`
    : `wasm-coredump: no Wasm trap happened (program exit code ${code}); no core dump written`);
  return code || 1;
}

export async function run(argv: string[]): Promise<number> {
  if (argv[0] === '-h' || argv[0] === '--help') { console.log(`usage: wasm-coredump ${usage}`); return 0; }
  const a = parseArgs(argv);
  if (a.connect === undefined) return runChild(a);
  let file = a.out ?? '';
  let modules: string[] = [];
  const r = await captureFromEndpoint(a.connect, {
    noLocals: a.noLocals, valueEncoding: a.enc, timeoutMs: a.timeout ? a.timeout * 1000 : undefined, target: a.target,
    prepare: (model, pid) => {
      file ||= `core.${pid ?? 'remote'}.coredump`;
      if (a.saveModules) modules = saveModules(model, file);
    },
  }).catch((e: unknown) => {
    // Connection, protocol and timeout failures are the user's situation, not our bug.
    if (isWasmCoreError(e)) throw e;
    throw new WasmCoreError('E_NOT_FOUND', `capture --connect ${a.connect}: ${e instanceof Error ? e.message : String(e)}`);
  });
  fs.writeFileSync(file, r.bytes);
  console.error(summary({ file, modules, ...r.info }));
  return 0;
}
