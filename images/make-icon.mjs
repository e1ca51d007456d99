// Writes images/icon.png (128x128 RGBA): the WebAssembly-purple square with a
// white "crack" through a broken frame. Plain Node (zlib), no dependencies:
//   node images/make-icon.mjs
import { deflateSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const N = 128;
const px = new Uint8Array(N * N * 4);

function segDist(x, y, [ax, ay], [bx, by]) {
  const dx = bx - ax, dy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - (ax + t * dx), y - (ay + t * dy));
}
function roundedBoxDist(x, y, x0, y0, x1, y1, r) {
  const qx = Math.max(x0 + r - x, 0, x - (x1 - r)), qy = Math.max(y0 + r - y, 0, y - (y1 - r));
  return Math.hypot(qx, qy) - r;
}
const crack = [[70, 8], [58, 40], [74, 58], [52, 86], [66, 100], [56, 122]];
const purple = [0x65, 0x4f, 0xf0];
const white = [0xff, 0xff, 0xff];

for (let y = 0; y < N; y++) {
  for (let x = 0; x < N; x++) {
    const cx = x + 0.5, cy = y + 0.5;
    // Background: rounded square, anti-aliased edge.
    const bg = Math.max(0, Math.min(1, 0.5 - roundedBoxDist(cx, cy, 4, 4, 124, 124, 22)));
    // Foreground: a "wasm" notch box outline and the crack.
    const box = Math.abs(roundedBoxDist(cx, cy, 26, 30, 102, 104, 8)) - 4;
    let crackD = Infinity;
    for (let i = 0; i + 1 < crack.length; i++) crackD = Math.min(crackD, segDist(cx, cy, crack[i], crack[i + 1]));
    const inCrackGap = crackD < 9; // the crack cuts the outline
    const outline = inCrackGap ? 0 : Math.max(0, Math.min(1, 0.5 - box));
    const crackInk = Math.max(0, Math.min(1, 3.5 - crackD));
    const fg = Math.max(outline, crackInk);
    const o = (y * N + x) * 4;
    for (let c = 0; c < 3; c++) px[o + c] = Math.round(purple[c] * (1 - fg) + white[c] * fg);
    px[o + 3] = Math.round(255 * bg);
  }
}

function crc32(buf) {
  let c, crc = 0xffffffff;
  for (const b of buf) {
    c = (crc ^ b) & 0xff;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crc = (crc >>> 8) ^ c;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(N, 0); ihdr.writeUInt32BE(N, 4);
ihdr[8] = 8; ihdr[9] = 6; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0; // 8-bit RGBA
const raw = Buffer.alloc(N * (N * 4 + 1));
for (let y = 0; y < N; y++) {
  raw[y * (N * 4 + 1)] = 0; // filter: none
  Buffer.from(px.buffer, y * N * 4, N * 4).copy(raw, y * (N * 4 + 1) + 1);
}
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync(fileURLToPath(new URL('./icon.png', import.meta.url)), png);
console.log(`icon.png: ${png.length} bytes`);
