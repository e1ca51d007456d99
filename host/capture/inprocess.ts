/**
 * In-process capture: a `node:inspector` Session on the program's own main
 * thread pauses on every exception; on a Wasm trap it collects the core dump
 * synchronously (the pause ends when the event handler returns, so nothing
 * may be awaited) and hands the bytes to `onTrap`.
 */
import * as inspector from 'node:inspector';
import { writeCoreDump } from '../../src/coredump/writer';
import { ValueEncoding } from '../../src/coredump/model';
import { Collected, CollectOptions, collectCoreDump, runSync } from './collect';
import { PausedEvent, ScriptParsed, isWasmTrap, trapMessage } from './protocol';

export interface TrapInfo { message: string; frames: number; topFunction: string }

export interface InProcessOptions extends CollectOptions {
  valueEncoding?: ValueEncoding;
  /** Called once per trap with the encoded core dump. Must be synchronous. */
  onTrap(bytes: Uint8Array, info: TrapInfo): void;
  /** Called with the collected model before it is encoded (e.g. to save modules and rename them). */
  prepare?(model: Collected): void;
  /** Called if collecting fails (the program continues). */
  onError?(e: unknown): void;
  /** Stop pausing after this many core dumps (default: unlimited). */
  maxDumps?: number;
}

/** Post synchronously on an in-process session (its callbacks run before `post` returns). */
export function postSync(session: inspector.Session, method: string, params?: Record<string, unknown>): unknown {
  let done = false, err: Error | null = null, res: unknown;
  session.post(method, params ?? {}, (e: Error | null, r?: unknown) => { done = true; err = e; res = r; });
  if (!done) throw new Error(`inspector call ${method} did not answer synchronously`);
  if (err) throw err;
  return res;
}

/** Start pausing on exceptions in this thread; returns a function that stops it. */
export function installTrapCapture(opts: InProcessOptions): () => void {
  const session = new inspector.Session();
  session.connect();
  const urls = new Map<string, string>();
  session.on('Debugger.scriptParsed', (m: { params: ScriptParsed }) => {
    if (m.params.scriptLanguage === 'WebAssembly' || m.params.url.startsWith('wasm://')) urls.set(m.params.scriptId, m.params.url);
  });
  let taken = 0;
  session.on('Debugger.paused', (m: { params: PausedEvent }) => {
    const p = m.params;
    if (!isWasmTrap(p)) return;
    if (opts.maxDumps !== undefined && taken >= opts.maxDumps) return;
    taken++;
    if (opts.maxDumps !== undefined && taken >= opts.maxDumps) {
      // The last one: stop pausing on exceptions (debug pauses cost time) once this one is collected.
      queueMicrotask(() => { try { postSync(session, 'Debugger.setPauseOnExceptions', { state: 'none' }); } catch { /* session gone */ } });
    }
    try {
      const model = runSync(collectCoreDump(p, {
        ...opts,
        inProcess: true,
        moduleName: (sid) => opts.moduleName?.(sid) ?? urls.get(sid),
      }), (r) => postSync(session, r.method, r.params));
      opts.prepare?.(model);
      const bytes = writeCoreDump(model, { valueEncoding: opts.valueEncoding });
      opts.onTrap(bytes, { message: trapMessage(p), frames: model.threads[0].frames.length, topFunction: p.callFrames[0].functionName });
    } catch (e) {
      opts.onError?.(e);
    }
  });
  postSync(session, 'Debugger.enable');
  postSync(session, 'Debugger.setPauseOnExceptions', { state: 'all' });
  return () => { try { session.disconnect(); } catch { /* already gone */ } };
}
