/**
 * Symbolizer benchmark: time to index a module and symbolize 50 frames,
 * side by side with llvm-symbolizer on the same addresses, for
 *  (a) the largest DWARF module of the shared corpus,
 *  (b) a generated module with ~100 MB of DWARF (bench/gen/bigdwarf.ts,
 *      cached in bench/.cache/),
 *  (c) `bt` of a real fixture core dump (stack overflow: a deep stack).
 * Each side runs in its own process; peak RSS is measured per process.
 * Both sides run BENCH_RUNS times (default 5, alternating) and the medians
 * are printed with the spread: the machine is shared.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { WasmModule } from '../src/wasm/module';
import { instructionBoundaries } from '../src/wasm/decoder';
import { generate, DEFAULT_100MB } from './gen/bigdwarf';

const ROOT = join(__dirname, '..', '..');
const CACHE = join(ROOT, 'bench', '.cache');
const CORPUS = join(ROOT, '..', 'shared', 'corpus');

function llvmBin(): string | undefined {
  for (const b of ['llvm-symbolizer-19', 'llvm-symbolizer']) if (spawnSync(b, ['--version']).status === 0) return b;
  return undefined;
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

interface Ours { cpuMs: number; firstMs: number; allMs: number; totalMs: number; readMs: number; maxRss: number; frames: number; withLine: number; units: number; unitsParsed: number; fileBytes: number; loadedBytes?: number }

function runOurs(file: string, addrs: number[]): Ours {
  const r = spawnSync(process.execPath, [join(__dirname, 'gen', 'symbolize-worker.js'), file, addrs.map((a) => a.toString(16)).join(',')], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`worker failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Ours;
}

interface Llvm { ms: number; maxRss?: number; cpuMs?: number }

function runLlvm(bin: string, file: string, addrs: number[]): Llvm | undefined {
  const input = addrs.map((a) => '0x' + a.toString(16)).join('\n') + '\n';
  const hasTime = existsSync('/usr/bin/time');
  const t0 = process.hrtime.bigint();
  const r = hasTime
    ? spawnSync('/usr/bin/time', ['-f', 'MAXRSS %M CPU %U %S', bin, '--obj=' + file], { input, encoding: 'utf8', maxBuffer: 1 << 26 })
    : spawnSync(bin, ['--obj=' + file], { input, encoding: 'utf8', maxBuffer: 1 << 26 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) return undefined;
  const m = /MAXRSS (\d+) CPU ([\d.]+) ([\d.]+)/.exec(r.stderr ?? '');
  return { ms, maxRss: m ? Number(m[1]) * 1024 : undefined, cpuMs: m ? (Number(m[2]) + Number(m[3])) * 1000 : undefined };
}

const mb = (n: number): string => `${(n / 1048576).toFixed(1)} MB`;

/** Runs per side (alternating ours / llvm): the machine is shared, so medians are reported. */
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 5));

function median(xs: number[]): number {
  const a = xs.slice().sort((x, y) => x - y);
  return a.length % 2 ? a[a.length >> 1] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
}

/** Field-wise median of the runs (RSS: the largest, to stay conservative). */
function summarize<T extends object>(runs: T[], maxKeys: string[]): T {
  const out: Record<string, number> = {};
  for (const k of Object.keys(runs[0])) {
    const vals = runs.map((r) => (r as Record<string, unknown>)[k]).filter((v): v is number => typeof v === 'number');
    if (vals.length) out[k] = maxKeys.includes(k) ? Math.max(...vals) : median(vals);
  }
  return out as T;
}

function report(label: string, file: string, addrs: number[]): void {
  const size = statSync(file).size;
  const bin = llvmBin();
  const oursRuns: Ours[] = [], llvmRuns: Llvm[] = [];
  let llvmFailed = false;
  for (let i = 0; i < RUNS; i++) {
    oursRuns.push(runOurs(file, addrs));
    if (bin && !llvmFailed) { const l = runLlvm(bin, file, addrs); if (l) llvmRuns.push(l); else llvmFailed = true; }
  }
  const ours = summarize(oursRuns, ['maxRss']);
  const spread = (xs: number[]): string => `${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)}`;
  console.log(`   ${label}: ${file.replace(ROOT + '/', '')} (${mb(size)}), ${addrs.length} addresses, ${ours.units} units (${ours.unitsParsed} parsed); median of ${RUNS} runs each`);
  console.log(`     ours: read ${ours.readMs.toFixed(0)} ms, first frame ${ours.firstMs.toFixed(0)} ms, all ${addrs.length} ${ours.allMs.toFixed(0)} ms, total ${ours.totalMs.toFixed(0)} ms (runs ${spread(oursRuns.map((r) => r.totalMs))}; CPU ${ours.cpuMs.toFixed(0)} ms, without node startup); ` +
    `peak RSS ${mb(ours.maxRss)} (${(100 * ours.maxRss / size).toFixed(0)}% of file; largest of the runs, median ${mb(median(oursRuns.map((r) => r.maxRss)))})${ours.loadedBytes !== undefined ? `, ${mb(ours.loadedBytes)} of the file read` : ''}; ${ours.frames} frames, ${ours.withLine} with lines`);
  if (!bin) { console.log('     llvm-symbolizer not installed: no comparison'); return; }
  if (llvmFailed || llvmRuns.length === 0) { console.log(`     ${bin} failed on this module`); return; }
  const l = summarize(llvmRuns, ['maxRss']);
  console.log(`     ${bin}: ${l.ms.toFixed(0)} ms (process, whole run; runs ${spread(llvmRuns.map((r) => r.ms))}${l.cpuMs !== undefined ? `; CPU ${l.cpuMs.toFixed(0)} ms` : ''})${l.maxRss ? `; peak RSS ${mb(l.maxRss)}` : ''}`);
  console.log(`     ratio llvm/ours: wall ${(l.ms / ours.totalMs).toFixed(2)}x${l.cpuMs ? `, CPU ${(l.cpuMs / ours.cpuMs).toFixed(2)}x` : ''} (>1 = we are faster)${l.maxRss ? `; memory ours/llvm ${(ours.maxRss / l.maxRss).toFixed(2)}x` : ''}`);
}

export async function bench(): Promise<void> {
  // (a) largest DWARF module of the corpus
  const manifest = join(CORPUS, 'MANIFEST.tsv');
  if (existsSync(manifest)) {
    const mods = readFileSync(manifest, 'utf8').split('\n').map((l) => l.split('\t')).filter((c) => c.length > 5 && c[5].startsWith('wasm+DWARF')).map((c) => join(CORPUS, c[0]));
    const largest = mods.filter(existsSync).sort((x, y) => statSync(y).size - statSync(x).size)[0];
    if (largest) report('(a) largest corpus module', largest, pickAddresses(largest));
  } else console.log('   (a) corpus not available');
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
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [join(__dirname, '..', 'cli', 'main.js'), 'bt', core, '--json'], { encoding: 'utf8', maxBuffer: 1 << 26 });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const frames = r.status === 0 ? (JSON.parse(r.stdout) as { threads: Array<{ frames: unknown[] }> }).threads[0].frames.length : -1;
    console.log(`   (c) wasm-coredump bt ${core.replace(ROOT + '/', '')}: ${frames} frames in ${ms.toFixed(0)} ms (whole CLI process)`);
  }
}
