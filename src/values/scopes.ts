/**
 * Which variables a frame can see: the DIE chain for the frame's address
 * (subprogram → inlined subroutines → lexical blocks), split into logical
 * (inline) frames, then arguments, locals, statics and unit globals.
 */
import * as C from '../dwarf/constants';
import type { Die } from '../dwarf/die';
import type { Dwarf } from '../dwarf/dwarf';
import type { Unit } from '../dwarf/unit';
import { AddressIndex } from '../symbols/addrindex';
import { FunctionIndex, inlineChain } from '../symbols/funcindex';

const addrIndexes = new WeakMap<Dwarf, AddressIndex>();
const funcIndexes = new WeakMap<Unit, FunctionIndex>();
const MAX_GLOBALS = 20_000;

export interface ScopeDies {
  unit: Unit;
  /** The physical function (carries DW_AT_frame_base). */
  subprogram: Die;
  /** The DIE of this logical frame: the subprogram, or an inlined subroutine. */
  frameDie: Die;
  /** Number of logical frames at this address (1 + inlined depth). */
  logicalFrames: number;
}

export interface ScopedVar { die: Die; name: string; kind: 'argument' | 'local' | 'static'; depth: number }

/** DIE-tree unit for a code unit (split DWARF keeps the DIEs in the .dwo unit). */
function dieUnit(u: Unit): Unit {
  if (u.kind === 'skeleton') return u.dwarf.splitUnitFor(u) ?? u;
  return u;
}

export function unitAt(dwarf: Dwarf, pc: number): Unit | undefined {
  let ai = addrIndexes.get(dwarf);
  if (!ai) { ai = new AddressIndex(dwarf); addrIndexes.set(dwarf, ai); }
  return ai.lookup(pc);
}

/** Scope DIEs for logical frame `inlineDepth` (0 = innermost) at `pc`. */
export function scopeAt(dwarf: Dwarf, pc: number, inlineDepth = 0): ScopeDies | undefined {
  const cu = unitAt(dwarf, pc);
  if (!cu) return undefined;
  const unit = dieUnit(cu);
  let fi = funcIndexes.get(unit);
  if (!fi) { fi = new FunctionIndex(unit); funcIndexes.set(unit, fi); }
  const inner = fi.lookup(pc);
  if (!inner) return undefined;
  const chain = inlineChain(inner);
  const subprogram = chain[chain.length - 1];
  const frameDie = chain[Math.min(inlineDepth, chain.length - 1)];
  return { unit, subprogram, frameDie, logicalFrames: chain.length };
}

function covers(d: Die, pc: number): boolean {
  if (!d.has(C.DW_AT_low_pc) && !d.has(C.DW_AT_ranges)) return true;
  return d.ranges().some((r) => pc >= r.begin && pc < r.end);
}

function isStaticLocation(d: Die): boolean {
  const e = d.exprloc(C.DW_AT_location);
  return e !== undefined && e.length > 0 && (e[0] === 0x03 || e[0] === 0xa1) && !d.has(C.DW_AT_const_value);
}

/** Arguments, locals (with nested blocks covering pc) and statics of a logical frame; inner declarations last. */
export function frameVariables(frameDie: Die, pc: number | undefined): ScopedVar[] {
  const out: ScopedVar[] = [];
  const visit = (d: Die, depth: number) => {
    for (const c of d.children) {
      if (c.tag === C.DW_TAG_formal_parameter || c.tag === C.DW_TAG_variable) {
        const name = c.inheritedStr(C.DW_AT_name);
        if (name === undefined) continue;
        const kind = c.tag === C.DW_TAG_formal_parameter ? 'argument' : isStaticLocation(c) ? 'static' : 'local';
        out.push({ die: c, name, kind, depth });
      } else if (c.tag === C.DW_TAG_lexical_block && (pc === undefined || covers(c, pc))) {
        visit(c, depth + 1);
      }
    }
  };
  visit(frameDie, 0);
  // Inlined (or out-of-line concrete) instances: parameters and variables of the abstract
  // function that have no concrete DIE here were optimized away entirely; show them as such.
  const abstract = frameDie.ref(C.DW_AT_abstract_origin);
  if (abstract && abstract !== frameDie) {
    const concrete = new Set(out.map((v) => v.die.ref(C.DW_AT_abstract_origin)?.offset));
    for (const c of abstract.children) {
      if ((c.tag !== C.DW_TAG_formal_parameter && c.tag !== C.DW_TAG_variable) || concrete.has(c.offset)) continue;
      const name = c.name;
      if (name === undefined || isStaticLocation(c)) continue;
      out.push({ die: c, name, kind: c.tag === C.DW_TAG_formal_parameter ? 'argument' : 'local', depth: 0 });
    }
  }
  return out;
}

/** Give shadowed names a distinct label: the innermost keeps the plain name. */
export function labelShadowed(vars: ScopedVar[]): Array<ScopedVar & { label: string; shadowed: boolean }> {
  const deepest = new Map<string, number>();
  vars.forEach((v, i) => { const d = deepest.get(v.name); if (d === undefined || vars[d].depth <= v.depth) deepest.set(v.name, i); });
  return vars.map((v, i) => {
    const shadowed = deepest.get(v.name) !== i;
    return { ...v, label: shadowed ? `${v.name} (shadowed, block depth ${v.depth})` : v.name, shadowed };
  });
}

/** Global variables of a unit (namespaces flattened with `::`). */
const globalsCache = new WeakMap<Unit, Array<{ die: Die; name: string }>>();

export function unitGlobals(unit: Unit): Array<{ die: Die; name: string }> {
  const hit = globalsCache.get(unit);
  if (hit) return hit;
  const out: Array<{ die: Die; name: string }> = [];
  globalsCache.set(unit, out);
  const root = unit.root();
  if (!root) return out;
  const visit = (d: Die, prefix: string) => {
    for (const c of d.children) {
      if (out.length >= MAX_GLOBALS) return;
      if (c.tag === C.DW_TAG_variable) {
        const name = c.inheritedStr(C.DW_AT_name);
        if (name === undefined || (c.flag(C.DW_AT_declaration) && !c.has(C.DW_AT_location))) continue;
        const full = prefix + name;
        const dup = out.findIndex((g) => g.name === full);
        if (dup < 0) out.push({ die: c, name: full });
        else if (!out[dup].die.has(C.DW_AT_location) && c.has(C.DW_AT_location)) out[dup] = { die: c, name: full };
      } else if (c.tag === C.DW_TAG_namespace || c.tag === C.DW_TAG_module) {
        visit(c, `${prefix}${c.name ?? '(anonymous namespace)'}::`);
      }
    }
  };
  visit(root, '');
  return out;
}

/** Find a global variable by (qualified) name in any unit; the frame's unit first. */
export function findGlobal(dwarf: Dwarf, name: string, first?: Unit): Die | undefined {
  const units = first ? [first, ...dwarf.units().filter((u) => u !== first)] : dwarf.units();
  for (const u of units) {
    const hit = unitGlobals(dieUnit(u)).find((g) => g.name === name || g.name.endsWith(`::${name}`));
    if (hit) return hit.die;
  }
  return undefined;
}
