/**
 * A Wasm trap in the user's words: what failed, with the operands the dump
 * recorded (the address and size of an out-of-bounds access, the table
 * slot of a failed indirect call, the divisor), never more than they show.
 */
import type { FrameInfo, TrapInfo } from '../target/model';
import type { PostMortemTarget } from '../target/target';
import { instructionAt, instructionContaining } from '../wasm/decoder';
import { tableFunctions } from '../wasm/elements';
import { codeAddr } from '../util/offsets';
import { demangle } from '../symbols/demangle';

const ACCESS_SIZE: Record<string, number> = {
  'i32.load': 4, 'i64.load': 8, 'f32.load': 4, 'f64.load': 8, 'i32.load8_s': 1, 'i32.load8_u': 1, 'i32.load16_s': 2, 'i32.load16_u': 2,
  'i64.load8_s': 1, 'i64.load8_u': 1, 'i64.load16_s': 2, 'i64.load16_u': 2, 'i64.load32_s': 4, 'i64.load32_u': 4,
  'i32.store': 4, 'i64.store': 8, 'f32.store': 4, 'f64.store': 8, 'i32.store8': 1, 'i32.store16': 2, 'i64.store8': 1, 'i64.store16': 2, 'i64.store32': 4,
};

export interface TrapWords { message: string; notes: string[] }

function hex(n: number | bigint): string { return `0x${n.toString(16)}`; }

function operands(target: PostMortemTarget, top: FrameInfo): bigint[] | undefined {
  const raw = target.core.threads[top.threadIndex]?.frames[top.physicalIndex];
  if (!raw?.stack.recorded) return undefined;
  return raw.stack.values.map((v) => (v.type === 'i32' ? BigInt(v.value >>> 0) : v.type === 'i64' ? BigInt.asUintN(64, v.value) : -1n));
}

function funcTypeText(target: PostMortemTarget, mi: number, typeIndex: number): string {
  const t = target.modules[mi]?.types[typeIndex];
  return t ? `(${t.params.join(', ')}) -> (${t.results.join(', ')})` : `type ${typeIndex}`;
}

export function trapWords(target: PostMortemTarget, trap: TrapInfo, frames: FrameInfo[]): TrapWords {
  const top = frames[0];
  const notes: string[] = [];
  const m = top?.moduleIndex !== undefined ? target.modules[top.moduleIndex] : undefined;
  const instr = m && top?.codeAddr !== undefined ? safe(() => instructionAt(m, codeAddr(top.codeAddr as number))) : undefined;
  const ops = top ? operands(target, top) : undefined;
  const at = (k: number) => (ops && ops.length >= k ? ops[ops.length - k] : undefined);
  switch (trap.kind) {
    case 'unreachable':
      return { message: 'unreachable code executed (Wasm `unreachable`)', notes };
    case 'integer-divide-by-zero':
      return { message: 'integer divide by zero', notes };
    case 'integer-overflow':
      return { message: `integer overflow (${trap.instruction ?? 'signed division'} of the minimum value by -1)`, notes };
    case 'invalid-conversion':
      return { message: `invalid conversion to integer (${trap.instruction ?? 'float truncation'} of NaN or an out-of-range value)`, notes };
    case 'out-of-bounds-memory': {
      const name = instr?.name ?? trap.instruction ?? '';
      const size = ACCESS_SIZE[name];
      const isStore = /store/.test(name);
      let base = at(isStore ? 2 : 1);
      if (base === undefined && !isStore && m && instr) base = localOperand(target, top, m, instr.addr);
      const memarg = instr?.imm.kind === 'memarg' ? instr.imm : undefined;
      const memSize = top ? target.core.instanceMemory(top.instanceIndex, memarg?.memory ?? 0)?.size : undefined;
      const what = size ? `${size}-byte ${isStore ? 'store' : 'load'}` : name;
      if (base !== undefined && base >= 0n && memarg && size) {
        const addr = base + BigInt(memarg.offset);
        return { message: `out of bounds memory access at ${hex(addr)} (${what}${memSize !== undefined ? `; memory size ${hex(memSize)}` : ''})`, notes };
      }
      notes.push('the address operand was not recorded in the dump');
      return { message: `out of bounds memory access (${what || 'memory instruction'}; address not recorded)`, notes };
    }
    case 'out-of-bounds-table':
      return { message: `out of bounds table access (${trap.instruction ?? 'table instruction'})`, notes };
    case 'indirect-call': {
      const slot = at(1);
      if (!instr || instr.imm.kind !== 'index2' || slot === undefined || slot < 0n || top.moduleIndex === undefined || !m) {
        return { message: 'indirect call failed: null function pointer, slot out of table bounds, or signature mismatch (the table index was not recorded)', notes };
      }
      const [typeIndex, tableIndex] = instr.imm.indices;
      const table = safe(() => tableFunctions(m, tableIndex));
      const fi = table?.get(Number(slot));
      if (fi === undefined) {
        return { message: slot === 0n ? 'null function pointer called (table slot 0 is empty)' : `call through an empty or out-of-bounds function table slot ${slot}`, notes };
      }
      const want = funcTypeText(target, top.moduleIndex, typeIndex);
      const tIdx = fi < m.importedFunctionCount ? m.functionImports[fi]?.typeIndex : m.functionTypeIndices[fi - m.importedFunctionCount];
      const have = tIdx === undefined ? 'unknown' : funcTypeText(target, top.moduleIndex, tIdx);
      const raw = m.functionName(fi);
      const fname = raw ? demangle(raw) ?? raw : `func[${fi}]`;
      notes.push('table contents as the element section initialises them');
      return { message: `indirect call signature mismatch: table slot ${slot} holds ${fname} ${have}, the call expects ${want}`, notes };
    }
    case 'stack-overflow': {
      // count over every physical frame (the expanded list may be a page of a very deep stack)
      const raw = target.core.threads[top.threadIndex]?.frames ?? [];
      const counts = new Map<number, number>();
      for (const f of raw) counts.set(f.funcIndex, (counts.get(f.funcIndex) ?? 0) + 1);
      let best = -1; let n = 0;
      for (const [k, c] of counts) if (c > n) { best = k; n = c; }
      const named = frames.find((f) => f.funcIndex === best && !f.inlined)?.functionName ?? `func[${best}]`;
      const sp = target.stackPointer(raw[top.physicalIndex]);
      return { message: `stack overflow: ${named} recursed ${n} calls deep (${raw.length} frames)${sp !== undefined ? `; shadow stack exhausted (__stack_pointer = ${hex(sp)})` : ''}`, notes };
    }
    case 'host-call':
      return { message: 'trap raised by a host (imported) function', notes };
    default:
      return { message: trap.title.replace(/^wasm trap: /, ''), notes: [trap.evidence] };
  }
}

/**
 * The operand of a load when the operand stack was not recorded but the
 * instruction just before it is `local.get N` (which pushed exactly that
 * operand) and the locals were recorded.
 */
function localOperand(target: PostMortemTarget, top: FrameInfo, m: NonNullable<PostMortemTarget['modules'][number]>, addr: number): bigint | undefined {
  const prev = addr > 0 ? safe(() => instructionContaining(m, codeAddr(addr - 1))) : undefined;
  if (!prev || prev.name !== 'local.get' || prev.imm.kind !== 'index' || prev.addr + prev.length !== addr) return undefined;
  const raw = target.core.threads[top.threadIndex]?.frames[top.physicalIndex];
  const v = raw?.locals.recorded ? raw.locals.values[prev.imm.index] : undefined;
  return v?.type === 'i32' ? BigInt(v.value >>> 0) : v?.type === 'i64' ? BigInt.asUintN(64, v.value) : undefined;
}

function safe<T>(f: () => T): T | undefined {
  try { return f(); } catch { return undefined; }
}
