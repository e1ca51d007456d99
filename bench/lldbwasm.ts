/**
 * Side by side with LLDB compiled to Wasm (`@vscode/dwarf-debugging`, the
 * DWARF engine VS Code's js-debug uses for Wasm), in the same run: from
 * opening a crash to its frames and the crashed frame's variables, on every
 * language's fixture and on the generated 100 MB-DWARF crash. Each run is
 * a fresh process per tool (bench/peers/lldbWasmChild.ts), alternating;
 * medians of the work (without Node's start-up) and peak RSS. The frame and
 * variable counts of both are printed, so a reader sees the same work was
 * done.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { bigCrash } from './gen/bigcrash';

const ROOT = path.resolve(__dirname, '..', '..');
const CHILD = path.join(__dirname, 'peers', 'lldbWasmChild.js');
const FIXTURES = ['c-clang19-O0-dwarf4', 'cpp-clang19-O0', 'rust-1.63-O0', 'zig-0.11-debug'];

interface Run { tool: string; workMs: number; warmMs: number; frames: number; variables: number; maxRssKb: number; error?: string }

function runChild(tool: string, core: string, wasm: string, fn?: string): Run {
  const r = spawnSync(process.execPath, [CHILD, tool, core, wasm, ...(fn ? [fn] : [])], { encoding: 'utf8', maxBuffer: 1 << 26, timeout: 600_000 });
  const line = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  try { return JSON.parse(line) as Run; } catch {
    return { tool, workMs: NaN, warmMs: NaN, frames: 0, variables: 0, maxRssKb: 0, error: `exit ${r.status}: ${(r.stderr ?? '').slice(-300)}` };
  }
}

const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const ms = (x: number): string => `${x.toFixed(0)} ms`;
const mb = (kb: number): string => `${(kb / 1024).toFixed(0)} MB`;

function compare(label: string, core: string, wasm: string, fn: string | undefined, n: number): void {
  const ours: Run[] = [];
  const lldb: Run[] = [];
  for (let i = 0; i < n; i++) { ours.push(runChild('ours', core, wasm, fn)); lldb.push(runChild('lldb', core, wasm, fn)); }
  const bad = [...ours, ...lldb].find((r) => r.error);
  if (bad) { console.log(`   ${label}: ${bad.tool} failed: ${bad.error}`); return; }
  const o = { work: median(ours.map((r) => r.workMs)), rss: median(ours.map((r) => r.maxRssKb)) };
  const l = { work: median(lldb.map((r) => r.workMs)), warm: median(lldb.map((r) => r.warmMs)), rss: median(lldb.map((r) => r.maxRssKb)) };
  console.log(`   ${label.padEnd(28)} ours ${ms(o.work).padStart(8)} ${mb(o.rss).padStart(7)}  ${ours[0].frames} frames ${ours[0].variables} vars` +
    ` | LLDB-in-Wasm ${ms(l.work).padStart(8)} (worker started: ${ms(l.warm)}) ${mb(l.rss).padStart(7)}  ${lldb[0].frames} frames ${lldb[0].variables} vars` +
    ` | LLDB/ours ${(l.work / o.work).toFixed(1)}x (vs started worker ${(l.warm / o.work).toFixed(1)}x), memory ours/LLDB ${(o.rss / l.rss).toFixed(2)}x` +
    `${ours[0].frames !== lldb[0].frames || ours[0].variables !== lldb[0].variables ? '  [counts differ]' : ''}`);
}

export async function bench(): Promise<void> {
  let version: string;
  try { version = (require('@vscode/dwarf-debugging/package.json') as { version: string }).version; } catch {
    console.log('   @vscode/dwarf-debugging not installed (npm ci installs it as a dev dependency): no comparison'); return;
  }
  console.log(`   open crash -> frames -> crashed frame's arguments and locals; fresh process per run, medians; @vscode/dwarf-debugging ${version}`);
  for (const id of FIXTURES) {
    const dir = path.join(ROOT, 'test', 'fixtures', id);
    if (!fs.existsSync(path.join(dir, 'facts.json'))) continue;
    const facts = JSON.parse(fs.readFileSync(path.join(dir, 'facts.json'), 'utf8')) as { module: string; frames: Array<{ function: string }>; coreDumps: { default: { full: string } } };
    compare(id, path.join(dir, facts.coreDumps.default.full), path.join(dir, facts.module), facts.frames[0]?.function, 5);
  }
  const g = bigCrash();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wcd-bench-lldb-'));
  try {
    fs.writeFileSync(path.join(tmp, 'big.wasm'), g.wasm);
    fs.writeFileSync(path.join(tmp, 'big.coredump'), g.dump);
    compare(`generated ${(g.dwarfBytes / 1e6).toFixed(0)} MB DWARF`, path.join(tmp, 'big.coredump'), path.join(tmp, 'big.wasm'), undefined, 3);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
