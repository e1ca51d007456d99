/**
 * Rust symbol demanglers: legacy (`_ZN..E` with `$LT$`-style escapes and a
 * `17h<hash>` last segment) and v0 (`_R...`, RFC 2603) for the constructs
 * rustc emits for ordinary code: paths, impls, trait impls, generic
 * arguments, basic types, references, pointers, slices, arrays, tuples,
 * back-references and closures. Unknown constructs return undefined.
 */

const LEGACY_ESCAPES: Record<string, string> = {
  SP: '@', BP: '*', RF: '&', LT: '<', GT: '>', LP: '(', RP: ')', C: ',',
};

function unescapeLegacy(seg: string): string | undefined {
  let out = '';
  let i = seg.startsWith('_$') ? 1 : 0;
  while (i < seg.length) {
    const c = seg[i];
    if (c === '$') {
      const j = seg.indexOf('$', i + 1);
      if (j < 0) return undefined;
      const code = seg.slice(i + 1, j);
      if (code in LEGACY_ESCAPES) out += LEGACY_ESCAPES[code];
      else if (code.startsWith('u')) {
        const cp = parseInt(code.slice(1), 16);
        if (!Number.isFinite(cp)) return undefined;
        out += String.fromCodePoint(cp);
      } else return undefined;
      i = j + 1;
    } else if (c === '.' && seg[i + 1] === '.') { out += '::'; i += 2; } else { out += c; i++; }
  }
  return out;
}

export function demangleRustLegacy(sym: string): string | undefined {
  if (!sym.startsWith('_ZN')) return undefined;
  let i = 3;
  const parts: string[] = [];
  while (i < sym.length && sym[i] !== 'E') {
    let j = i;
    while (j < sym.length && sym[j] >= '0' && sym[j] <= '9') j++;
    if (j === i) return undefined;
    const n = parseInt(sym.slice(i, j), 10);
    if (j + n > sym.length) return undefined;
    const seg = unescapeLegacy(sym.slice(j, j + n));
    if (seg === undefined) return undefined;
    parts.push(seg);
    i = j + n;
  }
  if (sym[i] !== 'E' || parts.length === 0) return undefined;
  return parts.join('::');
}

export { demangleRustV0 } from './demangle-rust-v0';
