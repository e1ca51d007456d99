/**
 * Frame bases without recorded locals: walk the shadow stack from the
 * innermost frame (whose stack pointer is the instance's `__stack_pointer`
 * global at the crash) outwards, adding each callee's frame size.
 * Anything uncertain makes that frame and all older ones unavailable.
 */
import { WasmModule } from '../wasm/module';
import { WasmValue } from '../coredump/model';
import { Prologue, analyzePrologue, findStackPointerGlobal } from './prologue';

export interface UnwindFrame {
  module: WasmModule;
  funcIndex: number;
  /** Code address of the current instruction (the call, for callers). */
  pc?: number;
  /** Identity of the instance (frames of another instance have their own stack pointer). */
  instance: unknown;
  /** Instance global by index. */
  global(i: number): WasmValue | undefined;
  /** Why global i has no value, if known. */
  globalUnavailable?(i: number): string | undefined;
}

export type FrameStack =
  | {
    ok: true;
    /** Stack pointer when the function was entered. */
    entry: number;
    /** Value of the stack-pointer global while this frame runs (at its pc). */
    during: number;
    spGlobal: number;
    prologue: Prologue;
    /** The stack pointer is an i64 (wasm64): no 32-bit wrap-around. */
    wide: boolean;
  }
  | { ok: false; reason: string };

/** Stack-pointer arithmetic wraps like the i32 global does (a stack overflow wraps below 0). */
const wrap32 = (x: number): number => ((x % 0x100000000) + 0x100000000) % 0x100000000;

function spValue(f: UnwindFrame, sp: number): number | undefined {
  const v = f.global(sp);
  if (v?.type === 'i32') return v.value >>> 0;
  if (v?.type === 'i64') return Number(v.value);
  return undefined;
}

export function reconstructStack(frames: ReadonlyArray<UnwindFrame | undefined>): FrameStack[] {
  const out: FrameStack[] = [];
  let prev: { instance: unknown; entry: number } | { instance: unknown; broken: string } | undefined;
  for (const f of frames) {
    if (!f) { out.push({ ok: false, reason: 'frame of an unknown module' }); prev = undefined; continue; }
    const sp = findStackPointerGlobal(f.module);
    if (sp === undefined) { out.push({ ok: false, reason: 'no stack-pointer global (no `__stack_pointer` name, global 0 is not a mutable integer)' }); prev = { instance: f.instance, broken: 'no stack pointer' }; continue; }
    const p = analyzePrologue(f.module, f.funcIndex, sp);
    const sameInstance = prev !== undefined && prev.instance === f.instance;
    if (sameInstance && 'broken' in prev!) { out.push({ ok: false, reason: prev.broken }); continue; }
    if (!p.certain) {
      const reason = p.reason ?? 'uncertain prologue';
      out.push({ ok: false, reason });
      prev = { instance: f.instance, broken: `a callee's frame size is unknown (${reason})` };
      continue;
    }
    let during: number, entry: number;
    const wide = f.global(sp)?.type === 'i64';
    const w = (x: number): number => (wide ? x : wrap32(x));
    if (sameInstance && 'entry' in prev!) {
      // this frame called the previous one: the global held our lowered pointer (or our entry value)
      during = prev.entry;
      entry = p.writesGlobal ? w(during + p.frameSize) : during;
    } else {
      const g = spValue(f, sp);
      if (g === undefined) {
        const why = f.globalUnavailable?.(sp);
        const name = f.module.names.globals.get(sp);
        const reason = `stack-pointer global ${sp}${name ? ` (${name})` : ''} ${why ?? 'has no value in the core dump'}`;
        out.push({ ok: false, reason });
        prev = { instance: f.instance, broken: reason };
        continue;
      }
      const written = p.writesGlobal && f.pc !== undefined && p.setAddr !== undefined && f.pc > p.setAddr;
      if (p.writesGlobal && f.pc === undefined) { out.push({ ok: false, reason: 'frame address unknown' }); prev = { instance: f.instance, broken: 'frame address unknown' }; continue; }
      during = g;
      entry = written ? w(g + p.frameSize) : g;
    }
    out.push({ ok: true, entry, during, spGlobal: sp, prologue: p, wide });
    prev = { instance: f.instance, entry };
  }
  return out;
}

/**
 * The value of Wasm local `local` of a frame, if the prologue put
 * `entrySP + offset` there (the -O0 frame base); undefined otherwise.
 */
export function reconstructedLocal(s: FrameStack, local: number): number | undefined {
  if (!s.ok) return undefined;
  const off = s.prologue.spLocals.get(local);
  return off === undefined ? undefined : s.wide ? s.entry + off : wrap32(s.entry + off);
}
