/**
 * The program's types, as the value formatter and the expression evaluator
 * see them. Built lazily from DIEs (see build.ts); referenced types are
 * resolved on first access, so recursive types (linked lists) are fine.
 */

export type Type =
  | BaseType | PointerType | TypedefType | QualifiedType | CompositeType
  | ArrayType | EnumType | FunctionType | MemberPointerType | VoidType | UnknownType;

interface Common {
  /** Display name as written in the source language (`struct Item *`, `&str`, `Vec<u8>`). */
  readonly name: string;
  /** Size in bytes, when known. */
  readonly size: number | undefined;
  /** Offset of the DIE it came from (cache key), when it came from one. */
  readonly dieOffset?: number;
}

export type BaseEncoding = 'signed' | 'unsigned' | 'signed-char' | 'unsigned-char' | 'bool' | 'float'
  | 'complex-float' | 'utf' | 'address' | 'other';

export interface BaseType extends Common { readonly kind: 'base'; readonly encoding: BaseEncoding; readonly size: number }
export interface PointerType extends Common {
  readonly kind: 'pointer';
  /** 'pointer' for `T*`, 'lvalue' for C++ `T&`, 'rvalue' for `T&&`. */
  readonly ref: 'pointer' | 'lvalue' | 'rvalue';
  readonly target: Type;
  readonly size: number;
}
export interface TypedefType extends Common { readonly kind: 'typedef'; readonly target: Type }
export interface QualifiedType extends Common { readonly kind: 'qualified'; readonly qualifier: 'const' | 'volatile' | 'restrict' | 'atomic'; readonly target: Type }

export interface Member {
  /** undefined for anonymous members (their members are reachable by name through them). */
  readonly name: string | undefined;
  readonly type: Type;
  /** Byte offset of the member's storage within the object (for bit fields: of the containing storage unit's first byte). */
  readonly byteOffset: number | undefined;
  /** Bit fields: width and offset in bits from the start of the object (little-endian bit order). */
  readonly bitSize?: number;
  readonly bitOffset?: number;
  /** A base class (DW_TAG_inheritance). */
  readonly isBase?: boolean;
  readonly artificial?: boolean;
}

export interface Variant {
  /** Discriminant values selecting this variant (DW_AT_discr_value / DW_AT_discr_list), absent for the default. */
  readonly values: Array<{ lo: bigint; hi: bigint }>;
  readonly isDefault: boolean;
  readonly members: readonly Member[];
}

/** Rust enums: DW_TAG_variant_part. */
export interface VariantPart {
  /** The member holding the discriminant (absent: a single-variant or unknown-layout enum). */
  readonly discriminant?: Member;
  readonly variants: readonly Variant[];
}

export interface CompositeType extends Common {
  readonly kind: 'composite';
  readonly tag: 'struct' | 'class' | 'union';
  /** Name without the `struct ` prefix (empty for anonymous). */
  readonly baseName: string;
  readonly members: readonly Member[];
  readonly variantPart?: VariantPart;
  /** True for a declaration without a definition (incomplete type). */
  readonly incomplete: boolean;
  /** Template type parameters (`Vec<T>` → T), by name. */
  readonly templateParams: ReadonlyArray<{ name: string; type: Type }>;
}

export interface ArrayType extends Common {
  readonly kind: 'array';
  readonly element: Type;
  /** Element count of each dimension, outermost first; undefined = unknown bound. */
  readonly counts: ReadonlyArray<number | undefined>;
}

export interface EnumType extends Common {
  readonly kind: 'enum';
  readonly signed: boolean;
  readonly enumerators: ReadonlyArray<{ name: string; value: bigint }>;
  readonly size: number;
}

export interface FunctionType extends Common {
  readonly kind: 'function';
  readonly returns: Type;
  readonly params: readonly Type[];
  readonly variadic: boolean;
}

export interface MemberPointerType extends Common { readonly kind: 'member-pointer'; readonly target: Type; readonly containing: Type | undefined }
export interface VoidType extends Common { readonly kind: 'void' }
/** A type we could not build; `reason` says why (shown to the user). */
export interface UnknownType extends Common { readonly kind: 'unknown'; readonly reason: string }

export const VOID: VoidType = { kind: 'void', name: 'void', size: undefined };

export function unknownType(reason: string, name = '<unknown type>'): UnknownType {
  return { kind: 'unknown', name, size: undefined, reason };
}

/** Strip typedefs and qualifiers. */
export function strip(t: Type): Type {
  let cur = t;
  for (let i = 0; i < 100 && (cur.kind === 'typedef' || cur.kind === 'qualified'); i++) cur = cur.target;
  return cur;
}

export function isIntegral(t: Type): boolean {
  const s = strip(t);
  return (s.kind === 'base' && s.encoding !== 'float' && s.encoding !== 'complex-float') || s.kind === 'enum';
}

export function isSigned(t: Type): boolean {
  const s = strip(t);
  if (s.kind === 'enum') return s.signed;
  return s.kind === 'base' && (s.encoding === 'signed' || s.encoding === 'signed-char');
}

export function isCharType(t: Type): boolean {
  const s = strip(t);
  return s.kind === 'base' && s.size === 1 && (s.encoding === 'signed-char' || s.encoding === 'unsigned-char'
    || (s.encoding === 'utf') || /^(char|signed char|unsigned char|u8|i8)$/.test(s.name) && s.encoding !== 'signed' && s.encoding !== 'unsigned');
}

/** Name of a pointer to `t` in C syntax. */
export function pointerName(t: Type, sigil = '*'): string {
  if (t.kind === 'function') return `${t.returns.name} (${sigil})(${t.params.map((p) => p.name).join(', ')}${t.variadic ? ', ...' : ''})`;
  if (t.kind === 'array') {
    const dims = t.counts.map((c) => `[${c ?? ''}]`).join('');
    return `${t.element.name} (${sigil})${dims}`;
  }
  return t.name.endsWith('*') ? `${t.name}${sigil}` : `${t.name} ${sigil}`;
}

export function arrayName(element: Type, counts: ReadonlyArray<number | undefined>): string {
  return `${element.name}${counts.map((c) => `[${c ?? ''}]`).join('')}`;
}

/** Make a pointer type to `t` (for `&x` and casts written by the user). */
export function makePointer(t: Type, size: number): PointerType {
  return { kind: 'pointer', ref: 'pointer', target: t, size, name: pointerName(t) };
}
