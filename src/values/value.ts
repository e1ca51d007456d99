/**
 * An lvalue: a type plus where the object lives. Reading is lazy: nothing is
 * fetched from memory until a scalar, a child or a summary is asked for.
 */
import { FrameContext, Loc, bigToBytes } from '../dwarf/expr';
import { readObject, sliceLocation } from '../dwarf/location';
import { Member, Type, strip, isSigned, makePointer } from '../types/model';

/** What value code needs beyond a FrameContext: memory index for references, a pointer size. */
export interface ValueContext extends FrameContext {
  /** Memory index that pointers address (0 unless multi-memory). */
  readonly memoryIndex: number;
}

export interface Value {
  readonly type: Type;
  readonly loc: Loc;
  /** Bit fields: position and width in bits relative to `loc`. */
  readonly bits?: { offset: number; size: number };
  readonly ctx: ValueContext;
}

export type Scalar =
  | { kind: 'int'; value: bigint }
  | { kind: 'float'; value: number; size: number }
  | { kind: 'unavailable'; reason: string };

export class ValueError extends Error {}

export function valueAt(type: Type, addr: number, ctx: ValueContext): Value {
  return { type, loc: { kind: 'memory', addr }, ctx };
}

export function immediate(type: Type, bytes: Uint8Array, ctx: ValueContext, source = 'computed value'): Value {
  return { type, loc: { kind: 'value', bytes, source }, ctx };
}

export function intValue(type: Type, v: bigint, ctx: ValueContext): Value {
  return immediate(type, bigToBytes(v, type.size ?? 8), ctx);
}

/** Bytes of the whole object. */
export function readBytes(v: Value, size = strip(v.type).size): { bytes: Uint8Array } | { unavailable: string } {
  if (size === undefined) return { unavailable: `size of ${v.type.name} is unknown` };
  if (v.bits) {
    const need = Math.ceil((v.bits.offset + v.bits.size) / 8);
    const r = readObject(v.loc, need, v.ctx);
    if ('unavailable' in r) return r;
    let x = 0n;
    for (let i = need - 1; i >= 0; i--) x = (x << 8n) | BigInt(r.bytes[i]);
    x = (x >> BigInt(v.bits.offset)) & ((1n << BigInt(v.bits.size)) - 1n);
    if (isSigned(v.type) && v.bits.size > 0 && (x >> BigInt(v.bits.size - 1)) & 1n) x -= 1n << BigInt(v.bits.size);
    return { bytes: bigToBytes(x, size) };
  }
  return readObject(v.loc, size, v.ctx);
}

export function bytesToBigInt(b: Uint8Array, signed: boolean): bigint {
  let x = 0n;
  for (let i = b.length - 1; i >= 0; i--) x = (x << 8n) | BigInt(b[i]);
  return signed ? BigInt.asIntN(b.length * 8, x) : x;
}

/** Integer, float or pointer value of a scalar. */
export function readScalar(v: Value): Scalar {
  const t = strip(v.type);
  const size = t.size;
  if (size === undefined || size === 0) return { kind: 'unavailable', reason: `size of ${v.type.name} is unknown` };
  const r = readBytes(v, size);
  if ('unavailable' in r) return { kind: 'unavailable', reason: r.unavailable };
  const b = r.bytes;
  if (t.kind === 'base' && t.encoding === 'float') {
    const dv = new DataView(b.buffer, b.byteOffset, b.length);
    if (size === 4) return { kind: 'float', value: dv.getFloat32(0, true), size };
    if (size === 8) return { kind: 'float', value: dv.getFloat64(0, true), size };
    return { kind: 'unavailable', reason: `${size}-byte floating point is not supported` };
  }
  return { kind: 'int', value: bytesToBigInt(b, isSigned(t)) };
}

/** Address of the object, if it lives in memory (bit fields have none). */
export function addressOf(v: Value): number | undefined {
  return v.loc.kind === 'memory' && !v.bits ? v.loc.addr : undefined;
}

/** A sub-object at a byte offset (members, elements). Non-memory objects are sliced from their bytes. */
export function subValue(v: Value, type: Type, byteOffset: number, bits?: { offset: number; size: number }): Value {
  const loc = v.loc;
  if (loc.kind === 'memory') return { type, loc: { kind: 'memory', addr: loc.addr + byteOffset }, bits, ctx: v.ctx };
  if (loc.kind === 'unavailable') return { type, loc, ctx: v.ctx, bits };
  if (loc.kind === 'pieces' && !v.bits) {
    const size = bits ? Math.ceil((bits.offset + bits.size) / 8) : strip(type).size ?? 0;
    return { type, loc: sliceLocation(loc, byteOffset, size), bits, ctx: v.ctx };
  }
  const whole = readBytes({ ...v, bits: undefined });
  if ('unavailable' in whole) return { type, loc: { kind: 'unavailable', reason: whole.unavailable }, ctx: v.ctx };
  const size = bits ? Math.ceil((bits.offset + bits.size) / 8) : strip(type).size ?? 0;
  if (byteOffset + size > whole.bytes.length) return { type, loc: { kind: 'unavailable', reason: 'member lies outside its object' }, ctx: v.ctx };
  return { type, loc: { kind: 'value', bytes: whole.bytes.subarray(byteOffset, byteOffset + size), source: 'part of a value' }, bits, ctx: v.ctx };
}

export function memberValue(v: Value, m: Member): Value {
  if (m.byteOffset === undefined) return { type: m.type, loc: { kind: 'unavailable', reason: 'member offset is not a constant' }, ctx: v.ctx };
  if (m.bitSize !== undefined && m.bitOffset !== undefined) {
    const byte = Math.floor(m.bitOffset / 8);
    return subValue(v, m.type, byte, { offset: m.bitOffset - byte * 8, size: m.bitSize });
  }
  return subValue(v, m.type, m.byteOffset);
}

/** The pointee of a pointer value (`*p`); throws ValueError with a reason when it cannot be formed. */
export function derefPointer(p: Value, pointee?: Type): Value {
  const t = strip(p.type);
  if (t.kind !== 'pointer') throw new ValueError(`cannot dereference a value of type ${p.type.name}`);
  const target = pointee ?? t.target;
  const s = readScalar(p);
  if (s.kind !== 'int') return { type: target, loc: { kind: 'unavailable', reason: s.kind === 'unavailable' ? s.reason : 'bad pointer' }, ctx: p.ctx };
  return valueAt(target, Number(BigInt.asUintN(p.ctx.addressSize * 8, s.value)), p.ctx);
}

/** `&x` as a pointer value. */
export function addressValue(v: Value): Value {
  const a = addressOf(v);
  if (a === undefined) throw new ValueError(v.loc.kind === 'unavailable' ? `value unavailable: ${v.loc.reason}` : 'cannot take the address of a value that is not in memory');
  const pt = makePointer(v.type, v.ctx.addressSize);
  return intValue(pt, BigInt(a), v.ctx);
}

export function unavailableReason(v: Value): string | undefined {
  return v.loc.kind === 'unavailable' ? v.loc.reason : undefined;
}
