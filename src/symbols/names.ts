import * as C from '../dwarf/constants';
import type { Die } from '../dwarf/die';
import { demangle, stripRustHash } from './demangle';

const SCOPE_TAGS = new Set([
  C.DW_TAG_namespace, C.DW_TAG_class_type, C.DW_TAG_structure_type, C.DW_TAG_union_type,
  C.DW_TAG_interface_type, C.DW_TAG_enumeration_type, C.DW_TAG_module,
]);

function isRust(die: Die): boolean { return die.unit.language === C.DW_LANG_Rust; }

/** The linkage (mangled) name of a subroutine, following abstract_origin/specification. */
export function linkageName(die: Die): string | undefined {
  return die.inheritedStr(C.DW_AT_linkage_name) ?? die.inheritedStr(C.DW_AT_MIPS_linkage_name);
}

/** Enclosing scopes (outermost first) of the DIE that declares `die`. */
export function scopeNames(die: Die): string[] {
  const decl = die.origin();
  const out: string[] = [];
  for (let p = decl.parent; p && out.length < 64; p = p.parent) {
    if (p.tag === C.DW_TAG_compile_unit || p.tag === C.DW_TAG_partial_unit || p.tag === C.DW_TAG_type_unit) break;
    if (!SCOPE_TAGS.has(p.tag)) break; // local scopes (functions, lexical blocks) end the qualification
    out.unshift(p.name ?? (p.tag === C.DW_TAG_namespace ? '(anonymous namespace)' : '(anonymous)'));
  }
  return out;
}

/**
 * The function's name as written in source, qualified by namespaces, types
 * and modules (`orders::check`, `Calc::add`). Rust methods whose scope is an
 * anonymous `{impl#N}` block use the demangled linkage name instead (which
 * names the type, e.g. `<T as core::fmt::Debug>::fmt`), without its hash.
 */
export function sourceName(die: Die): string | undefined {
  const name = die.inheritedStr(C.DW_AT_name);
  const link = linkageName(die);
  if (name === undefined) return link !== undefined ? stripRustHash(demangle(link) ?? link) : undefined;
  const scopes = scopeNames(die);
  if (isRust(die) && link !== undefined && scopes.some((s) => s.startsWith('{impl#'))) {
    const d = demangle(link);
    if (d !== undefined) return stripRustHash(d);
  }
  return scopes.length ? `${scopes.join('::')}::${name}` : name;
}

/** A name-section name in source form: demangled (C++ without its parameter list, Rust without hash). */
export function displaySymbol(sym: string): string {
  const d = demangle(sym);
  return d !== undefined ? stripParams(stripRustHash(d)) : sym;
}

/** `ns::f(int, char const*) const` → `ns::f` (the trailing balanced parameter list and qualifiers). */
export function stripParams(s: string): string {
  const t = s.replace(/\s*(const|volatile|&|&&)(\s+(const|volatile|&|&&))*$/, '');
  if (!t.endsWith(')')) return s;
  let depth = 0;
  for (let i = t.length - 1; i >= 0; i--) {
    const c = t[i];
    if (c === ')') depth++;
    else if (c === '(') {
      depth--;
      if (depth === 0) return i > 0 && !t.slice(0, i).endsWith('operator') ? t.slice(0, i) : s;
    }
  }
  return s;
}
