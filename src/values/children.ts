/** Lazy children of a value: members, elements (paged), pointees, pretty-view items. */
import { ArrayType, CompositeType, Member, Type, strip } from '../types/model';
import { Value, derefPointer, memberValue, readScalar, subValue, valueAt } from './value';
import { subArrayType } from './format';
import { ChildItem, ChildList, findView } from './registry';
import { activeVariant } from './variants';

const EMPTY: ChildList = { named: 0, indexed: 0, get: () => [] };

export function namedList(items: ChildItem[]): ChildList {
  return { named: items.length, indexed: 0, get: (s, c) => items.slice(s, s + c) };
}

/** `count` elements of `elem` starting at memory address `addr` (pointer/Vec/slice contents). */
export function elementsAt(v: Value, elem: Type, addr: number, count: number, expr?: (parent: string, i: number) => string): ChildList {
  const es = strip(elem).size ?? 0;
  return {
    named: 0, indexed: count,
    get(start, n) {
      const out: ChildItem[] = [];
      for (let i = start; i < Math.min(count, start + n); i++) {
        out.push({ name: `[${i}]`, value: valueAt(elem, addr + i * es, v.ctx), expr: expr ? (p) => expr(p, i) : (p) => `${p}[${i}]` });
      }
      return out;
    },
  };
}

function arrayChildren(v: Value, t: ArrayType): ChildList {
  const count = t.counts[0];
  if (count === undefined) return EMPTY;
  const elem = subArrayType(t);
  const es = strip(elem).size ?? 0;
  return {
    named: 0, indexed: count,
    get(start, n) {
      const out: ChildItem[] = [];
      for (let i = start; i < Math.min(count, start + n); i++) out.push({ name: `[${i}]`, value: subValue(v, elem, i * es), expr: (p) => `${p}[${i}]` });
      return out;
    },
  };
}

export function memberItems(v: Value, members: readonly Member[]): ChildItem[] {
  return members.map((m) => {
    const name = m.isBase ? `[base ${m.type.name}]` : m.name ?? `<anonymous ${strip(m.type).kind === 'composite' ? (strip(m.type) as CompositeType).tag : 'member'}>`;
    const expr = m.isBase ? (p: string) => `(${m.type.name})${p}` : m.name ? (p: string) => `${p}.${m.name}` : undefined;
    return { name, value: memberValue(v, m), expr };
  });
}

function compositeChildren(v: Value, t: CompositeType): ChildList {
  const items = memberItems(v, t.members);
  if (t.variantPart) {
    const av = activeVariant(v, t);
    if (!('unavailable' in av)) {
      const vt = strip(av.value.type);
      if (vt.kind === 'composite') items.push(...memberItems(av.value, vt.members)); // `opt.__0`: the evaluator looks into the active variant
    }
  }
  return namedList(items);
}

function pointerChildren(v: Value, parentIsRef: boolean): ChildList {
  const t = strip(v.type);
  if (t.kind !== 'pointer') return EMPTY;
  const target = strip(t.target);
  if (target.kind === 'void' || target.kind === 'function' || target.kind === 'unknown' || (target.kind === 'composite' && target.incomplete)) return EMPTY;
  const s = readScalar(v);
  if (s.kind !== 'int' || s.value === 0n) return EMPTY;
  const pointee = derefPointer(v);
  if (parentIsRef) return childrenOf(pointee);
  return namedList([{ name: '*', value: pointee, expr: (p) => `*${p}` }]);
}

/** Children of a value (empty list when it has none). */
export function childrenOf(v: Value, raw = false): ChildList {
  if (v.loc.kind === 'unavailable' || v.loc.kind === 'implicit-pointer') return EMPTY;
  if (!raw) {
    const view = findView(v.type);
    if (view) {
      let inner: ChildList;
      try { inner = view.children?.(v) ?? EMPTY; } catch { inner = EMPTY; } // the raw structure stays reachable
      const rawItem: ChildItem = { name: '[raw]', value: v, raw: true };
      return {
        named: inner.named + 1, indexed: inner.indexed,
        get(start, n) {
          const out = inner.get(start, n);
          if (start + n > inner.named + inner.indexed && out.length < n) out.push(rawItem);
          return out;
        },
      };
    }
  }
  const t = strip(v.type);
  switch (t.kind) {
    case 'pointer': return pointerChildren(v, t.ref !== 'pointer');
    case 'array': return arrayChildren(v, t);
    case 'composite': return t.incomplete ? EMPTY : compositeChildren(v, t);
    default: return EMPTY;
  }
}

export function hasChildren(v: Value, raw = false): boolean {
  const c = childrenOf(v, raw);
  return c.named + c.indexed > 0;
}
