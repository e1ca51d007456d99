/**
 * What a DWARF expression resolves against its unit: base type DIEs for the
 * typed stack (DW_OP_const_type, deref_type, convert, reinterpret) and the
 * DW_AT_location of DIEs reached by DW_OP_call2/call4/call_ref. Spread the
 * result into a FrameContext: `{ ...unitExprScope(die.unit, pc), ... }`.
 */
import * as C from './constants';
import type { Die } from './die';
import type { Unit } from './unit';
import type { BaseType, CallKind, CalledExpr, FrameContext } from './expr';
import { pickLocListEntry } from './location';

export type UnitExprScope = Required<Pick<FrameContext, 'baseType' | 'callDie'>>;

/** The DW_TAG_base_type at `unitOffset` in `unit`, or undefined when there is none. */
export function baseTypeAt(unit: Unit, unitOffset: number): BaseType | undefined {
  try {
    const d = unit.dieAt(unit.offset + unitOffset);
    if (!d || d.tag !== C.DW_TAG_base_type) return undefined;
    const encoding = d.udata(C.DW_AT_encoding), byteSize = d.udata(C.DW_AT_byte_size);
    return encoding === undefined || byteSize === undefined ? undefined : { encoding, byteSize };
  } catch {
    return undefined;
  }
}

/**
 * The location expression of `die` at code address `pc` (location lists
 * choose by it): empty when the DIE has no DW_AT_location, undefined when it
 * cannot be read or no list entry covers `pc`.
 */
export function locationExprOf(die: Die, pc: number | undefined): Uint8Array | undefined {
  const a = die.attr(C.DW_AT_location);
  if (!a) return new Uint8Array(0);
  if (a.kind === 'exprloc' || a.kind === 'block') return a.bytes;
  const list = die.locationList();
  if (!list || pc === undefined) return undefined;
  return (pickLocListEntry(list, pc) ?? list.find((e) => e.isDefault))?.expr;
}

/** Base types and called DIEs of `unit`, for evaluating an expression of that unit at `pc`. */
export function unitExprScope(unit: Unit, pc?: number): UnitExprScope {
  return {
    baseType: (off) => baseTypeAt(unit, off),
    callDie: (off, kind) => calledExpr(unit, off, kind, pc),
  };
}

function calledExpr(unit: Unit, off: number, kind: CallKind, pc: number | undefined): Uint8Array | CalledExpr | undefined {
  let target: Die | undefined;
  try {
    target = kind === 'call_ref' ? unit.dwarf.dieAtOffset(unit.dieSection, off) : unit.dieAt(unit.offset + off);
  } catch {
    return undefined;
  }
  if (!target) return undefined;
  const expr = locationExprOf(target, pc);
  if (!expr || target.unit === unit) return expr;
  return { expr, ...unitExprScope(target.unit, pc) };
}
