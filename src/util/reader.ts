import { FormatError, ErrorCode } from './errors';

/**
 * Bounds-checked little-endian byte reader over a window of a file.
 * Offsets (`pos`, `start`, `end`) are always absolute offsets into `bytes`
 * (the whole file), so errors and models carry file offsets without
 * translation. Sub-readers share the same buffer (no copies).
 */
export class ByteReader {
  pos: number;
  constructor(
    readonly bytes: Uint8Array,
    readonly file: string,
    public section: string | undefined = undefined,
    readonly start = 0,
    readonly end = bytes.length,
  ) {
    if (start < 0 || end > bytes.length || start > end) {
      throw new FormatError(`window [${start}, ${end}) outside file of ${bytes.length} bytes`, { file, section, offset: start });
    }
    this.pos = start;
  }

  get remaining(): number { return this.end - this.pos; }
  get atEnd(): boolean { return this.pos >= this.end; }

  fail(detail: string, offset = this.pos, code: ErrorCode = 'E_FORMAT'): never {
    throw new FormatError(detail, { file: this.file, section: this.section, offset }, code);
  }

  /** Throw unless `n` more bytes are available. */
  need(n: number, what = 'data'): void {
    if (n < 0 || this.pos + n > this.end) {
      this.fail(`unexpected end of ${this.section ?? 'data'} reading ${what}: need ${n} bytes, ${this.remaining} left`);
    }
  }

  /** A reader over the next `len` bytes; advances this reader past them. */
  sub(len: number, section = this.section): ByteReader {
    this.need(len, 'sub-range');
    const r = new ByteReader(this.bytes, this.file, section, this.pos, this.pos + len);
    this.pos += len;
    return r;
  }

  /** A reader over an absolute range (must lie within this reader's window). */
  window(start: number, end: number, section = this.section): ByteReader {
    if (start < this.start || end > this.end || start > end) {
      this.fail(`range [0x${start.toString(16)}, 0x${end.toString(16)}) outside ${this.section ?? 'data'}`, start);
    }
    return new ByteReader(this.bytes, this.file, section, start, end);
  }

  seek(pos: number): void {
    if (pos < this.start || pos > this.end) this.fail(`seek to 0x${pos.toString(16)} outside range`, pos);
    this.pos = pos;
  }

  skip(n: number): void { this.need(n, 'skipped bytes'); this.pos += n; }

  u8(): number { this.need(1, 'byte'); return this.bytes[this.pos++]; }
  peekU8(): number { this.need(1, 'byte'); return this.bytes[this.pos]; }

  u16(): number { this.need(2, 'u16'); const b = this.bytes, p = this.pos; this.pos += 2; return b[p] | (b[p + 1] << 8); }
  u24(): number { this.need(3, 'u24'); const b = this.bytes, p = this.pos; this.pos += 3; return b[p] | (b[p + 1] << 8) | (b[p + 2] << 16); }
  u32(): number {
    this.need(4, 'u32'); const b = this.bytes, p = this.pos; this.pos += 4;
    return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16)) + b[p + 3] * 0x1000000;
  }
  u64(): bigint { const lo = this.u32(); const hi = this.u32(); return (BigInt(hi) << 32n) | BigInt(lo); }
  /** u64 as a number; fails if it does not fit in 2^53. */
  u64n(): number {
    const at = this.pos; const lo = this.u32(); const hi = this.u32();
    if (hi >= 0x200000) this.fail('64-bit value too large', at);
    return hi * 0x100000000 + lo;
  }
  i32(): number { const v = this.u32(); return v | 0; }
  i64(): bigint { return BigInt.asIntN(64, this.u64()); }
  f32(): number { this.need(4, 'f32'); const v = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.pos, 4).getFloat32(0, true); this.pos += 4; return v; }
  f64(): number { this.need(8, 'f64'); const v = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.pos, 8).getFloat64(0, true); this.pos += 8; return v; }

  /** Unsigned LEB128 that must fit in 32 bits (Wasm u32). */
  uleb32(): number {
    const at = this.pos;
    // multiply by a running power of 128, not `2 ** shift`: exponentiation yields a heap
    // double even for small integers, and offsets computed from it (section bounds) would
    // then box every position derived from them in unoptimized code
    let result = 0, mul = 1;
    for (let i = 0; i < 5; i++) {
      if (this.pos >= this.end) this.fail('unexpected end of LEB128', at);
      const b = this.bytes[this.pos++];
      if (i === 4 && (b & 0x70) !== 0) this.fail('LEB128 u32 overflow', at);
      result += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) return result;
      mul *= 128;
    }
    return this.fail('LEB128 u32 too long', at);
  }

  /** Signed LEB128 that must fit in 32 bits (Wasm s32). */
  sleb32(): number {
    const at = this.pos;
    let result = 0, shift = 0, b = 0;
    for (let i = 0; i < 5; i++) {
      if (this.pos >= this.end) this.fail('unexpected end of LEB128', at);
      b = this.bytes[this.pos++];
      result |= (b & 0x7f) << shift;
      shift += 7;
      if ((b & 0x80) === 0) {
        if (i === 4) {
          // the unused bits of the last byte must be a sign extension
          const rest = b & 0x78;
          if (rest !== 0 && rest !== 0x78) this.fail('LEB128 s32 overflow', at);
          return result | 0;
        }
        if (shift < 32 && (b & 0x40)) result |= -1 << shift;
        return result | 0;
      }
    }
    return this.fail('LEB128 s32 too long', at);
  }

  /** Signed LEB128 up to 64 bits (Wasm s64), as bigint. */
  sleb64(): bigint {
    const at = this.pos;
    let result = 0n, shift = 0n, b = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.fail('unexpected end of LEB128', at);
      b = this.bytes[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if ((b & 0x80) === 0) {
        if (i === 9 && b !== 0 && b !== 0x7f) this.fail('LEB128 s64 overflow', at);
        if (shift < 64n && (b & 0x40)) result |= -1n << shift;
        return BigInt.asIntN(64, result);
      }
    }
    return this.fail('LEB128 s64 too long', at);
  }

  /** Unsigned LEB128 up to 64 bits, as bigint (DWARF ULEB may be long; excess bits are an error). */
  uleb64(): bigint {
    const at = this.pos;
    let result = 0n, shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.fail('unexpected end of LEB128', at);
      const b = this.bytes[this.pos++];
      if (i === 9 && (b & 0x7e) !== 0) this.fail('LEB128 u64 overflow', at);
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
    return this.fail('LEB128 u64 too long', at);
  }

  /** Unsigned LEB128 as a number; fails beyond 2^53. Typical for DWARF sizes/offsets. */
  ulebN(): number {
    const at = this.pos;
    let result = 0, mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.fail('unexpected end of LEB128', at);
      const b = this.bytes[this.pos++];
      result += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) {
        if (!Number.isSafeInteger(result)) this.fail('LEB128 value too large', at);
        return result;
      }
      mul *= 128;
    }
    return this.fail('LEB128 too long', at);
  }

  /** Signed LEB128 as a number (DWARF sdata); fails beyond 2^53. */
  slebN(): number {
    const at = this.pos;
    const v = this.sleb64();
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) this.fail('LEB128 value too large', at);
    return Number(v);
  }

  /** A view (no copy) of the next n bytes. */
  bytesView(n: number): Uint8Array {
    this.need(n, 'bytes');
    const v = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** Wasm `name`: u32 length + UTF-8. */
  name(): string {
    const at = this.pos;
    const len = this.uleb32();
    if (len > this.remaining) this.fail(`name length ${len} exceeds remaining ${this.remaining} bytes`, at);
    return utf8(this.bytesView(len));
  }

  /** NUL-terminated string (DWARF). */
  cstr(): string {
    const at = this.pos;
    const nul = this.bytes.indexOf(0, this.pos);
    if (nul < 0 || nul >= this.end) this.fail('unterminated string', at);
    const s = utf8(this.bytes.subarray(this.pos, nul));
    this.pos = nul + 1;
    return s;
  }

  /**
   * Read a count (uleb32) for a vector whose elements take at least
   * `minElemSize` bytes each, and check it against the bytes left and a hard
   * limit before anything is allocated.
   */
  count(what: string, minElemSize = 1, limit = 10_000_000): number {
    const at = this.pos;
    const n = this.uleb32();
    if (n > limit) this.fail(`${what} count ${n} exceeds limit ${limit}`, at, 'E_LIMIT');
    if (n * minElemSize > this.remaining) this.fail(`${what} count ${n} larger than the ${this.remaining} bytes left`, at);
    return n;
  }
}

const decoder = new TextDecoder('utf-8', { fatal: false });
export function utf8(b: Uint8Array): string { return decoder.decode(b); }
