/**
 * Variables benchmark:
 *  - largest fixture (Rust, 7 MB module): time from opening the core dump to
 *    the backtrace, then to all variables of the top 10 frames expanded two
 *    levels (values of every variable, its children and grandchildren);
 *  - the generated 100 MB-DWARF module (bench/gen) with a synthetic core
 *    dump of 10 frames: the same measurement;
 *  - the first page (100 elements) of a 1,000,000-element array.
 */
import * as fs from 'node:fs';
import { readCoreDump } from '../src/coredump/reader';
import { normaliseFrames } from '../src/coredump/normalise';
import { WasmModule } from '../src/wasm/module';
import { Symbolizer } from '../src/symbols/symbolizer';
import { codeAddr } from '../src/util/offsets';
import { ThreadValues, Variable } from '../src/values';
import { threadFrameInputs } from '../src/values/fromcore';
import { toVariable } from '../src/values/variable';
import { valueAt } from '../src/values/value';
import { bigCrash } from './gen/bigcrash';
import { big, ctx } from '../test/unit/eval/world';

const ms = (t0: number): string => `${(performance.now() - t0).toFixed(1)} ms`;

function expand(v: Variable, depth: number): number {
  let n = 1;
  void v.value;
  if (depth > 0 && v.hasChildren) {
    const count = (v.namedCount ?? 0) + Math.min(v.indexedCount ?? 0, 100);
    for (const c of v.children(0, count)) n += expand(c, depth - 1);
  }
  return n;
}

function measure(label: string, wasm: Uint8Array, wasmName: string, dump: Uint8Array): void {
  const t0 = performance.now();
  const core = readCoreDump(dump, `${label}.coredump`);
  const m = new WasmModule(wasm, wasmName);
  normaliseFrames(core, new Map([[0, m]]));
  const sym = new Symbolizer(m);
  const frames = core.threads[0].frames.map((f) => (f.codeAddr !== undefined ? sym.symbolize(codeAddr(f.codeAddr)) : []));
  const tBt = performance.now() - t0;
  const t1 = performance.now();
  const tv = new ThreadValues(threadFrameInputs(core, [m], () => sym.dwarf));
  let shown = 0, logical = 0;
  for (let i = 0; i < frames.length && logical < 10; i++) {
    for (const sf of frames[i].length ? frames[i] : [undefined]) {
      if (logical++ >= 10) break;
      for (const s of tv.scopes(i, { frameDie: sf?.die })) {
        if (s.expensive) continue;
        for (const v of s.variables()) shown += expand(v, 2);
      }
    }
  }
  const withDie = frames.slice(0, 10).filter((l) => l.some((sf) => sf.die)).length;
  console.log(`   ${label}: backtrace ${tBt.toFixed(1)} ms; then top ${logical} frames' variables expanded 2 levels (${shown} values) ${ms(t1)} (total ${ms(t0)})` +
    (withDie < Math.min(10, frames.length) ? ` [only ${withDie} of the first ${Math.min(10, frames.length)} frames have a function DIE]` : ''));
}

export async function bench(): Promise<void> {
  const dir = 'test/fixtures/rust-1.63-O0';
  if (fs.existsSync(`${dir}/prog.wasm`)) {
    const wasm = new Uint8Array(fs.readFileSync(`${dir}/prog.wasm`));
    for (const d of ['prog.coredump', 'prog.nolocals.coredump']) {
      measure(`rust fixture (${(wasm.length / 1e6).toFixed(1)} MB module) ${d}`, wasm, `${dir}/prog.wasm`, new Uint8Array(fs.readFileSync(`${dir}/${d}`)));
    }
  } else console.log('   (fixtures not built: skipped the fixture measurement)');

  const g = bigCrash();
  console.log(`   generated module: ${(g.dwarfBytes / 1e6).toFixed(0)} MB DWARF, ${g.functions} functions (generated once per bench run in ${g.generateMs.toFixed(1)} ms)`);
  measure('generated DWARF module', g.wasm, 'big.wasm', g.dump);
  arrayPage();
}

function arrayPage(): void {
  const t2 = performance.now();
  const arr = toVariable('huge', valueAt(big, 0, ctx), 'huge');
  const page = arr.children(0, 100);
  for (const c of page) void c.value;
  console.log(`   1,000,000-element array: first page of ${page.length} elements ${ms(t2)}`);
}
