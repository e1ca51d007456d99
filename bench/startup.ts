/**
 * Whole-process start-up: today's CLI (bundle + V8 code cache, cli/main.ts)
 * against a V8 start-up snapshot of the same bundle (`node --snapshot-blob`,
 * Node >= 20: the bundle's modules and the info/bt/symbolize/print commands
 * already evaluated in the heap), with `node -e 0` beside them as the floor.
 * Runs alternate, 21 of each; medians and spread. The snapshot is built here
 * (bench/.cache/), from out/cli/bundle/wasm-coredump.js.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const ROOT = join(__dirname, '..', '..');
const CACHE = join(ROOT, 'bench', '.cache');
const MAIN = join(ROOT, 'out', 'cli', 'main.js');
const BUNDLE = join(ROOT, 'out', 'cli', 'bundle', 'wasm-coredump.js');
const FIX = join(ROOT, 'test', 'fixtures', 'c-clang19-O0-dwarf4');
const RUNS = 21;

/** The snapshot's entry: the bundle evaluated as a CommonJS module without running a command, then runCli at deserialization. */
function buildSnapshot(): { blob?: string; error?: string } {
  if (!existsSync(BUNDLE)) return { error: 'no CLI bundle (npm run build writes it)' };
  mkdirSync(CACHE, { recursive: true });
  const text = readFileSync(BUNDLE, 'utf8');
  const body = text.slice(text.indexOf('\n') + 1);
  const entry = join(CACHE, 'snapshot-entry.js');
  const blob = join(CACHE, 'wasm-coredump.snapshot.blob');
  writeFileSync(entry, [
    'globalThis.__wcdSnapshotBuild = true;',
    'const __m = { exports: {} };',
    `(function (exports, require, module, __filename, __dirname) {\n${body}\n})(__m.exports, require, __m, ${JSON.stringify(BUNDLE)}, ${JSON.stringify(join(ROOT, 'out', 'cli', 'bundle'))});`,
    // capture and demo load node:http / child_process, which the snapshot builder does not support yet
    "__m.exports.loadCommands(['info', 'bt', 'symbolize', 'print']);",
    "require('v8').startupSnapshot.setDeserializeMainFunction(() => { __m.exports.runCli(process.argv.slice(1)); });",
  ].join('\n'));
  const r = spawnSync(process.execPath, ['--snapshot-blob', blob, '--build-snapshot', entry], { encoding: 'utf8' });
  if (r.status !== 0 || !existsSync(blob)) return { error: `snapshot build failed: ${(r.stderr ?? '').split('\n').filter((l) => /Error/.test(l)).slice(0, 2).join(' ')}` };
  return { blob };
}

function wall(args: string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
  if (r.status !== 0 && r.status !== 1) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; };
const fmt = (xs: number[]): string => `${median(xs).toFixed(0)} ms (${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)})`;

export async function bench(): Promise<void> {
  const snap = buildSnapshot();
  if (!snap.blob) { console.log(`   start-up snapshot: ${snap.error}`); return; }
  const cases: Array<{ label: string; args: string[] }> = [
    { label: 'bt (C fixture)', args: ['bt', join(FIX, 'prog.coredump')] },
    { label: 'symbolize (C fixture, 1 address)', args: ['symbolize', join(FIX, 'prog.wasm'), '0x100'] },
  ];
  for (const c of cases) { wall([MAIN, ...c.args]); wall(['--snapshot-blob', snap.blob, ...c.args]); } // write the code cache; warm the page cache
  for (const c of cases) {
    const floor: number[] = [], cache: number[] = [], snapshot: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      floor.push(wall(['-e', '0']));
      cache.push(wall([MAIN, ...c.args]));
      snapshot.push(wall(['--snapshot-blob', snap.blob, ...c.args]));
    }
    const best = median(snapshot) < median(cache) ? 'snapshot' : 'code cache';
    console.log(`   ${c.label}: node -e 0 ${fmt(floor)}; CLI with code cache ${fmt(cache)}; with start-up snapshot ${fmt(snapshot)}; ` +
      `above the floor: code cache +${(median(cache) - median(floor)).toFixed(0)} ms, snapshot +${(median(snapshot) - median(floor)).toFixed(0)} ms (faster: ${best})`);
  }
}
