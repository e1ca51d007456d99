/**
 * The ONE place where a frame's raw code offset becomes a code-section
 * address (the DWARF address space).
 *
 * Producers disagree on what a frame's code offset is relative to:
 *  - 'body': the function body start, just after the body-size LEB (wasmtime, V8;
 *    equals DWARF low_pc),
 *  - 'first-instruction': the first instruction after the locals declarations
 *    (WasmEdge, the current wasm-coredump rewriter),
 *  - 'code-section': the Code section payload start (legacy wasmgdb / old rewriter).
 * And on where a caller frame points: AT the call in progress, or just AFTER
 * it (a return address). We try every combination per module and keep the
 * one under which the most frames are plausible: on an instruction boundary
 * inside the frame's function, callers on a call instruction and the
 * innermost frame on an instruction that can trap or calls (into the host).
 * Caller frames are always normalised to the START of the call instruction.
 */
import { ByteReader } from '../util/reader';
import { CodeAddr, FileOffset } from '../util/offsets';
import { WasmModule, FunctionBody } from '../wasm/module';
import { readOpcode, skipImm } from '../wasm/instr';
import { OpFlag } from '../wasm/opcodes';
import { CodeOffsetBase, CoreDumpModel, Frame } from './model';

export type CallSiteConvention = 'at-call' | 'after-call';

export interface BaseScore {
  base: CodeOffsetBase;
  callSite: CallSiteConvention;
  /** Frames whose address lies inside their function's instructions. */
  inFunction: number;
  /** Frames on an instruction boundary. */
  onBoundary: number;
  /** Frames that satisfy every check (boundary + call / trap instruction). */
  plausible: number;
}

export interface ModuleNormalisation {
  moduleIndex: number;
  /** The chosen interpretation; undefined when none puts any frame on an instruction boundary. */
  base?: CodeOffsetBase;
  callSite?: CallSiteConvention;
  frames: number;
  /** Frames that got a codeAddr. */
  normalised: number;
  /** Human-readable justification. */
  reason: string;
  scores: BaseScore[];
}

export interface NormalisationReport {
  modules: ModuleNormalisation[];
  /** Frames left without codeAddr (unknown module, or no plausible address). */
  unresolvedFrames: number;
}

interface Decoded { starts: number[]; flags: number[]; ends: number[] }
const cache = new WeakMap<WasmModule, Map<number, Decoded>>();

/** Instruction starts (file offsets), flags and ends of one function, decoded once. */
function decodeFunction(m: WasmModule, b: FunctionBody): Decoded {
  let perMod = cache.get(m);
  if (!perMod) cache.set(m, (perMod = new Map()));
  const hit = perMod.get(b.index);
  if (hit) return hit;
  const d: Decoded = { starts: [], flags: [], ends: [] };
  const r = new ByteReader(m.bytes, m.file, 'code', b.firstInstr, b.end);
  try {
    while (!r.atEnd) {
      const at = r.pos;
      const info = readOpcode(r);
      skipImm(r, info);
      d.starts.push(at); d.flags.push(info.flags); d.ends.push(r.pos);
    }
  } catch {
    // malformed body: keep the instructions decoded so far
  }
  perMod.set(b.index, d);
  return d;
}

function find(a: number[], x: number): number {
  let lo = 0, hi = a.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] === x) return mid;
    if (a[mid] < x) lo = mid + 1; else hi = mid - 1;
  }
  return -1;
}

const CALL = OpFlag.Call, TRAP = OpFlag.Trap;

/** Where frame `f` points under a convention: file offset of the instruction, or why not. */
function locate(m: WasmModule, f: Frame, base: CodeOffsetBase, callSite: CallSiteConvention):
  { ok: boolean; inFunction: boolean; onBoundary: boolean; at?: FileOffset } {
  const body = m.body(f.funcIndex);
  if (!body) return { ok: false, inFunction: false, onBoundary: false };
  let off: number;
  if (base === 'body') off = body.bodyStart + f.rawCodeOffset;
  else if (base === 'first-instruction') off = body.firstInstr + f.rawCodeOffset;
  else {
    const cs = m.codeSectionStart;
    if (cs === undefined) return { ok: false, inFunction: false, onBoundary: false };
    off = cs + f.rawCodeOffset;
  }
  const d = decodeFunction(m, body);
  const innermost = f.index === 0;
  // a return address may equal the body end (a call as the last instruction before `end` cannot be, but be lenient)
  const inFunction = off >= body.firstInstr && (off < body.end || (!innermost && callSite === 'after-call' && off === body.end));
  if (!inFunction) return { ok: false, inFunction, onBoundary: false };
  if (!innermost && callSite === 'after-call') {
    const i = find(d.ends, off);
    const onBoundary = i >= 0;
    return { ok: onBoundary && (d.flags[i] & CALL) !== 0, inFunction, onBoundary, at: onBoundary ? (d.starts[i] as FileOffset) : undefined };
  }
  const i = find(d.starts, off);
  if (i < 0) return { ok: false, inFunction, onBoundary: false };
  const need = innermost ? CALL | TRAP : CALL;
  return { ok: (d.flags[i] & need) !== 0, inFunction, onBoundary: true, at: off as FileOffset };
}

const BASES: CodeOffsetBase[] = ['body', 'first-instruction', 'code-section'];
const SITES: CallSiteConvention[] = ['at-call', 'after-call'];

function score(m: WasmModule, frames: Frame[], base: CodeOffsetBase, callSite: CallSiteConvention): BaseScore {
  const s: BaseScore = { base, callSite, inFunction: 0, onBoundary: 0, plausible: 0 };
  for (const f of frames) {
    const l = locate(m, f, base, callSite);
    if (l.inFunction) s.inFunction++;
    if (l.onBoundary) s.onBoundary++;
    if (l.ok) s.plausible++;
  }
  return s;
}

/**
 * Set `frame.codeAddr` for every frame whose module is known, choosing the
 * offset interpretation per module; report the choice and why.
 */
export function normaliseFrames(core: CoreDumpModel, modules: Map<number, WasmModule>): NormalisationReport {
  const byModule = new Map<number, Frame[]>();
  let unresolved = 0;
  for (const t of core.threads) for (const f of t.frames) {
    f.codeAddr = undefined;
    const mi = core.instances[f.instanceIndex]?.moduleIndex;
    if (mi === undefined || !modules.has(mi)) { unresolved++; continue; }
    let list = byModule.get(mi);
    if (!list) byModule.set(mi, (list = []));
    list.push(f);
  }
  const report: ModuleNormalisation[] = [];
  for (const [mi, frames] of [...byModule].sort((a, b) => a[0] - b[0])) {
    const m = modules.get(mi) as WasmModule;
    const scores: BaseScore[] = [];
    try {
      for (const base of BASES) for (const site of SITES) scores.push(score(m, frames, base, site));
    } catch (e) {
      // a module whose sections cannot be read: nothing can be normalised
      report.push({ moduleIndex: mi, frames: frames.length, normalised: 0, scores, reason: `module unreadable: ${e instanceof Error ? e.message : String(e)}` });
      unresolved += frames.length;
      continue;
    }
    // best: most plausible frames, then most on boundaries; ties keep the earlier (preferred) order
    let best = scores[0];
    for (const s of scores) if (s.plausible > best.plausible || (s.plausible === best.plausible && s.onBoundary > best.onBoundary)) best = s;
    if (best.onBoundary === 0) {
      report.push({ moduleIndex: mi, frames: frames.length, normalised: 0, scores,
        reason: `no interpretation puts any of the ${frames.length} frames on an instruction boundary (wrong module?)` });
      unresolved += frames.length;
      continue;
    }
    let n = 0;
    for (const f of frames) {
      const l = locate(m, f, best.base, best.callSite);
      if (l.at !== undefined) { f.codeAddr = m.toCodeAddr(l.at); n++; } else unresolved++;
    }
    report.push({ moduleIndex: mi, base: best.base, callSite: best.callSite, frames: frames.length, normalised: n, scores, reason: explain(best, scores, frames.length) });
  }
  return { modules: report, unresolvedFrames: unresolved };
}

function explain(best: BaseScore, scores: BaseScore[], total: number): string {
  const hasCallers = total > 1;
  const what = hasCallers ? 'callers on a call' + (best.callSite === 'after-call' ? ' (return address after it)' : '') + ', innermost on a trapping instruction or call' : 'innermost frame on a trapping instruction or call';
  const others = scores.filter((s) => s !== best && (hasCallers || s.callSite === 'at-call'))
    .map((s) => `${s.base}${hasCallers ? '/' + s.callSite : ''} ${s.plausible}/${total}`).join(', ');
  const ties = scores.filter((s) => s !== best && s.plausible === best.plausible && s.onBoundary === best.onBoundary && (hasCallers || s.callSite === 'at-call'));
  return `${best.plausible}/${total} frames plausible (${best.onBoundary} on instruction boundaries; ${what}); others: ${others}` +
    (ties.length ? `; ambiguous with ${ties.map((s) => s.base).join(', ')}: kept the preferred ${best.base}` : '');
}

/** Convenience: a frame's address as a file offset in its module, for disassembly. */
export function frameFileOffset(m: WasmModule, f: Frame): FileOffset | undefined {
  return f.codeAddr === undefined ? undefined : m.toFileOffset(f.codeAddr as CodeAddr);
}

