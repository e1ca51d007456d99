/**
 * Formatter registry: pretty views for library types, keyed by type name.
 * Every view keeps the raw structure reachable (`[raw]` child).
 */
import { Type, strip } from '../types/model';
import type { FormatOptions } from './format';
import type { Value } from './value';
import { RUST_VIEWS } from './pretty-rust';
import { CXX_VIEWS } from './pretty-cxx';
import { ZIG_VIEWS } from './pretty-zig';

export interface ChildItem {
  name: string;
  value: Value;
  /** Expression for this child given the parent's expression. */
  expr?: (parent: string) => string;
  /** Show this child without pretty views. */
  raw?: boolean;
}

export interface ChildList {
  named: number;
  indexed: number;
  /** Children [start, start+count). Named children come first. */
  get(start: number, count: number): ChildItem[];
}

export interface View {
  /** Human-readable name of the view ('Rust Vec', 'libc++ std::string'). */
  readonly id: string;
  /** Does this view apply to a type with this (typedef-stripped) name? */
  match(name: string, t: Type): boolean;
  summary(v: Value, o: FormatOptions): string;
  /** Children of the view (without the `[raw]` entry, added by the caller). */
  children?(v: Value): ChildList;
}

let views: View[] | undefined;
const extra: View[] = [];

/** Add a view (checked before the built-in ones). */
export function registerView(v: View): void { extra.push(v); }

export function findView(t: Type): View | undefined {
  views ??= [...RUST_VIEWS, ...CXX_VIEWS, ...ZIG_VIEWS];
  const s = strip(t);
  if (s.kind !== 'composite' && s.kind !== 'pointer') return undefined;
  const name = s.kind === 'composite' ? s.baseName : s.name;
  for (const v of extra) if (v.match(name, s)) return v;
  for (const v of views) if (v.match(name, s)) return v;
  return undefined;
}
