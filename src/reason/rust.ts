/**
 * A Rust panic's message and location, read from the panic handler's
 * `&PanicInfo` argument (std's `begin_panic_handler`, or a no_std
 * `#[panic_handler]`: the frame that `core::panicking::panic_fmt` calls).
 * Struct layouts come from the module's DWARF: `PanicInfo { message:
 * Option<&fmt::Arguments> | &fmt::Arguments, location: &Location, .. }`,
 * `Location { file: &str, line, col }`.
 */
import * as C from '../dwarf/constants';
import type { Die } from '../dwarf/die';
import type { FrameInfo } from '../target/model';
import type { PostMortemTarget } from '../target/target';
import { TypeBuilder } from '../types/build';
import { Value } from '../values/value';
import { demangle } from '../symbols/demangle';
import { codeAddr } from '../util/offsets';
import { tableFunctions } from '../wasm/elements';
import { Budget, Unreadable, deref, errText, hasMember, innerPointer, intOf, member, optionRef, readStr, strAt } from './read';
import { FmtEnv } from './rustfmt';
import { writeArguments } from './rustargs';

export interface RustPanic {
  /** The panic message (the formatted `fmt::Arguments`); undefined when it could not be read at all. */
  message?: string;
  location?: { file: string; line: number; column: number };
  /** Why the message is not exactly what the program wrote. */
  incomplete?: string[];
  /** Level of the frame the PanicInfo was read from. */
  handlerLevel: number;
  /** rustc version from the DWARF producer, e.g. "1.63.0". */
  rustc?: string;
  /** The line std's default hook wrote to stderr (first line), when std's hook ran and everything was read. */
  printed?: string;
}

export const PANIC_FMT = /^core::panicking::panic_fmt\b/;
/** `panic!(non-format payload)` of edition 2015/2018 and `std::panic::panic_any`: begin_panic<M>(msg: M). */
const BEGIN_PANIC = /^std::panicking::begin_panic<.*>$/;
const HANDLER = /^(std::panicking::begin_panic_handler|rust_begin_unwind)$/;

/** Level of the panic handler frame: std's begin_panic_handler, else the frame panic_fmt called. */
export function findPanicHandler(frames: FrameInfo[]): number | undefined {
  const std = frames.findIndex((f) => HANDLER.test(f.functionName));
  if (std >= 0) return std;
  const pf = frames.findIndex((f) => PANIC_FMT.test(f.functionName));
  return pf > 0 ? pf - 1 : undefined;
}

function rustcVersion(die: Die | undefined): string | undefined {
  const p = die?.unit.root()?.str(C.DW_AT_producer);
  return p ? /rustc version (\d+\.\d+\.\d+)/.exec(p)?.[1] : undefined;
}

/** The environment formatters run in: the module's table, names, DWARF. */
export function fmtEnv(target: PostMortemTarget, frame: FrameInfo, vctx: Value['ctx'], budget: Budget): FmtEnv {
  const mi = frame.moduleIndex as number;
  const m = target.modules[mi];
  if (!m) throw new Unreadable('the module is not loaded');
  const sym = target.symbolizer(mi);
  let table: Map<number, number>;
  try { table = tableFunctions(m); } catch (e) { throw new Unreadable(`the module's element section: ${errText(e)}`); }
  return {
    vctx, budget, module: m, table, types: new TypeBuilder(),
    functionName(fi) {
      const raw = m.functionName(fi);
      if (!raw) return undefined;
      return (demangle(raw) ?? raw).replace(/::h[0-9a-f]{16}$/, '');
    },
    subprogram(fi) {
      const b = m.body(fi);
      if (!b || !sym) return undefined;
      const list = sym.symbolize(codeAddr(m.toCodeAddr(b.bodyStart)));
      return list[list.length - 1]?.die;
    },
  };
}

/** First formal parameter's name of a frame's function (the handler's `info`). */
function firstParamName(die: Die | undefined): string | undefined {
  const p = die?.children.find((d) => d.tag === C.DW_TAG_formal_parameter);
  return p ? (p.name ?? p.origin().name) : undefined;
}

/** A `&str` or `String` value (in memory or in locals) → its text. */
function valueString(c: { vctx: Value['ctx']; budget: Budget }, v: Value, what: string): string {
  if (hasMember(v.type, 'data_ptr') && hasMember(v.type, 'length')) return readStr(c, v, what);
  if (hasMember(v.type, 'vec')) {
    const vec = member(v, 'vec');
    const ptr = innerPointer(member(vec, 'buf'));
    if (!ptr) throw new Unreadable(`${what}: String buffer pointer not found in the DWARF`);
    return strAt(c, intOf(c, ptr, `${what} pointer`), intOf(c, member(vec, 'len'), `${what} length`), what);
  }
  throw new Unreadable(`${what}: a payload of type ${v.type.name} is not a string (std prints Box<dyn Any>)`);
}

/** `std::panicking::begin_panic<M>(msg)`: the payload is the message, `loc` the location. */
function beginPanic(target: PostMortemTarget, threadIndex: number, frames: FrameInfo[], level: number): RustPanic {
  const frame = frames[level];
  const die = target.symFrame(threadIndex, level)?.die;
  const out: RustPanic = { handlerLevel: level, rustc: rustcVersion(die) };
  const why: string[] = [];
  const tv = target.values(threadIndex);
  const budget = new Budget();
  try {
    const msg = tv.evaluateValue(frame.physicalIndex, 'msg', { frameDie: die });
    out.message = valueString({ vctx: msg.ctx, budget }, msg, 'begin_panic(msg)');
  } catch (e) { why.push(`message: ${errText(e)}`); }
  try {
    const loc = tv.evaluateValue(frame.physicalIndex, 'loc', { frameDie: die });
    const c = { vctx: loc.ctx, budget };
    const l = deref(c, loc, 'begin_panic loc');
    out.location = { file: readStr(c, member(l, 'file'), 'Location.file'), line: intOf(c, member(l, 'line'), 'Location.line'), column: intOf(c, member(l, 'col'), 'Location.col') };
  } catch (e) { why.push(`location: ${errText(e)}`); }
  if (why.length) out.incomplete = why;
  else if (out.message !== undefined && out.location && threadIndex === 0) out.printed = stdHookLine('main', out.message, out.location, out.rustc);
  return out;
}

export function rustPanic(target: PostMortemTarget, threadIndex: number, frames: FrameInfo[]): RustPanic | undefined {
  const level = findPanicHandler(frames);
  if (level === undefined) {
    const bp = frames.findIndex((f) => BEGIN_PANIC.test(f.functionName));
    return bp >= 0 ? beginPanic(target, threadIndex, frames, bp) : undefined;
  }
  const frame = frames[level];
  const die = target.symFrame(threadIndex, level)?.die;
  const out: RustPanic = { handlerLevel: level, rustc: rustcVersion(die) };
  const why: string[] = [];
  const param = firstParamName(die);
  if (!die || !param) {
    out.incomplete = [`the panic handler ${frame.functionName} has no DWARF parameters`];
    return out;
  }
  let info: Value;
  try {
    info = target.values(threadIndex).evaluateValue(frame.physicalIndex, param, { frameDie: die });
  } catch (e) {
    out.incomplete = [`${frame.functionName}(${param}): ${errText(e)}`];
    return out;
  }
  const budget = new Budget();
  const c = { vctx: info.ctx, budget };
  let pi: Value;
  try {
    pi = deref(c, info, `${frame.functionName}(${param})`);
  } catch (e) {
    out.incomplete = [errText(e)];
    return out;
  }
  try {
    const loc = deref(c, member(pi, 'location'), 'PanicInfo.location');
    const file = readStr(c, member(loc, 'file'), 'Location.file');
    out.location = { file, line: intOf(c, member(loc, 'line'), 'Location.line'), column: intOf(c, member(loc, 'col'), 'Location.col') };
  } catch (e) {
    if (!(e instanceof Unreadable)) throw e;
    why.push(`location: ${errText(e)}`);
  }
  try {
    if (!hasMember(pi.type, 'message')) throw new Unreadable(`${pi.type.name} has no message member in the DWARF`);
    const ref = optionRef(c, member(pi, 'message'), 'PanicInfo.message');
    if (!ref) throw new Unreadable('the panic has no format message (its payload is not a string formatted by panic!)');
    const args = deref(c, ref, 'PanicInfo.message');
    const w = writeArguments(fmtEnv(target, frame, info.ctx, budget), args);
    out.message = w.incomplete && !w.text ? undefined : w.text; // nothing read: unavailable, not an empty message
    if (w.incomplete) why.push(...w.incomplete);
  } catch (e) {
    if (!(e instanceof Unreadable)) throw e;
    why.push(`message: ${errText(e)}`);
  }
  if (why.length) out.incomplete = why;
  // std names its main thread "main"; what it calls other threads is not in the dump
  if (!why.length && out.message !== undefined && out.location && HANDLER.test(frame.functionName) && threadIndex === 0) {
    out.printed = stdHookLine('main', out.message, out.location, out.rustc);
  }
  return out;
}

function versionBefore(v: string | undefined, major: number, minor: number): boolean {
  if (!v) return false;
  const [a, b] = v.split('.').map(Number);
  return a < major || (a === major && b < minor);
}

/** std's default panic hook's first line (its format changed in Rust 1.73). */
export function stdHookLine(thread: string, message: string, loc: { file: string; line: number; column: number }, rustc: string | undefined): string {
  const where = `${loc.file}:${loc.line}:${loc.column}`;
  return versionBefore(rustc, 1, 73) ? `thread '${thread}' panicked at '${message}', ${where}` : `thread '${thread}' panicked at ${where}:\n${message}`;
}

/** The user-facing one-line text: what the program said, without the thread. */
export function panicText(p: RustPanic): string {
  const where = p.location ? `${p.location.file}:${p.location.line}:${p.location.column}` : '<unknown location>';
  const msg = p.message ?? '<message unavailable>';
  return versionBefore(p.rustc, 1, 73) ? `panicked at '${msg}', ${where}` : `panicked at ${where}: ${msg}`;
}
