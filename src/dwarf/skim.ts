import * as C from './constants';

import { withKernel, dropKernel, reserve, type Kernel } from './kernel';

/**
 * The inner loop of the DIE walk that materializes only some DIEs
 * (`Unit.scopeDies`). The loop itself is the Wasm kernel's `skim`
 * (kernel/assembly/kernel.ts): a one-shot symbolization walks hundreds of
 * kilobytes of DIEs once, where JavaScript would still run in V8's
 * interpreter. It decodes DIEs whose abbreviation is already classified,
 * skipping their values, and records the ones to materialize (position,
 * first value, nearest recorded ancestor, code) in an i32 array.
 *
 * It stops, leaving `pos` at that DIE's first byte, at anything else: an
 * abbreviation code not yet classified or of three or more LEB128 bytes, a
 * form it does not decode, values past the unit's end, a full record
 * array, the depth limit. The caller's general code then handles that one
 * DIE (classifying it, or reading it with the usual error reports) and
 * runs it again. Without WebAssembly the general code does every DIE.
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

/** Abbreviation codes the kernel's tables hold (codes of one or two LEB128 bytes). */
export const MAX_SKIM_CODE = 0x4000;

// scratch layout from the kernel's base (bytes): state block, info table, plan index, plan items, subroutine info,
// the abbreviation kernel's state, declaration positions and table bytes, ancestors, nearest subprograms, unit bytes,
// then the two growing areas: records and subroutine entries (and, after the walk, the split of the entries)
const ST = 0, INFO = 128, PLANIDX = INFO + 4 * MAX_SKIM_CODE, PLANDATA = PLANIDX + 8 * MAX_SKIM_CODE, PLAN_ITEMS = 16384;
const SUBINFO = PLANDATA + 4 * PLAN_ITEMS, ABST = SUBINFO + 16 * MAX_SKIM_CODE, DECL = ABST + 64, ABBYTES = DECL + 4 * MAX_SKIM_CODE;
/** Bytes of an abbreviation table the kernel reads (longer tables are classified code by code as the walk meets them). */
const ABBREV_MAX = 65536;
const FIXED_END = ABBYTES + ABBREV_MAX;
// state block of the kernel's `abbrevs` (i32 fields)
const A_POS = 0, A_END = 1, A_ATEND = 2, A_ADDRSIZE = 3, A_OFFSIZE = 4, A_VERSION = 5, A_INFO = 6, A_PLANIDX = 7, A_PLANDATA = 8;
const A_PLANUSED = 9, A_PLANCAP = 10, A_SUBINFO = 11, A_DECL = 12, A_MAXCODE = 13, A_NCODES = 14, A_RANGESOK = 15;
const S_DEPTH = 0, S_N = 1, S_DONE = 2, S_ANC = 3, S_MAXDEPTH = 4, S_REC = 5, S_RECCAP = 6, S_INFO = 7, S_NCODES = 8, S_PLANIDX = 9, S_PLANDATA = 10;
const S_SUBINFO = 11, S_SUBANC = 12, S_SUB = 13, S_SUBCAP = 14, S_NS = 15, S_ADDRSIZE = 16;
/** Subroutine flags of an abbreviation (`SkimWalk.classify`). */
export const SUB_CODE = 1, SUB_INLINED = 2, SUB_SUBPROGRAM = 4, SUB_SIMPLE = 8, SUB_RANGES = 16;
/**
 * f64s per subroutine entry: [low_pc, end, record, nearest subprogram record (-2: a subprogram)]; low_pc -1: not a shape
 * the walk reads (read the DIE), -3: the range list at section offset `end` (SUB_RANGES).
 */
export const SUB_ENTRY = 4;
const REC0 = 512, SUB0 = 128;

/** How the walk treats one abbreviation's DIEs, beyond skipping them. */
export interface SubInfo {
  /** SUB_* flags. */
  flags: number;
  /** With SUB_SIMPLE: offsets of low_pc (an address) and high_pc in the values, high_pc's size, and whether it is an address (else a length). */
  low?: number; high?: number; highSize?: number; highIsAddr?: boolean;
  /** With SUB_RANGES: offset of its DW_AT_ranges value (a 4-byte section offset) in the values. */
  ranges?: number;
}

/** Where the kernel found each code's declaration (`SkimWalk.preclassify`): pos[code] - delta is its absolute position, for pos[code] > 0 (0: none). */
export interface DeclPositions { pos: Int32Array; delta: number }

/** The subroutine entries of a walk: SUB_ENTRY f64s each. */
export type SubEntries = Float64Array;

/**
 * A walk's subroutine entries split by the kernel (`SkimWalk.split`): the
 * non-empty ranges of the subprograms, [B[i], E[i]) for record R[i], and
 * the indexes of the inlined subroutines' entries. `sorted`: the ranges are
 * in address order (ties in tree order) and none overlaps another; else
 * they are in tree order.
 */
export interface SubSplit { B: Float64Array; E: Float64Array; R: Float64Array; inl: Int32Array; sorted: boolean }

// state block of the kernel's `subprograms` (i32 fields) and its flags
const P_SUB = 0, P_NS = 1, P_ADDRSIZE = 2, P_B = 3, P_E = 4, P_R = 5, P_KEYS = 6, P_SB = 7, P_SE = 8, P_SR = 9, P_INL = 10;
const P_NTOP = 11, P_NINL = 12, P_FLAGS = 13, P_SIZE = 16;
const F_GENERAL = 1, F_SORTED = 2, F_OVERLAP = 4;

/**
 * One walk over a unit's DIEs: the unit's bytes copied into the kernel's
 * memory, the walk state (depth, nearest kept ancestors and subprograms,
 * records, subroutine entries) there too, and the classification of
 * abbreviation codes. Positions in and out are absolute file positions.
 * Only inside `SkimWalk.run`.
 */
export class SkimWalk {
  private i32!: Int32Array;
  private f64!: Float64Array;
  private readonly delta: number;
  private planUsed = 0;
  private readonly k?: Kernel;
  private readonly s: number;
  private readonly base: number;
  private readonly recStart: number;
  private readonly end: number;
  /** Set when the kernel trapped (a bug): the general code does the rest of this walk. */
  private dead = false;

  /** Walk the unit bytes [start, end) of `bytes` (addresses of `addressSize` bytes) with `maxDepth` levels of nesting below the root. */
  static run<T>(bytes: Uint8Array, start: number, end: number, maxDepth: number, addressSize: number, f: (w: SkimWalk) => T): T {
    const len = end - start;
    const bytesAt = FIXED_END + 8 * (maxDepth + 1);
    const recStart = align(bytesAt + len);
    // first room in the kernel's memory: about what units of this size keep (a DIE takes at least a byte; kept ones are a
    // fraction), doubled when full; without the kernel the walk starts small, as its plain buffer is allocated for real
    const recs = Math.max(REC0, 1 << (31 - Math.clz32(Math.max(1, len >> 4)))), subs = Math.max(SUB0, recs >> 1);
    return withKernel(recStart + 4 * SKIM_REC * recs + 8 * SUB_ENTRY * subs, (k) =>
      f(new SkimWalk(k, bytes, start, end, maxDepth, addressSize, bytesAt, recStart, k ? recs : REC0, k ? subs : SUB0)));
  }

  private constructor(k: Kernel | undefined, bytes: Uint8Array, start: number, end: number, maxDepth: number, addressSize: number, bytesAt: number, recStart: number, recs: number, subs: number) {
    this.end = end;
    // without the kernel: the same layout in plain memory, and `skim` leaves every DIE to the general code
    this.k = k;
    this.base = k ? k.base : 0;
    const B = this.base;
    this.recStart = B + recStart;
    this.delta = B + bytesAt - start;
    const buf = k ? k.memory.buffer : new ArrayBuffer(recStart + 4 * SKIM_REC * recs + 8 * SUB_ENTRY * subs);
    this.views(buf);
    if (k) {
      new Uint8Array(buf, start + this.delta, end - start).set(bytes.subarray(start, end));
      this.i32.fill(SKIM_STOP, (B + INFO) >> 2, ((B + INFO) >> 2) + MAX_SKIM_CODE);
    }
    this.s = (B + ST) >> 2;
    const a = this.i32, s = this.s, anc = B + FIXED_END, subAnc = anc + 4 * (maxDepth + 1);
    a[s + S_DEPTH] = 0; a[s + S_N] = 0; a[s + S_DONE] = 0; a[s + S_NS] = 0;
    a[s + S_ANC] = anc; a[s + S_MAXDEPTH] = maxDepth; a[s + S_REC] = this.recStart; a[s + S_RECCAP] = SKIM_REC * recs;
    a[s + S_INFO] = B + INFO; a[s + S_NCODES] = k ? MAX_SKIM_CODE : 0; a[s + S_PLANIDX] = B + PLANIDX; a[s + S_PLANDATA] = B + PLANDATA;
    a[s + S_SUBINFO] = B + SUBINFO; a[s + S_SUBANC] = subAnc; a[s + S_SUB] = this.recStart + 4 * SKIM_REC * recs; a[s + S_SUBCAP] = subs;
    a[s + S_ADDRSIZE] = addressSize;
    a[anc >> 2] = -1; a[subAnc >> 2] = -1;
  }

  private views(buf: ArrayBuffer): void {
    this.i32 = new Int32Array(buf);
    this.f64 = new Float64Array(buf, 0, buf.byteLength >> 3);
  }

  /** Records kept (each SKIM_REC i32s: DIE position, first value position, parent record, code). */
  get n(): number { return this.i32[this.s + S_N]; }
  /** Subroutine entries written. */
  get ns(): number { return this.i32[this.s + S_NS]; }
  get depth(): number { return this.i32[this.s + S_DEPTH]; }
  get done(): boolean { return this.i32[this.s + S_DONE] !== 0; }

  /** True while the kernel walks (classifying codes is then worth it). */
  get kernel(): boolean { return this.k !== undefined && !this.dead; }

  /** Walk from `pos` until the kernel stops; where it stopped. */
  skim(pos: number): number {
    if (!this.k || this.dead) return pos;
    try {
      return this.k.skim(pos + this.delta, this.end + this.delta, this.s << 2) - this.delta;
    } catch {
      // a trap stores no state: the walk goes on from `pos` in the general code, the instance is replaced
      this.dead = true;
      dropKernel();
      return pos;
    }
  }

  /** True when the records or the subroutine entries are full (grow them, then skim again). */
  get full(): boolean {
    const a = this.i32, s = this.s;
    return a[s + S_N] > a[s + S_RECCAP] - SKIM_REC || a[s + S_NS] >= a[s + S_SUBCAP];
  }

  /** Double the room of both areas (the entries move up behind the records). */
  grow(): void {
    const a0 = this.i32, s = this.s;
    const recCap = a0[s + S_RECCAP], subCap = a0[s + S_SUBCAP], sub = a0[s + S_SUB], ns = a0[s + S_NS];
    const newSub = this.recStart + 8 * recCap, need = newSub + 16 * SUB_ENTRY * subCap;
    if (this.k) {
      if (!reserve(this.k, need - this.k.base)) throw new RangeError('out of memory for the DIE walk');
      this.views(this.k.memory.buffer);
    } else {
      const g = new Int32Array(need >> 2); g.set(a0); this.views(g.buffer);
    }
    const u8 = new Uint8Array(this.i32.buffer);
    u8.copyWithin(newSub, sub, sub + 8 * SUB_ENTRY * ns);
    const a = this.i32;
    a[s + S_RECCAP] = 2 * recCap; a[s + S_SUB] = newSub; a[s + S_SUBCAP] = 2 * subCap;
  }

  /**
   * Classify every code of the abbreviation table at bytes[start, end) (the
   * rest of its section: `atEnd`) in the kernel, as `classify` would on
   * first sight of each, for a unit of DWARF `version` with `offsetSize`-byte
   * offsets. The walk then stops only at codes the kernel leaves (forms it
   * does not decode) and at damage, and the caller gets no Abbrev objects
   * for the rest: the result says where their declarations are
   * (AbbrevTable.getAt). Undefined, with nothing classified, without the
   * kernel or for a table it does not take as well formed (the caller then
   * classifies as the walk meets codes, reporting what is wrong).
   */
  preclassify(bytes: Uint8Array, start: number, end: number, atEnd: boolean, version: number, offsetSize: number, plainRanges: boolean): DeclPositions | undefined {
    const k = this.k;
    if (!k || this.dead || end <= start) return undefined;
    const len = Math.min(end - start, ABBREV_MAX), B = this.base, a = this.i32, q = (B + ABST) >> 2;
    new Uint8Array(a.buffer, B + ABBYTES, len).set(bytes.subarray(start, start + len));
    a[q + A_POS] = B + ABBYTES; a[q + A_END] = B + ABBYTES + len; a[q + A_ATEND] = atEnd && len === end - start ? 1 : 0;
    a[q + A_ADDRSIZE] = a[this.s + S_ADDRSIZE]; a[q + A_OFFSIZE] = offsetSize; a[q + A_VERSION] = version;
    a[q + A_INFO] = B + INFO; a[q + A_PLANIDX] = B + PLANIDX; a[q + A_PLANDATA] = B + PLANDATA; a[q + A_PLANUSED] = this.planUsed;
    a[q + A_PLANCAP] = PLAN_ITEMS; a[q + A_SUBINFO] = B + SUBINFO; a[q + A_DECL] = B + DECL; a[q + A_MAXCODE] = MAX_SKIM_CODE;
    a[q + A_RANGESOK] = plainRanges ? 1 : 0;
    let status: number;
    try { status = k.abbrevs(B + ABST); } catch { this.dead = true; dropKernel(); return undefined; }
    if (status !== 0) return undefined;
    this.planUsed = a[q + A_PLANUSED];
    return { pos: a.slice((B + DECL) >> 2, ((B + DECL) >> 2) + a[q + A_NCODES]), delta: B + ABBYTES - start };
  }

  /** Classify an abbreviation code for the kernel (`info` from skimInfo; `plan` from skimPlan when not all fixed). */
  classify(code: number, info: number, plan: Int32Array | undefined, sub: SubInfo): void {
    if (!this.k || code >= MAX_SKIM_CODE) return;
    const B = this.base, a = this.i32;
    if (plan) {
      if (this.planUsed + plan.length > PLAN_ITEMS) return; // left to the general code
      a.set(plan, ((B + PLANDATA) >> 2) + this.planUsed);
      a[((B + PLANIDX) >> 2) + 2 * code] = this.planUsed;
      a[((B + PLANIDX) >> 2) + 2 * code + 1] = plan.length;
      this.planUsed += plan.length;
    }
    const si = ((B + SUBINFO) >> 2) + 4 * code;
    a[si] = sub.flags; a[si + 1] = sub.low ?? sub.ranges ?? 0; a[si + 2] = sub.high ?? 0; a[si + 3] = (sub.highSize ?? 0) | (sub.highIsAddr ? 0x100 : 0);
    a[((B + INFO) >> 2) + code] = info;
  }

  /** What the kernel's tables hold for a code (as `classify` wrote it): undefined while unclassified (for tests). */
  classified(code: number): { info: number; plan?: Int32Array; sub: number[] } | undefined {
    const B = this.base, a = this.i32, info = a[((B + INFO) >> 2) + code];
    if (info === SKIM_STOP) return undefined;
    const pi = ((B + PLANIDX) >> 2) + 2 * code, si = ((B + SUBINFO) >> 2) + 4 * code;
    const plan = (info & SKIM_FIXED) !== 0 ? undefined : a.slice(((B + PLANDATA) >> 2) + a[pi], ((B + PLANDATA) >> 2) + a[pi] + a[pi + 1]);
    return { info, plan, sub: [a[si], a[si + 1], a[si + 2], a[si + 3]] };
  }

  /** The record of the nearest kept ancestor at the current depth (-1: the root). */
  get parent(): number { return this.i32[(this.i32[this.s + S_ANC] >> 2) + this.depth]; }
  private get subParent(): number { return this.i32[(this.i32[this.s + S_SUBANC] >> 2) + this.depth]; }

  /** Record a kept DIE (general code) with its subroutine flags; its record index. Its range is left to the DIE (low -1). */
  keep(pos: number, attrsPos: number, parent: number, code: number, subFlags: number): number {
    if (this.full) this.grow();
    const a = this.i32, s = this.s, n = a[s + S_N], r = (this.recStart >> 2) + n;
    if ((subFlags & (SUB_CODE | SUB_INLINED)) !== 0) {
      const ns = a[s + S_NS], e = (a[s + S_SUB] >> 3) + SUB_ENTRY * ns;
      this.f64[e] = -1; this.f64[e + 1] = 0; this.f64[e + 2] = n; this.f64[e + 3] = (subFlags & SUB_INLINED) !== 0 ? this.subParent : -2;
      a[s + S_NS] = ns + 1;
    }
    a[r] = pos + this.delta; a[r + 1] = attrsPos + this.delta; a[r + 2] = parent; a[r + 3] = code;
    a[s + S_N] = n + SKIM_REC;
    return n;
  }

  /** Close the innermost open DIE (a 0 entry); false at the root's level (the root's children ended). */
  close(): boolean {
    const d = this.depth;
    if (d === 0) { this.i32[this.s + S_DONE] = 1; return false; }
    this.i32[this.s + S_DEPTH] = d - 1;
    return true;
  }

  /** Open a DIE with children whose nearest kept ancestor (or itself) is record `self`; `subprogram`: the DIE is a subprogram (kept as `self`). */
  open(self: number, subprogram: boolean): void {
    const a = this.i32, s = this.s, d = this.depth + 1, sp = this.subParent;
    a[s + S_DEPTH] = d;
    a[(a[s + S_ANC] >> 2) + d] = self;
    a[(a[s + S_SUBANC] >> 2) + d] = subprogram ? self : sp;
  }

  /** The records as one copy: [pos, attrs, parent, code] * n / SKIM_REC, positions `recordDelta` above absolute ones. */
  records(): Int32Array { return this.i32.slice(this.recStart >> 2, (this.recStart >> 2) + this.n); }
  /** What to subtract from a record's positions for absolute positions. */
  get recordDelta(): number { return this.delta; }

  /**
   * The subroutine entries split and the subprograms' ranges sorted by the
   * kernel, or undefined: no kernel, or a subprogram whose range the walk
   * did not read (its DIE's ranges are needed: the caller uses the entries).
   */
  split(): SubSplit | undefined {
    const k = this.k;
    if (!k || this.dead) return undefined;
    const sub = this.i32[this.s + S_SUB], ns = this.ns;
    const st = align(sub + 8 * SUB_ENTRY * ns), arr = st + 4 * P_SIZE, slot = 8 * ns;
    if (!reserve(k, arr + 7 * slot + 4 * ns - k.base)) return undefined;
    this.views(k.memory.buffer);
    const a = this.i32, q = st >> 2;
    a[q + P_SUB] = sub; a[q + P_NS] = ns; a[q + P_ADDRSIZE] = a[this.s + S_ADDRSIZE];
    for (let i = 0; i < 7; i++) a[q + P_B + i] = arr + i * slot;
    a[q + P_INL] = arr + 7 * slot;
    try { k.subprograms(st); } catch { this.dead = true; dropKernel(); return undefined; }
    const flags = a[q + P_FLAGS], nt = a[q + P_NTOP], ni = a[q + P_NINL];
    if ((flags & F_GENERAL) !== 0) return undefined;
    const sorted = (flags & F_SORTED) !== 0 && (flags & F_OVERLAP) === 0, from = sorted ? a[q + P_SB] : a[q + P_B];
    const f = this.f64, at = (p: number): Float64Array => f.slice(p >> 3, (p >> 3) + nt);
    return { B: at(from), E: at(from + slot), R: at(from + 2 * slot), inl: a.slice(a[q + P_INL] >> 2, (a[q + P_INL] >> 2) + ni), sorted };
  }

  /** The subroutine entries as one copy (SUB_ENTRY f64s each, in tree order). */
  subroutines(): SubEntries {
    const e = this.i32[this.s + S_SUB] >> 3;
    return this.f64.slice(e, e + SUB_ENTRY * this.ns);
  }
}

const align = (x: number): number => (x + 15) & ~15;
