/**
 * One-line summaries of values (what a debugger shows next to a name).
 * Unknown or unreadable data is shown as `<unavailable: reason>`, never as zeros.
 */
import { ArrayType, CompositeType, EnumType, Type, isCharType, strip } from '../types/model';
import { Value, readBytes, readScalar, subValue, memberValue, derefPointer } from './value';
import { activeVariant, isTupleLike } from './variants';
import { findView } from './registry';

export interface FormatOptions {
  /** Integers in hexadecimal. */
  hex?: boolean;
  /** Longest string shown before `...` (default 200 characters). */
  stringCap?: number;
  /** Nesting depth left for aggregate summaries. */
  depth?: number;
  /** Ignore pretty views (raw structure). */
  raw?: boolean;
}

const AGG_ITEMS = 8;

export function unavailable(reason: string): string { return `<unavailable: ${reason}>`; }

export function hexOf(v: bigint, size: number): string {
  const u = BigInt.asUintN(size * 8, v);
  return '0x' + u.toString(16).padStart(size * 2, '0');
}

/** Shortest decimal that reads back to the same float (f32 uses f32 rounding). */
export function formatFloat(x: number, size: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (Object.is(x, -0)) return '-0';
  if (size === 4) {
    for (let p = 1; p <= 9; p++) {
      const s = x.toPrecision(p);
      if (Math.fround(Number(s)) === x) return String(Number(s));
    }
  }
  return String(x);
}

function charText(code: number): string {
  if (code === 0) return '\\0';
  const esc: Record<number, string> = { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r', 39: "\\'", 92: '\\\\' };
  if (esc[code]) return esc[code];
  if (code < 0x20 || code === 0x7f) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return `\\u{${code.toString(16)}}`;
  return String.fromCodePoint(code);
}

/** Quote bytes as text: valid UTF-8 shown as characters, other bytes as \xNN escapes. */
export function quoteString(bytes: Uint8Array, truncated: boolean): string {
  let out = '"';
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i];
    const n = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    let cp = -1;
    if (n === 1) cp = b;
    else if (n > 1 && i + n <= bytes.length) {
      cp = b & (0xff >> (n + 1));
      for (let k = 1; k < n; k++) {
        const c = bytes[i + k];
        if ((c & 0xc0) !== 0x80) { cp = -1; break; }
        cp = (cp << 6) | (c & 0x3f);
      }
      if (cp >= 0 && (cp < [0, 0, 0x80, 0x800, 0x10000][n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))) cp = -1;
    }
    if (cp < 0) { out += `\\x${b.toString(16).padStart(2, '0')}`; i++; continue; }
    out += cp === 34 ? '\\"' : cp === 39 ? "'" : charText(cp);
    i += n;
  }
  return out + '"' + (truncated ? '...' : '');
}

/** Read a NUL-terminated string at `addr` (up to `cap` bytes). */
export function readCString(v: Value, addr: number, cap: number): string {
  const chunk = 64;
  const parts: Uint8Array[] = [];
  let total = 0;
  while (total < cap) {
    const n = Math.min(chunk, cap - total);
    let m = v.ctx.readMemory(addr + total, n);
    if ('unreadable' in m) {
      // read byte by byte up to the unreadable boundary
      let k = 0;
      for (; k < n; k++) { const b = v.ctx.readMemory(addr + total + k, 1); if ('unreadable' in b) break; }
      if (k === 0) return total === 0 ? unavailable(`string at ${hexOf(BigInt(addr), 4)}: ${m.unreadable}`) : quoteString(concat(parts), true) + ' <unreadable>';
      m = v.ctx.readMemory(addr + total, k);
      if ('unreadable' in m) break;
    }
    const nul = m.bytes.indexOf(0);
    if (nul >= 0) { parts.push(m.bytes.subarray(0, nul)); return quoteString(concat(parts), false); }
    parts.push(m.bytes); total += m.bytes.length;
    if (m.bytes.length < n) return quoteString(concat(parts), true) + ' <unreadable>';
  }
  return quoteString(concat(parts), true);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

export function formatEnum(t: EnumType, v: bigint): string {
  const exact = t.enumerators.find((e) => e.value === v);
  if (exact) return exact.name;
  // flag enums: every enumerator a distinct bit pattern, value a union of them
  if (v > 0n) {
    let rest = v;
    const names: string[] = [];
    for (const e of t.enumerators) {
      if (e.value > 0n && (e.value & (e.value - 1n)) === 0n && (rest & e.value) === e.value) { names.push(e.name); rest &= ~e.value; }
    }
    if (names.length > 1 && rest === 0n) return names.join(' | ');
    if (names.length > 0 && rest !== 0n) return `${names.join(' | ')} | ${rest}`;
  }
  return `(${t.name}) ${v}`;
}

/** The one-line summary of a value. */
export function formatValue(v: Value, o: FormatOptions = {}): string {
  if (o.depth === undefined) o = { ...o, depth: 2 };
  if (v.loc.kind === 'unavailable') return unavailable(v.loc.reason);
  if (v.loc.kind === 'implicit-pointer') return '<implicit pointer: the pointer was optimized out>';
  if (!o.raw) {
    const view = findView(v.type);
    if (view) {
      try { return view.summary(v, o); } catch (e) { return unavailable(e instanceof Error ? e.message : String(e)); }
    }
  }
  const t = strip(v.type);
  switch (t.kind) {
    case 'base': return formatBase(v, t, o);
    case 'enum': {
      const s = readScalar(v);
      if (s.kind !== 'int') return s.kind === 'unavailable' ? unavailable(s.reason) : '?';
      return o.hex ? hexOf(s.value, t.size) : formatEnum(t, s.value);
    }
    case 'pointer': return formatPointer(v, t.ref, o);
    case 'member-pointer': {
      const s = readScalar(v);
      return s.kind === 'int' ? hexOf(s.value, t.size ?? 4) : s.kind === 'unavailable' ? unavailable(s.reason) : '?';
    }
    case 'array': return formatArray(v, t, o);
    case 'composite': return formatComposite(v, t, o);
    case 'function': return v.loc.kind === 'memory' ? `function at ${hexOf(BigInt(v.loc.addr), 4)}` : t.name;
    case 'void': return 'void';
    case 'unknown': return unavailable(t.reason);
    default: return '?';
  }
}

function formatBase(v: Value, t: Extract<Type, { kind: 'base' }>, o: FormatOptions): string {
  const s = readScalar(v);
  if (s.kind === 'unavailable') return unavailable(s.reason);
  if (s.kind === 'float') return formatFloat(s.value, s.size);
  if (o.hex) return hexOf(s.value, t.size);
  if (t.encoding === 'bool') return s.value === 0n ? 'false' : s.value === 1n ? 'true' : `true (${s.value})`;
  if (isCharType(t) || t.encoding === 'utf' || t.name === 'char' || t.name === 'wchar_t' || t.name === 'char16_t' || t.name === 'char32_t') {
    const code = Number(BigInt.asUintN(t.size * 8, s.value));
    if (t.encoding === 'utf' && t.size === 4) return `'${charText(code)}'`; // Rust char
    if (t.size === 1 && code >= 0x80) return `${s.value} '\\x${code.toString(16)}'`;
    return `${s.value} '${charText(code)}'`;
  }
  return s.value.toString();
}

function isCharLike(t: Type): boolean {
  const s = strip(t);
  return s.kind === 'base' && s.size === 1 && (s.encoding === 'signed-char' || s.encoding === 'unsigned-char' || s.name === 'char');
}

function formatPointer(v: Value, ref: 'pointer' | 'lvalue' | 'rvalue', o: FormatOptions): string {
  const s = readScalar(v);
  if (s.kind !== 'int') return s.kind === 'unavailable' ? unavailable(s.reason) : '?';
  const size = v.ctx.addressSize;
  const addr = hexOf(s.value, size);
  const t = strip(v.type);
  if (t.kind !== 'pointer') return addr;
  if (ref !== 'pointer') {
    // C++ references show the referent
    if (s.value === 0n) return `${addr} <null reference>`;
    const depth = o.depth ?? 1;
    return depth > 0 ? formatValue(derefPointer(v), { ...o, depth: depth - 1 }) : addr;
  }
  if (s.value !== 0n && isCharLike(t.target)) return `${addr} ${readCString(v, Number(s.value), o.stringCap ?? 200)}`;
  return addr;
}

function formatArray(v: Value, t: ArrayType, o: FormatOptions): string {
  const count = t.counts[0];
  const elemType = t.counts.length > 1 ? subArrayType(t) : t.element;
  if (count === undefined) return `${t.name}`;
  if (t.counts.length === 1 && isCharLike(t.element)) {
    const cap = o.stringCap ?? 200;
    const r = readBytes(v, Math.min(count, cap + 1)); // never read more than is shown
    if ('unavailable' in r) return unavailable(r.unavailable);
    const nul = r.bytes.indexOf(0);
    // stop at the NUL unless non-zero bytes follow it (then show them, escaped, as gdb does)
    let last = r.bytes.length;
    while (last > 0 && r.bytes[last - 1] === 0) last--;
    const len = nul >= 0 && nul >= last ? nul : last;
    return quoteString(r.bytes.subarray(0, Math.min(len, cap)), len > cap || (nul < 0 && count > r.bytes.length));
  }
  const depth = o.depth ?? 1;
  if (depth <= 0) return `[${count}]`;
  const es = elemType.size ?? 0;
  const items: string[] = [];
  for (let i = 0; i < Math.min(count, AGG_ITEMS); i++) items.push(formatValue(subValue(v, elemType, i * es), { ...o, depth: depth - 1 }));
  return `[${count}] {${items.join(', ')}${count > AGG_ITEMS ? ', ...' : ''}}`;
}

/** Type of `a[i]` for a multi-dimensional array. */
export function subArrayType(t: ArrayType): Type {
  if (t.counts.length <= 1) return t.element;
  const counts = t.counts.slice(1);
  const es = t.element.size;
  const size = es === undefined || counts.some((c) => c === undefined) ? undefined : counts.reduce<number>((a, c) => a * (c as number), es);
  return { kind: 'array', element: t.element, counts, size, name: `${t.element.name}${counts.map((c) => `[${c ?? ''}]`).join('')}` };
}

function formatComposite(v: Value, t: CompositeType, o: FormatOptions): string {
  const depth = o.depth ?? 1;
  if (t.incomplete) return `<incomplete type ${t.name}>`;
  if (t.variantPart) {
    const av = activeVariant(v, t);
    if ('unavailable' in av) return unavailable(av.unavailable);
    const vt = strip(av.value.type);
    if (vt.kind !== 'composite' || vt.members.length === 0) return av.name;
    return av.name + fieldsSummary(av.value, vt, o, depth, true);
  }
  if (depth <= 0) return '{...}';
  return fieldsSummary(v, t, o, depth, false);
}

function fieldsSummary(v: Value, t: CompositeType, o: FormatOptions, depth: number, variant: boolean): string {
  const tuple = isTupleLike(t.members);
  const parts: string[] = [];
  for (const m of t.members) {
    if (parts.length >= AGG_ITEMS) { parts.push('...'); break; }
    const s = depth > 0 ? formatValue(memberValue(v, m), { ...o, depth: depth - 1 }) : '...';
    parts.push(m.name && !tuple ? `${m.name}=${s}` : s);
  }
  if (tuple) return `(${parts.join(', ')})`;
  return variant ? ` {${parts.join(', ')}}` : `{${parts.join(', ')}}`;
}
