/** Test helper: open a fixture core dump with its module and list the logical (inline-expanded) frames. */
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

export function openDump(wasmPath: string, dumpPath: string, module?: WasmModule, sym?: Symbolizer): Opened {
  const core = readCoreDump(new Uint8Array(fs.readFileSync(dumpPath)), dumpPath);
  const m = module ?? new WasmModule(new Uint8Array(fs.readFileSync(wasmPath)), wasmPath);
  normaliseFrames(core, new Map([[0, m]]));
  const s = sym ?? new Symbolizer(m);
  const tv = new ThreadValues(threadFrameInputs(core, [m], () => s.dwarf));
  const logical: LogicalFrame[] = [];
  core.threads[0].frames.forEach((f, i) => {
    const list = f.codeAddr !== undefined ? s.symbolize(codeAddr(f.codeAddr)) : [];
    if (list.length === 0) logical.push({ physical: i, name: m.functionName(f.funcIndex) ?? `func[${f.funcIndex}]`, inlined: false });
    for (const sf of list) logical.push({ physical: i, name: sf.name, die: sf.die, inlined: sf.inlined });
  });
  return { core, module: m, sym: s, tv, logical };
}
