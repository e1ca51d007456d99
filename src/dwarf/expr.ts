/**
 * DWARF expression evaluator (DWARF 5 section 2.5 and 2.6) with Wasm's
 * DW_OP_WASM_location. It knows nothing about where the machine state lives:
 * it asks a FrameContext for Wasm locals, globals, operand-stack entries,
 * memory, the frame base, base types and called DIEs (as gimli's
 * `Evaluation` and Chrome's C/C++ DWARF extension do), and answers with a
 * location, never a made-up value. The machine is in expr-machine.ts, typed
 * stack values in expr-typed.ts.
 */
import type { WasmValue } from '../coredump/model';
import { WasmCoreError } from '../util/errors';
import { BaseType, Unavailable, bytesToBig, bigToBytes, wasmValueBytes } from './expr-typed';
import { run } from './expr-machine';

export type { BaseType };
export { bigToBytes, wasmValueBytes };

/** Result of reading memory: the bytes, or why they cannot be read. */
export type MemRead = { bytes: Uint8Array } | { unreadable: string };

export type CallKind = 'call2' | 'call4' | 'call_ref';

/**
 * The expression of a DIE reached by DW_OP_call_ref in another unit: typed
 * operations and nested calls in it resolve against that unit.
 */
export interface CalledExpr {
  expr: Uint8Array;
  baseType?(unitOffset: number): BaseType | undefined;
  callDie?(offset: number, kind: CallKind): Uint8Array | CalledExpr | undefined;
}

export interface FrameContext {
  /** 4 for wasm32, 8 for wasm64. */
  readonly addressSize: number;
  /** 4 (DWARF32) or 8 (DWARF64): size of DW_OP_implicit_pointer / call_ref operands. */
  readonly offsetSize?: number;
  /** Wasm local i of the frame; undefined when the producer did not record locals. */
  local(i: number): WasmValue | undefined;
  /** Wasm global i of the instance; undefined when unknown. */
  global(i: number): WasmValue | undefined;
  /** Operand-stack entry i counted from the bottom; undefined when not recorded. */
  operand(i: number): WasmValue | undefined;
  readMemory(addr: number, len: number): MemRead;
  /** The value of the function's DW_AT_frame_base (already evaluated), or why it is unknown. */
  frameBase?(): number | { unavailable: string };
  /** DW_OP_addrx / DW_OP_constx: entry of .debug_addr for this unit. */
  debugAddr?(index: number): number | undefined;
  /** DW_OP_push_object_address. */
  objectAddress?: number;
  /**
   * DWARF 5 typed stack (DW_OP_const_type, deref_type, convert, reinterpret
   * and their GNU forms): the DW_TAG_base_type DIE at `unitOffset` (relative
   * to the start of the expression's unit header). Without it, or when it
   * answers undefined, typed operations are unavailable. Offset 0 (the
   * generic type) is never asked.
   */
  baseType?(unitOffset: number): BaseType | undefined;
  /**
   * DW_OP_call2/call4 (`offset` relative to the unit) and DW_OP_call_ref
   * (`offset` in the unit's .debug_info section): the DW_AT_location
   * expression of that DIE, evaluated on the same stack. An empty array when
   * the DIE has no DW_AT_location (the call does nothing); undefined when the
   * DIE or its expression cannot be found (the result is unavailable).
   */
  callDie?(offset: number, kind: CallKind): Uint8Array | CalledExpr | undefined;
}

export type Loc =
  | { kind: 'memory'; addr: number }
  /** The value itself: a Wasm local/global/operand ("register"), a stack value or an implicit value. Little-endian bytes. */
  | { kind: 'value'; bytes: Uint8Array; source: string }
  | { kind: 'pieces'; parts: Piece[] }
  | { kind: 'implicit-pointer'; die: number; offset: number }
  | { kind: 'unavailable'; reason: string };

/** One part of a composite location: `sizeBits` bits taken from `loc` starting at bit `offsetBits`. */
export interface Piece { sizeBits: number; offsetBits: number; loc: Exclude<Loc, { kind: 'pieces' }> }

/**
 * Evaluate a DWARF location expression. `expr` holds exactly the expression
 * bytes; `fileOffset` (optional) is where they start in the file, for messages.
 * Never throws for bad input: malformed or unsupported expressions are
 * `unavailable` with the reason.
 */
export function evaluateLocation(expr: Uint8Array, ctx: FrameContext, fileOffset = 0): Loc {
  try {
    return run(expr, ctx, fileOffset);
  } catch (e) {
    if (e instanceof Unavailable) return { kind: 'unavailable', reason: e.reason };
    if (e instanceof WasmCoreError) return { kind: 'unavailable', reason: `malformed DWARF expression: ${e.detail}` };
    if (e instanceof RangeError || e instanceof TypeError) return { kind: 'unavailable', reason: `DWARF expression evaluator error: ${e.message}` };
    throw e;
  }
}

/** Evaluate an expression whose result is a number (e.g. DW_AT_frame_base, array bounds). */
export function evaluateNumber(expr: Uint8Array, ctx: FrameContext, fileOffset = 0): number | { unavailable: string } {
  const loc = evaluateLocation(expr, ctx, fileOffset);
  switch (loc.kind) {
    case 'memory': return loc.addr;
    case 'value': return Number(BigInt.asUintN(Math.min(loc.bytes.length, ctx.addressSize) * 8, bytesToBig(loc.bytes)));
    case 'unavailable': return { unavailable: loc.reason };
    default: return { unavailable: `expression yields a ${loc.kind} location, not a number` };
  }
}
