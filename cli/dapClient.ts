/**
 * A minimal Debug Adapter Protocol client over a child process's stdio
 * (Content-Length framing). Used by `wasm-coredump demo` to drive the real
 * server the same way an editor does.
 */
import { ChildProcess, spawn } from 'node:child_process';

export interface DapMessage { seq: number; type: string; command?: string; event?: string; success?: boolean; message?: string; body?: any; request_seq?: number }

export class StdioDapClient {
  private proc: ChildProcess;
  private buf = Buffer.alloc(0);
  private seq = 1;
  private pending = new Map<number, (m: DapMessage) => void>();
  private eventWaiters: Array<{ event: string; resolve: (m: DapMessage) => void }> = [];
  private events: DapMessage[] = [];

  constructor(command: string, args: string[]) {
    this.proc = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
    this.proc.stdout!.on('data', (d: Buffer) => this.onData(d));
  }

  private onData(d: Buffer): void {
    this.buf = Buffer.concat([this.buf, d]);
    for (;;) {
      const headerEnd = this.buf.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const m = /Content-Length: (\d+)/i.exec(this.buf.subarray(0, headerEnd).toString('ascii'));
      if (!m) throw new Error('DAP framing error: no Content-Length');
      const len = Number(m[1]);
      if (this.buf.length < headerEnd + 4 + len) return;
      const msg = JSON.parse(this.buf.subarray(headerEnd + 4, headerEnd + 4 + len).toString('utf8')) as DapMessage;
      this.buf = this.buf.subarray(headerEnd + 4 + len);
      this.dispatch(msg);
    }
  }

  private dispatch(msg: DapMessage): void {
    if (msg.type === 'response' && msg.request_seq !== undefined) {
      const cb = this.pending.get(msg.request_seq);
      this.pending.delete(msg.request_seq);
      cb?.(msg);
    } else if (msg.type === 'event') {
      const i = this.eventWaiters.findIndex((w) => w.event === msg.event);
      if (i >= 0) this.eventWaiters.splice(i, 1)[0].resolve(msg);
      else this.events.push(msg);
    }
  }

  /** Send a request; resolves with the response body, rejects with the adapter's error message. */
  request(command: string, args?: unknown): Promise<any> {
    const seq = this.seq++;
    const json = JSON.stringify({ seq, type: 'request', command, arguments: args });
    this.proc.stdin!.write(`Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`);
    return new Promise((resolve, reject) => {
      this.pending.set(seq, (m) => (m.success ? resolve(m.body ?? {}) : reject(new Error(m.body?.error?.format ?? m.message ?? `${command} failed`))));
    });
  }

  waitEvent(event: string, timeoutMs = 10_000): Promise<DapMessage> {
    const i = this.events.findIndex((e) => e.event === event);
    if (i >= 0) return Promise.resolve(this.events.splice(i, 1)[0]);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no '${event}' event within ${timeoutMs} ms`)), timeoutMs);
      this.eventWaiters.push({ event, resolve: (m) => { clearTimeout(t); resolve(m); } });
    });
  }

  close(): void { this.proc.stdin!.end(); this.proc.kill(); }
}
