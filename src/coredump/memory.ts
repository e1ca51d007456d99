import { WasmCoreError } from '../util/errors';
import { MemAddr, FileOffset } from '../util/offsets';
import { MemorySegment } from './model';

export const WASM_PAGE = 65536;
/** Largest single read we serve (reads allocate `len` bytes). */
export const MAX_READ = 256 * 1024 * 1024;

export interface MemoryRead {
  /** `len` bytes; unreadable parts are zero in this array but listed in `unreadable`. */
  bytes: Uint8Array;
  /** Half-open address ranges [start, end) that could not be read (past the memory's size). */
  unreadable: Array<[number, number]>;
}

/** A raw data segment in file order, before overlaps are resolved. */
export interface RawSegment { start: number; data: Uint8Array; fileOffset: FileOffset }

/**
 * A linear memory of a core dump: its declared size plus the data segments
 * that cover parts of it. Bytes inside the size that no segment covers are
 * zero (Wasm semantics; how wasmtime and V8 capture drop zero runs). Bytes
 * past the size are unreadable. Segments are views into the file.
 */
export class LinearMemory {
  /** Sorted, non-overlapping. */
  readonly segments: MemorySegment[];
  private readonly starts: number[];

  constructor(
    readonly index: number,
    /** Size in bytes (min pages × 64 KiB). */
    readonly size: number,
    readonly pages: number,
    readonly memory64: boolean,
    readonly maxPages: number | undefined,
    raw: RawSegment[],
  ) {
    this.segments = resolveSegments(raw);
    this.starts = this.segments.map((s) => s.start);
  }

  /** Index of the last segment starting at or before addr, or -1. */
  private segmentBefore(addr: number): number {
    const s = this.starts;
    let lo = 0, hi = s.length - 1, ans = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (s[mid] <= addr) { ans = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return ans;
  }

  read(addr: MemAddr | number, len: number): MemoryRead {
    if (!Number.isSafeInteger(addr) || addr < 0 || !Number.isSafeInteger(len) || len < 0) {
      throw new WasmCoreError('E_ARGUMENT', `bad memory read [${addr}, +${len})`);
    }
    if (len > MAX_READ) throw new WasmCoreError('E_LIMIT', `memory read of ${len} bytes exceeds limit ${MAX_READ}`);
    const bytes = new Uint8Array(len);
    const end = addr + len;
    const unreadable: Array<[number, number]> = [];
    if (end > this.size) unreadable.push([Math.max(addr, this.size), end]);
    const limit = Math.min(end, this.size);
    let i = this.segmentBefore(addr);
    if (i < 0) i = 0;
    for (; i < this.segments.length; i++) {
      const seg = this.segments[i];
      if (seg.start >= limit) break;
      const from = Math.max(seg.start, addr), to = Math.min(seg.end, limit);
      if (from < to) bytes.set(seg.data.subarray(from - seg.start, to - seg.start), from - addr);
    }
    return { bytes, unreadable };
  }

  /** True if every byte of [addr, addr+len) is inside the size and covered by a segment. */
  covered(addr: number, len: number): boolean {
    if (len <= 0) return addr <= this.size;
    if (addr < 0 || addr + len > this.size) return false;
    let pos = addr;
    let i = this.segmentBefore(addr);
    if (i < 0) return false;
    for (; i < this.segments.length && pos < addr + len; i++) {
      const seg = this.segments[i];
      if (seg.start > pos) return false;
      if (seg.end > pos) pos = seg.end;
    }
    return pos >= addr + len;
  }

  /** Covered address ranges [start, end), adjacent segments merged. */
  coveredRanges(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    for (const s of this.segments) {
      const last = out[out.length - 1];
      if (last && last[1] === s.start) last[1] = s.end;
      else out.push([s.start, s.end]);
    }
    return out;
  }

  /** Total number of bytes covered by segments. */
  get coveredBytes(): number {
    let n = 0;
    for (const s of this.segments) n += s.end - s.start;
    return n;
  }

  private readonly scratch = new Uint8Array(8);
  private readonly scratchView = new DataView(this.scratch.buffer);

  /** The `len` (<= 8) bytes at addr in a reused scratch view; undefined if any is past the size. */
  private view(addr: number, len: number): DataView | undefined {
    if (!Number.isSafeInteger(addr) || addr < 0 || addr + len > this.size) return undefined;
    const i = this.segmentBefore(addr);
    const seg = i >= 0 ? this.segments[i] : undefined;
    const sc = this.scratch;
    if (seg && addr + len <= seg.end) { // fast path: inside one segment
      const d = seg.data, o = addr - seg.start;
      for (let k = 0; k < len; k++) sc[k] = d[o + k];
    } else if ((!seg || addr >= seg.end) && (i + 1 >= this.segments.length || this.segments[i + 1].start >= addr + len)) {
      sc.fill(0, 0, len); // in a gap: zero by Wasm semantics
    } else {
      sc.set(this.read(addr, len).bytes);
    }
    return this.scratchView;
  }

  readU8(addr: number): number | undefined { return this.view(addr, 1)?.getUint8(0); }
  readU16(addr: number): number | undefined { return this.view(addr, 2)?.getUint16(0, true); }
  readU32(addr: number): number | undefined { return this.view(addr, 4)?.getUint32(0, true); }
  readU64(addr: number): bigint | undefined { return this.view(addr, 8)?.getBigUint64(0, true); }
  readI32(addr: number): number | undefined { return this.view(addr, 4)?.getInt32(0, true); }
  readI64(addr: number): bigint | undefined { return this.view(addr, 8)?.getBigInt64(0, true); }
  readF32(addr: number): number | undefined { return this.view(addr, 4)?.getFloat32(0, true); }
  readF64(addr: number): number | undefined { return this.view(addr, 8)?.getFloat64(0, true); }
}

/**
 * Turn segments in file order into a sorted non-overlapping list. Later
 * segments overwrite earlier ones (active segments are applied in order).
 * Fast path: already sorted and disjoint (every real producer). Otherwise a
 * sweep over boundaries picks, for each elementary interval, the latest
 * segment covering it: O(n log n).
 */
export function resolveSegments(raw: RawSegment[]): MemorySegment[] {
  const segs = raw.filter((r) => r.data.length > 0);
  let sorted = true;
  for (let i = 1; i < segs.length && sorted; i++) {
    if (segs[i].start < segs[i - 1].start + segs[i - 1].data.length) sorted = false;
  }
  const piece = (r: RawSegment, from: number, to: number): MemorySegment => ({
    start: from, end: to,
    data: r.data.subarray(from - r.start, to - r.start),
    fileOffset: (r.fileOffset + (from - r.start)) as FileOffset,
  });
  if (sorted) return segs.map((r) => ({ start: r.start, end: r.start + r.data.length, data: r.data, fileOffset: r.fileOffset }));

  // Events: at each boundary, segments start or stop.
  const points = new Set<number>();
  for (const r of segs) { points.add(r.start); points.add(r.start + r.data.length); }
  const xs = [...points].sort((a, b) => a - b);
  const byStart = segs.map((r, i) => ({ r, i })).sort((a, b) => a.r.start - b.r.start);
  const heap = new MaxHeap();
  const out: MemorySegment[] = [];
  let k = 0;
  for (let j = 0; j + 1 < xs.length; j++) {
    const x = xs[j], nx = xs[j + 1];
    while (k < byStart.length && byStart[k].r.start <= x) heap.push(byStart[k++].i);
    while (heap.size && segs[heap.top()].start + segs[heap.top()].data.length <= x) heap.pop();
    if (!heap.size) continue;
    const w = heap.top();
    const prev = out[out.length - 1];
    const p = piece(segs[w], x, nx);
    // merge with the previous piece when it comes from the same segment
    if (prev && prev.end === x && prev.data.buffer === p.data.buffer && prev.data.byteOffset + prev.data.length === p.data.byteOffset) {
      prev.end = nx;
      prev.data = new Uint8Array(prev.data.buffer, prev.data.byteOffset, prev.data.length + p.data.length);
    } else out.push(p);
  }
  return out;
}

/** Max-heap of segment indices (later segment wins). */
class MaxHeap {
  private a: number[] = [];
  get size(): number { return this.a.length; }
  top(): number { return this.a[0]; }
  push(v: number): void {
    const a = this.a; a.push(v);
    let i = a.length - 1;
    while (i > 0) { const p = (i - 1) >> 1; if (a[p] >= a[i]) break; [a[p], a[i]] = [a[i], a[p]]; i = p; }
  }
  pop(): void {
    const a = this.a; const last = a.pop() as number;
    if (!a.length) return;
    a[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1, r = l + 1; let m = i;
      if (l < a.length && a[l] > a[m]) m = l;
      if (r < a.length && a[r] > a[m]) m = r;
      if (m === i) break;
      [a[m], a[i]] = [a[i], a[m]]; i = m;
    }
  }
}
