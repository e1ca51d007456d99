/**
 * Evaluate a parsed expression against a frame: C semantics for the
 * operators, Rust Vec/slice indexing, casts to the program's types.
 */
import { ArrayType, BaseType, CompositeType, Type, isSigned, makePointer, strip } from '../types/model';
import { Value, ValueContext, ValueError, addressOf, addressValue, derefPointer, immediate, intValue, memberValue, readScalar, subValue, valueAt } from '../values/value';
import { subArrayType } from '../values/format';
import { activeVariant } from '../values/variants';
import { rustSequence } from '../values/pretty-rust';
import { vectorSeq } from '../values/pretty-cxx';
import { zigSlice } from '../values/pretty-zig';
import { EvalError } from './errors';
import { Expr, TypeName, parseExpression } from './parser';

export interface EvalEnv {
  readonly ctx: ValueContext;
  /** A variable visible in the frame (innermost scope first, then globals). */
  lookupName(name: string): Value | undefined;
  /** `$local3`, `$global0`, `$__stack_pointer`, `$stack0`, name-section names. */
  lookupWasm(name: string): Value | undefined;
  /** A type of the program by written name (`struct Item`, `int`, `Vec<u8>`). */
  findType(name: string): Type | undefined;
}

const base = (name: string, size: number, encoding: BaseType['encoding']): BaseType => ({ kind: 'base', name, size, encoding });
export const T_INT = base('int', 4, 'signed');
export const T_UINT = base('unsigned int', 4, 'unsigned');
export const T_LL = base('long long', 8, 'signed');
export const T_ULL = base('unsigned long long', 8, 'unsigned');
export const T_DOUBLE = base('double', 8, 'float');
export const T_FLOAT = base('float', 4, 'float');
export const T_CHAR = base('char', 1, 'signed-char');
export const T_BOOL = base('bool', 1, 'bool');

export function evaluateExpression(src: string, env: EvalEnv): Value {
  const ast = parseExpression(src, (n) => env.findType(n) !== undefined);
  return new Evaluator(env).eval(ast);
}

type Num = { k: 'int'; v: bigint; t: Type } | { k: 'float'; v: number; t: Type };

class Evaluator {
  constructor(private readonly env: EvalEnv) {}
  private get ctx(): ValueContext { return this.env.ctx; }

  eval(e: Expr): Value {
    try {
      return this.node(e);
    } catch (err) {
      if (err instanceof ValueError) throw new EvalError(err.message, e.pos);
      throw err;
    }
  }

  private node(e: Expr): Value {
    switch (e.k) {
      case 'int': {
        const fits32 = e.value <= (e.unsigned ? 0xffffffffn : 0x7fffffffn);
        const t = e.long || !fits32 ? (e.unsigned || e.value > 0x7fffffffffffffffn ? T_ULL : T_LL) : e.unsigned ? T_UINT : T_INT;
        return intValue(t, e.value, this.ctx);
      }
      case 'float': return this.floatValue(e.f32 ? T_FLOAT : T_DOUBLE, e.value);
      case 'char': return intValue(T_CHAR, BigInt(e.value), this.ctx);
      case 'name': {
        const v = this.env.lookupName(e.name);
        if (!v) throw new EvalError(`no variable \`${e.name}\` in this frame or the program's globals`, e.pos);
        return v;
      }
      case 'wasm': {
        const v = this.env.lookupWasm(e.name);
        if (!v) throw new EvalError(`no Wasm local, global or stack entry \`${e.name}\``, e.pos);
        return v;
      }
      case 'member': return this.member(this.eval(e.obj), e.name, e.arrow, e.pos);
      case 'index': return this.index(this.eval(e.obj), this.eval(e.index), e.pos);
      case 'unary': return this.unary(e.op, this.eval(e.e), e.pos);
      case 'binary': return this.binary(e, e.pos);
      case 'cond': {
        const c = this.num(this.eval(e.c), e.c.pos);
        return (c.k === 'int' ? c.v !== 0n : c.v !== 0) ? this.eval(e.t) : this.eval(e.f);
      }
      case 'cast': return this.cast(this.eval(e.e), this.typeOf(e.type), e.pos);
      case 'sizeof': {
        const t = e.type ? this.typeOf(e.type) : this.eval(e.e!).type;
        const s = strip(t).size;
        if (s === undefined) throw new EvalError(`size of \`${t.name}\` is unknown`, e.pos);
        return intValue(base('unsigned long', this.ctx.addressSize, 'unsigned'), BigInt(s), this.ctx);
      }
    }
  }

  private floatValue(t: Type, x: number): Value {
    const size = strip(t).size ?? 8;
    const b = new Uint8Array(size);
    const dv = new DataView(b.buffer);
    if (size === 4) dv.setFloat32(0, x, true); else dv.setFloat64(0, x, true);
    return immediate(t, b, this.ctx);
  }

  typeOf(tn: TypeName): Type {
    let t = this.env.findType(tn.base);
    if (!t) throw new EvalError(`no type named \`${tn.base}\` in the program`, tn.pos);
    for (let i = 0; i < tn.pointers; i++) t = makePointer(t, this.ctx.addressSize);
    return t;
  }

  private num(v: Value, pos: number): Num {
    const t = strip(v.type);
    if (t.kind === 'array') {
      const a = addressOf(v);
      if (a === undefined) throw new EvalError('array is not in memory', pos);
      return { k: 'int', v: BigInt(a), t: makePointer(t.element, this.ctx.addressSize) };
    }
    if (t.kind !== 'base' && t.kind !== 'enum' && t.kind !== 'pointer') throw new EvalError(`\`${v.type.name}\` is not a number or pointer`, pos);
    const s = readScalar(v);
    if (s.kind === 'unavailable') throw new EvalError(`value unavailable: ${s.reason}`, pos);
    return s.kind === 'int' ? { k: 'int', v: s.value, t: v.type } : { k: 'float', v: s.value, t: v.type };
  }

  private findMember(t: CompositeType, name: string, v: Value, depth = 0): Value | undefined {
    if (depth > 32) return undefined; // malformed DWARF: a struct containing itself
    const direct = t.members.find((m) => m.name === name) ?? (/^\d+$/.test(name) ? t.members.find((m) => m.name === `__${name}`) : undefined);
    if (direct) return memberValue(v, direct);
    for (const m of t.members) {
      const mt = strip(m.type);
      if ((m.name === undefined || m.isBase) && mt.kind === 'composite') {
        const hit = this.findMember(mt, name, memberValue(v, m), depth + 1);
        if (hit) return hit;
      }
    }
    if (t.variantPart) {
      const av = activeVariant(v, t);
      if (!('unavailable' in av)) {
        const vt = strip(av.value.type);
        if (av.name === name) return av.value;
        if (vt.kind === 'composite') return this.findMember(vt, name, av.value, depth + 1);
      }
    }
    return undefined;
  }

  private member(obj: Value, name: string, arrow: boolean, pos: number): Value {
    let v = obj;
    let t = strip(v.type);
    if (arrow) {
      if (t.kind !== 'pointer') throw new EvalError(`\`->\` needs a pointer, \`${obj.type.name}\` is not one`, pos);
      this.nonNull(v, pos);
      v = derefPointer(v); t = strip(v.type);
    } else if (t.kind === 'pointer') {
      // references always, pointers as gdb does
      v = derefPointer(v); t = strip(v.type);
    }
    if (t.kind !== 'composite') throw new EvalError(`\`${v.type.name}\` has no members (looking for \`${name}\`)`, pos);
    if (t.incomplete) throw new EvalError(`\`${t.name}\` is an incomplete type`, pos);
    const hit = this.findMember(t, name, v);
    if (!hit) throw new EvalError(`no member \`${name}\` in \`${t.name}\``, pos);
    return hit;
  }

  private index(obj: Value, idx: Value, pos: number): Value {
    const n = this.num(idx, pos);
    if (n.k !== 'int') throw new EvalError('array index is not an integer', pos);
    const i = Number(n.v);
    const t = strip(obj.type);
    if (t.kind === 'array') {
      const elem = subArrayType(t as ArrayType);
      const es = strip(elem).size;
      if (es === undefined) throw new EvalError(`element size of \`${t.name}\` is unknown`, pos);
      const count = t.counts[0];
      if (count !== undefined && (i < 0 || i >= count) && count > 0) throw new EvalError(`index ${i} out of range for \`${t.name}\``, pos);
      const a = addressOf(obj);
      return a !== undefined ? valueAt(elem, a + i * es, this.ctx) : subValue(obj, elem, i * es);
    }
    if (t.kind === 'pointer') {
      const target = strip(t.target);
      if (target.kind === 'void' || target.size === undefined) throw new EvalError(`cannot index a \`${obj.type.name}\` (element size unknown)`, pos);
      const p = this.num(obj, pos) as { v: bigint };
      return valueAt(t.target, Number(BigInt.asUintN(this.ctx.addressSize * 8, p.v)) + i * target.size, this.ctx);
    }
    if (t.kind === 'composite') {
      const seq = rustSequence(obj) ?? zigSlice(obj) ?? (/vector</.test(t.baseName) ? vectorSeq(obj) : undefined);
      if (typeof seq === 'string') throw new EvalError(`cannot index \`${t.name}\`: ${seq}`, pos);
      if (seq) {
        if (i < 0 || i >= seq.len) throw new EvalError(`index ${i} out of range for length ${seq.len}`, pos);
        return valueAt(seq.elem, seq.addr + i * (strip(seq.elem).size ?? 0), this.ctx);
      }
    }
    throw new EvalError(`cannot index a value of type \`${obj.type.name}\``, pos);
  }

  private unary(op: string, v: Value, pos: number): Value {
    if (op === '*') {
      const t = strip(v.type);
      if (t.kind === 'array') return this.index(v, intValue(T_INT, 0n, this.ctx), pos);
      if (t.kind !== 'pointer') throw new EvalError(`cannot dereference \`${v.type.name}\`: not a pointer`, pos);
      if (strip(t.target).kind === 'void') throw new EvalError('cannot dereference a `void *`', pos);
      this.nonNull(v, pos);
      return derefPointer(v);
    }
    if (op === '&') return addressValue(v);
    const n = this.num(v, pos);
    if (op === '!') return intValue(T_INT, (n.k === 'int' ? n.v === 0n : n.v === 0) ? 1n : 0n, this.ctx);
    if (op === '~') {
      if (n.k !== 'int') throw new EvalError('`~` needs an integer', pos);
      return this.intResult(~n.v, promote(n.t));
    }
    if (n.k === 'float') return this.floatValue(n.t, op === '-' ? -n.v : n.v);
    return this.intResult(op === '-' ? -n.v : n.v, promote(n.t));
  }

  private nonNull(p: Value, pos: number): void {
    const s = readScalar(p);
    if (s.kind === 'int' && s.value === 0n) throw new EvalError(`\`${p.type.name}\` is a null pointer`, pos);
  }

  private intResult(v: bigint, t: Type): Value {
    const size = strip(t).size ?? 8;
    const w = BigInt(size * 8);
    return intValue(t, isSigned(t) ? BigInt.asIntN(Number(w), v) : BigInt.asUintN(Number(w), v), this.ctx);
  }

  private binary(e: Extract<Expr, { k: 'binary' }>, pos: number): Value {
    if (e.op === '&&' || e.op === '||') {
      const l = this.truth(this.eval(e.l), e.l.pos);
      if (e.op === '&&' ? !l : l) return intValue(T_INT, l ? 1n : 0n, this.ctx);
      return intValue(T_INT, this.truth(this.eval(e.r), e.r.pos) ? 1n : 0n, this.ctx);
    }
    const a = this.num(this.eval(e.l), e.l.pos), b = this.num(this.eval(e.r), e.r.pos);
    const ap = strip(a.t).kind === 'pointer', bp = strip(b.t).kind === 'pointer';
    if ((ap || bp) && (e.op === '+' || e.op === '-')) return this.pointerArith(e.op, a, b, pos);
    if (['==', '!=', '<', '<=', '>', '>='].includes(e.op)) {
      const x = a.k === 'int' ? a.v : a.v, y = b.k === 'int' ? b.v : b.v;
      const cmp = typeof x === 'bigint' && typeof y === 'bigint' ? (x < y ? -1 : x > y ? 1 : 0) : compareNum(Number(x), Number(y));
      const r = e.op === '==' ? cmp === 0 : e.op === '!=' ? cmp !== 0 : e.op === '<' ? cmp < 0 : e.op === '<=' ? cmp <= 0 : e.op === '>' ? cmp > 0 : cmp >= 0;
      return intValue(T_INT, r ? 1n : 0n, this.ctx);
    }
    if (a.k === 'float' || b.k === 'float') {
      const x = Number(a.v), y = Number(b.v);
      const t = (strip(a.t).size === 4 || a.k === 'int') && (strip(b.t).size === 4 || b.k === 'int') && (a.k === 'float' && strip(a.t).size === 4 || b.k === 'float' && strip(b.t).size === 4) ? T_FLOAT : T_DOUBLE;
      switch (e.op) {
        case '+': return this.floatValue(t, x + y);
        case '-': return this.floatValue(t, x - y);
        case '*': return this.floatValue(t, x * y);
        case '/': return this.floatValue(t, x / y);
        default: throw new EvalError(`\`${e.op}\` needs integer operands`, pos);
      }
    }
    const t = arith(a.t, b.t);
    const x = a.v as bigint, y = b.v as bigint;
    switch (e.op) {
      case '+': return this.intResult(x + y, t);
      case '-': return this.intResult(x - y, t);
      case '*': return this.intResult(x * y, t);
      case '/': case '%':
        if (y === 0n) throw new EvalError('division by zero', pos);
        return this.intResult(e.op === '/' ? x / y : x % y, t);
      case '&': return this.intResult(x & y, t);
      case '|': return this.intResult(x | y, t);
      case '^': return this.intResult(x ^ y, t);
      case '<<': case '>>': {
        if (y < 0n || y >= 64n) throw new EvalError(`shift by ${y} is out of range`, pos);
        const lt = promote(a.t);
        return this.intResult(e.op === '<<' ? x << y : x >> y, lt);
      }
      default: throw new EvalError(`unknown operator \`${e.op}\``, pos);
    }
  }

  private truth(v: Value, pos: number): boolean {
    const n = this.num(v, pos);
    return n.k === 'int' ? n.v !== 0n : n.v !== 0;
  }

  private pointerArith(op: '+' | '-', a: Num, b: Num, pos: number): Value {
    const ap = strip(a.t), bp = strip(b.t);
    const size = (t: Type) => { const p = strip(t); const s = p.kind === 'pointer' ? strip(p.target).size : undefined; if (!s) throw new EvalError(`pointer arithmetic on \`${t.name}\` (element size unknown)`, pos); return BigInt(s); };
    if (ap.kind === 'pointer' && bp.kind === 'pointer') {
      if (op === '+') throw new EvalError('cannot add two pointers', pos);
      return intValue(T_LL, ((a.v as bigint) - (b.v as bigint)) / size(a.t), this.ctx);
    }
    const [p, n] = ap.kind === 'pointer' ? [a, b] : [b, a];
    if (n.k !== 'int') throw new EvalError('pointer offset is not an integer', pos);
    if (op === '-' && p !== a) throw new EvalError('cannot subtract a pointer from an integer', pos);
    const r = (p.v as bigint) + (op === '+' ? n.v : -n.v) * size(p.t);
    return intValue(p.t, BigInt.asUintN(this.ctx.addressSize * 8, r), this.ctx);
  }

  private cast(v: Value, to: Type, pos: number): Value {
    const target = strip(to);
    if (target.kind === 'composite' || target.kind === 'array') {
      // reinterpret the object's storage (`(struct Item)*p`)
      return { type: to, loc: v.loc, ctx: v.ctx };
    }
    if (target.kind === 'void') return immediate(to, new Uint8Array(0), this.ctx);
    if (target.kind !== 'base' && target.kind !== 'enum' && target.kind !== 'pointer') throw new EvalError(`cannot cast to \`${to.name}\``, pos);
    const n = this.num(v, pos);
    if (target.kind === 'base' && target.encoding === 'float') return this.floatValue(to, Number(n.v));
    const iv = n.k === 'int' ? n.v : BigInt(Math.trunc(n.v));
    if (target.kind === 'base' && target.encoding === 'bool') return intValue(to, iv !== 0n ? 1n : 0n, this.ctx);
    return this.intResult(iv, to);
  }
}

function compareNum(x: number, y: number): number { return x < y ? -1 : x > y ? 1 : x === y ? 0 : NaN; }

/** Integer promotion: anything smaller than int becomes int. */
function promote(t: Type): Type {
  const s = strip(t);
  if (s.kind === 'pointer') return T_ULL;
  if ((s.size ?? 4) < 4 || s.kind === 'enum' || (s.kind === 'base' && s.encoding === 'bool')) return T_INT;
  return t;
}

/** Usual arithmetic conversions for two integer types. */
function arith(a: Type, b: Type): Type {
  const x = promote(a), y = promote(b);
  const sx = strip(x).size ?? 4, sy = strip(y).size ?? 4;
  if (sx !== sy) return sx > sy ? x : y;
  if (!isSigned(x)) return x;
  if (!isSigned(y)) return y;
  return x;
}

