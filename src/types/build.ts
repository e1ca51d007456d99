/**
 * Types from DIEs, built lazily and cached by DIE. Referenced types
 * (pointee, element, members) are resolved on first access.
 */
import * as C from '../dwarf/constants';
import type { Die } from '../dwarf/die';
import { evaluateNumber } from '../dwarf/expr';
import { scopeNames } from '../symbols/names';
import {
  ArrayType, BaseEncoding, CompositeType, EnumType, FunctionType, Member, Type, Variant, VariantPart, VOID,
  arrayName, pointerName, strip, unknownType,
} from './model';

const MAX_MEMBERS = 100_000;

export type SourceLanguage = 'c' | 'c++' | 'rust' | 'zig' | 'other';

export function languageOf(die: Die): SourceLanguage {
  const l = die.unit.language;
  if (l === C.DW_LANG_Rust) return 'rust';
  if (l === C.DW_LANG_C89 || l === C.DW_LANG_C || l === C.DW_LANG_C99 || l === C.DW_LANG_C11 || l === 0x2c /* C17 */) return 'c';
  if (l === C.DW_LANG_C_plus_plus || l === C.DW_LANG_C_plus_plus_03 || l === C.DW_LANG_C_plus_plus_11 || l === 0x21 || l === 0x2b || l === 0x2a) return 'c++';
  if (l === 0x27 /* DW_LANG_Zig (DWARF 6 draft) */) return 'zig';
  return 'other';
}

function encodingOf(e: number | undefined): BaseEncoding {
  switch (e) {
    case C.DW_ATE_signed: return 'signed';
    case C.DW_ATE_unsigned: return 'unsigned';
    case C.DW_ATE_signed_char: return 'signed-char';
    case C.DW_ATE_unsigned_char: return 'unsigned-char';
    case C.DW_ATE_boolean: return 'bool';
    case C.DW_ATE_float: return 'float';
    case C.DW_ATE_complex_float: return 'complex-float';
    case C.DW_ATE_UTF: return 'utf';
    case C.DW_ATE_address: return 'address';
    default: return 'other';
  }
}

/** Evaluate a DW_AT_data_member_location / bound given as an expression with a 0 pushed (DWARF 2 style). */
function constExpr(bytes: Uint8Array, addressSize: number, initial?: number): number | undefined {
  const prefix = initial === undefined ? new Uint8Array(0) : new Uint8Array([0x30]); // DW_OP_lit0
  const all = new Uint8Array(prefix.length + bytes.length);
  all.set(prefix); all.set(bytes, prefix.length);
  const v = evaluateNumber(all, {
    addressSize, local: () => undefined, global: () => undefined, operand: () => undefined,
    readMemory: () => ({ unreadable: 'no memory while reading types' }),
  });
  return typeof v === 'number' ? v : undefined;
}

export class TypeBuilder {
  private readonly cache = new Map<Die, Type>();
  private naming = new Set<Die>();

  /** The type a DIE's DW_AT_type refers to (void when absent). */
  typeOf(die: Die): Type {
    const v = die.attr(C.DW_AT_type);
    if (!v) return VOID;
    const t = die.unit.resolveRef(v);
    return t ? this.fromDie(t) : unknownType(`type reference of ${die} cannot be resolved`);
  }

  fromDie(die: Die): Type {
    const hit = this.cache.get(die);
    if (hit) return hit;
    let t: Type;
    try {
      t = this.build(die);
    } catch (e) {
      t = unknownType(`${die}: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.cache.set(die, t);
    return t;
  }

  private lazyName(die: Die, compute: () => string): () => string {
    let memo: string | undefined;
    return () => {
      if (memo !== undefined) return memo;
      if (this.naming.has(die)) return '<recursive type>';
      this.naming.add(die);
      try { memo = compute(); } finally { this.naming.delete(die); }
      return memo;
    };
  }

  private build(die: Die): Type {
    const self = this;
    const addressSize = die.unit.addressSize;
    const size = die.udata(C.DW_AT_byte_size);
    const dieOffset = die.offset;
    switch (die.tag) {
      case C.DW_TAG_base_type:
        return { kind: 'base', name: die.name ?? '<base type>', size: size ?? 0, encoding: encodingOf(die.udata(C.DW_AT_encoding)), dieOffset };
      case C.DW_TAG_unspecified_type:
        return { kind: 'base', name: die.name ?? 'void', size: size ?? addressSize, encoding: 'other', dieOffset };
      case C.DW_TAG_pointer_type: case C.DW_TAG_reference_type: case C.DW_TAG_rvalue_reference_type: {
        const ref = die.tag === C.DW_TAG_pointer_type ? 'pointer' : die.tag === C.DW_TAG_reference_type ? 'lvalue' : 'rvalue';
        const name = this.lazyName(die, () => die.name ?? pointerName(self.typeOf(die), ref === 'pointer' ? '*' : ref === 'lvalue' ? '&' : '&&'));
        return { kind: 'pointer', ref, size: size ?? addressSize, dieOffset, get target() { return self.typeOf(die); }, get name() { return name(); } };
      }
      case C.DW_TAG_typedef: case C.DW_TAG_template_alias:
        return { kind: 'typedef', name: languageOf(die) === 'c++' ? qualified(die, die.name ?? '<typedef>') : die.name ?? '<typedef>', dieOffset, get target() { return self.typeOf(die); }, get size() { return self.typeOf(die).size; } };
      case C.DW_TAG_const_type: case C.DW_TAG_volatile_type: case C.DW_TAG_restrict_type: case C.DW_TAG_atomic_type: {
        const qualifier = die.tag === C.DW_TAG_const_type ? 'const' : die.tag === C.DW_TAG_volatile_type ? 'volatile' : die.tag === C.DW_TAG_restrict_type ? 'restrict' : 'atomic';
        const name = this.lazyName(die, () => {
          const t = self.typeOf(die);
          if (t.kind === 'pointer') return `${t.name} ${qualifier}`;
          return `${qualifier === 'atomic' ? '_Atomic' : qualifier} ${t.name}`;
        });
        return { kind: 'qualified', qualifier, dieOffset, get target() { return self.typeOf(die); }, get size() { return self.typeOf(die).size; }, get name() { return name(); } };
      }
      case C.DW_TAG_structure_type: case C.DW_TAG_class_type: case C.DW_TAG_union_type: case C.DW_TAG_interface_type:
        return this.composite(die);
      case C.DW_TAG_array_type: return this.array(die);
      case C.DW_TAG_enumeration_type: return this.enumeration(die);
      case C.DW_TAG_subroutine_type: case C.DW_TAG_subprogram: {
        let params: Type[] | undefined;
        const variadic = die.children.some((c) => c.tag === C.DW_TAG_unspecified_parameters);
        const t: FunctionType = {
          kind: 'function', size: undefined, dieOffset, variadic,
          get returns() { return self.typeOf(die); },
          get params() { return (params ??= die.children.filter((c) => c.tag === C.DW_TAG_formal_parameter).map((c) => self.typeOf(c))); },
          get name() { return `${t.returns.name} (${t.params.map((p) => p.name).join(', ')}${variadic ? ', ...' : ''})`; },
        };
        return t;
      }
      case C.DW_TAG_ptr_to_member_type: {
        const name = this.lazyName(die, () => {
          const target = self.typeOf(die);
          const cont = die.ref(C.DW_AT_containing_type);
          const cname = cont ? self.fromDie(cont).name : '?';
          return target.kind === 'function' ? `${target.returns.name} (${cname}::*)(${target.params.map((p) => p.name).join(', ')})` : `${target.name} ${cname}::*`;
        });
        return {
          kind: 'member-pointer', dieOffset,
          get target() { return self.typeOf(die); },
          get containing() { const c = die.ref(C.DW_AT_containing_type); return c ? self.fromDie(c) : undefined; },
          get size() { return size ?? (strip(self.typeOf(die)).kind === 'function' ? 2 * addressSize : addressSize); },
          get name() { return name(); },
        };
      }
      default:
        return unknownType(`unsupported type DIE ${C.tagName(die.tag)}`, die.name ?? `<${C.tagName(die.tag)}>`);
    }
  }

  private composite(die: Die): CompositeType {
    const self = this;
    const tag = die.tag === C.DW_TAG_union_type ? 'union' : die.tag === C.DW_TAG_class_type ? 'class' : 'struct';
    const lang = languageOf(die);
    const baseName = die.name ?? '';
    const shown = baseName === '' ? `(anonymous ${tag})` : lang === 'c' ? `${tag} ${baseName}` : lang === 'c++' ? qualified(die, baseName) : baseName;
    let members: Member[] | undefined;
    let variantPart: VariantPart | undefined | null;
    let tparams: Array<{ name: string; type: Type }> | undefined;
    return {
      kind: 'composite', tag, baseName, name: shown, size: die.udata(C.DW_AT_byte_size), dieOffset: die.offset,
      incomplete: die.flag(C.DW_AT_declaration) && !die.has(C.DW_AT_byte_size),
      get members() { return (members ??= self.members(die.children)); },
      get variantPart() {
        if (variantPart === undefined) {
          const vp = die.children.find((c) => c.tag === C.DW_TAG_variant_part);
          variantPart = vp ? self.variantPart(vp) : null;
        }
        return variantPart ?? undefined;
      },
      get templateParams() {
        return (tparams ??= die.children.filter((c) => c.tag === C.DW_TAG_template_type_parameter)
          .map((c) => ({ name: c.name ?? '', type: self.typeOf(c) })));
      },
    };
  }

  private members(children: Die[]): Member[] {
    const out: Member[] = [];
    for (const c of children) {
      if (out.length >= MAX_MEMBERS) break;
      if (c.tag === C.DW_TAG_inheritance) {
        out.push({ name: undefined, type: this.typeOf(c), byteOffset: this.memberOffset(c), isBase: true });
        continue;
      }
      if (c.tag !== C.DW_TAG_member) continue;
      // C++ static data members (DWARF 4: DW_TAG_member with DW_AT_external/declaration and no location)
      if ((c.flag(C.DW_AT_external) || c.flag(C.DW_AT_declaration)) && !c.has(C.DW_AT_data_member_location) && !c.has(C.DW_AT_data_bit_offset)) continue;
      out.push(this.member(c));
    }
    return out;
  }

  member(c: Die): Member {
    const type = this.typeOf(c);
    const bitSize = c.udata(C.DW_AT_bit_size);
    const artificial = c.flag(C.DW_AT_artificial) || undefined;
    const name = c.name;
    if (bitSize === undefined) return { name, type, byteOffset: this.memberOffset(c), artificial };
    const dbo = c.udata(C.DW_AT_data_bit_offset);
    if (dbo !== undefined) return { name, type, byteOffset: Math.floor(dbo / 8), bitSize, bitOffset: dbo, artificial };
    // DWARF 2-4: DW_AT_bit_offset counts from the most significant bit of the storage unit of DW_AT_byte_size.
    const storage = c.udata(C.DW_AT_byte_size) ?? type.size ?? 4;
    const byteOffset = this.memberOffset(c) ?? 0;
    const bo = c.sdata(C.DW_AT_bit_offset) ?? 0;
    const bitOffset = byteOffset * 8 + storage * 8 - bo - bitSize;
    return { name, type, byteOffset: Math.floor(bitOffset / 8), bitSize, bitOffset, artificial };
  }

  private memberOffset(c: Die): number | undefined {
    const v = c.attr(C.DW_AT_data_member_location);
    if (!v) return c.tag === C.DW_TAG_member || c.tag === C.DW_TAG_inheritance ? 0 : undefined; // union members
    if (v.kind === 'const') return Number(v.value);
    if (v.kind === 'exprloc' || v.kind === 'block') return constExpr(v.bytes, c.unit.addressSize, 0);
    return undefined;
  }

  private variantPart(vp: Die): VariantPart {
    const discrDie = vp.ref(C.DW_AT_discr);
    const discriminant = discrDie ? this.member(discrDie) : undefined;
    const variants: Variant[] = [];
    for (const v of vp.children) {
      if (v.tag !== C.DW_TAG_variant) continue;
      const values: Array<{ lo: bigint; hi: bigint }> = [];
      const dv = v.attr(C.DW_AT_discr_value);
      if (dv?.kind === 'const') values.push({ lo: dv.value, hi: dv.value });
      const list = v.attr(C.DW_AT_discr_list);
      if (list && (list.kind === 'block' || list.kind === 'exprloc')) values.push(...parseDiscrList(list.bytes));
      variants.push({ values, isDefault: !dv && !list, members: this.members(v.children) });
    }
    return { discriminant, variants };
  }

  private array(die: Die): ArrayType {
    const self = this;
    const counts: Array<number | undefined> = [];
    const lang = languageOf(die);
    for (const s of die.children) {
      if (s.tag !== C.DW_TAG_subrange_type && s.tag !== C.DW_TAG_enumeration_type) continue;
      if (s.tag === C.DW_TAG_enumeration_type) { counts.push(s.children.length); continue; }
      const count = s.udata(C.DW_AT_count);
      if (count !== undefined) { counts.push(count); continue; }
      const ub = s.attr(C.DW_AT_upper_bound);
      if (ub?.kind === 'const') {
        const lower = s.sdata(C.DW_AT_lower_bound) ?? (lang === 'other' ? 0 : 0);
        const upper = ub.signed || ub.size === 0 ? Number(ub.value) : Number(BigInt.asIntN(ub.size * 8, ub.value));
        counts.push(upper < lower ? 0 : upper - lower + 1);
      } else counts.push(undefined);
    }
    if (counts.length === 0) counts.push(undefined);
    const byteSize = die.udata(C.DW_AT_byte_size);
    const name = this.lazyName(die, () => arrayName(self.typeOf(die), counts));
    return {
      kind: 'array', counts, dieOffset: die.offset,
      get element() { return self.typeOf(die); },
      get size() {
        if (byteSize !== undefined) return byteSize;
        const es = self.typeOf(die).size;
        if (es === undefined || counts.some((c) => c === undefined)) return undefined;
        return counts.reduce<number>((a, c) => a * (c as number), es);
      },
      get name() { return name(); },
    };
  }

  private enumeration(die: Die): EnumType {
    const underlying = die.has(C.DW_AT_type) ? strip(this.typeOf(die)) : undefined;
    const size = die.udata(C.DW_AT_byte_size) ?? underlying?.size ?? 4;
    let signed = underlying ? underlying.kind === 'base' && (underlying.encoding === 'signed' || underlying.encoding === 'signed-char') : false;
    const enumerators: Array<{ name: string; value: bigint }> = [];
    for (const e of die.children) {
      if (e.tag !== C.DW_TAG_enumerator) continue;
      const v = e.attr(C.DW_AT_const_value);
      if (v?.kind !== 'const') continue;
      let value = v.value;
      if (v.signed && value < 0n && !underlying) signed = true;
      if (signed && !v.signed && v.size > 0) value = BigInt.asIntN(v.size * 8, value);
      enumerators.push({ name: e.name ?? '?', value });
    }
    const lang = languageOf(die);
    const base = die.name ?? '';
    const name = base === '' ? '(anonymous enum)' : lang === 'c' ? `enum ${base}` : lang === 'c++' ? qualified(die, base) : base;
    return { kind: 'enum', name, size, signed, enumerators, dieOffset: die.offset };
  }
}

/** C++ names qualified by their namespaces and classes (`orders::Order`), as LLDB and gdb print them. */
function qualified(die: Die, name: string): string {
  const scopes = scopeNames(die);
  return scopes.length ? `${scopes.join('::')}::${name}` : name;
}

/** DW_AT_discr_list: (DW_DSC_label value | DW_DSC_range lo hi)*, values as ULEB (unsigned discriminants). */
function parseDiscrList(b: Uint8Array): Array<{ lo: bigint; hi: bigint }> {
  const out: Array<{ lo: bigint; hi: bigint }> = [];
  let i = 0;
  const uleb = (): bigint => {
    let v = 0n, shift = 0n;
    while (i < b.length) { const x = b[i++]; v |= BigInt(x & 0x7f) << shift; shift += 7n; if (!(x & 0x80)) break; }
    return v;
  };
  while (i < b.length && out.length < 10_000) {
    const kind = b[i++];
    const lo = uleb();
    out.push(kind === 1 ? { lo, hi: uleb() } : { lo, hi: lo });
  }
  return out;
}
