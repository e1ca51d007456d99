/**
 * From a location (what the expression evaluator returns) to the bytes of
 * an object, and choosing a location-list entry by the frame's address.
 */
import { FrameContext, Loc, Piece } from './expr';

export type ObjectBytes = { bytes: Uint8Array } | { unavailable: string };

/** One entry of a location list, already resolved to code addresses [begin, end). */
export interface LocListEntry { begin: number; end: number; expr: Uint8Array; exprOffset?: number }

/**
 * The expression that applies at `pc`, or undefined when no entry covers it
 * (the variable is not available there).
 */
export function pickLocListEntry(entries: readonly LocListEntry[], pc: number): LocListEntry | undefined {
  for (const e of entries) if (pc >= e.begin && pc < e.end) return e;
  return undefined;
}

/** Read `size` bytes of an object at `loc`. Unreadable or missing parts make the whole object unavailable. */
export function readObject(loc: Loc, size: number, ctx: FrameContext): ObjectBytes {
  switch (loc.kind) {
    case 'memory': {
      const m = ctx.readMemory(loc.addr, size);
      return 'unreadable' in m ? { unavailable: m.unreadable } : { bytes: m.bytes };
    }
    case 'value':
      if (loc.bytes.length >= size) return { bytes: loc.bytes.subarray(0, size) };
      return { unavailable: `${loc.source} holds ${loc.bytes.length} bytes, the type needs ${size}` };
    case 'unavailable': return { unavailable: loc.reason };
    case 'implicit-pointer': return { unavailable: 'implicit pointer (the pointer itself was optimized out)' };
    case 'pieces': return assemble(loc.parts, size, ctx);
  }
}

function assemble(parts: Piece[], size: number, ctx: FrameContext): ObjectBytes {
  const out = new Uint8Array(size);
  let bit = 0;
  for (const p of parts) {
    if (bit >= size * 8) break;
    const nbits = Math.min(p.sizeBits, size * 8 - bit);
    const srcBytes = Math.ceil((p.offsetBits + nbits) / 8);
    const src = readObject(p.loc, srcBytes, ctx);
    if ('unavailable' in src) return { unavailable: `part at bit ${bit}: ${src.unavailable}` };
    if (src.bytes.length * 8 < p.offsetBits + nbits) return { unavailable: `part at bit ${bit} is shorter than its piece` };
    copyBits(src.bytes, p.offsetBits, out, bit, nbits);
    bit += p.sizeBits;
  }
  if (bit < size * 8) return { unavailable: `only ${bit} of ${size * 8} bits are described` };
  return { bytes: out };
}

function copyBits(src: Uint8Array, srcBit: number, dst: Uint8Array, dstBit: number, n: number): void {
  if ((srcBit & 7) === 0 && (dstBit & 7) === 0 && (n & 7) === 0) {
    dst.set(src.subarray(srcBit >> 3, (srcBit + n) >> 3), dstBit >> 3);
    return;
  }
  for (let i = 0; i < n; i++) {
    const s = srcBit + i, d = dstBit + i;
    const b = (src[s >> 3] >> (s & 7)) & 1;
    if (b) dst[d >> 3] |= 1 << (d & 7); else dst[d >> 3] &= ~(1 << (d & 7));
  }
}

/** Address of an object if it lives in memory (for `&x`, pointers to members and memory references). */
export function memoryAddress(loc: Loc): number | undefined {
  return loc.kind === 'memory' ? loc.addr : undefined;
}

/**
 * The location of bytes [byteOffset, byteOffset+size) of an object at `loc`
 * (struct members, array elements). For composite locations only the parts
 * that cover the range matter, so a member is available even when another
 * part of its object was optimized out.
 */
export function sliceLocation(loc: Loc, byteOffset: number, size: number): Loc {
  switch (loc.kind) {
    case 'memory': return { kind: 'memory', addr: loc.addr + byteOffset };
    case 'value':
      if (byteOffset + size > loc.bytes.length) return { kind: 'unavailable', reason: `${loc.source} holds ${loc.bytes.length} bytes, the part at ${byteOffset} needs ${size}` };
      return { kind: 'value', bytes: loc.bytes.subarray(byteOffset, byteOffset + size), source: loc.source };
    case 'pieces': {
      const lo = byteOffset * 8, hi = (byteOffset + size) * 8;
      const parts: Piece[] = [];
      let bit = 0;
      for (const p of loc.parts) {
        const start = bit, end = bit + p.sizeBits;
        bit = end;
        if (end <= lo || start >= hi) continue;
        const from = Math.max(start, lo), to = Math.min(end, hi);
        parts.push({ sizeBits: to - from, offsetBits: p.offsetBits + (from - start), loc: p.loc });
      }
      if (bit < hi && parts.reduce((a, p) => a + p.sizeBits, 0) < hi - lo) return { kind: 'unavailable', reason: 'not described by the location (optimized out)' };
      if (parts.length === 1) {
        const only = parts[0];
        if (only.loc.kind === 'unavailable') return only.loc;
        if (only.loc.kind === 'memory' && only.offsetBits % 8 === 0) return { kind: 'memory', addr: only.loc.addr + only.offsetBits / 8 };
        if (only.loc.kind === 'value' && only.offsetBits % 8 === 0 && only.sizeBits % 8 === 0) return sliceLocation(only.loc, only.offsetBits / 8, only.sizeBits / 8);
      }
      return { kind: 'pieces', parts };
    }
    default: return loc;
  }
}
