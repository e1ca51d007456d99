/**
 * A core dump's threads as symbolized backtraces: every physical frame
 * expands into its inline chain (innermost first), numbered across inline
 * frames as gdb does. Pure: modules and symbolizers are passed in.
 */
import type { CoreDumpModel, Frame } from '../coredump/model';
import type { WasmModule } from '../wasm/module';
import { CodeAddr, hex } from '../util/offsets';
import { Symbolizer, SymFrame } from './symbolizer';
import { displaySymbol } from './names';
import type { SourcePathMap } from './sourcemap';

export interface BtFrame {
  /** Frame number across inline frames (0 = innermost). */
  number: number;
  /** The core dump frame this (possibly inlined) frame belongs to. */
  coreFrame: Frame;
  moduleIndex?: number;
  codeAddr?: CodeAddr;
  /** Symbolization result; absent when the module or address is unknown. */
  sym?: SymFrame;
  name: string;
  inlined: boolean;
  file?: string;
  line: number;
  column: number;
  /** Why the frame is incomplete (module missing, address not normalised, no line info). */
  note?: string;
}

export interface BtThread { name: string; frames: BtFrame[] }

/** Expand every thread's frames. `symbolizers` is keyed by module index (from coremodules). */
export function buildBacktrace(core: CoreDumpModel, modules: Map<number, WasmModule>, symbolizers: Map<number, Symbolizer>): BtThread[] {
  return core.threads.map((t) => {
    const out: BtFrame[] = [];
    for (const f of t.frames) {
      const mi = core.instances[f.instanceIndex]?.moduleIndex;
      const m = mi !== undefined ? modules.get(mi) : undefined;
      const sym = mi !== undefined ? symbolizers.get(mi) : undefined;
      if (!m || !sym || f.codeAddr === undefined) {
        let name = `func[${f.funcIndex}]`;
        try { const n = m?.functionName(f.funcIndex); if (n) name = displaySymbol(n); } catch { /* keep func[N] */ }
        out.push({
          number: out.length, coreFrame: f, moduleIndex: mi, name, inlined: false, line: 0, column: 0,
          note: !m ? `module ${mi ?? '?'} not available` : `code offset ${hex(f.rawCodeOffset)} could not be mapped to a code address`,
        });
        continue;
      }
      for (const s of sym.symbolize(f.codeAddr)) {
        out.push({
          number: out.length, coreFrame: f, moduleIndex: mi, codeAddr: f.codeAddr, sym: s, name: s.name, inlined: s.inlined,
          file: s.file, line: s.line, column: s.column, note: s.noLineInfo,
        });
      }
    }
    return { name: t.name, frames: out };
  });
}

/**
 * gdb-style frame header: `#0  0x000123 in crash_now () at prog.c:32:9`.
 * `args` (from the variables layer, e.g. `n=3, p=0x10`) goes inside the parentheses;
 * `module` (for core dumps of several modules, whose addresses are per module) is shown as `from NAME`.
 */
export function formatFrameHeader(f: BtFrame, opts: { args?: string; map?: SourcePathMap; module?: string } = {}): string {
  const num = `#${f.number}`.padEnd(4);
  const addr = f.codeAddr !== undefined ? hex(f.codeAddr, 6) : '<unknown>';
  let s = `${num}${addr} in ${f.name} (${opts.args ?? ''})`;
  if (opts.module !== undefined) s += ` from ${opts.module}`;
  if (f.inlined) s += ' [inlined]';
  if (f.file !== undefined) s += ` at ${opts.map ? opts.map.map(f.file) : f.file}:${f.line}${f.column ? `:${f.column}` : ''}`;
  else if (f.note) s += ` <${f.note}>`;
  return s;
}
