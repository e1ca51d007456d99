import { ByteReader } from '../util/reader';

/**
 * Value types as WAT text: 'i32', 'i64', 'f32', 'f64', 'v128', 'funcref',
 * 'externref', ..., or '(ref null? HT)' for typed references where HT is an
 * abstract heap type name ('func', 'any', ...) or a type index.
 */
export type ValType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'funcref' | 'externref' | string;

/** A heap type: a type index (>= 0) or an abstract heap type name ('func', 'extern', 'any', ...). */
export type HeapType = number | string;

/** Abstract heap types by their (single-byte, negative s33) encoding. */
const ABSTRACT_HEAP: Record<number, string> = {
  0x70: 'func', 0x6f: 'extern', 0x6e: 'any', 0x6d: 'eq', 0x6c: 'i31', 0x6b: 'struct', 0x6a: 'array',
  0x69: 'exn', 0x71: 'none', 0x72: 'noextern', 0x73: 'nofunc', 0x74: 'noexn',
};

/** Shorthand reference types (nullable abstract heap types) spelled as in WAT. */
const REF_SHORTHAND: Record<number, string> = {
  0x70: 'funcref', 0x6f: 'externref', 0x6e: 'anyref', 0x6d: 'eqref', 0x6c: 'i31ref', 0x6b: 'structref',
  0x6a: 'arrayref', 0x69: 'exnref', 0x71: 'nullref', 0x72: 'nullexternref', 0x73: 'nullfuncref', 0x74: 'nullexnref',
};

const NUM: Record<number, ValType> = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128' };

/** True if `b` starts a value type (number, vector or reference type). */
export function isValTypeByte(b: number): boolean {
  return NUM[b] !== undefined || REF_SHORTHAND[b] !== undefined || b === 0x63 || b === 0x64;
}

/** Name of a single-byte value type; `type(0x..)` for an unknown byte (callers that must reject use readValType). */
export function valTypeName(b: number): ValType {
  return NUM[b] ?? REF_SHORTHAND[b] ?? `type(0x${b.toString(16)})`;
}

/** Read a heap type (s33: negative = abstract, non-negative = type index). `shared` prefix 0x65 is accepted. */
export function readHeapType(r: ByteReader): HeapType {
  const at = r.pos;
  let b = r.peekU8();
  let shared = '';
  if (b === 0x65) { r.u8(); b = r.peekU8(); shared = 'shared '; }
  const name = ABSTRACT_HEAP[b];
  if (name !== undefined) { r.u8(); return shared ? `(shared ${name})` : name; }
  // a one-byte negative s33 that is not an abstract type; multi-byte encodings (bit 7 set) are type indices
  if ((b & 0xc0) === 0x40) r.fail(`unknown heap type 0x${b.toString(16)}`, at);
  const v = r.sleb64();
  if (v < 0n || v > 0xffffffffn) r.fail(`heap type index ${v} out of range`, at);
  return Number(v);
}

export function refTypeText(nullable: boolean, ht: HeapType): string {
  return `(ref ${nullable ? 'null ' : ''}${ht})`;
}

/** Read a value type, including typed references `(ref null? ht)`. Unknown bytes are a FormatError. */
export function readValType(r: ByteReader): ValType {
  const at = r.pos;
  const b = r.u8();
  if (b === 0x63 || b === 0x64) return refTypeText(b === 0x63, readHeapType(r));
  const t = NUM[b] ?? REF_SHORTHAND[b];
  if (t === undefined) r.fail(`unknown value type 0x${b.toString(16)}`, at);
  return t;
}
