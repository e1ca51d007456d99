import * as C from './constants';

/**
 * The inner loop of the DIE walk that materializes only some DIEs
 * (`Unit.scopeDies`): it decodes DIEs whose abbreviation is already
 * classified, skipping their values, and records the ones to materialize
 * (position, first value, nearest recorded ancestor, code) in an
 * Int32Array, without calls or allocations. It is its own small function
 * because a one-shot symbolization runs cold, mostly in V8's interpreter
 * and baseline code, where fewer operations per DIE is what counts.
 *
 * It stops, leaving `pos` at that DIE's first byte, at anything else: an
 * abbreviation code not yet classified or of three or more LEB128 bytes, a
 * form it does not decode, values past the unit's end, a full record
 * array, the depth limit. The caller's general code then handles that one
 * DIE (classifying it, or reading it with the usual error reports) and
 * calls it again.
 */

/** `info[code]` bits. */
export const SKIM_CHILDREN = 1, SKIM_FIXED = 2, SKIM_KEEP = 4;
/** `info[code]` for a code skim does not handle (not classified yet, or a form it does not decode). */
export const SKIM_STOP = -1;
/** Record layout: [DIE position, first value position, parent record (-1: the root), code]. */
export const SKIM_REC = 4;

/** `info[code]` for an abbreviation: children, keep (materialize), and its size when all its values have a fixed size (`fixedSize` >= 0). */
export function skimInfo(hasChildren: boolean, keep: boolean, fixedSize: number): number {
  return (hasChildren ? SKIM_CHILDREN : 0) | (keep ? SKIM_KEEP : 0) | (fixedSize >= 0 ? SKIM_FIXED | (fixedSize << 3) : 0);
}

/** Kernel plan items: >= 0 a run of fixed-size bytes; the negative kinds below. */
const K_LEB = -1, K_BLOCK_LEB = -2, K_STRING = -3, K_BLOCK1 = -4, K_BLOCK2 = -5, K_BLOCK4 = -6;

/**
 * The kernel plan for an abbreviation's skip plan (fixed runs >= 0, variable
 * forms as -form), or undefined if it has a form skim does not decode.
 */
export function skimPlan(plan: Int32Array): Int32Array | undefined {
  const out = new Int32Array(plan.length);
  for (let i = 0; i < plan.length; i++) {
    const x = plan[i];
    if (x >= 0) { out[i] = x; continue; }
    switch (-x) {
      case C.DW_FORM_udata: case C.DW_FORM_sdata: case C.DW_FORM_ref_udata: case C.DW_FORM_strx: case C.DW_FORM_addrx:
      case C.DW_FORM_loclistx: case C.DW_FORM_rnglistx: case C.DW_FORM_GNU_addr_index: case C.DW_FORM_GNU_str_index:
        out[i] = K_LEB; break;
      case C.DW_FORM_exprloc: case C.DW_FORM_block: out[i] = K_BLOCK_LEB; break;
      case C.DW_FORM_string: out[i] = K_STRING; break;
      case C.DW_FORM_block1: out[i] = K_BLOCK1; break;
      case C.DW_FORM_block2: out[i] = K_BLOCK2; break;
      case C.DW_FORM_block4: out[i] = K_BLOCK4; break;
      default: return undefined; // DW_FORM_indirect, unknown forms: the general path
    }
  }
  return out;
}

/** Walk state shared with the caller's general code. */
export interface SkimState {
  /** Open DIEs with children below the root. */
  depth: number;
  /** anc[d]: the record of the nearest kept ancestor of the DIEs at depth d (-1: the root); anc.length - 1 is the depth limit. */
  anc: Int32Array;
  rec: Int32Array;
  /** Records used. */
  n: number;
  /** Set when the root's children ended. */
  done: boolean;
}

/** Walk DIEs from `pos` (see above); returns where it stopped. */
export function skim(bytes: Uint8Array, pos: number, end: number, info: Int32Array, plans: Array<Int32Array | undefined>, st: SkimState): number {
  let depth = st.depth, n = st.n;
  const anc = st.anc, rec = st.rec, full = rec.length - SKIM_REC, maxDepth = anc.length - 1, ncodes = info.length;
  while (pos < end) {
    let code = bytes[pos];
    if (code === 0) {
      pos++;
      if (depth === 0) { st.done = true; break; }
      depth--;
      continue;
    }
    let p = pos + 1;
    if (code >= 0x80) {
      const b = bytes[p];
      if (b >= 0x80 || p >= end) break;
      code = (code & 0x7f) | (b << 7);
      p++;
    }
    if (code >= ncodes) break;
    const inf = info[code];
    if (inf < 0) break;
    const attrs = p;
    if ((inf & SKIM_FIXED) !== 0) p += inf >> 3;
    else {
      const plan = plans[code];
      if (plan === undefined) break;
      for (let i = 0; i < plan.length && p <= end; i++) {
        const x = plan[i];
        if (x >= 0) { p += x; continue; }
        if (x === K_LEB) { const s0 = p; while (p < end && bytes[p] >= 0x80) p++; p = p - s0 > 20 ? end + 1 : p + 1; continue; }
        if (x === K_BLOCK_LEB) {
          let len = 0, mul = 1, k = 0, ok = false;
          for (; k < 5 && p < end; k++) { const b = bytes[p++]; len += (b & 0x7f) * mul; if (b < 0x80) { ok = true; break; } mul *= 128; }
          p = ok ? p + len : end + 1;
          continue;
        }
        if (x === K_STRING) { const z = bytes.indexOf(0, p); p = z < 0 || z >= end ? end + 1 : z + 1; continue; }
        if (x === K_BLOCK1) { p = p < end ? p + 1 + bytes[p] : end + 1; continue; }
        if (x === K_BLOCK2) { p = p + 2 <= end ? p + 2 + bytes[p] + bytes[p + 1] * 0x100 : end + 1; continue; }
        // K_BLOCK4
        p = p + 4 <= end ? p + 4 + bytes[p] + bytes[p + 1] * 0x100 + bytes[p + 2] * 0x10000 + bytes[p + 3] * 0x1000000 : end + 1;
      }
    }
    if (p > end) break; // values past the end: the general code reports it
    let self = anc[depth];
    if ((inf & SKIM_KEEP) !== 0) {
      if (n > full) break;
      rec[n] = pos; rec[n + 1] = attrs; rec[n + 2] = self; rec[n + 3] = code;
      self = n;
      n += SKIM_REC;
    }
    if ((inf & SKIM_CHILDREN) !== 0) {
      if (depth >= maxDepth) { if ((inf & SKIM_KEEP) !== 0) n -= SKIM_REC; break; }
      anc[++depth] = self;
    }
    pos = p;
  }
  st.depth = depth; st.n = n;
  return pos;
}
