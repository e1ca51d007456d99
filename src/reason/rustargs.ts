/**
 * A `core::fmt::Arguments` read from memory through its DWARF type and
 * written out the way `core::fmt::write` does: pieces, and each argument
 * through its formatter. Member names and offsets come from the DWARF, so
 * rustc 1.63 (`pieces`, `fmt: Option<&[rt::v1::Argument]>`,
 * `args: &[ArgumentV1 { value, formatter }]`) and later layouts
 * (`rt::Argument { ty: Placeholder { value, formatter } }`, `rt::Placeholder`)
 * both read.
 */
import { strip } from '../types/model';
import { Value, memberValue } from '../values/value';
import { ArgText, DEFAULT_SPEC, FmtEnv, Spec, formatArgument } from './rustfmt';
import { LIMITS, Unreadable, bigOf, elementAt, errText, findMember, hasMember, intOf, member, readSlice, readStr } from './read';

export interface ArgumentsText {
  text: string;
  /** Why the text is not exactly what the program wrote (`{?}` arguments, unreadable parts). */
  incomplete?: string[];
}

/** `Option<&[T]>` (niche: null data pointer = None) → the slice value, or undefined. */
function optionSlice(env: FmtEnv, v: Value, what: string): Value | undefined {
  const t = strip(v.type);
  if (t.kind === 'composite' && hasMember(t, 'data_ptr')) return v;
  if (t.kind !== 'composite' || !t.variantPart) throw new Unreadable(`${what}: ${v.type.name} is not an Option of a slice`);
  for (const variant of t.variantPart.variants) {
    for (const m of variant.members) {
      const inner = strip(m.type);
      if (inner.kind !== 'composite' || inner.baseName !== 'Some') continue;
      const payload = findMember(inner, '__0');
      if (!payload) continue;
      const sv = memberValue(memberValue(v, m), payload);
      return intOf(env, member(sv, 'data_ptr'), `${what} pointer`) === 0 ? undefined : sv;
    }
  }
  throw new Unreadable(`${what}: no Some variant in ${v.type.name}`);
}

/** Name of the active variant of a Rust enum value, and the variant's payload value. */
function activeVariant(env: FmtEnv, v: Value, what: string): { name: string; payload?: Value } {
  const t = strip(v.type);
  if (t.kind === 'enum') {
    const n = bigOf(env, v, what);
    const e = t.enumerators.find((x) => x.value === n);
    if (!e) throw new Unreadable(`${what}: value ${n} is not an enumerator of ${t.name}`);
    return { name: e.name };
  }
  if (t.kind !== 'composite' || !t.variantPart?.discriminant) throw new Unreadable(`${what}: ${v.type.name} is not an enum`);
  const d = bigOf(env, memberValue(v, t.variantPart.discriminant), `${what} discriminant`);
  const hit = t.variantPart.variants.find((x) => x.values.some((r) => d >= r.lo && d <= r.hi)) ?? t.variantPart.variants.find((x) => x.isDefault);
  const m = hit?.members[0];
  if (!m) throw new Unreadable(`${what}: discriminant ${d} selects no variant`);
  const inner = strip(m.type);
  return { name: inner.kind === 'composite' ? inner.baseName : m.name ?? '?', payload: memberValue(v, m) };
}

/** `rt::v1::Count` / `rt::Count`: Is(n) → n, Implied → undefined, Param → unsupported. */
function count(env: FmtEnv, v: Value, what: string): number | undefined | 'param' {
  const a = activeVariant(env, v, what);
  if (a.name === 'Implied') return undefined;
  if (a.name === 'Param') return 'param';
  if (a.name === 'Is' && a.payload) return intOf(env, member(a.payload, '__0'), `${what} value`);
  throw new Unreadable(`${what}: unknown Count variant ${a.name}`);
}

/** A placeholder's position and spec (rt::v1::Argument { position, format: FormatSpec } or rt::Placeholder { position, fill, ... }). */
function placeholder(env: FmtEnv, v: Value, i: number): { position: number; spec: Spec | string } {
  const position = intOf(env, member(v, 'position'), `placeholder ${i} position`);
  const f = hasMember(v.type, 'format') ? member(v, 'format') : v;
  if (!hasMember(f.type, 'fill') || !hasMember(f.type, 'flags')) return { position, spec: 'unknown placeholder layout' };
  const cp = intOf(env, member(f, 'fill'), 'fill');
  if (cp > 0x10ffff) throw new Unreadable(`placeholder ${i}: fill 0x${cp.toString(16)} is not a char`);
  const alignName = activeVariant(env, member(f, 'align'), `placeholder ${i} align`).name.toLowerCase();
  const align = (['left', 'right', 'center', 'unknown'].includes(alignName) ? alignName : 'unknown') as Spec['align'];
  const flags = intOf(env, member(f, 'flags'), `placeholder ${i} flags`);
  const width = count(env, member(f, 'width'), `placeholder ${i} width`);
  const precision = count(env, member(f, 'precision'), `placeholder ${i} precision`);
  if (width === 'param' || precision === 'param') return { position, spec: 'width or precision taken from an argument' };
  return { position, spec: { fill: String.fromCodePoint(cp), align, flags, width, precision } };
}

/** The formatter slot and object address of argument `i`. */
function argument(env: FmtEnv, v: Value, i: number): { slot: number; addr: number } {
  let a = v;
  if (!hasMember(a.type, 'formatter') && hasMember(a.type, 'ty')) {
    const act = activeVariant(env, member(a, 'ty'), `argument ${i}`);
    if (act.name !== 'Placeholder' || !act.payload) throw new Unreadable(`argument ${i} is a ${act.name}, not a placeholder`);
    a = act.payload;
  }
  return { slot: intOf(env, member(a, 'formatter'), `argument ${i} formatter`), addr: intOf(env, member(a, 'value'), `argument ${i} value`) };
}

function render(r: ArgText, why: string[]): string {
  if ('text' in r) return r.text;
  why.push(`an argument of type ${r.type}: ${r.why}`);
  return `{?: ${r.type}}`;
}

/** Write a fmt::Arguments value (the struct itself, in memory). */
export function writeArguments(env: FmtEnv, args: Value): ArgumentsText {
  const why: string[] = [];
  const state = { out: '' };
  try {
    writeInto(env, args, why, state);
  } catch (e) {
    if (!(e instanceof Unreadable)) throw e;
    why.push(errText(e));
    return { text: state.out ? `${state.out}…` : '', incomplete: why };
  }
  return { text: state.out, incomplete: why.length ? why : undefined };
}

function writeInto(env: FmtEnv, args: Value, why: string[], state: { out: string }): void {
  const pieces = readSlice(env, member(args, 'pieces'), 'pieces');
  const list = readSlice(env, member(args, 'args'), 'args');
  const fmtSlice = hasMember(args.type, 'fmt') ? optionSlice(env, member(args, 'fmt'), 'fmt') : undefined;
  const piece = (i: number) => readStr(env, elementAt(env, pieces, i), `piece ${i}`);
  const add = (s: string) => {
    state.out += s;
    if (state.out.length > LIMITS.messageChars) throw new Unreadable(`message longer than ${LIMITS.messageChars} characters`);
  };
  const run = (i: number, spec: Spec | string) => {
    if (i >= list.len) throw new Unreadable(`placeholder refers to argument ${i}, there are ${list.len}`);
    if (typeof spec === 'string') { why.push(`argument ${i}: ${spec}`); add('{?}'); return; }
    try {
      const a = argument(env, elementAt(env, list, i), i);
      add(render(formatArgument(env, a.slot, a.addr, spec), why));
    } catch (e) {
      if (!(e instanceof Unreadable)) throw e;
      why.push(`argument ${i}: ${errText(e)}`);
      add('{?}');
    }
  };
  let idx = 0;
  if (!fmtSlice) {
    for (; idx < list.len && idx < pieces.len; idx++) {
      add(piece(idx));
      run(idx, DEFAULT_SPEC);
    }
  } else {
    const specs = readSlice(env, fmtSlice, 'fmt');
    for (; idx < specs.len && idx < pieces.len; idx++) {
      add(piece(idx));
      const p = placeholder(env, elementAt(env, specs, idx), idx);
      run(p.position, p.spec);
    }
  }
  if (idx < pieces.len) add(piece(idx));
}
