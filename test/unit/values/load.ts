/** Test helper: open a fixture core dump with its module(s) and list the logical (inline-expanded) frames. */
import * as fs from 'node:fs';
import { readCoreDump, CoreDump } from '../../../src/coredump/reader';
import { normaliseFrames } from '../../../src/coredump/normalise';
import { WasmModule } from '../../../src/wasm/module';
import { Symbolizer } from '../../../src/symbols/symbolizer';
import { codeAddr } from '../../../src/util/offsets';
import { ThreadValues } from '../../../src/values';
import { threadFrameInputs } from '../../../src/values/fromcore';
import type { Die } from '../../../src/dwarf/die';

export interface LogicalFrame { physical: number; name: string; die?: Die; inlined: boolean }
export interface Opened { core: CoreDump; module: WasmModule; sym: Symbolizer; tv: ThreadValues; logical: LogicalFrame[] }
export interface Loaded { module: WasmModule; sym: Symbolizer }

export function loadModule(path: string): Loaded {
  const module = new WasmModule(new Uint8Array(fs.readFileSync(path)), path);
  return { module, sym: new Symbolizer(module) };
}

/** Open `dumpPath` with the modules in `coremodules` order (one module: module index 0). */
export function openDumpWith(dumpPath: string, mods: Loaded[]): Opened {
  const core = readCoreDump(new Uint8Array(fs.readFileSync(dumpPath)), dumpPath);
  normaliseFrames(core, new Map(mods.map((m, i) => [i, m.module])));
  const tv = new ThreadValues(threadFrameInputs(core, mods.map((m) => m.module), (mi) => mods[mi]?.sym.dwarf));
  const logical: LogicalFrame[] = [];
  core.threads[0].frames.forEach((f, i) => {
    const mi = core.instances[f.instanceIndex]?.moduleIndex ?? 0;
    const l = mods[mi];
    const list = l && f.codeAddr !== undefined ? l.sym.symbolize(codeAddr(f.codeAddr)) : [];
    if (list.length === 0) logical.push({ physical: i, name: l?.module.functionName(f.funcIndex) ?? `func[${f.funcIndex}]`, inlined: false });
    for (const sf of list) logical.push({ physical: i, name: sf.name, die: sf.die, inlined: sf.inlined });
  });
  return { core, module: mods[0].module, sym: mods[0].sym, tv, logical };
}

export function openDump(wasmPath: string, dumpPath: string, module?: WasmModule, sym?: Symbolizer): Opened {
  const m = module ?? new WasmModule(new Uint8Array(fs.readFileSync(wasmPath)), wasmPath);
  return openDumpWith(dumpPath, [{ module: m, sym: sym ?? new Symbolizer(m) }]);
}
