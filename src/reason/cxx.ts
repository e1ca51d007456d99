/**
 * C++ deaths: `__cxa_throw(thrown, tinfo, dest)` reaching std::terminate
 * (toolchains with exceptions): the type from the std::type_info name, and
 * what() for libc++'s std::logic_error / std::runtime_error family, whose
 * only member is a pointer to the message characters (__libcpp_refstring);
 * and libc++ built without exceptions (wasi-sdk, Debian's wasm32 libc++),
 * where `std::__throw_out_of_range(msg)` etc. print a verbose abort instead.
 */
import type { FrameInfo } from '../target/model';
import type { PostMortemTarget } from '../target/target';
import { demangle } from '../symbols/demangle';
import { Budget, Unreadable, errText } from './read';
import { cString, param, paramNames } from './c';

export interface CxxException {
  level: number;
  /** Source-form type name, e.g. `std::out_of_range`. */
  type?: string;
  what?: string;
  /** The text the runtime printed (libc++ verbose abort), when it is determined by what was read. */
  printed?: string;
  unavailable: string[];
}

const THROW_NOEXC = /^std::__\w+::__throw_(\w+)$/;
/** libc++'s exception classes whose state is one __libcpp_refstring (a pointer to the characters). */
const REFSTRING = /^std::(__\w+::)?(logic_error|domain_error|invalid_argument|length_error|out_of_range|future_error|runtime_error|range_error|overflow_error|underflow_error|system_error|ios_base::failure|filesystem::filesystem_error)$/;

/** `St13runtime_error` → `std::runtime_error` (demangled as the parameter of a dummy function). */
export function typeNameOf(mangled: string): string | undefined {
  const d = demangle(`_Z1f${mangled}`);
  const m = d ? /^f\((.*)\)$/.exec(d) : null;
  return m ? m[1] : undefined;
}

function u32(target: PostMortemTarget, f: FrameInfo, addr: number, what: string): number {
  const mem = target.core.instanceMemory(f.instanceIndex, 0);
  const r = mem && addr + 4 <= mem.size ? mem.read(addr, 4) : undefined;
  if (!r || r.unreadable.length) throw new Unreadable(`${what} at 0x${addr.toString(16)} is outside the dump's memory`);
  return (r.bytes[0] | (r.bytes[1] << 8) | (r.bytes[2] << 16) | (r.bytes[3] << 24)) >>> 0;
}

export function cxxException(target: PostMortemTarget, frames: FrameInfo[]): CxxException | undefined {
  const budget = new Budget();
  const nx = frames.findIndex((f) => THROW_NOEXC.test(f.functionName));
  if (nx >= 0 && frames.slice(0, nx).some((f) => /__libcpp_verbose_abort|^abort$/.test(f.functionName))) {
    const f = frames[nx];
    const cls = (THROW_NOEXC.exec(f.functionName) as RegExpExecArray)[1];
    const out: CxxException = { level: nx, type: `std::${cls}`, unavailable: [] };
    try {
      out.what = cString(target, f.instanceIndex, param(target, f, 0, paramNames(target, f)), budget, `${f.functionName} message`);
      out.printed = `${cls} was thrown in -fno-exceptions mode with message "${out.what}"`;
    } catch (e) { out.unavailable.push(errText(e)); }
    return out;
  }
  const level = frames.findIndex((f) => f.functionName === '__cxa_throw');
  if (level < 0) return undefined;
  const f = frames[level];
  const out: CxxException = { level, unavailable: [] };
  const names = paramNames(target, f);
  try {
    const tinfo = param(target, f, 1, names);
    // std::type_info: { vtable, const char *__type_name }
    const name = cString(target, f.instanceIndex, u32(target, f, tinfo + 4, 'type_info name'), budget, 'type_info name');
    out.type = typeNameOf(name.replace(/^\*/, '')) ?? name;
  } catch (e) { out.unavailable.push(`type: ${errText(e)}`); }
  if (out.type && REFSTRING.test(out.type)) {
    try {
      const thrown = param(target, f, 0, names);
      out.what = cString(target, f.instanceIndex, u32(target, f, thrown + 4, 'exception message pointer'), budget, 'what()');
    } catch (e) { out.unavailable.push(`what(): ${errText(e)}`); }
  }
  return out;
}

export function cxxText(x: CxxException): string {
  if (x.printed) return x.printed;
  return `uncaught exception of type ${x.type ?? '<unavailable>'}${x.what !== undefined ? `: ${x.what}` : ''}`;
}
