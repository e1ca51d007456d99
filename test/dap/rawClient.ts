/**
 * A minimal DAP client over a socket for the load tests (fuzz, fifty
 * concurrent sessions, a thousand sequential ones): it can send bytes that
 * are not valid DAP at all, which DebugClient cannot.
 */
import * as net from 'node:net';

export interface Message { seq: number; type: string; command?: string; event?: string; request_seq?: number; success?: boolean; message?: string; body?: any }

export class RawClient {
  private buf = Buffer.alloc(0);
  private seq = 1;
  private waiters = new Map<number, (m: Message) => void>();
  readonly events: Message[] = [];
  private eventWaiters: Array<{ name: string; resolve: (m: Message) => void }> = [];
  closed = false;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (d) => this.onData(d));
    socket.on('close', () => { this.closed = true; });
    socket.on('error', () => { this.closed = true; });
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = net.createConnection(port, host, () => { s.setNoDelay(true); resolve(new RawClient(s)); });
      s.once('error', reject);
    });
  }

  private onData(d: Buffer): void {
    this.buf = Buffer.concat([this.buf, d]);
    for (;;) {
      const h = this.buf.indexOf('\r\n\r\n');
      if (h < 0) return;
      const m = /Content-Length: *(\d+)/i.exec(this.buf.subarray(0, h).toString());
      if (!m) { this.buf = this.buf.subarray(h + 4); continue; }
      const len = Number(m[1]);
      if (this.buf.length < h + 4 + len) return;
      const msg = JSON.parse(this.buf.subarray(h + 4, h + 4 + len).toString('utf8')) as Message;
      this.buf = this.buf.subarray(h + 4 + len);
      if (msg.type === 'response' && msg.request_seq !== undefined) {
        const w = this.waiters.get(msg.request_seq);
        if (w) { this.waiters.delete(msg.request_seq); w(msg); }
      } else if (msg.type === 'event') {
        this.events.push(msg);
        const i = this.eventWaiters.findIndex((x) => x.name === msg.event);
        if (i >= 0) this.eventWaiters.splice(i, 1)[0].resolve(msg);
      }
    }
  }

  writeRaw(bytes: string | Buffer): void { this.socket.write(bytes); }

  /** Send any JSON value framed as a DAP message. */
  sendFramed(value: unknown): void {
    const json = typeof value === 'string' ? value : JSON.stringify(value);
    this.socket.write(`Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`);
  }

  request(command: string, args?: unknown, timeoutMs = 20_000): Promise<Message> {
    const seq = this.seq++;
    const msg: Record<string, unknown> = { seq, type: 'request', command };
    if (args !== undefined) msg.arguments = args;
    return this.requestRaw(msg, seq, timeoutMs);
  }

  /** Send a request object as is (it may be malformed); resolves with the response to `seq`. */
  requestRaw(msg: unknown, seq: number, timeoutMs = 20_000): Promise<Message> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => { this.waiters.delete(seq); reject(new Error(`no response to ${JSON.stringify(msg).slice(0, 200)}`)); }, timeoutMs);
      this.waiters.set(seq, (m) => { clearTimeout(t); resolve(m); });
      this.sendFramed(msg);
    });
  }

  nextSeq(): number { return this.seq++; }

  waitEvent(name: string, timeoutMs = 20_000): Promise<Message> {
    const have = this.events.find((e) => e.event === name);
    if (have) return Promise.resolve(have);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no '${name}' event`)), timeoutMs);
      this.eventWaiters.push({ name, resolve: (m) => { clearTimeout(t); resolve(m); } });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.closed) return resolve();
      this.socket.once('close', () => resolve());
      this.socket.end();
      setTimeout(() => { this.socket.destroy(); resolve(); }, 2000).unref();
    });
  }
}
