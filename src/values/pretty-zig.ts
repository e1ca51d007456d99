/** Pretty views for Zig: slices (`[]T`, `[]const u8` as text) and tagged unions ({payload, tag}). */
import { Type, strip } from '../types/model';
import type { View } from './registry';
import { Value, memberValue, readScalar } from './value';
import { field, hasMembers, innerInt } from './pretty-rust';

const fmt = () => require('./format') as typeof import('./format');
const kids = () => require('./children') as typeof import('./children');

const SLICE_NAME = /^\[\](const )?(.*)$/;

export function zigSlice(v: Value): { addr: number; len: number; elem: Type } | string | undefined {
  const t = strip(v.type);
  if (t.kind !== 'composite' || !SLICE_NAME.test(t.baseName) || !hasMembers(t, 'ptr', 'len')) return undefined;
  const p = field(v, 'ptr');
  const s = readScalar(p);
  const len = innerInt(field(v, 'len'));
  if (s.kind !== 'int') return s.kind === 'unavailable' ? s.reason : 'bad pointer';
  if (typeof len === 'string') return len;
  const pt = strip(p.type);
  return { addr: Number(BigInt.asUintN(v.ctx.addressSize * 8, s.value)), len: Number(len), elem: pt.kind === 'pointer' ? pt.target : p.type };
}

const SLICE: View = {
  id: 'Zig slice',
  match: (n, t) => SLICE_NAME.test(n) && hasMembers(t, 'ptr', 'len'),
  summary(v, o) {
    const F = fmt();
    const s = zigSlice(v);
    if (s === undefined || typeof s === 'string') return F.unavailable(s ?? 'not a slice');
    const e = strip(s.elem);
    if (e.kind === 'base' && e.size === 1 && /^u8$/.test(e.name)) {
      const cap = o.stringCap ?? 200;
      const m = v.ctx.readMemory(s.addr, Math.min(s.len, cap));
      return 'unreadable' in m ? F.unavailable(m.unreadable) : F.quoteString(m.bytes, s.len > cap);
    }
    const items = kids().elementsAt(v, s.elem, s.addr, s.len).get(0, 8).map((c) => F.formatValue(c.value, { ...o, depth: 0 }));
    return `slice(${s.len}) [${items.join(', ')}${s.len > 8 ? ', ...' : ''}]`;
  },
  children(v) {
    const s = zigSlice(v);
    if (s === undefined || typeof s === 'string') return kids().namedList([]);
    const els = kids().elementsAt(v, s.elem, s.addr, s.len);
    return { named: 0, indexed: s.len, get: (a, n) => els.get(a, n) };
  },
};

/** Tagged union: `payload` (a union whose members are named like the tag's enumerators) and `tag`. */
function activePayload(v: Value): { name: string; value: Value | undefined } | string {
  const tag = field(v, 'tag');
  const tt = strip(tag.type);
  const s = readScalar(tag);
  if (s.kind !== 'int') return s.kind === 'unavailable' ? s.reason : 'bad tag';
  const name = tt.kind === 'enum' ? tt.enumerators.find((e) => e.value === s.value)?.name : undefined;
  if (name === undefined) return `tag value ${s.value} names no variant`;
  const payload = field(v, 'payload');
  const pt = strip(payload.type);
  const m = pt.kind === 'composite' ? pt.members.find((x) => x.name === name) : undefined;
  return { name, value: m ? memberValue(payload, m) : undefined };
}

const TAGGED: View = {
  id: 'Zig tagged union',
  match: (n, t) => {
    const s = strip(t);
    const tag = s.kind === 'composite' ? s.members.find((m) => m.name === 'tag') : undefined;
    return tag !== undefined && hasMembers(t, 'payload') && strip(tag.type).kind === 'enum';
  },
  summary(v, o) {
    const a = activePayload(v);
    if (typeof a === 'string') return fmt().unavailable(a);
    return a.value ? `${a.name}(${fmt().formatValue(a.value, { ...o, depth: 1 })})` : a.name;
  },
  children(v) {
    const a = activePayload(v);
    if (typeof a === 'string' || !a.value) return kids().namedList([]);
    return kids().namedList([{ name: a.name, value: a.value, expr: (p) => `${p}.payload.${a.name}` }]);
  },
};

export const ZIG_VIEWS: View[] = [SLICE, TAGGED];
