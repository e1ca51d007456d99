/**
 * Why the program died, in source terms: a Rust panic's message and
 * location, a failed C assertion, abort() and its caller, or the Wasm trap
 * in the user's words. Also which frames are the runtime's panic/abort
 * machinery (shown subtle / folded) and the first frame of the user's code.
 *
 *   const r = crashReason(target, 0);
 *   r.message   // "panicked at 'order 9000000001 over budget: 9.75 (bolt)', prog.rs:59:9"
 *
 * Pure: reads the dump and the modules through the target, never guesses:
 * what cannot be read makes the reason `incomplete` with `notes` saying why.
 */
import type { FrameInfo, TrapInfo } from '../target/model';
import type { PostMortemTarget } from '../target/target';
import { ABORT, assertFailure, assertText } from './c';
import { cxxException, cxxText } from './cxx';
import { PANIC_FMT, RustPanic, panicText, rustPanic } from './rust';
import { trapWords } from './trap';

export type ReasonKind = 'rust-panic' | 'assert' | 'abort' | 'cxx-exception' | 'trap';

export interface ReasonLocation { file: string; line: number; column: number }

export interface CrashReason {
  kind: ReasonKind;
  /** One line (Rust messages may hold newlines) saying what the program said or did when it died. */
  message: string;
  /** Source position the reason refers to (the panic's Location, the assert's caller, the trapping line). */
  location?: ReasonLocation;
  /** True when part of the message could not be read (or not reproduced) from the dump. */
  incomplete?: boolean;
  /** Why it is incomplete, and other caveats. */
  notes?: string[];
  /** Level (expanded frames) of the first frame of the user's code, when known. */
  userFrame?: number;
  /** Levels of the runtime's panic/abort/assert frames above the user's code. */
  machineryFrames: number[];
  /** Rust: the first line(s) std's default panic hook wrote to stderr, when everything was read. */
  printed?: string;
  /** The underlying Wasm trap. */
  trap: TrapInfo;
}

/** Runtime code that panics/aborts on the user's behalf (never the user's own frame). */
const RUNTIME = /^(std|core|alloc|panic_abort|panic_unwind)::|^<(std|core|alloc)::|^(rust_begin_unwind|rust_panic|__rust_start_panic|__rust_[a-z_]+|abort|_abort|__assert_fail|__assert2|__assert_rtn|_Exit|raise|__wasi_proc_exit|__cxa_[a-z_]+|std::__terminate|__cxxabiv1::.*|demangling_terminate_handler|abort_message)$/;

function locOf(f: FrameInfo | undefined): ReasonLocation | undefined {
  return f?.location && f.location.line > 0 ? { file: f.location.path, line: f.location.line, column: f.location.column } : undefined;
}

function where(f: FrameInfo | undefined): string {
  if (!f) return '';
  const l = locOf(f);
  return ` in ${f.functionName}${l ? ` at ${fmtLoc(l)}` : ''}`;
}

function range(n: number): number[] { return Array.from({ length: n }, (_, i) => i); }

/** First frame below `from` that is not runtime code. */
function firstUser(frames: FrameInfo[], from: number): number | undefined {
  for (let i = from; i < frames.length; i++) if (!RUNTIME.test(frames[i].functionName)) return i;
  return undefined;
}

function fromPanic(p: RustPanic, frames: FrameInfo[], trap: TrapInfo): CrashReason {
  const pf = frames.findIndex((f) => PANIC_FMT.test(f.functionName) || /^std::panicking::begin_panic<.*>$/.test(f.functionName));
  const after = Math.max(p.handlerLevel, pf) + 1;
  let user: number | undefined;
  if (p.location) {
    const { file, line } = p.location;
    user = frames.findIndex((f, i) => i >= after && !!f.location && f.location.line === line
      && (f.location.originalPath === file || f.location.originalPath.endsWith(`/${file}`) || file.endsWith(f.location.originalPath)));
    if (user < 0) user = undefined;
  }
  user ??= firstUser(frames, after);
  // without the PanicInfo, the user frame's line-table position is where it panicked (said so, not passed off as the Location)
  const fallback = !p.location && user !== undefined ? locOf(frames[user]) : undefined;
  const notes = fallback ? [...(p.incomplete ?? []), `location from the line table of ${frames[user as number].functionName}, not from the PanicInfo`] : p.incomplete;
  return {
    kind: 'rust-panic',
    message: fallback ? `${panicText({ ...p, location: fallback })} (line table)` : panicText(p),
    location: p.location ?? fallback,
    incomplete: p.incomplete ? true : undefined,
    notes,
    userFrame: user,
    machineryFrames: range(user ?? after),
    printed: p.printed,
    trap,
  };
}

const cache = new WeakMap<PostMortemTarget, Map<number, CrashReason>>();

/** The crash reason of a thread (cached per target). */
export function crashReason(target: PostMortemTarget, threadIndex = 0): CrashReason {
  let perTarget = cache.get(target);
  if (!perTarget) { perTarget = new Map(); cache.set(target, perTarget); }
  const hit = perTarget.get(threadIndex);
  if (hit) return hit;
  const r = computeReason(target, threadIndex);
  perTarget.set(threadIndex, r);
  return r;
}

function computeReason(target: PostMortemTarget, threadIndex: number): CrashReason {
  const trap = target.trap(threadIndex);
  const thread = target.core.threads[threadIndex];
  // panic machinery sits within the top few dozen frames; do not expand a 100 000-frame overflow for it
  const frames = thread ? target.framePage(threadIndex, 0, 64).frames : [];
  if (trap.kind === 'unreachable' || trap.kind === 'host-call' || trap.kind === 'unknown') {
    const p = rustPanic(target, threadIndex, frames);
    if (p) return fromPanic(p, frames, trap);
    const a = assertFailure(target, frames);
    if (a) {
      const user = firstUser(frames, a.level + 1);
      return {
        kind: 'assert', message: assertText(a), trap,
        location: a.file && a.line !== undefined ? { file: a.file, line: a.line, column: 0 } : locOf(frames[user ?? -1]),
        incomplete: a.unavailable.length ? true : undefined, notes: a.unavailable.length ? a.unavailable : undefined,
        userFrame: user, machineryFrames: range(user ?? a.level + 1),
      };
    }
    const x = cxxException(target, frames);
    if (x) {
      const user = firstUser(frames, x.level + 1);
      return {
        kind: 'cxx-exception', message: cxxText(x), trap, location: locOf(frames[user ?? -1]),
        incomplete: x.unavailable.length ? true : undefined, notes: x.unavailable.length ? x.unavailable : undefined,
        userFrame: user, machineryFrames: range(user ?? x.level + 1), printed: x.printed,
      };
    }
    const ab = frames.findIndex((f) => ABORT.test(f.functionName));
    if (ab >= 0) {
      const user = firstUser(frames, ab + 1);
      const caller = user !== undefined ? frames[user] : frames[ab + 1];
      return {
        kind: 'abort', message: `abort() called${caller ? where(caller).replace(/^ in /, ' from ') : ''}`, trap,
        location: locOf(caller), userFrame: user, machineryFrames: range(user ?? ab + 1),
      };
    }
  }
  const w = trapWords(target, trap, frames);
  const top = frames[0];
  // the user's frame: the first with debug info that is not the runtime's (an inlined core::ptr::read_volatile is not)
  let user: number | undefined = frames.findIndex((f) => f.hasDebugInfo && !RUNTIME.test(f.functionName));
  if (user < 0) user = frames.findIndex((f) => f.hasDebugInfo);
  if (user < 0) user = undefined;
  const u = user !== undefined ? frames[user] : undefined;
  const called = u && u !== top ? `, called from ${u.functionName}${locOf(u) ? ` at ${fmtLoc(locOf(u) as ReasonLocation)}` : ''}` : '';
  return {
    kind: 'trap', message: `${w.message}${where(top)}${called}`, trap,
    location: locOf(u ?? top), notes: w.notes.length ? w.notes : undefined,
    userFrame: user, machineryFrames: user !== undefined && frames.slice(0, user).every((f) => RUNTIME.test(f.functionName)) ? range(user) : [],
  };
}

function fmtLoc(l: ReasonLocation): string { return `${l.file}:${l.line}${l.column ? `:${l.column}` : ''}`; }

/** What the folded machinery frames are, for the one line that stands for them: `8 frames of the panic machinery`. */
export function machineryLabel(r: CrashReason): string {
  const n = r.machineryFrames.length;
  return `${n} frame${n > 1 ? 's' : ''} of the ${r.kind === 'rust-panic' ? 'panic' : 'runtime'} machinery`;
}
