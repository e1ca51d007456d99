/**
 * The machine state of one frame as the DWARF evaluator sees it, and the
 * location of a variable DIE in that frame.
 */
import * as C from '../dwarf/constants';
import type { Die } from '../dwarf/die';
import type { Dwarf } from '../dwarf/dwarf';
import { FrameContext, Loc, MemRead, bigToBytes, evaluateLocation } from '../dwarf/expr';
import { pickLocListEntry } from '../dwarf/location';
import { unitExprScope } from '../dwarf/expr-unit';
import type { LinearMemory } from '../coredump/memory';
import type { RecordedValues, WasmValue } from '../coredump/model';
import type { WasmModule } from '../wasm/module';
import { TypeBuilder } from '../types/build';
import { Type, strip } from '../types/model';
import { FrameStack, reconstructedLocal } from '../unwind/stack';
import { Value, ValueContext } from './value';

/** What the debug target knows about one physical (Wasm) frame. */
export interface FrameInput {
  module: WasmModule;
  /** The module's DWARF (undefined without debug info). */
  dwarf?: Dwarf;
  funcIndex: number;
  /** Code address (DWARF address space) of the current instruction; for callers, the call. */
  pc?: number;
  locals: RecordedValues;
  stack: RecordedValues;
  /** Identity of the instance the frame runs in (any value; frames of one instance share globals and stack). */
  instance: unknown;
  /** Instance global i (instance index space), undefined when not in the dump. */
  global(i: number): WasmValue | undefined;
  /** Why instance global i has no value (the core dump's or its producer's reason), if known. */
  globalUnavailable?(i: number): string | undefined;
  /** Instance memory i, undefined when not in the dump. */
  memory(i: number): LinearMemory | undefined;
}

export function readMemoryOf(mem: LinearMemory | undefined, addr: number, len: number): MemRead {
  if (!mem) return { unreadable: 'memory 0 is not in the core dump' };
  if (!Number.isSafeInteger(addr) || addr < 0) return { unreadable: `bad address ${addr}` };
  if (addr + len > mem.size) return { unreadable: `address 0x${addr.toString(16)} (+${len}) is past the end of memory (size 0x${mem.size.toString(16)})` };
  const r = mem.read(addr, len);
  if (r.unreadable.length) return { unreadable: `memory at 0x${r.unreadable[0][0].toString(16)} was not recorded` };
  return { bytes: r.bytes };
}

const FB_LOCAL = /^ed00/;

/** Frame context: recorded state first, reconstructed stack pointer for the frame base when locals were not recorded. */
export class FrameState implements ValueContext {
  readonly memoryIndex = 0;
  readonly addressSize: number;
  private fb?: number | { unavailable: string };
  /** The subprogram whose DW_AT_frame_base applies (set per scope). */
  subprogram?: Die;

  /** `stack`: the frame's rebuilt shadow-stack data (used when the frame base was not recorded), computed on demand. */
  constructor(readonly input: FrameInput, private readonly stack: () => FrameStack | undefined, readonly types: TypeBuilder) {
    this.addressSize = input.module.memories[0]?.memory64 ? 8 : 4;
  }

  local(i: number): WasmValue | undefined {
    const l = this.input.locals;
    if (l.recorded) return l.values[i];
    return undefined;
  }
  global(i: number): WasmValue | undefined { return this.input.global(i); }
  operand(i: number): WasmValue | undefined { const s = this.input.stack; return s.recorded ? s.values[i] : undefined; }
  readMemory(addr: number, len: number): MemRead { return readMemoryOf(this.input.memory(0), addr, len); }

  frameBase(): number | { unavailable: string } {
    if (this.fb !== undefined) return this.fb;
    return (this.fb = this.computeFrameBase());
  }

  private computeFrameBase(): number | { unavailable: string } {
    const sp = this.subprogram;
    if (!sp) return { unavailable: 'no function for this frame' };
    const expr = sp.exprloc(C.DW_AT_frame_base);
    if (!expr) return { unavailable: 'the function has no DW_AT_frame_base' };
    const loc = evaluateLocation(expr, { ...this.plainContext(), frameBase: undefined });
    if (loc.kind === 'value') return Number(BigInt.asUintN(this.addressSize * 8, bytesToBig(loc.bytes)));
    if (loc.kind === 'memory') return loc.addr;
    // Not recorded: rebuild from the shadow stack.
    const hex = Array.from(expr, (b) => b.toString(16).padStart(2, '0')).join('');
    const si = this.stack();
    if (!si) return { unavailable: loc.kind === 'unavailable' ? loc.reason : 'frame base is not a number' };
    if (!si.ok) return { unavailable: `frame base not recorded and the shadow stack cannot be rebuilt: ${si.reason}` };
    if (FB_LOCAL.test(hex)) {
      const local = uleb(expr, 2);
      const v = reconstructedLocal(si, local);
      if (v !== undefined) return v;
      return { unavailable: `frame base local ${local} was not recorded and does not hold the stack pointer in the prologue` };
    }
    const kind = expr[1];
    if (expr[0] === 0xed && (kind === 0x01 || kind === 0x03)) {
      const g = kind === 0x03 ? expr[2] | (expr[3] << 8) | (expr[4] << 16) | (expr[5] << 24) : uleb(expr, 2);
      if (g === si.spGlobal) return si.during;
    }
    return { unavailable: loc.kind === 'unavailable' ? loc.reason : 'frame base is not a number' };
  }

  private plainContext(): FrameContext {
    const unit = this.subprogram?.unit;
    return {
      addressSize: this.addressSize, local: (i) => this.local(i), global: (i) => this.global(i), operand: (i) => this.operand(i), readMemory: (a, n) => this.readMemory(a, n),
      debugAddr: (i) => { try { return unit?.readAddrIndex(i); } catch { return undefined; } },
      ...(unit ? unitExprScope(unit, this.input.pc) : {}),
    };
  }

  /** A context for evaluating the locations of `subprogram`'s variables. */
  forSubprogram(subprogram: Die | undefined): FrameState {
    if (subprogram === this.subprogram) return this;
    const s = new FrameState(this.input, this.stack, this.types);
    s.subprogram = subprogram;
    return s;
  }

  /** Location of a variable/parameter DIE at this frame's pc. */
  locationOf(die: Die, type: Type): Loc {
    const cv = die.attr(C.DW_AT_const_value) ?? die.origin().attr(C.DW_AT_const_value);
    if (cv) {
      const size = strip(type).size ?? 8;
      if (cv.kind === 'const') return { kind: 'value', bytes: bigToBytes(cv.value, size), source: 'constant' };
      if (cv.kind === 'block' || cv.kind === 'exprloc' || cv.kind === 'data16') return { kind: 'value', bytes: cv.bytes, source: 'constant' };
      if (cv.kind === 'string') return { kind: 'value', bytes: new TextEncoder().encode(cv.value + '\0'), source: 'constant' };
    }
    const a = die.attr(C.DW_AT_location);
    if (!a) return { kind: 'unavailable', reason: 'optimized out' };
    const unit = die.unit;
    const ctx: FrameContext = {
      addressSize: this.addressSize, offsetSize: unit.offsetSize,
      local: (i) => this.local(i), global: (i) => this.global(i), operand: (i) => this.operand(i),
      readMemory: (x, n) => this.readMemory(x, n), frameBase: () => this.frameBase(),
      debugAddr: (i) => { try { return unit.readAddrIndex(i); } catch { return undefined; } },
      ...unitExprScope(unit, this.input.pc),
    };
    if (a.kind === 'exprloc' || a.kind === 'block') return evaluateLocation(a.bytes, ctx);
    const list = die.locationList();
    if (!list) return { kind: 'unavailable', reason: 'location list unreadable' };
    if (this.input.pc === undefined) return { kind: 'unavailable', reason: 'frame address unknown' };
    const e = pickLocListEntry(list, this.input.pc) ?? list.find((x) => x.isDefault);
    if (!e) return { kind: 'unavailable', reason: 'optimized out at this address' };
    return evaluateLocation(e.expr, ctx);
  }

  /** The value of a variable DIE (concrete or inlined: name and type come through abstract_origin). */
  variable(die: Die): Value {
    const origin = die.origin();
    const type = die.has(C.DW_AT_type) ? this.types.typeOf(die) : this.types.typeOf(origin);
    return { type, loc: this.locationOf(die, type), ctx: this };
  }
}

function bytesToBig(b: Uint8Array): bigint {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  return v;
}

function uleb(b: Uint8Array, at: number): number {
  let v = 0, mul = 1;
  for (let i = at; i < b.length && i < at + 5; i++) { v += (b[i] & 0x7f) * mul; if (!(b[i] & 0x80)) break; mul *= 128; }
  return v;
}
