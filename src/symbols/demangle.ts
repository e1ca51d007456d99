import { demangleRustLegacy, demangleRustV0 } from './demangle-rust';
import { demangleItanium } from './demangle-itanium';

/**
 * Demangle a symbol: Rust v0 (`_R...`), Rust legacy (`_ZN...17h<hash>E`),
 * Itanium C++ (`_Z...`). Returns undefined when the name is not mangled or
 * uses constructs these demanglers do not handle (callers show it as is).
 */
export function demangle(sym: string): string | undefined {
  const s = sym.startsWith('__Z') || sym.startsWith('__R') ? sym.slice(1) : sym;
  if (s.startsWith('_R')) return demangleRustV0(s);
  if (s.startsWith('_ZN') && /17h[0-9a-f]{16}E/.test(s)) {
    const r = demangleRustLegacy(s);
    if (r !== undefined) return r;
  }
  if (s.startsWith('_Z')) return demangleItanium(s);
  return undefined;
}

/** Drop a Rust legacy hash suffix (`::h0123456789abcdef`). */
export function stripRustHash(s: string): string {
  return s.replace(/::h[0-9a-f]{16}$/, '');
}
