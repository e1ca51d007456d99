/**
 * C runtime deaths: `__assert_fail(expr, file, line, func)` (wasi-libc,
 * Emscripten) / `__assert2(file, line, func, expr)` (bionic style), and
 * `abort()`. Arguments are read as the frame's parameters (DWARF when the
 * libc has it, else the Wasm locals 0..3 of the C ABI, which only full
 * dumps record); an argument that cannot be read is said to be unavailable.
 */
import type { FrameInfo } from '../target/model';
import type { PostMortemTarget } from '../target/target';
import { Budget, Unreadable, errText, utf8Strict } from './read';

export interface AssertInfo {
  /** Level of the __assert_fail frame. */
  level: number;
  expr?: string;
  file?: string;
  line?: number;
  func?: string;
  unavailable: string[];
}

const ASSERT = /^(__assert_fail|__assert2|__assert_rtn|__assert)$/;
export const ABORT = /^(abort|_abort|std::abort|__abort)$/;

export function cString(target: PostMortemTarget, instance: number, addr: number, budget: Budget, what: string): string {
  const mem = target.core.instanceMemory(instance, 0);
  if (!mem) throw new Unreadable(`${what}: memory 0 is not in the dump`);
  if (addr === 0) throw new Unreadable(`${what} is a null pointer`);
  const parts: Uint8Array[] = [];
  for (let off = 0; off < 4096; off += 64) {
    budget.charge();
    const n = Math.min(64, mem.size - (addr + off));
    if (n <= 0) throw new Unreadable(`${what} at 0x${addr.toString(16)}: no terminating NUL before the end of memory`);
    const r = mem.read(addr + off, n);
    if (r.unreadable.length) throw new Unreadable(`${what} at 0x${addr.toString(16)}: memory not recorded`);
    const z = r.bytes.indexOf(0);
    if (z >= 0) { parts.push(r.bytes.subarray(0, z)); return utf8Strict(concat(parts), what); }
    parts.push(r.bytes);
  }
  throw new Unreadable(`${what}: longer than 4096 bytes (no NUL)`);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** Parameter `i` of a frame as an integer: DWARF parameter by position, else Wasm local i. */
export function param(target: PostMortemTarget, f: FrameInfo, i: number, names: string[]): number {
  const die = target.symFrame(f.threadIndex, f.level)?.die;
  if (die && names[i]) {
    try {
      const v = target.evaluate(f.threadIndex, f.level, names[i]);
      if (!v.value.startsWith('<')) {
        const m = /^(-?\d+)$|^0x([0-9a-f]+)/.exec(v.value);
        if (m) return m[1] !== undefined ? Number(m[1]) : parseInt(m[2], 16);
      }
    } catch { /* fall back to the Wasm local */ }
  }
  const raw = target.core.threads[f.threadIndex]?.frames[f.physicalIndex];
  if (!raw?.locals.recorded) throw new Unreadable(`argument ${i + 1} of ${f.functionName}: locals were not recorded in this dump`);
  const l = raw.locals.values[i];
  if (!l || l.type !== 'i32') throw new Unreadable(`argument ${i + 1} of ${f.functionName}: Wasm local ${i} is not an i32`);
  return l.value >>> 0;
}

export function paramNames(target: PostMortemTarget, f: FrameInfo): string[] {
  const die = target.symFrame(f.threadIndex, f.level)?.die;
  return die ? die.children.filter((d) => d.tag === 0x05).map((d) => d.name ?? d.origin().name ?? '') : [];
}

export function assertFailure(target: PostMortemTarget, frames: FrameInfo[]): AssertInfo | undefined {
  const level = frames.findIndex((f) => ASSERT.test(f.functionName));
  if (level < 0) return undefined;
  const f = frames[level];
  const out: AssertInfo = { level, unavailable: [] };
  const names = paramNames(target, f);
  const budget = new Budget();
  // argument positions: (expr, file, line, func); __assert2/__assert_rtn: (file, line, func, expr) / (func, file, line, expr)
  const order = f.functionName === '__assert2' ? { file: 0, line: 1, func: 2, expr: 3 }
    : f.functionName === '__assert_rtn' ? { func: 0, file: 1, line: 2, expr: 3 } : { expr: 0, file: 1, line: 2, func: 3 };
  const str = (i: number, what: string): string | undefined => {
    try { return cString(target, f.instanceIndex, param(target, f, i, names), budget, what); } catch (e) { out.unavailable.push(errText(e)); return undefined; }
  };
  out.expr = str(order.expr, 'assertion expression');
  out.file = str(order.file, 'file name');
  out.func = str(order.func, 'function name');
  try { out.line = param(target, f, order.line, names) | 0; } catch (e) { out.unavailable.push(errText(e)); }
  return out;
}

/** wasi-libc's text: `Assertion failed: expr (file: func: line)`. */
export function assertText(a: AssertInfo): string {
  const u = '<unavailable>';
  return `Assertion failed: ${a.expr ?? u} (${a.file ?? u}: ${a.func ?? u}: ${a.line ?? u})`;
}
