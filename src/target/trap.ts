/**
 * Infer what trapped from the innermost frame's instruction (and, when the
 * dump recorded them, the operand stack and the stack pointer), the way a
 * native debugger names a signal. Never guesses silently: `evidence` says
 * what the inference rests on, and `unknown` is returned when nothing does.
 */
import type { WasmValue } from '../coredump/model';
import type { TrapInfo, TrapKind } from './model';

interface Op { name: string; kind: TrapKind }

const DIV: Record<number, string> = {
  0x6d: 'i32.div_s', 0x6e: 'i32.div_u', 0x6f: 'i32.rem_s', 0x70: 'i32.rem_u',
  0x7f: 'i64.div_s', 0x80: 'i64.div_u', 0x81: 'i64.rem_s', 0x82: 'i64.rem_u',
};
const TRUNC: Record<number, string> = {
  0xa8: 'i32.trunc_f32_s', 0xa9: 'i32.trunc_f32_u', 0xaa: 'i32.trunc_f64_s', 0xab: 'i32.trunc_f64_u',
  0xae: 'i64.trunc_f32_s', 0xaf: 'i64.trunc_f32_u', 0xb0: 'i64.trunc_f64_s', 0xb1: 'i64.trunc_f64_u',
};
const MEM: string[] = [
  'i32.load', 'i64.load', 'f32.load', 'f64.load', 'i32.load8_s', 'i32.load8_u', 'i32.load16_s', 'i32.load16_u',
  'i64.load8_s', 'i64.load8_u', 'i64.load16_s', 'i64.load16_u', 'i64.load32_s', 'i64.load32_u',
  'i32.store', 'i64.store', 'f32.store', 'f64.store', 'i32.store8', 'i32.store16', 'i64.store8', 'i64.store16', 'i64.store32',
]; // opcodes 0x28 ..= 0x3e
const FC_MEM: Record<number, string> = { 8: 'memory.init', 10: 'memory.copy', 11: 'memory.fill', 12: 'table.init', 14: 'table.copy', 17: 'table.fill' };

/** Classify the instruction starting at `code[at]`. */
export function classifyInstruction(code: Uint8Array, at: number): Op | undefined {
  if (at < 0 || at >= code.length) return undefined;
  const b = code[at];
  if (b === 0x00) return { name: 'unreachable', kind: 'unreachable' };
  if (DIV[b]) return { name: DIV[b], kind: 'integer-divide-by-zero' };
  if (TRUNC[b]) return { name: TRUNC[b], kind: 'invalid-conversion' };
  if (b >= 0x28 && b <= 0x3e) return { name: MEM[b - 0x28], kind: 'out-of-bounds-memory' };
  if (b === 0x11) return { name: 'call_indirect', kind: 'indirect-call' };
  if (b === 0x13) return { name: 'return_call_indirect', kind: 'indirect-call' };
  if (b === 0x14) return { name: 'call_ref', kind: 'indirect-call' };
  if (b === 0x25) return { name: 'table.get', kind: 'out-of-bounds-table' };
  if (b === 0x26) return { name: 'table.set', kind: 'out-of-bounds-table' };
  if (b === 0x10) return { name: 'call', kind: 'host-call' };
  if (b === 0xfc && at + 1 < code.length) {
    const sub = code[at + 1];
    const n = FC_MEM[sub];
    if (n) return { name: n, kind: n.startsWith('memory') ? 'out-of-bounds-memory' : 'out-of-bounds-table' };
  }
  return undefined;
}

const TITLES: Record<TrapKind, string> = {
  'unreachable': 'wasm trap: unreachable executed',
  'integer-divide-by-zero': 'wasm trap: integer divide by zero',
  'integer-overflow': 'wasm trap: integer overflow',
  'invalid-conversion': 'wasm trap: invalid conversion to integer',
  'out-of-bounds-memory': 'wasm trap: out of bounds memory access',
  'out-of-bounds-table': 'wasm trap: out of bounds table access',
  'indirect-call': 'wasm trap: indirect call failed (null, out of bounds table index, or signature mismatch)',
  'stack-overflow': 'wasm trap: call stack exhausted (stack overflow)',
  'host-call': 'trap in a host (imported) function',
  'unknown': 'wasm trap (kind unknown)',
};

export interface TrapEvidence {
  /** Module code bytes and the innermost instruction's file offset, when the module is known. */
  code?: Uint8Array;
  offset?: number;
  /** Operand stack of the innermost frame, when recorded (bottom first). */
  stack?: WasmValue[];
  /** The call at the innermost frame targets an imported function. */
  callsImport?: (code: Uint8Array, at: number) => boolean | undefined;
  frameCount: number;
  /** Longest run of one function repeating in the stack (recursion depth). */
  maxRecursion: number;
  /** Value of `__stack_pointer` at crash time, when known. */
  stackPointer?: number;
  /** Size in bytes of the memory the stack lives in (memory 0). */
  memorySize?: number;
  /** Where: "module!function+0xOFF". */
  where: string;
}

const DEEP_RECURSION = 1000;
const STACK_POINTER_LOW = 1024;
/** Recursion depth that, with an exhausted stack pointer, names a stack overflow. */
const RECURSION_HINT = 16;

export function inferTrap(e: TrapEvidence): TrapInfo {
  const make = (kind: TrapKind, evidence: string, instruction?: string): TrapInfo => ({
    kind, title: TITLES[kind], evidence, instruction,
    description: `${TITLES[kind]} in ${e.where}${instruction ? ` at \`${instruction}\`` : ''}`,
  });
  const deep = e.maxRecursion >= DEEP_RECURSION || e.frameCount >= 10 * DEEP_RECURSION;
  const sp = e.stackPointer;
  // The stack grows down: a pointer at the bottom, or one that wrapped below 0 (past the memory's size), is exhausted.
  const spLow = sp !== undefined && (sp < STACK_POINTER_LOW || (e.memorySize !== undefined && sp >= e.memorySize));
  const op = e.code && e.offset !== undefined ? classifyInstruction(e.code, e.offset) : undefined;
  const spSuspect = spLow && (!op || op.kind === 'host-call' || op.kind === 'out-of-bounds-memory' || e.maxRecursion >= RECURSION_HINT);
  if (deep || spSuspect) {
    const why = [deep || e.maxRecursion >= RECURSION_HINT ? `${e.frameCount} frames, one function repeats ${e.maxRecursion} times` : '',
      spLow ? `__stack_pointer = 0x${(sp as number).toString(16)} ${sp as number < STACK_POINTER_LOW ? 'is at the bottom of the stack' : 'wrapped below 0'}` : ''].filter(Boolean).join('; ');
    return make('stack-overflow', why, op?.name);
  }
  if (!e.code || e.offset === undefined) return make('unknown', 'the module is not available, so the trapping instruction is unknown');
  if (!op) {
    const b = e.code[e.offset];
    return make('unknown', `the innermost instruction (opcode 0x${(b ?? 0).toString(16)}) cannot trap by itself`);
  }
  if (op.kind === 'integer-divide-by-zero') {
    const s = e.stack;
    const top = s && s.length ? s[s.length - 1] : undefined;
    const isZero = top && (top.type === 'i32' ? top.value === 0 : top.type === 'i64' ? top.value === 0n : undefined);
    if (isZero === false && op.name.endsWith('div_s')) return make('integer-overflow', `${op.name} with a non-zero divisor (operand stack)`, op.name);
    return make('integer-divide-by-zero', isZero ? `${op.name} with divisor 0 on the operand stack` : `the innermost instruction is ${op.name}`, op.name);
  }
  if (op.kind === 'host-call') {
    const imp = e.callsImport?.(e.code, e.offset);
    if (imp === false) return make('unknown', 'the innermost instruction is a call to a defined function (the callee frame is missing)', op.name);
    return make('host-call', 'the innermost instruction calls an imported function: the trap was raised by the host', op.name);
  }
  return make(op.kind, `the innermost instruction is ${op.name}`, op.name);
}

/** Longest count of any one function index in a thread's frames (recursion depth proxy). */
export function maxRepeat(funcs: number[]): number {
  const counts = new Map<number, number>();
  let best = 0;
  for (const f of funcs) {
    const c = (counts.get(f) ?? 0) + 1;
    counts.set(f, c);
    if (c > best) best = c;
  }
  return best;
}
