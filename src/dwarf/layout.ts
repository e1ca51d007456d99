import * as C from './constants';
import type { Abbrev } from './abbrev';
import { fixedFormSize } from './form';
import type { Unit } from './unit';
import { skimInfo, skimPlan, SUB_CODE, SUB_INLINED, SUB_SUBPROGRAM, SUB_SIMPLE, SUB_RANGES, type SubInfo } from './skim';
import { subroutineKind } from './scope';

/**
 * Where an abbreviation's values lie for one unit format (DWARF version,
 * address size, offset size): the skip plan of a DIE walk, the low/high pc
 * and DW_AT_ranges layouts that read a DIE's ranges straight from the
 * bytes, and what the kernel's skim does with its DIEs. Each is computed
 * once per abbreviation and format and cached on the abbreviation.
 */

/** DIEs materialized by `Unit.scopeDies`: what address→function lookup and name qualification need. */
export const SCOPE_TAGS = new Set([
  C.DW_TAG_subprogram, C.DW_TAG_inlined_subroutine, C.DW_TAG_namespace, C.DW_TAG_class_type, C.DW_TAG_structure_type,
  C.DW_TAG_union_type, C.DW_TAG_interface_type, C.DW_TAG_enumeration_type, C.DW_TAG_module, C.DW_TAG_compile_unit,
  C.DW_TAG_partial_unit, C.DW_TAG_type_unit, C.DW_TAG_skeleton_unit,
]);

/** True for an abbreviation whose DIEs the scope walk keeps (a SCOPE_TAGS tag; cached). */
export function isScopeAbbrev(ab: Abbrev): boolean { return (ab._scope ??= SCOPE_TAGS.has(ab.tag)); }

/** The unit format the caches are keyed by. */
export function formatKey(u: Unit): number { return u.version * 10000 + u.addressSize * 100 + u.offsetSize; }

/**
 * The skip plan of an abbreviation for the unit's format: runs of
 * fixed-size forms collapse into one byte count (>= 0), variable-size forms
 * stay as -form; an all-fixed DIE is one skip.
 */
export function planOf(u: Unit, ab: Abbrev): Int32Array {
  const key = formatKey(u);
  let plan = ab._plan;
  if (plan === undefined || ab._planKey !== key) {
    const out: number[] = [];
    let run = 0;
    for (const s of ab.attrs) {
      const k = fixedFormSize(s.form, u);
      if (k >= 0) run += k;
      else { if (run) out.push(run); run = 0; out.push(-s.form); }
    }
    if (run || out.length === 0) out.push(run);
    plan = ab._plan = Int32Array.from(out);
    ab._planKey = key;
  }
  return plan;
}

const NO_LAYOUT = new Int32Array(0);

/**
 * Where an abbreviation's DW_AT_low_pc (DW_FORM_addr) and DW_AT_high_pc
 * (addr or data1/2/4/8) values lie, for `Unit.dieRanges`: [low offset, high
 * offset, high size, high is an address], offsets from the DIE's first
 * value; empty when the shape is another (DW_AT_ranges, addrx, a
 * variable-size value before them, ...).
 */
export function lowHighOf(u: Unit, ab: Abbrev): Int32Array {
  const key = formatKey(u);
  if (ab._lohi !== undefined && ab._lohiKey === key) return ab._lohi;
  let lay = NO_LAYOUT;
  let off = 0, low = -1, high = -1, highSize = 0, highIsAddr = 0;
  for (const s of ab.attrs) {
    if (s.at === C.DW_AT_ranges) { low = -2; break; }
    if (s.at === C.DW_AT_low_pc && low === -1) {
      if (s.form !== C.DW_FORM_addr) { low = -2; break; }
      low = off;
    } else if (s.at === C.DW_AT_high_pc && high === -1) {
      if (s.form === C.DW_FORM_addr) { highSize = u.addressSize; highIsAddr = 1; }
      else if (s.form === C.DW_FORM_data1 || s.form === C.DW_FORM_data2 || s.form === C.DW_FORM_data4 || s.form === C.DW_FORM_data8) highSize = fixedFormSize(s.form, u);
      else { high = -2; break; }
      high = off;
    }
    const n = fixedFormSize(s.form, u);
    if (n < 0) { if (low === -1 || high === -1) break; } else off += n;
  }
  if (low >= 0 && high >= 0 && (u.addressSize === 4 || u.addressSize === 8)) lay = Int32Array.of(low, high, highSize, highIsAddr);
  ab._lohi = lay; ab._lohiKey = key;
  return lay;
}

/**
 * Where an abbreviation's first DW_AT_ranges value lies, from the DIE's
 * first value, when it is a DW_FORM_sec_offset after values of fixed size
 * only and the unit reads it as it is (`Unit.plainRangeOffsets`); else -1.
 */
export function rangesOf(u: Unit, ab: Abbrev): number {
  const plain = u.plainRangeOffsets, key = formatKey(u) * 2 + (plain ? 1 : 0);
  if (ab._rng !== undefined && ab._rngKey === key) return ab._rng;
  let off = 0, at = -1;
  if (plain) {
    for (const s of ab.attrs) {
      if (s.at === C.DW_AT_ranges) { if (s.form === C.DW_FORM_sec_offset) at = off; break; }
      const n = fixedFormSize(s.form, u);
      if (n < 0) break;
      off += n;
    }
  }
  ab._rng = at; ab._rngKey = key;
  return at;
}

/**
 * How the scope walk treats an abbreviation's DIEs: SUB_* flags (subroutine kind, subprogram, low/high pc at fixed
 * offsets, or a range list offset at a fixed offset).
 */
export function subFlags(u: Unit, ab: Abbrev): number {
  const kind = subroutineKind(ab);
  const flags = (kind === 1 ? SUB_CODE : kind === 2 ? SUB_INLINED : 0) | (ab.tag === C.DW_TAG_subprogram ? SUB_SUBPROGRAM : 0);
  if (kind === 0) return flags;
  return lowHighOf(u, ab).length !== 0 ? flags | SUB_SIMPLE : rangesOf(u, ab) >= 0 ? flags | SUB_RANGES : flags;
}

/** `subFlags`, with where low/high pc (SUB_SIMPLE) or the range list offset (SUB_RANGES) lie (for the kernel). */
function subInfo(u: Unit, ab: Abbrev): SubInfo {
  const flags = subFlags(u, ab);
  if ((flags & SUB_RANGES) !== 0) return { flags, ranges: rangesOf(u, ab) };
  if ((flags & SUB_SIMPLE) === 0) return { flags };
  const lay = lowHighOf(u, ab);
  return { flags, low: lay[0], high: lay[1], highSize: lay[2], highIsAddr: lay[3] === 1 };
}

/**
 * How the kernel's skim treats an abbreviation's DIEs in the unit
 * (SkimWalk.classify): its info word, its plan when its values are not all
 * of fixed size, its subroutine info; undefined for one it cannot skip (a
 * form it does not decode). The kernel's own classification of whole
 * tables (`abbrevs` in kernel/assembly/kernel.ts) is tested against this.
 */
export function skimClass(u: Unit, ab: Abbrev): { info: number; plan?: Int32Array; sub: SubInfo } | undefined {
  const pl = planOf(u, ab);
  const fsz = pl.length === 1 && pl[0] >= 0 ? pl[0] : -1;
  const plan = fsz >= 0 ? undefined : skimPlan(pl);
  if (fsz < 0 && !plan) return undefined;
  return { info: skimInfo(ab.hasChildren, isScopeAbbrev(ab), fsz), plan, sub: subInfo(u, ab) };
}
