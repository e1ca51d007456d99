/** Rust enums (DW_TAG_variant_part): which variant a value holds, niche layouts included. */
import { CompositeType, Member, strip } from '../types/model';
import { Value, memberValue, readScalar } from './value';

export type ActiveVariant = { name: string; member: Member | undefined; value: Value } | { unavailable: string };

export function activeVariant(v: Value, t: CompositeType): ActiveVariant {
  const vp = t.variantPart;
  if (!vp) return { unavailable: 'not an enum with variants' };
  let chosen = vp.variants.find((x) => x.isDefault);
  if (vp.discriminant) {
    const d = readScalar(memberValue(v, vp.discriminant));
    if (d.kind !== 'int') return { unavailable: d.kind === 'unavailable' ? `discriminant: ${d.reason}` : 'bad discriminant' };
    const size = strip(vp.discriminant.type).size ?? 8;
    const dv = BigInt.asUintN(size * 8, d.value);
    const hit = vp.variants.find((x) => x.values.some((r) => dv >= BigInt.asUintN(size * 8, r.lo) && dv <= BigInt.asUintN(size * 8, r.hi)));
    if (hit) chosen = hit;
    if (!chosen) return { unavailable: `discriminant ${dv} matches no variant` };
  } else if (!chosen && vp.variants.length === 1) chosen = vp.variants[0];
  if (!chosen) return { unavailable: 'enum layout without a discriminant' };
  const m = chosen.members[0];
  if (!m) return { unavailable: 'variant without a member' };
  return { name: m.name ?? '?', member: m, value: memberValue(v, m) };
}

/** Rust tuple-like field names: `__0`, `__1`, ... */
export function isTupleLike(members: readonly Member[]): boolean {
  return members.length > 0 && members.every((m, i) => m.name === `__${i}`);
}
