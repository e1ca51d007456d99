/**
 * DWARF expression evaluator (DWARF 5 section 2.5 and 2.6) with Wasm's
 * DW_OP_WASM_location. It knows nothing about where the machine state lives:
 * it asks a FrameContext for Wasm locals, globals, operand-stack entries,
 * memory and the frame base (as gimli's `Evaluation` and Chrome's C/C++
 * DWARF extension do), and answers with a location, never a made-up value.
 */
import { WasmValue } from '../coredump/model';
import { ByteReader } from '../util/reader';
import { WasmCoreError } from '../util/errors';
import { DW_OP, opName } from './expr-ops';

/** Result of reading memory: the bytes, or why they cannot be read. */
export type MemRead = { bytes: Uint8Array } | { unreadable: string };

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

const MAX_STEPS = 10_000;
const MAX_STACK = 1_000;
const M64 = (1n << 64n) - 1n;

class Unavailable { constructor(readonly reason: string) {} }

export function wasmValueBytes(v: WasmValue): Uint8Array | undefined {
  const b = new Uint8Array(v.type === 'i64' || v.type === 'f64' ? 8 : 4);
  const dv = new DataView(b.buffer);
  switch (v.type) {
    case 'i32': dv.setInt32(0, v.value, true); return b;
    case 'i64': dv.setBigInt64(0, v.value, true); return b;
    case 'f32': dv.setUint32(0, v.bits >>> 0, true); return b;
    case 'f64': dv.setBigUint64(0, BigInt.asUintN(64, v.bits), true); return b;
    default: return undefined;
  }
}

function bytesToBig(b: Uint8Array): bigint {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  return v;
}

export function bigToBytes(v: bigint, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = BigInt.asUintN(size * 8, v);
  for (let i = 0; i < size; i++) { out[i] = Number(x & 0xffn); x >>= 8n; }
  return out;
}

const signed = (v: bigint) => BigInt.asIntN(64, v);

/**
 * Evaluate a DWARF location expression. `expr` holds exactly the expression
 * bytes; `fileOffset` (optional) is where they start in the file, for messages.
 */
export function evaluateLocation(expr: Uint8Array, ctx: FrameContext, fileOffset = 0): Loc {
  try {
    return run(expr, ctx, fileOffset);
  } catch (e) {
    if (e instanceof Unavailable) return { kind: 'unavailable', reason: e.reason };
    if (e instanceof WasmCoreError) return { kind: 'unavailable', reason: `malformed DWARF expression: ${e.detail}` };
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

function run(expr: Uint8Array, ctx: FrameContext, base: number): Loc {
  // The reader sees the bytes at their own offsets; `base` is added in messages only.
  const r = new ByteReader(expr, `DWARF expression at 0x${base.toString(16)}`, 'expression');
  const asz = ctx.addressSize;
  const addrMask = asz >= 8 ? M64 : (1n << BigInt(asz * 8)) - 1n;
  const stack: bigint[] = [];
  const parts: Piece[] = [];
  let stackValue = false;
  let reg: { bytes: Uint8Array; source: string } | undefined;
  /** `DW_OP_WASM_location ...; DW_OP_stack_value`: the value is exactly that Wasm value. */
  let regValue: { bytes: Uint8Array; source: string } | undefined;
  let implicit: Uint8Array | undefined;
  let steps = 0;

  const push = (v: bigint) => {
    if (stack.length >= MAX_STACK) throw new Unavailable('DWARF expression stack overflow');
    stack.push(v & M64);
  };
  const pop = (): bigint => {
    const v = stack.pop();
    if (v === undefined) throw new Unavailable(`DWARF expression stack underflow at offset ${r.pos}`);
    return v;
  };
  const readAddr = (): bigint => (asz === 8 ? r.u64() : BigInt(r.u32()));
  const deref = (size: number) => {
    const addr = Number(pop() & addrMask);
    const m = ctx.readMemory(addr, size);
    if ('unreadable' in m) throw new Unavailable(`memory at 0x${addr.toString(16)} unreadable: ${m.unreadable}`);
    push(bytesToBig(m.bytes));
  };
  const wasmValue = (v: WasmValue | undefined, what: string) => {
    if (v === undefined) throw new Unavailable(`${what} not recorded in the core dump`);
    const b = wasmValueBytes(v);
    if (!b) throw new Unavailable(`${what} marked missing by the producer`);
    return b;
  };
  /** Close the current simple location description (at a piece or the end). */
  const current = (): Exclude<Loc, { kind: 'pieces' }> => {
    let out: Exclude<Loc, { kind: 'pieces' }>;
    if (implicit) out = { kind: 'value', bytes: implicit, source: 'implicit value' };
    else if (reg && stack.length <= 1 && !stackValue) out = { kind: 'value', bytes: reg.bytes, source: reg.source };
    else if (stack.length === 0) out = { kind: 'unavailable', reason: 'optimized out' };
    else if (stackValue && regValue) out = { kind: 'value', bytes: regValue.bytes, source: regValue.source };
    else if (stackValue) out = { kind: 'value', bytes: bigToBytes(stack[stack.length - 1], 8), source: 'computed value' };
    else out = { kind: 'memory', addr: Number(stack[stack.length - 1] & addrMask) };
    stack.length = 0; stackValue = false; reg = undefined; implicit = undefined; regValue = undefined;
    return out;
  };

  while (!r.atEnd) {
    if (++steps > MAX_STEPS) throw new Unavailable(`DWARF expression did not finish within ${MAX_STEPS} steps`);
    const at = r.pos;
    const op = r.u8();
    const lastReg = reg;
    if (op !== DW_OP.piece && op !== DW_OP.bit_piece) {
      if (stackValue || implicit) throw new Unavailable(`${opName(op)} after ${stackValue ? 'DW_OP_stack_value' : 'DW_OP_implicit_value'}`);
      reg = undefined;
    }
    if (op >= DW_OP.lit0 && op <= DW_OP.lit31) { push(BigInt(op - DW_OP.lit0)); continue; }
    if ((op >= DW_OP.reg0 && op <= DW_OP.reg31) || (op >= DW_OP.breg0 && op <= DW_OP.breg31) || op === DW_OP.regx || op === DW_OP.bregx) {
      throw new Unavailable(`${opName(op)}: Wasm has no machine registers`);
    }
    switch (op) {
      case DW_OP.addr: {
        const a = readAddr();
        // wasm-ld writes -1 (and -2 in .debug_ranges/.debug_loc) for symbols it discarded
        if (a === addrMask || a === addrMask - 1n) throw new Unavailable('the linker discarded this object (tombstone address)');
        push(a);
        break;
      }
      case DW_OP.const1u: push(BigInt(r.u8())); break;
      case DW_OP.const1s: push(BigInt((r.u8() << 24) >> 24)); break;
      case DW_OP.const2u: push(BigInt(r.u16())); break;
      case DW_OP.const2s: push(BigInt((r.u16() << 16) >> 16)); break;
      case DW_OP.const4u: push(BigInt(r.u32())); break;
      case DW_OP.const4s: push(BigInt(r.i32())); break;
      case DW_OP.const8u: push(r.u64()); break;
      case DW_OP.const8s: push(r.i64()); break;
      case DW_OP.constu: push(r.uleb64()); break;
      case DW_OP.consts: push(r.sleb64()); break;
      case DW_OP.addrx: case DW_OP.constx: case DW_OP.GNU_addr_index: case DW_OP.GNU_const_index: {
        const i = r.ulebN();
        const v = ctx.debugAddr?.(i);
        if (v === undefined) throw new Unavailable(`${opName(op)} ${i}: no .debug_addr entry`);
        if (op !== DW_OP.constx && op !== DW_OP.GNU_const_index && (BigInt(v) === addrMask || BigInt(v) === addrMask - 1n)) {
          throw new Unavailable('the linker discarded this object (tombstone address)');
        }
        push(BigInt(v));
        break;
      }
      case DW_OP.dup: { const v = pop(); push(v); push(v); break; }
      case DW_OP.drop: pop(); break;
      case DW_OP.over: { if (stack.length < 2) throw new Unavailable('DW_OP_over: stack underflow'); push(stack[stack.length - 2]); break; }
      case DW_OP.pick: { const i = r.u8(); if (i >= stack.length) throw new Unavailable(`DW_OP_pick ${i}: stack underflow`); push(stack[stack.length - 1 - i]); break; }
      case DW_OP.swap: { const a = pop(), b = pop(); push(a); push(b); break; }
      case DW_OP.rot: { const a = pop(), b = pop(), c = pop(); push(a); push(c); push(b); break; }
      case DW_OP.deref: deref(asz); break;
      case DW_OP.deref_size: { const n = r.u8(); if (n < 1 || n > 8) throw new Unavailable(`DW_OP_deref_size ${n}`); deref(n); break; }
      case DW_OP.xderef: case DW_OP.xderef_size: throw new Unavailable(`${opName(op)}: address spaces are not supported`);
      case DW_OP.abs: { const v = signed(pop()); push(v < 0n ? -v : v); break; }
      case DW_OP.and: { const b = pop(); push(pop() & b); break; }
      case DW_OP.div: {
        const b = signed(pop()), a = signed(pop());
        if (b === 0n) throw new Unavailable('DW_OP_div by zero');
        push(a / b); break;
      }
      case DW_OP.minus: { const b = pop(); push(pop() - b); break; }
      case DW_OP.mod: {
        const b = pop(), a = pop();
        if (b === 0n) throw new Unavailable('DW_OP_mod by zero');
        push(a % b); break;
      }
      case DW_OP.mul: { const b = pop(); push(pop() * b); break; }
      case DW_OP.neg: push(-signed(pop())); break;
      case DW_OP.not: push(~pop()); break;
      case DW_OP.or: { const b = pop(); push(pop() | b); break; }
      case DW_OP.plus: { const b = pop(); push(pop() + b); break; }
      case DW_OP.plus_uconst: push(pop() + r.uleb64()); break;
      case DW_OP.shl: { const b = pop(); const a = pop(); push(b >= 64n ? 0n : a << b); break; }
      case DW_OP.shr: { const b = pop(); const a = pop(); push(b >= 64n ? 0n : a >> b); break; }
      case DW_OP.shra: { const b = pop(); const a = signed(pop()); push(a >> (b >= 64n ? 63n : b)); break; }
      case DW_OP.xor: { const b = pop(); push(pop() ^ b); break; }
      case DW_OP.eq: case DW_OP.ge: case DW_OP.gt: case DW_OP.le: case DW_OP.lt: case DW_OP.ne: {
        const b = signed(pop()), a = signed(pop());
        const t = op === DW_OP.eq ? a === b : op === DW_OP.ge ? a >= b : op === DW_OP.gt ? a > b
          : op === DW_OP.le ? a <= b : op === DW_OP.lt ? a < b : a !== b;
        push(t ? 1n : 0n); break;
      }
      case DW_OP.skip: case DW_OP.bra: {
        const d = (r.u16() << 16) >> 16;
        const jump = op === DW_OP.skip || pop() !== 0n;
        if (jump) {
          const to = r.pos + d;
          if (to < 0 || to > expr.length) throw new Unavailable(`${opName(op)} at offset ${at} jumps outside the expression`);
          r.seek(to);
        }
        break;
      }
      case DW_OP.fbreg: {
        const off = r.sleb64();
        const fb = ctx.frameBase?.();
        if (fb === undefined) throw new Unavailable('DW_OP_fbreg: the function has no frame base');
        if (typeof fb !== 'number') throw new Unavailable(`frame base unavailable: ${fb.unavailable}`);
        push(BigInt(fb) + off);
        break;
      }
      case DW_OP.WASM_location: {
        const kind = r.u8();
        const idx = kind === 0x03 ? r.u32() : r.uleb32();
        let v: WasmValue | undefined, what: string;
        if (kind === 0x00) { v = ctx.local(idx); what = `Wasm local ${idx}`; }
        else if (kind === 0x01 || kind === 0x03) { v = ctx.global(idx); what = `Wasm global ${idx}`; }
        else if (kind === 0x02) { v = ctx.operand(idx); what = `Wasm operand stack entry ${idx}`; }
        else throw new Unavailable(`DW_OP_WASM_location with unknown kind 0x${kind.toString(16)}`);
        const bytes = wasmValue(v, what);
        push(bytesToBig(bytes));
        reg = { bytes, source: what };
        continue; // keep `reg` for a register location if the expression ends here
      }
      case DW_OP.nop: case DW_OP.GNU_uninit: break;
      case DW_OP.push_object_address:
        if (ctx.objectAddress === undefined) throw new Unavailable('DW_OP_push_object_address without an object');
        push(BigInt(ctx.objectAddress)); break;
      case DW_OP.call_frame_cfa: throw new Unavailable('DW_OP_call_frame_cfa: Wasm has no call frame information');
      case DW_OP.form_tls_address: case DW_OP.GNU_push_tls_address: throw new Unavailable(`${opName(op)}: thread-local storage is not supported`);
      case DW_OP.call2: case DW_OP.call4: case DW_OP.call_ref: throw new Unavailable(`${opName(op)} is not supported`);
      case DW_OP.entry_value: case DW_OP.GNU_entry_value: {
        const n = r.ulebN(); r.skip(n);
        throw new Unavailable('entry value: the value at function entry was not recorded');
      }
      case DW_OP.const_type: case DW_OP.regval_type: case DW_OP.deref_type: case DW_OP.xderef_type:
      case DW_OP.convert: case DW_OP.reinterpret:
        throw new Unavailable(`${opName(op)}: typed DWARF stack is not supported`);
      case DW_OP.stack_value:
        stackValue = true;
        regValue = lastReg && stack.length === 1 ? lastReg : undefined;
        break;
      case DW_OP.implicit_value: { const n = r.ulebN(); implicit = r.bytesView(n).slice(); break; }
      case DW_OP.implicit_pointer: case DW_OP.GNU_implicit_pointer: {
        const die = (ctx.offsetSize ?? 4) === 8 ? r.u64n() : r.u32();
        const offset = r.slebN();
        if (!r.atEnd && r.peekU8() !== DW_OP.piece && r.peekU8() !== DW_OP.bit_piece) throw new Unavailable('DW_OP_implicit_pointer not at the end of a location');
        if (r.atEnd && parts.length === 0) return { kind: 'implicit-pointer', die, offset };
        stack.length = 0;
        const sizeOp = r.u8();
        const sizeBits = sizeOp === DW_OP.piece ? r.ulebN() * 8 : r.ulebN();
        const offsetBits = sizeOp === DW_OP.bit_piece ? r.ulebN() : 0;
        parts.push({ sizeBits, offsetBits, loc: { kind: 'implicit-pointer', die, offset } });
        break;
      }
      case DW_OP.piece: case DW_OP.bit_piece: {
        const sizeBits = op === DW_OP.piece ? r.ulebN() * 8 : r.ulebN();
        const offsetBits = op === DW_OP.bit_piece ? r.ulebN() : 0;
        parts.push({ sizeBits, offsetBits, loc: current() });
        break;
      }
      default: throw new Unavailable(`unknown DWARF operation 0x${op.toString(16)} at offset ${at}`);
    }
  }
  if (parts.length) {
    if (stack.length || reg || implicit) throw new Unavailable('DWARF expression has operations after its last piece');
    return { kind: 'pieces', parts };
  }
  return current();
}
