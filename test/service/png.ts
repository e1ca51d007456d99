/**
 * Just enough of a PNG decoder to check screenshots: the header, and the
 * pixels (8-bit RGB/RGBA, non-interlaced, as Chromium writes them) after
 * undoing the scanline filters.
 */
import { inflateSync } from 'node:zlib';

export interface Png { width: number; height: number; channels: number; pixels: Buffer }

export function decodePng(buf: Buffer): Png {
  if (buf.length < 8 || buf.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG (bad signature)');
  let pos = 8, width = 0, height = 0, depth = 0, colour = 0, interlace = 0;
  const idat: Buffer[] = [];
  while (pos + 8 <= buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') { width = data.readUInt32BE(0); height = data.readUInt32BE(4); depth = data[8]; colour = data[9]; interlace = data[12]; }
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    pos += 12 + len;
  }
  const channels = colour === 2 ? 3 : colour === 6 ? 4 : 0;
  if (depth !== 8 || !channels || interlace) throw new Error(`unsupported PNG (depth ${depth}, colour type ${colour}, interlace ${interlace})`);
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  if (raw.length !== (stride + 1) * height) throw new Error(`PNG data is ${raw.length} bytes, expected ${(stride + 1) * height}`);
  const px = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)];
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? px[out + x - channels] : 0;
      const b = y > 0 ? px[out - stride + x] : 0;
      const c = x >= channels && y > 0 ? px[out - stride + x - channels] : 0;
      let pred = 0;
      if (f === 1) pred = a;
      else if (f === 2) pred = b;
      else if (f === 3) pred = (a + b) >> 1;
      else if (f === 4) { const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c); pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c; }
      else if (f !== 0) throw new Error(`PNG row ${y}: unknown filter ${f}`);
      px[out + x] = (src[x] + pred) & 0xff;
    }
  }
  return { width, height, channels, pixels: px };
}

/** Distinct colours and the share of pixels that differ from the most common one (the background). */
export function colourStats(p: Png): { colours: number; foreground: number } {
  const counts = new Map<number, number>();
  for (let i = 0; i < p.pixels.length; i += p.channels) {
    const k = (p.pixels[i] << 16) | (p.pixels[i + 1] << 8) | p.pixels[i + 2];
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const max = Math.max(...counts.values());
  const total = p.width * p.height;
  return { colours: counts.size, foreground: (total - max) / total };
}
