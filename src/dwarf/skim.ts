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

// scratch layout from the kernel's base (bytes): state block, info table, plan index, plan items, ancestors, unit bytes, records
const ST = 0, INFO = 64, PLANIDX = INFO + 4 * MAX_SKIM_CODE, PLANDATA = PLANIDX + 8 * MAX_SKIM_CODE, PLAN_ITEMS = 16384;
const ANC = PLANDATA + 4 * PLAN_ITEMS;
const S_DEPTH = 0, S_N = 1, S_DONE = 2, S_ANC = 3, S_MAXDEPTH = 4, S_REC = 5, S_RECCAP = 6, S_INFO = 7, S_NCODES = 8, S_PLANIDX = 9, S_PLANDATA = 10;

/**
 * One walk over a unit's DIEs: the unit's bytes copied into the kernel's
 * memory, the walk state (depth, nearest kept ancestors, records) there
 * too, and the classification of abbreviation codes. Positions in and out
 * are absolute file positions. Only inside `SkimWalk.run`.
 */
export class SkimWalk {
  private i32!: Int32Array;
  private readonly delta: number;
  private planUsed = 0;
  private readonly k?: Kernel;

  /** Records kept (each SKIM_REC i32s: DIE position, first value position, parent record, code). */
  get n(): number { return this.i32[this.s + S_N]; }
  get depth(): number { return this.i32[this.s + S_DEPTH]; }
  get done(): boolean { return this.i32[this.s + S_DONE] !== 0; }
  private readonly s: number;

  /** Walk the unit bytes [start, end) of `bytes` with `maxDepth` levels of nesting below the root. */
  static run<T>(bytes: Uint8Array, start: number, end: number, maxDepth: number, f: (w: SkimWalk) => T): T {
    const len = end - start;
    const recStart = align(ANC + 4 * (maxDepth + 1) + len);
    return withKernel(recStart + 4 * SKIM_REC * 512, (k) => f(new SkimWalk(k, bytes, start, end, maxDepth, recStart)));
  }

  private readonly recStart: number;
  private readonly end: number;
  /** Set when the kernel trapped (a bug): the general code does the rest of this walk. */
  private dead = false;

  private constructor(k: Kernel | undefined, bytes: Uint8Array, start: number, end: number, maxDepth: number, recStart: number) {
    this.end = end;
    if (k) {
      this.k = k;
      const B = k.base;
      this.recStart = B + recStart;
      this.delta = B + ANC + 4 * (maxDepth + 1) - start;
      this.i32 = new Int32Array(k.memory.buffer);
      new Uint8Array(k.memory.buffer, start + this.delta, end - start).set(bytes.subarray(start, end));
      this.s = (B + ST) >> 2;
      this.i32.fill(SKIM_STOP, (B + INFO) >> 2, (B + INFO) / 4 + MAX_SKIM_CODE);
      this.initState(B + ANC, maxDepth, B + INFO, B + PLANIDX, B + PLANDATA);
    } else {
      // no kernel: the same state in plain memory, and `skim` leaves every DIE to the general code
      const words = 16 + maxDepth + 1 + 4 * SKIM_REC * 512;
      this.i32 = new Int32Array(words);
      this.recStart = 4 * (16 + maxDepth + 1);
      this.delta = 0;
      this.s = 0;
      this.initState(4 * 16, maxDepth, 0, 0, 0);
    }
  }

  private initState(anc: number, maxDepth: number, info: number, planIdx: number, planData: number): void {
    const a = this.i32, s = this.s;
    a[s + S_DEPTH] = 0; a[s + S_N] = 0; a[s + S_DONE] = 0;
    a[s + S_ANC] = anc; a[s + S_MAXDEPTH] = maxDepth; a[s + S_REC] = this.recStart;
    a[s + S_RECCAP] = (this.i32.length * 4 - this.recStart) >> 2;
    a[s + S_INFO] = info; a[s + S_NCODES] = this.k ? MAX_SKIM_CODE : 0; a[s + S_PLANIDX] = planIdx; a[s + S_PLANDATA] = planData;
    a[(anc >> 2)] = -1;
  }

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

  /** True when the records are full (grow them, then skim again). */
  get full(): boolean { return this.n > this.i32[this.s + S_RECCAP] - SKIM_REC; }

  /** Double the records' room. */
  grow(): void {
    const cap = this.i32[this.s + S_RECCAP];
    if (this.k) {
      if (!reserve(this.k, this.recStart - this.k.base + 8 * cap)) throw new RangeError('out of memory for the DIE walk');
      this.i32 = new Int32Array(this.k.memory.buffer);
    } else {
      const g = new Int32Array(this.i32.length + cap); g.set(this.i32); this.i32 = g;
    }
    this.i32[this.s + S_RECCAP] = (this.i32.length * 4 - this.recStart) >> 2;
  }

  /** Classify an abbreviation code for the kernel (`info` from skimInfo; `plan` from skimPlan when not all fixed). */
  classify(code: number, info: number, plan: Int32Array | undefined): void {
    if (!this.k || code >= MAX_SKIM_CODE) return;
    const B = this.k.base, a = this.i32;
    if (plan) {
      if (this.planUsed + plan.length > PLAN_ITEMS) return; // left to the general code
      a.set(plan, ((B + PLANDATA) >> 2) + this.planUsed);
      a[((B + PLANIDX) >> 2) + 2 * code] = this.planUsed;
      a[((B + PLANIDX) >> 2) + 2 * code + 1] = plan.length;
      this.planUsed += plan.length;
    }
    a[((B + INFO) >> 2) + code] = info;
  }

  /** The record of the nearest kept ancestor at the current depth (-1: the root). */
  get parent(): number { return this.i32[(this.i32[this.s + S_ANC] >> 2) + this.depth]; }

  /** Record a kept DIE (general code); its record index. */
  keep(pos: number, attrsPos: number, parent: number, code: number): number {
    if (this.full) this.grow();
    const a = this.i32, n = this.n, r = (this.recStart >> 2) + n;
    a[r] = pos + this.delta; a[r + 1] = attrsPos + this.delta; a[r + 2] = parent; a[r + 3] = code;
    a[this.s + S_N] = n + SKIM_REC;
    return n;
  }

  /** Close the innermost open DIE (a 0 entry); false at the root's level (the root's children ended). */
  close(): boolean {
    const d = this.depth;
    if (d === 0) { this.i32[this.s + S_DONE] = 1; return false; }
    this.i32[this.s + S_DEPTH] = d - 1;
    return true;
  }

  /** Open a DIE with children whose nearest kept ancestor (or itself) is record `self`. */
  open(self: number): void {
    const a = this.i32, d = this.depth + 1;
    a[this.s + S_DEPTH] = d;
    a[(a[this.s + S_ANC] >> 2) + d] = self;
  }

  /** Record i (a multiple of SKIM_REC): [DIE position, first value position, parent record, code], positions absolute. */
  record(i: number): [number, number, number, number] {
    const a = this.i32, r = (this.recStart >> 2) + i;
    return [a[r] - this.delta, a[r + 1] - this.delta, a[r + 2], a[r + 3]];
  }

  /** The records as one copy: [pos, attrs, parent, code] * n / SKIM_REC, positions absolute. */
  records(): Int32Array {
    const r = this.i32.slice(this.recStart >> 2, (this.recStart >> 2) + this.n);
    if (this.delta !== 0) for (let i = 0; i < r.length; i += SKIM_REC) { r[i] -= this.delta; r[i + 1] -= this.delta; }
    return r;
  }
}

const align = (x: number): number => (x + 15) & ~15;
