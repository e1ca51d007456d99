/**
 * Branded offset types. Each address space has its own type so that a file
 * offset can never be passed where a code-section address is expected.
 * Construct them only through the helpers below, at the point where the
 * meaning of the number is known.
 */
declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

/** Absolute byte offset into a file (module or core dump). */
export type FileOffset = Brand<number, 'FileOffset'>;
/** Offset relative to the start of the Code section payload: the DWARF address space. */
export type CodeAddr = Brand<number, 'CodeAddr'>;
/** Offset relative to the start of a function (body start or first instruction, see the producer). */
export type FuncOffset = Brand<number, 'FuncOffset'>;
/** Address in a linear memory (may exceed 2^32 for memory64, kept as number up to 2^53). */
export type MemAddr = Brand<number, 'MemAddr'>;
/** Offset into the .debug_info section (or another .debug_* section, named by the field). */
export type DebugInfoOffset = Brand<number, 'DebugInfoOffset'>;

export const fileOffset = (n: number): FileOffset => n as FileOffset;
export const codeAddr = (n: number): CodeAddr => n as CodeAddr;
export const funcOffset = (n: number): FuncOffset => n as FuncOffset;
export const memAddr = (n: number): MemAddr => n as MemAddr;
export const debugInfoOffset = (n: number): DebugInfoOffset => n as DebugInfoOffset;

export function hex(n: number | bigint, width = 0): string {
  const s = n.toString(16);
  return '0x' + (width > s.length ? '0'.repeat(width - s.length) + s : s);
}
