/** Pretty views for libc++: std::string (short/long layouts), std::vector, std::unique_ptr. */
import { Type, strip } from '../types/model';
import type { View } from './registry';
import { Value, memberValue, readScalar } from './value';
import { field, firstPointer, hasMembers, innerInt } from './pretty-rust';

const fmt = () => require('./format') as typeof import('./format');
const kids = () => require('./children') as typeof import('./children');

/** Find a member by name anywhere inside nested members (compressed pairs, reps). */
function deep(v: Value, name: string, depth = 0): Value | undefined {
  const t = strip(v.type);
  if (t.kind !== 'composite' || depth > 6) return undefined;
  for (const m of t.members) if (m.name === name) return memberValue(v, m);
  for (const m of t.members) {
    const r = deep(memberValue(v, m), name, depth + 1);
    if (r) return r;
  }
  return undefined;
}

function ptrAddr(p: Value): number | undefined {
  const s = readScalar(p);
  return s.kind === 'int' ? Number(BigInt.asUintN(p.ctx.addressSize * 8, s.value)) : undefined;
}

type StrData = { addr: number; len: number } | { inline: Value; len: number } | string;

/** libc++ basic_string: rep union { __s (short), __l (long) }. */
function stringData(v: Value): StrData {
  const s = deep(v, '__s');
  const l = deep(v, '__l');
  if (!s || !l) return 'unrecognised std::string layout';
  let isLong: boolean;
  let shortLen: number;
  const isLongField = deep(s, '__is_long_');
  if (isLongField) {
    const il = innerInt(isLongField);
    const sz = innerInt(deep(s, '__size_') ?? s);
    if (typeof il === 'string' || typeof sz === 'string') return 'string header unavailable';
    isLong = il !== 0n; shortLen = Number(sz);
  } else {
    const sz = deep(s, '__size_');
    const b = sz ? innerInt(sz) : 'no __size_';
    if (typeof b === 'string') return b;
    const data = deep(s, '__data_');
    if (sz && data && sz.loc.kind === 'memory' && data.loc.kind === 'memory' && sz.loc.addr > data.loc.addr) {
      // older libc++, alternate layout (_LIBCPP_ABI_ALTERNATE_STRING_LAYOUT, implied by ABI v2 as in
      // Emscripten's std::__2): the size byte follows the data, its high bit is the long flag
      isLong = (b & 0x80n) !== 0n; shortLen = Number(b & 0x7fn);
    } else {
      // older libc++, standard layout: the first byte holds size << 1, low bit = long flag (little-endian)
      isLong = (b & 1n) === 1n; shortLen = Number(b >> 1n);
    }
  }
  if (isLong) {
    const data = deep(l, '__data_');
    const size = deep(l, '__size_');
    if (!data || !size) return 'long string fields not found';
    const addr = ptrAddr(data);
    const len = innerInt(size);
    if (addr === undefined || typeof len === 'string') return 'long string header unavailable';
    return { addr, len: Number(len) };
  }
  const inline = deep(s, '__data_');
  if (!inline) return 'short string data not found';
  return { inline, len: shortLen };
}

const STRING: View = {
  id: 'libc++ std::string',
  match: (n) => /^(std::(__\d::)?)?basic_string<char\b/.test(n) || n === 'string' || n === 'std::string',
  summary(v, o) {
    const F = fmt();
    const d = stringData(v);
    if (typeof d === 'string') return F.unavailable(d);
    const cap = o.stringCap ?? 200;
    const n = Math.min(d.len, cap);
    const m = 'addr' in d ? v.ctx.readMemory(d.addr, n) : (d.inline.loc.kind === 'memory' ? v.ctx.readMemory(d.inline.loc.addr, n) : { unreadable: 'inline string not in memory' });
    if ('unreadable' in m) return F.unavailable(m.unreadable);
    return F.quoteString(m.bytes, d.len > cap);
  },
};

function baseHas(t: Type, name: string): boolean {
  const s = strip(t);
  return s.kind === 'composite' && s.members.some((m) => m.isBase && hasMembers(m.type, name));
}

export function vectorSeq(v: Value): { addr: number; len: number; elem: Type } | string {
  const b = deep(v, '__begin_');
  const e = deep(v, '__end_');
  if (!b || !e) return 'unrecognised std::vector layout';
  const ba = ptrAddr(b), ea = ptrAddr(e);
  const bt = strip(b.type);
  if (ba === undefined || ea === undefined || bt.kind !== 'pointer') return 'vector pointers unavailable';
  const es = strip(bt.target).size ?? 0;
  if (es === 0 || ea < ba || (ea - ba) % es !== 0) return `inconsistent vector [${ba}, ${ea})`;
  return { addr: ba, len: (ea - ba) / es, elem: bt.target };
}

const VECTOR: View = {
  id: 'libc++ std::vector',
  // older libc++ (Emscripten 3.1's) keeps the pointers in the base class __vector_base
  match: (n, t) => /^(std::(__\d::)?)?vector<.*>$/.test(n) && (hasMembers(t, '__begin_') || baseHas(t, '__begin_')),
  summary(v, o) {
    const F = fmt();
    const s = vectorSeq(v);
    if (typeof s === 'string') return F.unavailable(s);
    const items = kids().elementsAt(v, s.elem, s.addr, s.len).get(0, 8).map((c) => F.formatValue(c.value, { ...o, depth: 0 }));
    return `size=${s.len} {${items.join(', ')}${s.len > 8 ? ', ...' : ''}}`;
  },
  children(v) {
    const s = vectorSeq(v);
    return typeof s === 'string' ? kids().namedList([]) : kids().elementsAt(v, s.elem, s.addr, s.len);
  },
};

const UNIQUE_PTR: View = {
  id: 'libc++ std::unique_ptr',
  match: (n, t) => /^(std::(__\d::)?)?unique_ptr<.*>$/.test(n) && strip(t).kind === 'composite',
  summary(v, o) {
    const p = firstPointer(field(v, '__ptr_'));
    return p ? fmt().formatValue(p, o) : fmt().unavailable('unique_ptr pointer not found');
  },
  children(v) {
    const p = firstPointer(field(v, '__ptr_'));
    return p ? kids().childrenOf(p) : kids().namedList([]);
  },
};

export const CXX_VIEWS: View[] = [STRING, VECTOR, UNIQUE_PTR];
