/** The UI-facing variable: name, one-line value, type, lazy paged children. */
import { strip } from '../types/model';
import { childrenOf } from './children';
import { FormatOptions, formatValue } from './format';
import { Value, addressOf } from './value';

export interface MemoryRef { memoryIndex: number; addr: number; size: number }

export interface Variable {
  name: string;
  /** One-line value (`<unavailable: reason>` when unknown). */
  value: string;
  /** Type name as in the source language ('' for synthetic groups). */
  type: string;
  /** Expression that evaluates to this variable in the same frame (absent when none can be written). */
  evaluateName?: string;
  /** Where the object lives in linear memory, when it does. */
  memory?: MemoryRef;
  hasChildren: boolean;
  namedCount?: number;
  indexedCount?: number;
  /** Children [start, start+count) (all when omitted). Named children come first, then indexed ones. */
  children(start?: number, count?: number): Variable[];
}

const MAX_PAGE = 100_000;

export function toVariable(name: string, v: Value, evaluateName: string | undefined, o: FormatOptions = {}, raw = false): Variable {
  let kids: ReturnType<typeof childrenOf> | undefined;
  const list = () => (kids ??= childrenOf(v, raw));
  const addr = addressOf(v);
  const size = strip(v.type).size;
  let value: string | undefined;
  const out: Variable = {
    name,
    get value() { return (value ??= formatValue(v, { ...o, raw })); },
    type: v.type.name,
    evaluateName,
    memory: addr !== undefined && size !== undefined ? { memoryIndex: v.ctx.memoryIndex, addr, size } : undefined,
    get hasChildren() { const l = list(); return l.named + l.indexed > 0; },
    get namedCount() { const l = list(); return l.named || undefined; },
    get indexedCount() { const l = list(); return l.indexed || undefined; },
    children(start = 0, count?: number) {
      const l = list();
      const n = Math.min(count ?? l.named + l.indexed - start, MAX_PAGE);
      return l.get(start, n).map((c) => toVariable(c.name, c.value, c.expr && evaluateName !== undefined ? c.expr(wrap(evaluateName)) : undefined, o, c.raw ?? false));
    },
  };
  return out;
}

/** Parenthesise a parent expression when needed before appending `.x`, `[i]`, or prefixing `*`. */
function wrap(e: string): string {
  return /^[A-Za-z_$][\w$]*(\.[\w$]+|\[\d+\]|->[\w$]+)*$/.test(e) ? e : `(${e})`;
}

/** A synthetic group (e.g. a scope's variable list or raw Wasm state). */
export function groupVariable(name: string, value: string, items: () => Variable[]): Variable {
  let cache: Variable[] | undefined;
  const get = () => (cache ??= items());
  return {
    name, value, type: '',
    get hasChildren() { return get().length > 0; },
    get namedCount() { return get().length; },
    children(start = 0, count?: number) { return get().slice(start, count === undefined ? undefined : start + count); },
  };
}
