/**
 * How cost grows: `wasm-coredump symbolize` of 1, 10, 100 and 1,000
 * addresses in generated modules of about 10 MB, 100 MB and 1 GB of DWARF
 * (bench/gen/bigdwarf.ts, cached in bench/.cache/), each point a fresh
 * process: our work (`--stats`, without Node's start-up) and peak RSS, and
 * llvm-symbolizer-19's whole process and peak RSS on the same addresses, in
 * one table, after one untimed run of each tool per module (the page cache
 * then holds what both read). The last lines say how the cost of the same lookups grows with
 * the DWARF size (sub-linear: a lookup reads the unit index and the units
 * it hits, not the whole DWARF).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { DEFAULT_100MB, GenOptions, generate } from './gen/bigdwarf';
import { WasmModule } from '../src/wasm/module';
import { findTool, TOOLS } from '../test/tools';
import { openLazy } from '../host/lazyFile';

const ROOT = join(__dirname, '..', '..');
const CLI = join(__dirname, '..', 'cli', 'main.js');
const CACHE = join(ROOT, 'bench', '.cache');
const HAS_TIME = existsSync('/usr/bin/time');

const SIZES: Array<{ label: string; opts: GenOptions }> = [
  { label: '10 MB', opts: { ...DEFAULT_100MB, units: 240 } },
  { label: '100 MB', opts: DEFAULT_100MB },
  { label: '1 GB', opts: { ...DEFAULT_100MB, units: 24_000 } },
];
const COUNTS = [1, 10, 100, 1000];

function moduleFor(opts: GenOptions): { file: string; dwarfBytes: number } {
  mkdirSync(CACHE, { recursive: true });
  const file = join(CACHE, `big-dwarf-${opts.units}u.wasm`);
  const meta = `${file}.json`;
  if (!existsSync(file) || !existsSync(meta)) {
    const t0 = Date.now();
    const g = generate(opts);
    writeFileSync(file, g.wasm);
    writeFileSync(meta, JSON.stringify({ dwarfBytes: g.dwarfBytes }));
    console.log(`   generated ${file.replace(ROOT + '/', '')}: ${(g.dwarfBytes / 1e6).toFixed(0)} MB DWARF in ${Date.now() - t0} ms`);
  }
  return { file, dwarfBytes: (JSON.parse(readFileSync(meta, 'utf8')) as { dwarfBytes: number }).dwarfBytes };
}

/** `n` addresses spread evenly over the module's functions (deterministic), code-section relative. */
function addresses(file: string, n: number): string[] {
  const m = new WasmModule(openLazy(file).bytes, file);
  const bodies = m.bodies;
  return Array.from({ length: n }, (_, k) => {
    const b = bodies[Math.floor((k * 7919 + 13) % bodies.length)];
    return '0x' + (m.toCodeAddr(b.bodyStart) + 5).toString(16);
  });
}

function timed(cmd: string, args: string[], input?: string): { ms: number; stdout: string; status: number | null; maxRssMb?: number } {
  const t0 = process.hrtime.bigint();
  const r = HAS_TIME
    ? spawnSync('/usr/bin/time', ['-f', 'MAXRSS %M', cmd, ...args], { input, encoding: 'utf8', maxBuffer: 1 << 28 })
    : spawnSync(cmd, args, { input, encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const m = /MAXRSS (\d+)/.exec(r.stderr ?? '');
  return { ms, stdout: r.stdout, status: r.status, maxRssMb: m ? Number(m[1]) / 1024 : undefined };
}

const f0 = (x: number | undefined): string => (x === undefined || Number.isNaN(x) ? 'n/a' : x.toFixed(0));

export async function bench(): Promise<void> {
  const llvm = findTool(TOOLS.symbolizer19).bin;
  console.log(`   symbolize N addresses, fresh process per point; ours = work without Node's start-up (--stats), llvm = ${llvm ?? 'llvm-symbolizer-19 (not installed)'} whole process`);
  console.log('   DWARF    addresses | ours work ms  units read   file read MB  peak RSS MB | llvm ms  peak RSS MB');
  const work = new Map<string, number>();
  for (const s of SIZES) {
    const { file, dwarfBytes } = moduleFor(s.opts);
    // one untimed run of each tool first: the file's unit headers come from the page cache for both (else the first
    // point pays the disk for whichever tool runs first)
    const warm = addresses(file, 1);
    timed(process.execPath, [CLI, 'symbolize', '--json', file, ...warm]);
    if (llvm) timed(llvm, ['--obj=' + file], warm.join('\n') + '\n');
    for (const n of COUNTS) {
      const addrs = addresses(file, n);
      const o = timed(process.execPath, [CLI, 'symbolize', '--json', '--stats', file, ...addrs]);
      let oursMs = NaN, units = NaN, read = NaN;
      if (o.status === 0) {
        const j = JSON.parse(o.stdout) as { addresses: unknown[]; stats: { workMs: number; units: number; bytesRead: number } };
        if (j.addresses.length === n) { oursMs = j.stats.workMs; units = j.stats.units; read = j.stats.bytesRead / 1048576; }
      }
      work.set(`${s.label}/${n}`, oursMs);
      const l = llvm ? timed(llvm, ['--obj=' + file], addrs.join('\n') + '\n') : undefined;
      console.log(`   ${`${(dwarfBytes / 1e6).toFixed(0)} MB`.padEnd(9)}${String(n).padStart(9)} | ${f0(oursMs).padStart(12)} ${f0(units).padStart(11)} ${read.toFixed(1).padStart(14)} ${f0(o.maxRssMb).padStart(12)} |` +
        ` ${l && l.status === 0 ? f0(l.ms).padStart(7) : 'failed'.padStart(7)} ${f0(l?.maxRssMb).padStart(12)}`);
    }
  }
  for (const n of COUNTS) {
    const a = work.get(`10 MB/${n}`), b = work.get(`100 MB/${n}`), c = work.get(`1 GB/${n}`);
    if (a && b && c) console.log(`   ${n} addresses: our work grows ${(b / a).toFixed(1)}x from 10 MB to 100 MB and ${(c / a).toFixed(1)}x from 10 MB to 1 GB of DWARF (100x the DWARF)`);
  }
}
