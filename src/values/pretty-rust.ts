/** Pretty views for Rust standard types: &str, String, Vec<T>, slices, Rc/Arc. */
import { CompositeType, Type, strip } from '../types/model';
import type { FormatOptions } from './format';
import type { ChildItem, ChildList, View } from './registry';
import { Value, derefPointer, memberValue, readScalar } from './value';

// Lazy imports break the registry → views → format → registry cycle at load time.
const fmt = () => require('./format') as typeof import('./format');
const kids = () => require('./children') as typeof import('./children');

function composite(v: Value): CompositeType | undefined {
  const t = strip(v.type);
  return t.kind === 'composite' ? t : undefined;
}

export function hasMembers(t: Type, ...names: string[]): boolean {
  const s = strip(t);
  return s.kind === 'composite' && names.every((n) => s.members.some((m) => m.name === n));
}

/** Member `name` of a struct value (throws with a reason if absent). */
export function field(v: Value, name: string): Value {
  const t = composite(v);
  const m = t?.members.find((x) => x.name === name);
  if (!m) throw new Error(`no member \`${name}\` in ${v.type.name}`);
  return memberValue(v, m);
}

/** First pointer found depth-first inside a struct (Unique/NonNull/RawVec wrappers). */
export function firstPointer(v: Value, depth = 0): Value | undefined {
  const t = strip(v.type);
  if (t.kind === 'pointer') return v;
  if (t.kind !== 'composite' || depth > 6) return undefined;
  for (const m of t.members) {
    const p = firstPointer(memberValue(v, m), depth + 1);
    if (p) return p;
  }
  return undefined;
}

/** Integer inside nested wrappers (Cell<usize> → UnsafeCell → usize, Cap(usize)). */
export function innerInt(v: Value, depth = 0): bigint | string {
  const t = strip(v.type);
  if (t.kind === 'base' || t.kind === 'enum') { const s = readScalar(v); return s.kind === 'int' ? s.value : s.kind === 'unavailable' ? s.reason : 'not an integer'; }
  if (t.kind === 'composite' && t.members.length >= 1 && depth < 6) return innerInt(memberValue(v, t.members[0]), depth + 1);
  return `not an integer: ${v.type.name}`;
}

function addrOf(p: Value): number | string {
  const s = readScalar(p);
  return s.kind === 'int' ? Number(BigInt.asUintN(p.ctx.addressSize * 8, s.value)) : s.kind === 'unavailable' ? s.reason : 'bad pointer';
}

/** The T of `Vec<T>` / `&[T]`: template parameter, else the data pointer's pointee. */
function elementType(v: Value, ptr: Value): Type {
  const t = composite(v);
  const tp = t?.templateParams.find((p) => p.name === 'T');
  if (tp) return tp.type;
  const pt = strip(ptr.type);
  return pt.kind === 'pointer' ? pt.target : ptr.type;
}

interface Seq { addr: number; len: number; elem: Type }

function seqSummary(v: Value, seq: Seq | string, o: FormatOptions, label: string): string {
  const F = fmt();
  if (typeof seq === 'string') return F.unavailable(seq);
  const items: string[] = [];
  const shown = Math.min(seq.len, 8);
  for (const c of kids().elementsAt(v, seq.elem, seq.addr, seq.len).get(0, shown)) items.push(F.formatValue(c.value, { ...o, depth: 0 }));
  return `${label}(${seq.len}) [${items.join(', ')}${seq.len > shown ? ', ...' : ''}]`;
}

function seqChildren(v: Value, seq: Seq | string, extra: ChildItem[]): ChildList {
  if (typeof seq === 'string') return kids().namedList(extra);
  const els = kids().elementsAt(v, seq.elem, seq.addr, seq.len);
  return {
    named: extra.length, indexed: seq.len,
    get(start, n) {
      const out: ChildItem[] = extra.slice(start, start + n);
      if (start + n > extra.length) out.push(...els.get(Math.max(0, start - extra.length), n - out.length));
      return out;
    },
  };
}

function strText(v: Value, addr: number, len: number, o: FormatOptions): string {
  const F = fmt();
  const cap = o.stringCap ?? 200;
  const m = v.ctx.readMemory(addr, Math.min(len, cap));
  if ('unreadable' in m) return F.unavailable(`string data: ${m.unreadable}`);
  return F.quoteString(m.bytes, len > cap);
}

/** `&str` and slices: { data_ptr, length }. */
function fatPointer(v: Value): Seq | string {
  const p = field(v, 'data_ptr');
  const len = innerInt(field(v, 'length'));
  const addr = addrOf(p);
  if (typeof len === 'string') return len;
  if (typeof addr === 'string') return addr;
  const pt = strip(p.type);
  return { addr, len: Number(len), elem: pt.kind === 'pointer' ? pt.target : p.type };
}

function vecSeq(v: Value): Seq | string {
  const len = innerInt(field(v, 'len'));
  const buf = field(v, 'buf');
  const ptr = firstPointer(buf);
  if (!ptr) return 'Vec buffer pointer not found';
  const addr = addrOf(ptr);
  if (typeof len === 'string') return len;
  if (typeof addr === 'string') return addr;
  if (len > 100_000_000n) return `implausible length ${len}`;
  return { addr, len: Number(len), elem: elementType(v, ptr) };
}

function capacity(v: Value): ChildItem[] {
  try {
    const buf = field(v, 'buf');
    const inner = hasMembers(buf.type, 'inner') ? field(buf, 'inner') : buf;
    return [{ name: 'capacity', value: field(inner, 'cap') }];
  } catch { return []; }
}

const STR: View = {
  id: 'Rust &str',
  match: (n, t) => /^&(mut )?str$/.test(n) && hasMembers(t, 'data_ptr', 'length'),
  summary(v, o) { const s = fatPointer(v); return typeof s === 'string' ? fmt().unavailable(s) : strText(v, s.addr, s.len, o); },
  children(v) { return kids().namedList([{ name: 'length', value: field(v, 'length') }]); },
};

const SLICE: View = {
  id: 'Rust slice',
  match: (n, t) => /^&(mut )?\[.*\]$/.test(n) && hasMembers(t, 'data_ptr', 'length'),
  summary(v, o) { return seqSummary(v, fatPointer(v), o, 'slice'); },
  children(v) { return seqChildren(v, fatPointer(v), [{ name: 'length', value: field(v, 'length') }]); },
};

const STRING: View = {
  id: 'Rust String',
  match: (n, t) => n === 'String' && hasMembers(t, 'vec'),
  summary(v, o) { const s = vecSeq(field(v, 'vec')); return typeof s === 'string' ? fmt().unavailable(s) : strText(v, s.addr, s.len, o); },
  children(v) { const vec = field(v, 'vec'); return kids().namedList([{ name: 'len', value: field(vec, 'len') }, ...capacity(vec)]); },
};

const VEC: View = {
  id: 'Rust Vec',
  match: (n, t) => /^Vec<.*>$/.test(n) && hasMembers(t, 'buf', 'len'),
  summary(v, o) { return seqSummary(v, vecSeq(v), o, 'vec'); },
  children(v) { return seqChildren(v, vecSeq(v), [{ name: 'len', value: field(v, 'len') }, ...capacity(v)]); },
};

/** Rc<T> → RcBox { strong, weak, value }; Arc<T> → ArcInner { strong, weak, data }. */
function rcInner(v: Value): Value {
  const p = firstPointer(v);
  if (!p) throw new Error('Rc/Arc pointer not found');
  return derefPointer(p);
}

const RC: View = {
  id: 'Rust Rc/Arc',
  match: (n, t) => /^(Rc|Arc)<.*>$/.test(n) && strip(t).kind === 'composite',
  summary(v, o) {
    const inner = rcInner(v);
    const val = hasMembers(inner.type, 'value') ? field(inner, 'value') : field(inner, 'data');
    const strong = innerInt(field(inner, 'strong'));
    const weak = innerInt(field(inner, 'weak'));
    return `(strong=${strong}, weak=${weak}) ${fmt().formatValue(val, { ...o, depth: 1 })}`;
  },
  children(v) {
    const inner = rcInner(v);
    const val = hasMembers(inner.type, 'value') ? field(inner, 'value') : field(inner, 'data');
    return kids().namedList([{ name: 'value', value: val }, { name: 'strong', value: field(inner, 'strong') }, { name: 'weak', value: field(inner, 'weak') }]);
  },
};

export const RUST_VIEWS: View[] = [STR, SLICE, STRING, VEC, RC];

/** Contents of a Rust Vec / slice / &str / String as (address, length, element type), for `v[i]`. */
export function rustSequence(v: Value): { addr: number; len: number; elem: Type } | string | undefined {
  const t = strip(v.type);
  if (t.kind !== 'composite') return undefined;
  if (STR.match(t.baseName, t) || SLICE.match(t.baseName, t)) return fatPointer(v);
  if (VEC.match(t.baseName, t)) return vecSeq(v);
  if (STRING.match(t.baseName, t)) return vecSeq(field(v, 'vec'));
  return undefined;
}
