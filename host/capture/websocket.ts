/**
 * A minimal RFC 6455 WebSocket client (text messages only), enough to speak
 * the Chrome DevTools Protocol to a V8 inspector endpoint. Node 20 has no
 * global WebSocket without a flag.
 */
import * as crypto from 'node:crypto';
import * as http from 'node:http';
import type { Socket } from 'node:net';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const MAX_MESSAGE = 1 << 30;

export class WebSocketClient {
  private buf: Buffer = Buffer.alloc(0);
  private fragments: Buffer[] = [];
  private closed = false;
  onmessage: (text: string) => void = () => undefined;
  onclose: (reason: string) => void = () => undefined;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (d: Buffer) => { this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d; this.parse(); });
    socket.on('close', () => this.finish('connection closed'));
    socket.on('error', (e) => this.finish(`connection error: ${e.message}`));
  }

  static connect(url: string, timeoutMs = 10_000): Promise<WebSocketClient> {
    const u = new URL(url);
    if (u.protocol !== 'ws:') return Promise.reject(new Error(`only ws:// URLs are supported (got ${url})`));
    const key = crypto.randomBytes(16).toString('base64');
    return new Promise((resolve, reject) => {
      const req = http.request({
        host: u.hostname, port: u.port || 80, path: u.pathname + u.search, timeout: timeoutMs,
        headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Key': key, 'Sec-WebSocket-Version': '13' },
      });
      req.on('upgrade', (res: http.IncomingMessage, socket: Socket, head: Buffer) => {
        const want = crypto.createHash('sha1').update(key + GUID).digest('base64');
        if (res.headers['sec-websocket-accept'] !== want) { socket.destroy(); reject(new Error('bad Sec-WebSocket-Accept from server')); return; }
        socket.setTimeout(0);
        socket.setNoDelay(true);
        const ws = new WebSocketClient(socket);
        if (head.length) { ws.buf = head; ws.parse(); }
        resolve(ws);
      });
      req.on('response', (res) => reject(new Error(`WebSocket upgrade refused: HTTP ${res.statusCode}`)));
      req.on('timeout', () => req.destroy(new Error(`timed out connecting to ${url}`)));
      req.on('error', reject);
      req.end();
    });
  }

  send(text: string): void {
    if (this.closed) throw new Error('WebSocket is closed');
    this.socket.write(frame(0x1, Buffer.from(text, 'utf8')));
  }

  close(): void {
    if (this.closed) return;
    try { this.socket.write(frame(0x8, Buffer.from([0x03, 0xe8]))); } catch { /* socket already gone */ }
    this.socket.end();
    this.finish('closed by client');
  }

  private finish(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    this.onclose(reason);
  }

  private parse(): void {
    for (;;) {
      const b = this.buf;
      if (b.length < 2) return;
      const fin = (b[0] & 0x80) !== 0, op = b[0] & 0x0f, masked = (b[1] & 0x80) !== 0;
      let len = b[1] & 0x7f, p = 2;
      if (len === 126) { if (b.length < 4) return; len = b.readUInt16BE(2); p = 4; }
      else if (len === 127) {
        if (b.length < 10) return;
        const big = b.readBigUInt64BE(2);
        if (big > BigInt(MAX_MESSAGE)) { this.finish('message too large'); return; }
        len = Number(big); p = 10;
      }
      const maskAt = p;
      if (masked) p += 4;
      if (b.length < p + len) return;
      let payload = b.subarray(p, p + len);
      if (masked) { payload = Buffer.from(payload); for (let i = 0; i < len; i++) payload[i] ^= b[maskAt + (i & 3)]; }
      this.buf = b.subarray(p + len);
      if (op === 0x8) { this.finish('closed by server'); return; }
      if (op === 0x9) { this.socket.write(frame(0xa, Buffer.from(payload))); continue; }
      if (op === 0xa) continue;
      if (op === 0x1 || op === 0x2 || op === 0x0) {
        this.fragments.push(Buffer.from(payload));
        const total = this.fragments.reduce((n, f) => n + f.length, 0);
        if (total > MAX_MESSAGE) { this.finish('message too large'); return; }
        if (fin) {
          const msg = Buffer.concat(this.fragments).toString('utf8');
          this.fragments = [];
          this.onmessage(msg);
        }
      }
    }
  }
}

/** A masked client frame. */
function frame(op: number, payload: Buffer): Buffer {
  const len = payload.length;
  const head = len < 126 ? 2 : len < 65536 ? 4 : 10;
  const out = Buffer.alloc(head + 4 + len);
  out[0] = 0x80 | op;
  if (len < 126) out[1] = 0x80 | len;
  else if (len < 65536) { out[1] = 0x80 | 126; out.writeUInt16BE(len, 2); }
  else { out[1] = 0x80 | 127; out.writeBigUInt64BE(BigInt(len), 2); }
  const mask = crypto.randomBytes(4);
  mask.copy(out, head);
  for (let i = 0; i < len; i++) out[head + 4 + i] = payload[i] ^ mask[i & 3];
  return out;
}
