/**
 * Who wrote a core dump: the tool-conventions `producers` section
 * (`processed-by`), and the note our in-process runtime
 * (runtime/index.mjs) writes in a `wasm-coredump-runtime` custom section: a
 * JSON object naming the producer and engine, whether Error.stackTraceLimit
 * cut the stack, which stack lines were skipped, and why each unrecorded
 * global or memory is missing. Malformed notes become warnings, never errors.
 */
import { ByteReader } from '../util/reader';
import type { WasmModule } from '../wasm/module';
import { sectionReader } from '../wasm/sections';

export const RUNTIME_NOTE_SECTION = 'wasm-coredump-runtime';

export interface ProducerInfo {
  /** e.g. "wasm-coredump runtime 0.1.0"; undefined when the dump names none. */
  name?: string;
  /** The JS engine / host the runtime ran in. */
  engine?: string;
  /** The error the runtime captured. */
  error?: string;
  /** True when the stack had as many frames as Error.stackTraceLimit allowed: older frames may be missing. */
  truncated?: boolean;
  stackTraceLimit?: number | string;
  /** Stack lines with a Wasm frame the runtime could not place. */
  framesSkipped: string[];
  /** Core dump global index → why its value was not recorded. */
  unrecordedGlobals: Map<number, string>;
  unrecordedMemories: Array<{ index: number; reason: string }>;
}

function producersSection(mod: WasmModule, bytes: Uint8Array, file: string): string | undefined {
  const s = mod.customSections('producers')[0];
  if (!s) return undefined;
  const r: ByteReader = sectionReader(bytes, file, s);
  const n = r.uleb32();
  for (let i = 0; i < n; i++) {
    const field = r.name();
    const m = r.uleb32();
    const vals: string[] = [];
    for (let j = 0; j < m; j++) { const name = r.name(); const version = r.name(); vals.push(version ? `${name} ${version}` : name); }
    if (field === 'processed-by' && vals.length) return vals.join(', ');
  }
  return undefined;
}

const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);

/** Read the producer of a core dump; problems go to `warnings`. */
export function readProducer(mod: WasmModule, bytes: Uint8Array, file: string, warnings: string[]): ProducerInfo | undefined {
  let name: string | undefined;
  try { name = producersSection(mod, bytes, file); } catch (e) { warnings.push(`producers section unreadable: ${e instanceof Error ? e.message : String(e)}`); }
  const s = mod.customSections(RUNTIME_NOTE_SECTION)[0];
  if (!s && name === undefined) return undefined;
  const info: ProducerInfo = { name, framesSkipped: [], unrecordedGlobals: new Map(), unrecordedMemories: [] };
  if (!s) return info;
  let note: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(sectionReader(bytes, file, s).name());
    if (typeof parsed !== 'object' || parsed === null) throw new Error('not a JSON object');
    note = parsed as Record<string, unknown>;
  } catch (e) {
    warnings.push(`${RUNTIME_NOTE_SECTION} note unreadable: ${e instanceof Error ? e.message : String(e)}`);
    return info;
  }
  if (str(note.producer)) info.name = `${note.producer}${str(note.version) ? ` ${note.version}` : ''}`;
  info.engine = str(note.engine);
  info.error = str(note.error);
  info.truncated = note.truncated === true;
  if (typeof note.stackTraceLimit === 'number' || typeof note.stackTraceLimit === 'string') info.stackTraceLimit = note.stackTraceLimit;
  if (Array.isArray(note.framesSkipped)) info.framesSkipped = note.framesSkipped.filter((x): x is string => typeof x === 'string');
  if (Array.isArray(note.unrecordedGlobals)) {
    for (const g of note.unrecordedGlobals as Array<Record<string, unknown>>) {
      if (g && typeof g.dumpIndex === 'number' && typeof g.reason === 'string') info.unrecordedGlobals.set(g.dumpIndex, g.reason);
    }
  }
  if (Array.isArray(note.unrecordedMemories)) {
    for (const m of note.unrecordedMemories as Array<Record<string, unknown>>) {
      if (m && typeof m.index === 'number' && typeof m.reason === 'string') info.unrecordedMemories.push({ index: m.index, reason: m.reason });
    }
  }
  if (info.truncated) {
    warnings.push(`frames were cut: the stack held as many frames as Error.stackTraceLimit (${info.stackTraceLimit}) allowed when the error was created, so older frames are missing (the runtime's wrap()/withCoreDump() raise the limit while the call runs)`);
  }
  for (const f of info.framesSkipped) warnings.push(`stack line not recorded: ${f}`);
  for (const m of info.unrecordedMemories) warnings.push(`memory ${m.index} not recorded: ${m.reason}`);
  return info;
}
