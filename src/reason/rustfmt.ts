/**
 * One `fmt::Arguments` argument as the program would have written it: the
 * formatter is a function-table slot; its name says the trait (Display,
 * Debug, LowerHex...) and its DWARF `self` parameter the type. Only
 * formatters whose output we can reproduce exactly are run; any other
 * argument is `{?}` with its type, never guessed.
 */
import * as C from '../dwarf/constants';
import type { Die } from '../dwarf/die';
import { TypeBuilder } from '../types/build';
import { Type, strip } from '../types/model';
import { valueAt } from '../values/value';
import type { WasmModule } from '../wasm/module';
import { escapeDebug, floatDebug, floatDisplay } from './rustnum';
import { LIMITS, ReadCtx, Unreadable, bytesAt, hasMember, innerPointer, intOf, member, readStr, strAt, u32At } from './read';

export interface FmtEnv extends ReadCtx {
  module: WasmModule;
  /** Table slot → function index. */
  table: Map<number, number>;
  /** Demangled name of a function, without the legacy hash. */
  functionName(funcIndex: number): string | undefined;
  /** DWARF subprogram of a function (for its `self` type). */
  subprogram(funcIndex: number): Die | undefined;
  types: TypeBuilder;
}

/** Format flags and sizes of one placeholder (defaults: `{}`). */
export interface Spec {
  fill: string;
  align: 'left' | 'right' | 'center' | 'unknown';
  flags: number;
  width?: number;
  precision?: number;
}
export const DEFAULT_SPEC: Spec = { fill: ' ', align: 'unknown', flags: 0 };

/** An argument's text, or why it is not reproduced (`type` for the `{?}` shown instead). */
export type ArgText = { text: string } | { type: string; why: string };

type Trait = 'Display' | 'Debug' | 'LowerHex' | 'UpperHex' | 'Octal' | 'Binary';
const TRAITS = new Set(['Display', 'Debug', 'LowerHex', 'UpperHex', 'Octal', 'Binary']);

/** `<X as core::fmt::T>::fmt` / `...<impl core::fmt::T for X>::fmt` → trait and self type name. */
export function formatterTrait(name: string): { trait: string; self: string } | undefined {
  const n = name.replace(/::h[0-9a-f]{16}$/, '');
  let m = /^<(.+) as core::fmt::(\w+)>::fmt$/.exec(n);
  if (m) return { trait: m[2], self: m[1] };
  m = /<impl core::fmt::(\w+) for (.+)>::fmt$/.exec(n);
  if (m) return { trait: m[1], self: m[2] };
  return undefined;
}

/** Primitive types by name, for formatters without DWARF (std built without debug info). */
const PRIM: Record<string, { size: number; enc: 'signed' | 'unsigned' | 'float' | 'bool' | 'utf' }> = {
  u8: { size: 1, enc: 'unsigned' }, u16: { size: 2, enc: 'unsigned' }, u32: { size: 4, enc: 'unsigned' }, u64: { size: 8, enc: 'unsigned' }, u128: { size: 16, enc: 'unsigned' }, usize: { size: 4, enc: 'unsigned' },
  i8: { size: 1, enc: 'signed' }, i16: { size: 2, enc: 'signed' }, i32: { size: 4, enc: 'signed' }, i64: { size: 8, enc: 'signed' }, i128: { size: 16, enc: 'signed' }, isize: { size: 4, enc: 'signed' },
  f32: { size: 4, enc: 'float' }, f64: { size: 8, enc: 'float' }, bool: { size: 1, enc: 'bool' }, char: { size: 4, enc: 'utf' },
};

/** The `Self` type of a formatter: its first parameter is `&Self`. */
function selfType(env: FmtEnv, fi: number, selfName: string): Type | undefined {
  const sub = env.subprogram(fi);
  if (sub) {
    const p = sub.children.find((d) => d.tag === C.DW_TAG_formal_parameter);
    if (p) {
      const t = strip(env.types.typeOf(p.has(C.DW_AT_type) ? p : p.origin()));
      if (t.kind === 'pointer') return t.target;
    }
  }
  const prim = PRIM[selfName];
  if (prim) return { kind: 'base', name: selfName, size: prim.size === 4 && /size$/.test(selfName) ? env.vctx.addressSize : prim.size, encoding: prim.enc };
  return undefined;
}

/** Run the formatter in table slot `slot` on the object at `addr`. */
export function formatArgument(env: FmtEnv, slot: number, addr: number, spec: Spec = DEFAULT_SPEC, depth = 0): ArgText {
  if (depth > LIMITS.depth) throw new Unreadable(`formatters nest more than ${LIMITS.depth} deep (cyclic data?)`);
  const fi = env.table.get(slot);
  if (fi === undefined) throw new Unreadable(`formatter table slot ${slot} holds no function`);
  const name = env.functionName(fi);
  if (!name) return { type: '<unknown>', why: `formatter func[${fi}] has no name` };
  const ft = formatterTrait(name);
  if (!ft || !TRAITS.has(ft.trait)) return { type: '<unknown>', why: `formatter ${name} is not a core::fmt trait method` };
  const self = selfType(env, fi, ft.self);
  if (!self) return { type: ft.self, why: `type of ${name}'s self is unknown` };
  return formatTyped(env, ft.trait as Trait, self, addr, spec, depth);
}

function unformatted(t: Type, why: string): ArgText { return { type: t.name, why }; }

function formatTyped(env: FmtEnv, trait: Trait, self: Type, addr: number, spec: Spec, depth: number): ArgText {
  if (depth > LIMITS.depth) throw new Unreadable(`references nest more than ${LIMITS.depth} deep (cyclic type or data?)`);
  const t = strip(self);
  const textual = trait === 'Display' || trait === 'Debug';
  // &T, &mut T: Display/Debug delegate to T
  if (t.kind === 'pointer' && textual) {
    return formatTyped(env, trait, t.target, u32At(env, addr, `pointer ${t.name}`), spec, depth + 1);
  }
  if (t.kind === 'composite' && textual) {
    // &dyn Display / &dyn Debug: the vtable's method (after drop, size, align)
    if (hasMember(t, 'pointer') && hasMember(t, 'vtable') && /\bdyn core::fmt::(Display|Debug)\b/.test(t.name)) {
      const obj = valueAt(self, addr, env.vctx);
      const data = intOf(env, member(obj, 'pointer'), `${t.name} data pointer`);
      const vt = intOf(env, member(obj, 'vtable'), `${t.name} vtable`);
      const slot = u32At(env, vt + 3 * env.vctx.addressSize, `${t.name} vtable method`);
      return formatArgument(env, slot, data, spec, depth + 1);
    }
    const s = stringOf(env, t, addr);
    if (s !== undefined) return trait === 'Display' ? pad(s, spec, 'left', t) : debugStr(s, spec, t);
    return unformatted(self, `${trait} of ${t.name} is not reproduced`);
  }
  if (t.kind !== 'base') return unformatted(self, `${trait} of ${t.name} is not reproduced`);
  const size = t.size;
  const b = bytesAt(env, addr, size, `${t.name} value`);
  if (t.encoding === 'float') {
    if (trait !== 'Display' && trait !== 'Debug') return unformatted(self, `${trait} of a float`);
    if (spec.flags || spec.precision !== undefined || spec.width !== undefined) return unformatted(self, 'float with format options');
    const dv = new DataView(b.buffer, b.byteOffset, b.length);
    const x = size === 4 ? dv.getFloat32(0, true) : size === 8 ? dv.getFloat64(0, true) : undefined;
    if (x === undefined) return unformatted(self, `${size}-byte float`);
    return { text: trait === 'Display' ? floatDisplay(x, size === 4) : floatDebug(x, size === 4) };
  }
  if (t.encoding === 'bool' || t.name === 'bool') {
    if (!textual) return unformatted(self, `${trait} of bool`);
    if (b[0] > 1) throw new Unreadable(`bool with value ${b[0]}`);
    return trait === 'Display' ? pad(b[0] ? 'true' : 'false', spec, 'left', t) : plainOnly(b[0] ? 'true' : 'false', spec, t);
  }
  if (t.name === 'char') {
    if (!textual) return unformatted(self, `${trait} of char`);
    const cp = (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0;
    if (cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) throw new Unreadable(`char with value 0x${cp.toString(16)}`);
    const ch = String.fromCodePoint(cp);
    if (trait === 'Display') return pad(ch, spec, 'left', t);
    const e = escapeDebug(ch, '\'');
    return e === undefined ? unformatted(self, 'Debug of a non-ASCII char') : plainOnly(`'${e}'`, spec, t);
  }
  if (t.encoding === 'signed' || t.encoding === 'unsigned' || t.encoding === 'signed-char' || t.encoding === 'unsigned-char') {
    let v = 0n;
    for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
    const signed = t.encoding === 'signed' || t.encoding === 'signed-char';
    if (signed) v = BigInt.asIntN(b.length * 8, v);
    if (spec.flags || spec.precision !== undefined) return unformatted(self, 'integer with format flags');
    const bits = BigInt(b.length * 8);
    const u = BigInt.asUintN(Number(bits), v);
    const text = trait === 'Display' || trait === 'Debug' ? v.toString()
      : trait === 'LowerHex' ? u.toString(16) : trait === 'UpperHex' ? u.toString(16).toUpperCase()
        : trait === 'Octal' ? u.toString(8) : u.toString(2);
    return pad(text, spec, 'right', t);
  }
  return unformatted(self, `${trait} of ${t.name} is not reproduced`);
}

/** Text of `&str` and `String` objects at `addr`; undefined for other types. */
function stringOf(env: FmtEnv, t: Type, addr: number): string | undefined {
  const s = strip(t);
  if (s.kind !== 'composite') return undefined;
  if (s.name === '&str' || s.name === '&mut str') return readStr(env, valueAt(t, addr, env.vctx), t.name);
  if (/^(alloc::string::)?String$/.test(s.name) && hasMember(s, 'vec')) {
    const vec = member(valueAt(t, addr, env.vctx), 'vec');
    const ptr = innerPointer(member(vec, 'buf'));
    if (!ptr) throw new Unreadable('String buffer pointer not found in the DWARF');
    const p = intOf(env, ptr, 'String pointer');
    const len = intOf(env, member(vec, 'len'), 'String length');
    return strAt(env, p, len, 'String');
  }
  return undefined;
}

function debugStr(s: string, spec: Spec, t: Type): ArgText {
  const e = escapeDebug(s, '"');
  if (e === undefined) return unformatted(t, 'Debug of a string with non-ASCII characters (needs Unicode tables)');
  return plainOnly(`"${e}"`, spec, t);
}

/** Output that Rust writes without padding: any option makes it unreproduced. */
function plainOnly(text: string, spec: Spec, t: Type): ArgText {
  if (spec.flags || spec.width !== undefined || spec.precision !== undefined) return unformatted(t, 'format options');
  return { text };
}

/** core::fmt::Formatter::pad / pad_integral with fill, alignment and width (no flags). */
function pad(text: string, spec: Spec, defaultAlign: 'left' | 'right', t: Type): ArgText {
  if (spec.flags) return unformatted(t, 'format flags');
  let s = text;
  if (spec.precision !== undefined) {
    if (defaultAlign === 'right') return unformatted(t, 'precision on an integer');
    s = [...s].slice(0, spec.precision).join('');
  }
  const n = [...s].length;
  if (spec.width === undefined || n >= spec.width) return { text: s };
  const padN = spec.width - n;
  const align = spec.align === 'unknown' ? defaultAlign : spec.align;
  const pre = align === 'left' ? 0 : align === 'right' ? padN : Math.floor(padN / 2);
  return { text: spec.fill.repeat(pre) + s + spec.fill.repeat(padN - pre) };
}
