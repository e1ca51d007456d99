/**
 * `--connect HOST:PORT`: attach to a running V8 inspector endpoint over the
 * Chrome DevTools Protocol, wait for the next Wasm trap, collect the core
 * dump (asynchronously: the remote target stays paused meanwhile) and resume.
 */
import * as http from 'node:http';
import { writeCoreDump } from '../../src/coredump/writer';
import { ValueEncoding } from '../../src/coredump/model';
import { Collected, collectCoreDump, runAsync } from './collect';
import { TrapInfo } from './inprocess';
import { PausedEvent, ScriptParsed, isWasmTrap, trapMessage } from './protocol';
import { WebSocketClient } from './websocket';

export class CdpClient {
  private nextId = 1;
  private pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void; method: string }>();
  private listeners = new Map<string, Array<(params: unknown) => void>>();
  private closedReason?: string;

  constructor(private readonly ws: WebSocketClient) {
    ws.onmessage = (text) => {
      const m = JSON.parse(text) as { id?: number; result?: unknown; error?: { message: string }; method?: string; params?: unknown };
      if (m.id !== undefined) {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.error) p.reject(new Error(`${p.method}: ${m.error.message}`)); else p.resolve(m.result);
      } else if (m.method) {
        for (const l of this.listeners.get(m.method) ?? []) l(m.params);
      }
    };
    ws.onclose = (reason) => {
      this.closedReason = reason;
      for (const p of this.pending.values()) p.reject(new Error(`${p.method}: inspector ${reason}`));
      this.pending.clear();
      for (const l of this.listeners.get('close') ?? []) l(reason);
    };
  }

  post(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
    if (this.closedReason) return Promise.reject(new Error(`${method}: inspector ${this.closedReason}`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, method });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  on(event: string, fn: (params: unknown) => void): void {
    const l = this.listeners.get(event) ?? [];
    l.push(fn);
    this.listeners.set(event, l);
  }

  close(): void { this.ws.close(); }
}

export interface Target { id: string; title?: string; type?: string; url?: string; webSocketDebuggerUrl?: string }

export function listTargets(hostPort: string, timeoutMs = 10_000): Promise<Target[]> {
  return new Promise((resolve, reject) => {
    const req = http.get(`http://${hostPort}/json/list`, { timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => {
        try { resolve(JSON.parse(body) as Target[]); } catch { reject(new Error(`http://${hostPort}/json/list did not return JSON`)); }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`timed out asking http://${hostPort}/json/list`)));
    req.on('error', (e) => reject(new Error(`cannot reach inspector at ${hostPort}: ${e.message}`)));
  });
}

export interface RemoteOptions {
  noLocals?: boolean;
  valueEncoding?: ValueEncoding;
  timeoutMs?: number;
  /** Pick the target whose id equals, or whose URL or title contains, this string (default: the first). */
  target?: string;
  /** Called with the collected model (and the target's process id, if it is Node) before it is encoded. */
  prepare?(model: Collected, pid: number | undefined): void;
}
export interface RemoteResult { bytes: Uint8Array; info: TrapInfo; pid?: number }

/** Capture the next Wasm trap of the first target (or `targetId`) of an inspector endpoint. */
export async function captureFromEndpoint(hostPort: string, opts: RemoteOptions = {}): Promise<RemoteResult> {
  const targets = await listTargets(hostPort);
  const sel = opts.target;
  const usable = targets.filter((x) => x.webSocketDebuggerUrl);
  const t = sel === undefined
    ? usable.find((x) => x.type === 'page' || x.type === 'node') ?? usable[0]
    : usable.find((x) => x.id === sel) ?? usable.find((x) => (x.url ?? '').includes(sel) || (x.title ?? '').includes(sel));
  if (!t?.webSocketDebuggerUrl) {
    const list = targets.map((x) => `  ${x.id} ${x.type ?? ''} ${x.title ?? ''} ${x.url ?? ''}`).join('\n');
    throw new Error(sel === undefined
      ? `no debuggable target at ${hostPort} (is another debugger attached?)`
      : `no target matching '${sel}' at ${hostPort}; targets:\n${list}`);
  }
  const cdp = new CdpClient(await WebSocketClient.connect(t.webSocketDebuggerUrl));
  try {
    return await captureNextTrap(cdp, { ...opts, executableName: t.title || t.url });
  } finally {
    cdp.close();
  }
}

/** On an open CDP session: enable pausing on exceptions, resume other pauses, capture the first Wasm trap. */
export async function captureNextTrap(cdp: CdpClient, opts: RemoteOptions & { executableName?: string }): Promise<RemoteResult> {
  const urls = new Map<string, string>();
  cdp.on('Debugger.scriptParsed', (p) => { const s = p as ScriptParsed; if (s.url.startsWith('wasm://') || s.scriptLanguage === 'WebAssembly') urls.set(s.scriptId, s.url); });
  let queue = Promise.resolve();
  const result = new Promise<RemoteResult>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const ms = opts.timeoutMs;
    if (ms) timer = setTimeout(() => reject(new Error(`no Wasm trap within ${ms / 1000} s`)), ms);
    cdp.on('close', (reason) => { if (timer) clearTimeout(timer); reject(new Error(`inspector ${String(reason)} before a Wasm trap`)); });
    let done = false;
    cdp.on('Debugger.paused', (params) => {
      const p = params as PausedEvent;
      queue = queue.then(async () => {
        if (done || !isWasmTrap(p)) { await cdp.post('Debugger.resume').catch(() => undefined); return; }
        done = true;
        try {
          const pid = await cdp.post('Runtime.evaluate', { expression: "typeof process === 'object' && process ? process.pid : undefined", returnByValue: true })
            .then((r) => (r as { result?: { value?: unknown } }).result?.value, () => undefined);
          const model = await runAsync(collectCoreDump(p, {
            noLocals: opts.noLocals, executableName: opts.executableName, moduleName: (sid) => urls.get(sid),
          }), (r) => cdp.post(r.method, r.params));
          const pidNum = typeof pid === 'number' ? pid : undefined;
          opts.prepare?.(model, pidNum);
          const bytes = writeCoreDump(model, { valueEncoding: opts.valueEncoding });
          await cdp.post('Debugger.setPauseOnExceptions', { state: 'none' }).catch(() => undefined);
          await cdp.post('Debugger.resume').catch(() => undefined);
          if (timer) clearTimeout(timer);
          resolve({ bytes, info: { message: trapMessage(p), frames: model.threads[0].frames.length, topFunction: p.callFrames[0].functionName }, pid: pidNum });
        } catch (e) {
          await cdp.post('Debugger.resume').catch(() => undefined);
          if (timer) clearTimeout(timer);
          reject(e instanceof Error ? e : new Error(String(e)));
        }
      });
    });
  });
  await cdp.post('Runtime.enable');
  await cdp.post('Debugger.enable');
  await cdp.post('Debugger.setPauseOnExceptions', { state: 'all' });
  await cdp.post('Runtime.runIfWaitingForDebugger').catch(() => undefined);
  return result;
}
