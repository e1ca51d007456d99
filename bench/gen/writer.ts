/** A fast growable byte writer for generating large DWARF (tens of MB). */
export class Writer {
  buf: Uint8Array;
  pos = 0;
  constructor(cap = 1 << 16) { this.buf = new Uint8Array(cap); }
  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.pos + n) cap *= 2;
    const b = new Uint8Array(cap); b.set(this.buf.subarray(0, this.pos)); this.buf = b;
  }
  u8(...v: number[]): this { this.ensure(v.length); for (const x of v) this.buf[this.pos++] = x & 0xff; return this; }
  u16(v: number): this { this.ensure(2); this.buf[this.pos++] = v & 0xff; this.buf[this.pos++] = (v >> 8) & 0xff; return this; }
  u32(v: number): this { this.ensure(4); for (let i = 0; i < 4; i++) this.buf[this.pos++] = (v >>> (8 * i)) & 0xff; return this; }
  uleb(v: number): this { this.ensure(10); do { let b = v % 128; v = Math.floor(v / 128); if (v) b |= 0x80; this.buf[this.pos++] = b; } while (v); return this; }
  sleb(v: number): this {
    this.ensure(10);
    for (;;) { const b = v & 0x7f; v >>= 7; if ((v === 0 && !(b & 0x40)) || (v === -1 && (b & 0x40))) { this.buf[this.pos++] = b; return this; } this.buf[this.pos++] = b | 0x80; }
  }
  bytes(a: Uint8Array): this { this.ensure(a.length); this.buf.set(a, this.pos); this.pos += a.length; return this; }
  cstr(s: string): this { const e = new TextEncoder().encode(s); this.bytes(e); return this.u8(0); }
  patch32(at: number, v: number): void { for (let i = 0; i < 4; i++) this.buf[at + i] = (v >>> (8 * i)) & 0xff; }
  done(): Uint8Array { return this.buf.subarray(0, this.pos); }
}
