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
 * innermost frame on an instruction that can trap or calls into the host
 * (`canTrapInFrame` of the decoder). Measured: V8 (Node 20 `Error.stack`) and
 * wasmtime (its traps.rs expectations: func_offset 1 = the `call` after an
 * empty locals declaration) both point callers AT the call.
 * Caller frames are always normalised to the START of the call instruction.
 */
import { CodeAddr, FileOffset, codeAddr } from '../util/offsets';
import { WasmModule } from '../wasm/module';
import { Instr, canTrapInFrame, instructionAt, instructionBoundaries, isCallInstr } from '../wasm/decoder';
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
  /**
   * True when even the best interpretation leaves more than one frame implausible
   * (or any, with two frames or fewer): the module is probably not the one that crashed.
   */
  suspect: boolean;
  /** Human-readable justification. */
  reason: string;
  scores: BaseScore[];
}

export interface NormalisationReport {
  modules: ModuleNormalisation[];
  /** Frames left without codeAddr (unknown module, or no plausible address). */
  unresolvedFrames: number;
}

/** Index of x in a sorted array, or -1. */
function find(a: Int32Array, x: number): number {
  let lo = 0, hi = a.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] === x) return mid;
    if (a[mid] < x) lo = mid + 1; else hi = mid - 1;
  }
  return -1;
}

/** Instruction boundaries of a function (H1's cached decoder); undefined when its code is malformed. */
function boundaries(m: WasmModule, funcIndex: number): Int32Array | undefined {
  try { return instructionBoundaries(m, funcIndex); } catch { return undefined; }
}

function instr(m: WasmModule, addr: number): Instr | undefined {
  try { return instructionAt(m, codeAddr(addr)); } catch { return undefined; }
}

interface Located { ok: boolean; inFunction: boolean; onBoundary: boolean; at?: CodeAddr }
const NOWHERE: Located = { ok: false, inFunction: false, onBoundary: false };

/** Where frame `f` points under a convention: the code address of its instruction, and whether that is plausible. */
function locate(m: WasmModule, f: Frame, base: CodeOffsetBase, callSite: CallSiteConvention): Located {
  const body = m.body(f.funcIndex);
  const cs = m.codeSectionStart;
  if (!body || cs === undefined) return NOWHERE;
  const off = f.rawCodeOffset + (base === 'body' ? body.bodyStart : base === 'first-instruction' ? body.firstInstr : cs);
  if (off < body.firstInstr || off >= body.end) return NOWHERE;
  const b = boundaries(m, f.funcIndex);
  const i = b ? find(b, off - cs) : -1;
  if (!b || i < 0) return { ok: false, inFunction: true, onBoundary: false };
  if (f.index > 0 && callSite === 'after-call') {
    // a return address: the instruction that ENDS here must be the call
    if (i === 0) return { ok: false, inFunction: true, onBoundary: false };
    const call = instr(m, b[i - 1]);
    return { ok: !!call && isCallInstr(call), inFunction: true, onBoundary: true, at: codeAddr(b[i - 1]) };
  }
  const at = instr(m, b[i]);
  const ok = !!at && (f.index === 0 ? canTrapInFrame(m, at) : isCallInstr(at));
  return { ok, inFunction: true, onBoundary: true, at: codeAddr(b[i]) };
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
      // with only innermost frames the call-site convention does not matter; with 3+ frames all plausible
      // under the preferred interpretation the others cannot do better (their scores are not computed)
      const sites = frames.some((f) => f.index > 0) ? SITES : SITES.slice(0, 1);
      search: for (const base of BASES) for (const site of sites) {
        const sc = score(m, frames, base, site);
        scores.push(sc);
        if (sc.plausible === frames.length && frames.length >= 3) break search;
      }
    } catch (e) {
      // a module whose sections cannot be read: nothing can be normalised
      report.push({ moduleIndex: mi, frames: frames.length, normalised: 0, suspect: true, scores, reason: `module unreadable: ${e instanceof Error ? e.message : String(e)}` });
      unresolved += frames.length;
      continue;
    }
    // best: most plausible frames, then most on boundaries; ties keep the earlier (preferred) order
    let best = scores[0];
    for (const s of scores) if (s.plausible > best.plausible || (s.plausible === best.plausible && s.onBoundary > best.onBoundary)) best = s;
    if (best.onBoundary === 0) {
      report.push({ moduleIndex: mi, frames: frames.length, normalised: 0, suspect: true, scores,
        reason: `no interpretation puts any of the ${frames.length} frames on an instruction boundary (wrong module?)` });
      unresolved += frames.length;
      continue;
    }
    let n = 0;
    for (const f of frames) {
      const l = locate(m, f, best.base, best.callSite);
      if (l.at !== undefined) { f.codeAddr = l.at; n++; } else unresolved++;
      if (!f.locals.recorded && hasNoLocals(m, f.funcIndex)) f.locals = { recorded: true, values: [] };
    }
    const total = frames.length;
    // one implausible frame is normal (e.g. a stack overflow reported at a callee's entry); more is not
    const suspect = best.plausible < total - 1 || (total <= 2 && best.plausible < total);
    const reason = explain(best, scores, total) + (suspect ? `; only ${best.plausible}/${total} frames plausible: this module is probably not the one that crashed` : '');
    report.push({ moduleIndex: mi, base: best.base, callSite: best.callSite, frames: total, normalised: n, suspect, scores, reason });
  }
  return { modules: report, unresolvedFrames: unresolved };
}

function explain(best: BaseScore, scores: BaseScore[], total: number): string {
  const hasCallers = total > 1;
  const what = hasCallers ? 'callers on a call' + (best.callSite === 'after-call' ? ' (return address after it)' : '') + ', innermost on a trapping instruction or call' : 'innermost frame on a trapping instruction or call';
  const others = scores.filter((s) => s !== best)
    .map((s) => `${s.base}${hasCallers ? '/' + s.callSite : ''} ${s.plausible}/${total}`).join(', ');
  const ties = scores.filter((s) => s !== best && s.plausible === best.plausible && s.onBoundary === best.onBoundary);
  return `${best.plausible}/${total} frames plausible (${best.onBoundary} on instruction boundaries; ${what}); ` +
    (others ? `others: ${others}` : 'other interpretations not tried (every frame already plausible)') +
    (ties.length ? `; ambiguous with ${ties.map((s) => `${s.base}/${s.callSite}`).join(', ')}: kept the preferred ${best.base}/${best.callSite}` : '');
}

/**
 * An empty locals vector reads as "not recorded" (wasmtime writes them for
 * every frame), but for a function without parameters or declared locals it
 * is exactly right: there is nothing to record.
 */
function hasNoLocals(m: WasmModule, funcIndex: number): boolean {
  const body = m.body(funcIndex);
  const type = m.funcType(funcIndex);
  return body !== undefined && type !== undefined && type.params.length === 0 && body.localRuns.every((r) => r.count === 0);
}

/** Convenience: a frame's address as a file offset in its module, for disassembly. */
export function frameFileOffset(m: WasmModule, f: Frame): FileOffset | undefined {
  return f.codeAddr === undefined ? undefined : m.toFileOffset(f.codeAddr as CodeAddr);
}

