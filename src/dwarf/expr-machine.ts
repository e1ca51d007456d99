/**
 * The DWARF expression stack machine behind evaluateLocation (expr.ts).
 * One Machine per evaluation; DW_OP_call2/call4/call_ref run the called
 * DIE's expression on the same stack (bounded depth, shared step budget).
 * Every opcode is either implemented or throws `Unavailable` with a reason.
 */
import type { WasmValue } from '../coredump/model';
import { ByteReader } from '../util/reader';
import { DW_OP, opName } from './expr-ops';
import type { CallKind, CalledExpr, FrameContext, Loc, Piece } from './expr';
import {
  BaseType, Entry, M64, Unavailable, asAddress, binary, bytesToBig, checkBaseType, convert, entryBytes,
  plusConst, reinterpret, truthy, typedFromBytes, unary, wasmValueBytes,
} from './expr-typed';

const MAX_STEPS = 10_000;
const MAX_STACK = 1_000;
const MAX_CALL_DEPTH = 32;

type Simple = Exclude<Loc, { kind: 'pieces' }>;
/** What an expression resolves against its own unit: base types and called DIEs. */
interface UnitScope { baseType?: FrameContext['baseType']; callDie?: FrameContext['callDie'] }
interface RegVal { bytes: Uint8Array; source: string }

export function run(expr: Uint8Array, ctx: FrameContext, base: number): Loc {
  const m = new Machine(ctx);
  m.exec(expr, `DWARF expression at 0x${base.toString(16)}`, { baseType: ctx.baseType, callDie: ctx.callDie }, 0);
  return m.finish();
}

class Machine {
  private readonly stack: Entry[] = [];
  private readonly parts: Piece[] = [];
  private stackValue = false;
  private reg?: RegVal;
  /** `DW_OP_WASM_location ...; DW_OP_stack_value`: the value is exactly that Wasm value. */
  private regValue?: RegVal;
  private implicit?: Uint8Array;
  private implicitPtr?: { die: number; offset: number };
  private steps = 0;
  private at = 0;
  private readonly asz: number;
  private readonly addrMask: bigint;

  constructor(private readonly ctx: FrameContext) {
    this.asz = ctx.addressSize;
    this.addrMask = this.asz >= 8 ? M64 : (1n << BigInt(this.asz * 8)) - 1n;
  }

  private push(v: Entry): void {
    if (this.stack.length >= MAX_STACK) throw new Unavailable('DWARF expression stack overflow');
    this.stack.push(typeof v === 'bigint' ? v & M64 : v);
  }

  private pop(): Entry {
    const v = this.stack.pop();
    if (v === undefined) throw new Unavailable(`DWARF expression stack underflow at offset ${this.at}`);
    return v;
  }

  private deref(size: number, type?: BaseType): void {
    const addr = asAddress(this.pop(), this.addrMask);
    const m = this.ctx.readMemory(addr, size);
    if ('unreadable' in m) throw new Unavailable(`memory at 0x${addr.toString(16)} unreadable: ${m.unreadable}`);
    this.push(type ? typedFromBytes(type, m.bytes, false) : bytesToBig(m.bytes));
  }

  private wasmValue(v: WasmValue | undefined, what: string): Uint8Array {
    if (v === undefined) throw new Unavailable(`${what} not recorded in the core dump`);
    const b = wasmValueBytes(v);
    if (!b) throw new Unavailable(`${what} marked missing by the producer`);
    return b;
  }

  /** The base type at a unit offset; undefined for 0, the generic type. */
  private typeAt(scope: UnitScope, off: number, op: number): BaseType | undefined {
    if (off === 0) return undefined;
    if (!scope.baseType) throw new Unavailable(`${opName(op)}: base types cannot be looked up here`);
    return checkBaseType(scope.baseType(off), off);
  }

  /** Close the current simple location description (at a piece or the end). */
  private current(): Simple {
    const stack = this.stack;
    let out: Simple;
    if (this.implicitPtr) out = { kind: 'implicit-pointer', ...this.implicitPtr };
    else if (this.implicit) out = { kind: 'value', bytes: this.implicit, source: 'implicit value' };
    else if (this.reg && stack.length <= 1 && !this.stackValue) out = { kind: 'value', bytes: this.reg.bytes, source: this.reg.source };
    else if (stack.length === 0) out = { kind: 'unavailable', reason: 'optimized out' };
    else if (this.stackValue && this.regValue) out = { kind: 'value', bytes: this.regValue.bytes, source: this.regValue.source };
    else if (this.stackValue) out = { kind: 'value', bytes: entryBytes(stack[stack.length - 1]), source: 'computed value' };
    else out = { kind: 'memory', addr: asAddress(stack[stack.length - 1], this.addrMask) };
    stack.length = 0;
    this.stackValue = false; this.reg = undefined; this.implicit = undefined; this.regValue = undefined; this.implicitPtr = undefined;
    return out;
  }

  finish(): Loc {
    if (this.parts.length) {
      if (this.stack.length || this.reg || this.implicit || this.implicitPtr || this.stackValue) {
        throw new Unavailable('DWARF expression has operations after its last piece');
      }
      return { kind: 'pieces', parts: this.parts };
    }
    return this.current();
  }

  private call(op: number, off: number, scope: UnitScope, depth: number): void {
    if (!scope.callDie) throw new Unavailable(`${opName(op)}: DIEs cannot be looked up here`);
    if (depth >= MAX_CALL_DEPTH) throw new Unavailable(`${opName(op)}: calls nested deeper than ${MAX_CALL_DEPTH}`);
    const kind: CallKind = op === DW_OP.call2 ? 'call2' : op === DW_OP.call4 ? 'call4' : 'call_ref';
    const got: Uint8Array | CalledExpr | undefined = scope.callDie(off, kind);
    if (got === undefined) throw new Unavailable(`${opName(op)} 0x${off.toString(16)}: the called DIE or its location cannot be found`);
    const label = `DWARF expression of the DIE at 0x${off.toString(16)} (${opName(op)})`;
    if (got instanceof Uint8Array) this.exec(got, label, scope, depth + 1);
    else this.exec(got.expr, label, { baseType: got.baseType, callDie: got.callDie }, depth + 1);
  }

  exec(expr: Uint8Array, label: string, scope: UnitScope, depth: number): void {
    // The reader sees the bytes at their own offsets; the label places them in messages.
    const r = new ByteReader(expr, label, 'expression');
    const asz = this.asz, addrMask = this.addrMask, ctx = this.ctx, stack = this.stack;
    const readAddr = (): bigint => (asz === 8 ? r.u64() : BigInt(r.u32()));
    const offsetOperand = () => ((ctx.offsetSize ?? 4) === 8 ? r.u64n() : r.u32());
    const tombstone = (v: bigint) => v === addrMask || v === addrMask - 1n;

    while (!r.atEnd) {
      if (++this.steps > MAX_STEPS) throw new Unavailable(`DWARF expression did not finish within ${MAX_STEPS} steps`);
      const at = (this.at = r.pos);
      const op = r.u8();
      const lastReg = this.reg;
      if (op !== DW_OP.piece && op !== DW_OP.bit_piece) {
        if (this.stackValue || this.implicit || this.implicitPtr) {
          const prev = this.stackValue ? 'DW_OP_stack_value' : this.implicit ? 'DW_OP_implicit_value' : 'DW_OP_implicit_pointer';
          throw new Unavailable(`${opName(op)} after ${prev}`);
        }
        this.reg = undefined;
      }
      if (op >= DW_OP.lit0 && op <= DW_OP.lit31) { this.push(BigInt(op - DW_OP.lit0)); continue; }
      if ((op >= DW_OP.reg0 && op <= DW_OP.reg31) || (op >= DW_OP.breg0 && op <= DW_OP.breg31) || op === DW_OP.regx || op === DW_OP.bregx) {
        throw new Unavailable(`${opName(op)}: Wasm has no machine registers`);
      }
      switch (op) {
        case DW_OP.addr: {
          const a = readAddr();
          // wasm-ld writes -1 (and -2 in .debug_ranges/.debug_loc) for symbols it discarded
          if (tombstone(a)) throw new Unavailable('the linker discarded this object (tombstone address)');
          this.push(a);
          break;
        }
        case DW_OP.const1u: this.push(BigInt(r.u8())); break;
        case DW_OP.const1s: this.push(BigInt((r.u8() << 24) >> 24)); break;
        case DW_OP.const2u: this.push(BigInt(r.u16())); break;
        case DW_OP.const2s: this.push(BigInt((r.u16() << 16) >> 16)); break;
        case DW_OP.const4u: this.push(BigInt(r.u32())); break;
        case DW_OP.const4s: this.push(BigInt(r.i32())); break;
        case DW_OP.const8u: this.push(r.u64()); break;
        case DW_OP.const8s: this.push(r.i64()); break;
        case DW_OP.constu: this.push(r.uleb64()); break;
        case DW_OP.consts: this.push(r.sleb64()); break;
        case DW_OP.addrx: case DW_OP.constx: case DW_OP.GNU_addr_index: case DW_OP.GNU_const_index: {
          const i = r.ulebN();
          const v = ctx.debugAddr?.(i);
          if (v === undefined) throw new Unavailable(`${opName(op)} ${i}: no .debug_addr entry`);
          if (op !== DW_OP.constx && op !== DW_OP.GNU_const_index && tombstone(BigInt(v))) {
            throw new Unavailable('the linker discarded this object (tombstone address)');
          }
          this.push(BigInt(v));
          break;
        }
        case DW_OP.dup: { const v = this.pop(); this.push(v); this.push(v); break; }
        case DW_OP.drop: this.pop(); break;
        case DW_OP.over: { if (stack.length < 2) throw new Unavailable('DW_OP_over: stack underflow'); this.push(stack[stack.length - 2]); break; }
        case DW_OP.pick: { const i = r.u8(); if (i >= stack.length) throw new Unavailable(`DW_OP_pick ${i}: stack underflow`); this.push(stack[stack.length - 1 - i]); break; }
        case DW_OP.swap: { const a = this.pop(), b = this.pop(); this.push(a); this.push(b); break; }
        case DW_OP.rot: { const a = this.pop(), b = this.pop(), c = this.pop(); this.push(a); this.push(c); this.push(b); break; }
        case DW_OP.deref: this.deref(asz); break;
        case DW_OP.deref_size: { const n = r.u8(); if (n < 1 || n > 8) throw new Unavailable(`DW_OP_deref_size ${n}`); this.deref(n); break; }
        case DW_OP.deref_type: case DW_OP.GNU_deref_type: {
          const n = r.u8();
          const t = this.typeAt(scope, r.ulebN(), op);
          if (n < 1 || n > (t ? t.byteSize : 8)) throw new Unavailable(`${opName(op)} of ${n} bytes`);
          this.deref(n, t);
          break;
        }
        case DW_OP.xderef: case DW_OP.xderef_size: throw new Unavailable(`${opName(op)}: address spaces are not supported`);
        case DW_OP.xderef_type: r.u8(); r.ulebN(); throw new Unavailable(`${opName(op)}: address spaces are not supported`);
        case DW_OP.abs: case DW_OP.neg: case DW_OP.not: this.push(unary(op, this.pop())); break;
        case DW_OP.and: case DW_OP.div: case DW_OP.minus: case DW_OP.mod: case DW_OP.mul: case DW_OP.or:
        case DW_OP.plus: case DW_OP.shl: case DW_OP.shr: case DW_OP.shra: case DW_OP.xor:
        case DW_OP.eq: case DW_OP.ge: case DW_OP.gt: case DW_OP.le: case DW_OP.lt: case DW_OP.ne: {
          const b = this.pop(), a = this.pop();
          this.push(binary(op, a, b));
          break;
        }
        case DW_OP.plus_uconst: this.push(plusConst(this.pop(), r.uleb64())); break;
        case DW_OP.skip: case DW_OP.bra: {
          const d = (r.u16() << 16) >> 16;
          if (op === DW_OP.skip || truthy(this.pop())) {
            const to = r.pos + d;
            if (to < 0 || to > expr.length) throw new Unavailable(`${opName(op)} at offset ${at} jumps outside the expression`);
            r.seek(to);
          }
          break;
        }
        case DW_OP.const_type: case DW_OP.GNU_const_type: {
          const t = this.typeAt(scope, r.ulebN(), op);
          const bytes = r.bytesView(r.u8());
          if (!t) { if (bytes.length > 8) throw new Unavailable(`${opName(op)}: ${bytes.length}-byte generic constant`); this.push(bytesToBig(bytes)); }
          else this.push(typedFromBytes(t, bytes, true));
          break;
        }
        case DW_OP.convert: case DW_OP.GNU_convert: this.push(convert(this.pop(), this.typeAt(scope, r.ulebN(), op))); break;
        case DW_OP.reinterpret: case DW_OP.GNU_reinterpret: this.push(reinterpret(this.pop(), this.typeAt(scope, r.ulebN(), op), asz)); break;
        case DW_OP.regval_type: case DW_OP.GNU_regval_type: r.ulebN(); r.ulebN(); throw new Unavailable(`${opName(op)}: Wasm has no machine registers`);
        case DW_OP.fbreg: {
          const off = r.sleb64();
          const fb = ctx.frameBase?.();
          if (fb === undefined) throw new Unavailable('DW_OP_fbreg: the function has no frame base');
          if (typeof fb !== 'number') throw new Unavailable(`frame base unavailable: ${fb.unavailable}`);
          this.push(BigInt(fb) + off);
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
          const bytes = this.wasmValue(v, what);
          this.push(bytesToBig(bytes));
          this.reg = { bytes, source: what }; // kept for a register location if the expression ends here
          break;
        }
        case DW_OP.nop: case DW_OP.GNU_uninit: break;
        case DW_OP.push_object_address:
          if (ctx.objectAddress === undefined) throw new Unavailable('DW_OP_push_object_address without an object');
          this.push(BigInt(ctx.objectAddress)); break;
        case DW_OP.call_frame_cfa: throw new Unavailable('DW_OP_call_frame_cfa: Wasm has no call frame information');
        case DW_OP.form_tls_address: case DW_OP.GNU_push_tls_address: throw new Unavailable(`${opName(op)}: thread-local storage is not supported`);
        case DW_OP.call2: this.call(op, r.u16(), scope, depth); break;
        case DW_OP.call4: this.call(op, r.u32(), scope, depth); break;
        case DW_OP.call_ref: this.call(op, offsetOperand(), scope, depth); break;
        case DW_OP.entry_value: case DW_OP.GNU_entry_value: {
          const n = r.ulebN(); r.skip(n);
          throw new Unavailable('entry value: the value at function entry was not recorded');
        }
        case DW_OP.GNU_parameter_ref: r.u32(); throw new Unavailable('DW_OP_GNU_parameter_ref: the value passed by the caller was not recorded');
        case DW_OP.GNU_variable_value: offsetOperand(); throw new Unavailable('DW_OP_GNU_variable_value: the value of another variable is not supported');
        case DW_OP.stack_value: {
          this.stackValue = true;
          const top = stack[stack.length - 1];
          this.regValue = lastReg && stack.length === 1 && typeof top === 'bigint' ? lastReg : undefined;
          break;
        }
        case DW_OP.implicit_value: { const n = r.ulebN(); this.implicit = r.bytesView(n).slice(); break; }
        case DW_OP.implicit_pointer: case DW_OP.GNU_implicit_pointer: {
          const die = offsetOperand();
          const offset = r.slebN();
          stack.length = 0;
          this.implicitPtr = { die, offset };
          break;
        }
        case DW_OP.piece: case DW_OP.bit_piece: {
          const sizeBits = op === DW_OP.piece ? r.ulebN() * 8 : r.ulebN();
          const offsetBits = op === DW_OP.bit_piece ? r.ulebN() : 0;
          this.parts.push({ sizeBits, offsetBits, loc: this.current() });
          break;
        }
        default: throw new Unavailable(`unsupported DWARF operation ${opName(op)} at offset ${at}`);
      }
    }
  }
}
