/**
 * Symbolizer benchmark: time to index a module and symbolize 50 frames,
 * side by side with llvm-symbolizer on the same addresses, for
 *  (a) the largest DWARF module of the shared corpus,
 *  (b) a generated module with ~100 MB of DWARF (bench/gen/bigdwarf.ts,
 *      cached in bench/.cache/),
 *  (c) `bt` of a real fixture core dump (stack overflow: a deep stack).
 *
 * Three comparisons, since a native tool and a Node program start up very
 * differently:
 *  - whole process: `wasm-coredump symbolize --json --stats` (the real CLI)
 *    against `llvm-symbolizer`, each a fresh process, wall time from spawn
 *    to exit;
 *  - work: the same runs without the runtime's start-up, i.e. ours as the
 *    CLI reports it (`--stats` workMs: open the module, index, symbolize;
 *    Node's start-up and loading our code come before it), llvm's as its
 *    wall time minus that of the same llvm-symbolizer on a tiny module
 *    (start-up: loading libLLVM and its initialisers), measured in the
 *    same run;
 *  - warm: what a running DAP server or crash service pays for a module it
 *    has not opened yet (fresh module, index and caches) in a process that
 *    has symbolized other modules before (every fixture and corpus module
 *    but this one, 50 addresses each: V8 has compiled our code), against
 *    llvm's work: a native tool has no warm-up.
 * Runs alternate BENCH_RUNS times (default 7); medians are printed with the
 * spread, since the machine is shared.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { WasmModule } from '../src/wasm/module';
import { instructionBoundaries } from '../src/wasm/decoder';
import { Symbolizer } from '../src/symbols/symbolizer';
import { codeAddr } from '../src/util/offsets';
import { openLazy } from '../host/lazyFile';
import { generate, DEFAULT_100MB } from './gen/bigdwarf';
import { corpusDwarfModules, fixtureModules } from '../test/corpus';
import { findTool, TOOLS } from '../test/tools';

const ROOT = join(__dirname, '..', '..');
const CACHE = join(ROOT, 'bench', '.cache');
const CLI = join(__dirname, '..', 'cli', 'main.js');
const TINY = join(ROOT, 'test', 'fixtures', 'c-clang19-O0-dwarf4', 'prog.wasm');
const HAS_TIME = existsSync('/usr/bin/time');

function llvmBin(): string | undefined {
  // pinned like the oracle tests: the figures compare with llvm-symbolizer 19, never another version
  return findTool(TOOLS.symbolizer19).bin;
}

/** 50 instruction-boundary addresses spread over the module's functions (deterministic). */
function pickAddresses(file: string, n = 50): number[] {
  const m = new WasmModule(new Uint8Array(readFileSync(file)), file);
  const bodies = m.bodies;
  const out: number[] = [];
  let seed = 42;
  const rnd = (k: number): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % k; };
  for (let i = 0; i < n; i++) {
    const b = bodies[rnd(bodies.length)];
    const bs = instructionBoundaries(m, b.index);
    out.push(bs[rnd(bs.length)]);
  }
  return out;
}

/** Run a process (under /usr/bin/time for its peak RSS when available); wall time from spawn to exit. */
function timed(cmd: string, args: string[], input?: string): { ms: number; stdout: string; status: number | null; maxRss?: number } {
  const t0 = process.hrtime.bigint();
  const r = HAS_TIME
    ? spawnSync('/usr/bin/time', ['-f', 'MAXRSS %M', cmd, ...args], { input, encoding: 'utf8', maxBuffer: 1 << 26 })
    : spawnSync(cmd, args, { input, encoding: 'utf8', maxBuffer: 1 << 26 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const m = /MAXRSS (\d+)/.exec(r.stderr ?? '');
  return { ms, stdout: r.stdout, status: r.status, maxRss: m ? Number(m[1]) * 1024 : undefined };
}

interface Ours { wallMs: number; workMs: number; firstAddressMs: number; processMs: number; maxRss?: number; frames: number; withLine: number; bytesRead: number; units: number }

function runOurs(file: string, addrs: number[]): Ours {
  const r = timed(process.execPath, [CLI, 'symbolize', '--json', '--stats', file, ...addrs.map((a) => '0x' + a.toString(16))]);
  if (r.status !== 0) throw new Error(`wasm-coredump symbolize failed (exit ${r.status})`);
  const j = JSON.parse(r.stdout) as { addresses: Array<{ frames: Array<{ line: number | null }> }>; stats: { workMs: number; firstAddressMs: number; processMs: number; bytesRead: number; units: number } };
  return {
    wallMs: r.ms, workMs: j.stats.workMs, firstAddressMs: j.stats.firstAddressMs, processMs: j.stats.processMs, maxRss: r.maxRss,
    frames: j.addresses.reduce((n, a) => n + a.frames.length, 0), withLine: j.addresses.filter((a) => (a.frames[0]?.line ?? 0) > 0).length,
    bytesRead: j.stats.bytesRead, units: j.stats.units,
  };
}

function runLlvm(bin: string, file: string, addrs: number[]): { ms: number; maxRss?: number } | undefined {
  const r = timed(bin, ['--obj=' + file], addrs.map((a) => '0x' + a.toString(16)).join('\n') + '\n');
  return r.status === 0 ? { ms: r.ms, maxRss: r.maxRss } : undefined;
}

/** Open, index and symbolize in this (already warm) process: a DAP server's cost for a module it has not opened. */
function runWarm(file: string, addrs: number[]): number {
  const t0 = process.hrtime.bigint();
  const m = new WasmModule(openLazy(file).bytes, file);
  const sym = new Symbolizer(m);
  for (const a of addrs) sym.symbolize(codeAddr(a));
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Symbolize 50 addresses in every fixture and corpus module but `except`, in this process; how many modules. */
function warmUp(except: string): number {
  let n = 0;
  for (const f of [...fixtureModules(ROOT), ...corpusDwarfModules(ROOT)]) {
    if (f === except) continue;
    try { runWarm(f, pickAddresses(f)); n++; } catch { /* a module we cannot read: not part of the warm-up */ }
  }
  return n;
}

const mb = (n: number): string => `${(n / 1048576).toFixed(1)} MB`;
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 7));

function median(xs: number[]): number {
  const a = xs.slice().sort((x, y) => x - y);
  return a.length % 2 ? a[a.length >> 1] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
}
const spread = (xs: number[]): string => `${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)}`;
const ms = (xs: number[]): string => `${median(xs).toFixed(0)} ms (${spread(xs)})`;
const ratio = (llvm: number, ours: number): string => `${(llvm / ours).toFixed(2)}x`;

function report(label: string, file: string, addrs: number[]): void {
  const size = statSync(file).size;
  const bin = llvmBin();
  const ours: Ours[] = [], warm: number[] = [], llvm: Array<{ ms: number; maxRss?: number }> = [], llvmStart: number[] = [];
  let llvmFailed = !bin;
  const others = warmUp(file); // the warm case's premise: this process has symbolized other modules, never this one
  for (let i = 0; i < RUNS; i++) {
    ours.push(runOurs(file, addrs));
    if (!llvmFailed) {
      const l = runLlvm(bin!, file, addrs);
      const s = existsSync(TINY) ? runLlvm(bin!, TINY, [0]) : undefined;
      if (l && s) { llvm.push(l); llvmStart.push(s.ms); } else llvmFailed = true;
    }
    warm.push(runWarm(file, addrs));
  }
  const o = ours[0];
  const oWall = ours.map((r) => r.wallMs), oWork = ours.map((r) => r.workMs);
  const maxRss = Math.max(...ours.map((r) => r.maxRss ?? 0));
  console.log(`   ${label}: ${file.replace(ROOT + '/', '')} (${mb(size)}), ${addrs.length} addresses, ${o.units} units; ${o.frames} frames, ${o.withLine} of the addresses with a line; median (spread) of ${RUNS} runs each`);
  console.log(`     ours (wasm-coredump symbolize): whole process ${ms(oWall)}, of which work ${ms(oWork)} (first address ${ms(ours.map((r) => r.firstAddressMs))}) and Node start-up + loading our code ${ms(ours.map((r) => r.processMs - r.workMs))}; ` +
    `warm (server, new module, after ${others} others) ${ms(warm)}; peak RSS ${maxRss ? `${mb(maxRss)} (${(100 * maxRss / size).toFixed(0)}% of the file)` : 'n/a'}, ${mb(o.bytesRead)} of the file read`);
  if (llvmFailed || llvm.length === 0) { console.log(bin ? `     ${bin} failed on this module` : '     llvm-symbolizer not installed: no comparison'); return; }
  const lWall = llvm.map((r) => r.ms), lWork = llvm.map((r, i) => Math.max(0.1, r.ms - llvmStart[i]));
  const lRss = Math.max(...llvm.map((r) => r.maxRss ?? 0));
  console.log(`     ${bin}: whole process ${ms(lWall)}, of which work ${ms(lWork)} and start-up ${ms(llvmStart)} (the same tool on a tiny module); peak RSS ${lRss ? mb(lRss) : 'n/a'}`);
  console.log(`     ratio llvm/ours (>1 = we are faster): whole process ${ratio(median(lWall), median(oWall))}, work ${ratio(median(lWork), median(oWork))}, warm ${ratio(median(lWork), median(warm))}` +
    `${maxRss && lRss ? `; memory ours/llvm ${(maxRss / lRss).toFixed(2)}x` : ''}`);
}

export async function bench(): Promise<void> {
  const node = Array.from({ length: 5 }, () => timed(process.execPath, ['-e', '0']).ms);
  console.log(`   (Node's own start-up here: ${ms(node)} for \`node -e 0\`)`);
  // (a) largest DWARF module of the corpus
  const largest = corpusDwarfModules(ROOT).sort((x, y) => statSync(y).size - statSync(x).size)[0];
  if (largest) report('(a) largest corpus module', largest, pickAddresses(largest));
  else console.log('   (a) corpus not available');
  // (b) generated ~100 MB of DWARF
  mkdirSync(CACHE, { recursive: true });
  const big = join(CACHE, `big-dwarf-${DEFAULT_100MB.units}u.wasm`);
  if (!existsSync(big)) {
    const t0 = Date.now();
    const g = generate(DEFAULT_100MB);
    writeFileSync(big, g.wasm);
    console.log(`   generated ${big.replace(ROOT + '/', '')}: ${g.functions} functions, ${mb(g.dwarfBytes)} DWARF, ${mb(g.codeSize)} code, in ${Date.now() - t0} ms`);
  }
  report('(b) generated module', big, pickAddresses(big));
  // (c) bt of a real core dump
  const core = join(ROOT, 'test', 'fixtures', 'c-clang19-O0-dwarf4', 'prog.stackoverflow.coredump');
  if (existsSync(core)) {
    const r = timed(process.execPath, [CLI, 'bt', core, '--json']);
    const frames = r.status === 0 ? (JSON.parse(r.stdout) as { threads: Array<{ frames: unknown[] }> }).threads[0].frames.length : -1;
    console.log(`   (c) wasm-coredump bt ${core.replace(ROOT + '/', '')}: ${frames} frames in ${r.ms.toFixed(0)} ms (whole CLI process)`);
  }
}
