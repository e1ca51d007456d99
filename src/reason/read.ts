/**
 * Bounded reading of program objects for the crash reason: every read is
 * checked against the dump's memory and counted against a budget, so a
 * corrupted structure (pointers outside memory, absurd lengths, cycles)
 * ends in an `Unreadable` error with a reason, never a hang or a guess.
 */
import { Member, Type, strip } from '../types/model';
import { Value, ValueContext, memberValue, readBytes, readScalar, valueAt } from '../values/value';

/** Why a part of the reason could not be read (the message is then marked incomplete). */
export class Unreadable extends Error {}

/** Caps for one crash reason. */
export const LIMITS = {
  /** Bytes of one string. */
  stringBytes: 1 << 20,
  /** Pieces / arguments of one fmt::Arguments. */
  items: 1024,
  /** Nested formatters (&T → T, &dyn Debug → vtable → ...). */
  depth: 8,
  /** Reads in total. */
  reads: 20_000,
  /** Characters of the whole message. */
  messageChars: 64 * 1024,
};

export class Budget {
  reads = 0;
  charge(): void {
    if (++this.reads > LIMITS.reads) throw new Unreadable(`more than ${LIMITS.reads} reads: the structure is corrupt or cyclic`);
  }
}

export interface ReadCtx {
  vctx: ValueContext;
  budget: Budget;
}

/** Raw bytes at an address. */
export function bytesAt(c: ReadCtx, addr: number, len: number, what: string): Uint8Array {
  c.budget.charge();
  if (!Number.isSafeInteger(addr) || addr < 0) throw new Unreadable(`${what}: bad address ${addr}`);
  if (len === 0) return new Uint8Array(0);
  const r = c.vctx.readMemory(addr, len);
  if ('unreadable' in r) throw new Unreadable(`${what} at 0x${addr.toString(16)} (${len} bytes): ${r.unreadable}`);
  return r.bytes;
}

export function u32At(c: ReadCtx, addr: number, what: string): number {
  const b = bytesAt(c, addr, 4, what);
  return (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0;
}

export function member(v: Value, name: string): Value {
  const t = strip(v.type);
  const m = t.kind === 'composite' ? t.members.find((x) => x.name === name) : undefined;
  if (!m) throw new Unreadable(`${v.type.name} has no member \`${name}\` in the DWARF`);
  return memberValue(v, m);
}

export function hasMember(t: Type, name: string): boolean {
  const s = strip(t);
  return s.kind === 'composite' && s.members.some((m) => m.name === name);
}

export function findMember(t: Type, name: string): Member | undefined {
  const s = strip(t);
  return s.kind === 'composite' ? s.members.find((m) => m.name === name) : undefined;
}

/** An integer (or pointer) scalar, as a safe number. */
export function intOf(c: ReadCtx, v: Value, what: string): number {
  c.budget.charge();
  const s = readScalar(v);
  if (s.kind !== 'int') throw new Unreadable(`${what}: ${s.kind === 'unavailable' ? s.reason : 'not an integer'}`);
  const n = Number(BigInt.asUintN(64, s.value));
  if (!Number.isSafeInteger(n)) throw new Unreadable(`${what}: value ${s.value} is out of range`);
  return n;
}

export function bigOf(c: ReadCtx, v: Value, what: string): bigint {
  c.budget.charge();
  const s = readScalar(v);
  if (s.kind !== 'int') throw new Unreadable(`${what}: ${s.kind === 'unavailable' ? s.reason : 'not an integer'}`);
  return s.value;
}

/** The pointee of a thin pointer value (also inside NonNull/Unique wrappers). */
export function deref(c: ReadCtx, p: Value, what: string, pointee?: Type): Value {
  const ptr = innerPointer(p);
  if (!ptr) throw new Unreadable(`${what}: ${p.type.name} is not a pointer`);
  const t = strip(ptr.type);
  const target = pointee ?? (t.kind === 'pointer' ? t.target : undefined);
  if (!target) throw new Unreadable(`${what}: ${p.type.name} is not a pointer`);
  const a = intOf(c, ptr, what);
  if (a === 0) throw new Unreadable(`${what} is a null pointer`);
  return valueAt(target, a, c.vctx);
}

/** The first pointer inside wrappers (NonNull { pointer }, Unique { pointer, _marker }). */
export function innerPointer(v: Value, depth = 0): Value | undefined {
  const t = strip(v.type);
  if (t.kind === 'pointer') return v;
  if (t.kind !== 'composite' || depth > 6 || t.variantPart) return undefined;
  for (const m of t.members) {
    const p = innerPointer(memberValue(v, m), depth + 1);
    if (p) return p;
  }
  return undefined;
}

/**
 * `Option<&T>` (a niche-optimised enum: null = None) → the `&T` value, or
 * undefined for None. A plain `&T` (newer layouts) is returned as is.
 */
export function optionRef(c: ReadCtx, v: Value, what: string): Value | undefined {
  const t = strip(v.type);
  if (t.kind === 'pointer') return intOf(c, v, what) === 0 ? undefined : v;
  if (t.kind !== 'composite' || !t.variantPart) throw new Unreadable(`${what}: ${v.type.name} is neither a reference nor an Option`);
  for (const variant of t.variantPart.variants) {
    for (const m of variant.members) {
      const inner = strip(m.type);
      if (inner.kind !== 'composite' || !/^Some$/.test(inner.baseName)) continue;
      const sv = memberValue(v, m);
      const payload = inner.members.find((x) => x.name === '__0');
      if (!payload) continue;
      const pv = memberValue(sv, payload);
      const ptr = innerPointer(pv);
      if (!ptr) throw new Unreadable(`${what}: Some payload is not a reference`);
      return intOf(c, ptr, what) === 0 ? undefined : ptr;
    }
  }
  throw new Unreadable(`${what}: no Some variant in ${v.type.name}`);
}

/** Decode UTF-8 strictly (a corrupt string is unreadable, not replaced). */
const strict = new TextDecoder('utf-8', { fatal: true });
export function utf8Strict(b: Uint8Array, what: string): string {
  try { return strict.decode(b); } catch { throw new Unreadable(`${what} is not valid UTF-8`); }
}

/** A `&str` fat pointer value → its text. */
export function readStr(c: ReadCtx, v: Value, what: string): string {
  const ptr = intOf(c, member(v, 'data_ptr'), `${what} pointer`);
  const len = intOf(c, member(v, 'length'), `${what} length`);
  return strAt(c, ptr, len, what);
}

export function strAt(c: ReadCtx, ptr: number, len: number, what: string): string {
  if (len > LIMITS.stringBytes) throw new Unreadable(`${what}: length ${len} is absurd (over ${LIMITS.stringBytes} bytes)`);
  return utf8Strict(bytesAt(c, ptr, len, what), what);
}

/** A slice fat pointer (`&[T]`): address, length and element type. */
export function readSlice(c: ReadCtx, v: Value, what: string): { addr: number; len: number; elem: Type; elemSize: number } {
  const p = member(v, 'data_ptr');
  const addr = intOf(c, p, `${what} pointer`);
  const len = intOf(c, member(v, 'length'), `${what} length`);
  if (len > LIMITS.items) throw new Unreadable(`${what}: length ${len} is absurd (over ${LIMITS.items})`);
  const pt = strip(p.type);
  if (pt.kind !== 'pointer') throw new Unreadable(`${what}: data_ptr is not a pointer`);
  const elem = pt.target;
  const elemSize = strip(elem).size;
  if (elemSize === undefined) throw new Unreadable(`${what}: element size unknown`);
  return { addr, len, elem, elemSize };
}

export function elementAt(c: ReadCtx, s: { addr: number; elem: Type; elemSize: number }, i: number): Value {
  return valueAt(s.elem, s.addr + i * s.elemSize, c.vctx);
}

/** The whole object's bytes (to check it lies in memory). */
export function objectBytes(v: Value, what: string): Uint8Array {
  const r = readBytes(v);
  if ('unavailable' in r) throw new Unreadable(`${what}: ${r.unavailable}`);
  return r.bytes;
}

export function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
