/** Find a type by the name a user writes in a cast or `sizeof` (`struct Item`, `Item`, `ns::T`, `unsigned int`). */
import * as C from '../dwarf/constants';
import type { Die } from '../dwarf/die';
import type { Dwarf } from '../dwarf/dwarf';
import type { Unit } from '../dwarf/unit';

const TYPE_TAGS = new Set([C.DW_TAG_base_type, C.DW_TAG_structure_type, C.DW_TAG_class_type, C.DW_TAG_union_type,
  C.DW_TAG_enumeration_type, C.DW_TAG_typedef, C.DW_TAG_unspecified_type]);
const indexes = new WeakMap<Unit, Map<string, Die>>();

function unitTypes(u: Unit): Map<string, Die> {
  const hit = indexes.get(u);
  if (hit) return hit;
  const m = new Map<string, Die>();
  indexes.set(u, m);
  const root = u.root();
  if (!root) return m;
  const visit = (d: Die, prefix: string, depth: number) => {
    for (const c of d.children) {
      if (TYPE_TAGS.has(c.tag)) {
        const name = c.name;
        if (name === undefined) continue;
        const key = prefix + name;
        const prev = m.get(key);
        // prefer definitions over declarations
        if (!prev || (prev.flag(C.DW_AT_declaration) && !c.flag(C.DW_AT_declaration))) m.set(key, c);
        if (!m.has(name) || m.get(name)!.flag(C.DW_AT_declaration)) m.set(name, c);
        if (depth < 8 && (c.tag === C.DW_TAG_structure_type || c.tag === C.DW_TAG_class_type)) visit(c, `${key}::`, depth + 1);
      } else if ((c.tag === C.DW_TAG_namespace || c.tag === C.DW_TAG_module) && depth < 8) {
        visit(c, `${prefix}${c.name ?? '(anonymous namespace)'}::`, depth + 1);
      }
    }
  };
  visit(root, '', 0);
  return m;
}

const KEYWORD = /^(struct|union|enum|class)\s+/;

function normalise(name: string): string {
  const n = name.replace(/\s+/g, ' ').trim();
  const aliases: Record<string, string> = {
    'unsigned': 'unsigned int', 'signed': 'int', 'signed int': 'int', 'short int': 'short', 'long int': 'long',
    'unsigned short int': 'unsigned short', 'unsigned long int': 'unsigned long', 'long long int': 'long long',
    'unsigned long long int': 'unsigned long long', 'bool': '_Bool',
  };
  return aliases[n] ?? n;
}

/** The DIE of a named type, searching `first` (the frame's unit) and then every unit. */
export function findTypeDie(dwarf: Dwarf, written: string, first?: Unit): Die | undefined {
  const keyword = KEYWORD.exec(written)?.[1];
  const name = normalise(written.replace(KEYWORD, ''));
  const want = (d: Die) => !keyword || (keyword === 'struct' ? d.tag === C.DW_TAG_structure_type || d.tag === C.DW_TAG_class_type
    : keyword === 'class' ? d.tag === C.DW_TAG_class_type || d.tag === C.DW_TAG_structure_type
      : keyword === 'union' ? d.tag === C.DW_TAG_union_type : d.tag === C.DW_TAG_enumeration_type);
  const units = first ? [first, ...dwarf.units().filter((u) => u !== first)] : dwarf.units();
  const candidates = [name, written === 'bool' ? 'bool' : name];
  for (const u of units) {
    const m = unitTypes(u);
    for (const n of candidates) {
      const d = m.get(n);
      if (d && want(d)) return d;
    }
  }
  return undefined;
}
