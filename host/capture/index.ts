/**
 * Capture public API for embedders.
 *
 *   // In-process (node:inspector Session on the thread that runs the Wasm):
 *   session.on('Debugger.paused', (m) => {
 *     if (!isWasmTrap(m.params)) return;
 *     const bytes = captureCoreDumpSync({ session, pausedEvent: m.params });
 *     fs.writeFileSync('crash.coredump', bytes);   // no await before this point
 *   });
 *
 *   // Any asynchronous CDP session (remote WebSocket, a worker's
 *   // Session.connectToMainThread()): the target stays paused while we read.
 *   const bytes = await captureCoreDump({ session: { post }, pausedEvent });
 *
 * An in-process pause ends when the event handler returns, so an in-process
 * session must use the synchronous form (`captureCoreDump` detects a
 * node:inspector Session and collects synchronously as well).
 */
import * as inspector from 'node:inspector';
import { writeCoreDump } from '../../src/coredump/writer';
import { ValueEncoding } from '../../src/coredump/model';
import { CollectOptions, collectCoreDump, runAsync, runSync } from './collect';
import { postSync } from './inprocess';
import { AsyncSession, PausedEvent } from './protocol';

export interface CaptureOptions extends CollectOptions { valueEncoding?: ValueEncoding }

export interface SyncCaptureArgs extends CaptureOptions { session: inspector.Session; pausedEvent: PausedEvent }
export interface CaptureArgs extends CaptureOptions { session: AsyncSession | inspector.Session; pausedEvent: PausedEvent }

/** Collect and encode a core dump synchronously from an in-process node:inspector Session. */
export function captureCoreDumpSync(a: SyncCaptureArgs): Uint8Array {
  const model = runSync(collectCoreDump(a.pausedEvent, { ...a, inProcess: true }), (r) => postSync(a.session, r.method, r.params));
  return writeCoreDump(model, { valueEncoding: a.valueEncoding });
}

/** Collect and encode a core dump for a `Debugger.paused` event on a Wasm trap. */
export async function captureCoreDump(a: CaptureArgs): Promise<Uint8Array> {
  if (a.session instanceof inspector.Session) return captureCoreDumpSync({ ...a, session: a.session });
  const s = a.session;
  const model = await runAsync(collectCoreDump(a.pausedEvent, a), (r) => s.post(r.method, r.params));
  return writeCoreDump(model, { valueEncoding: a.valueEncoding });
}

export { isWasmTrap, trapMessage, isWasmFrame } from './protocol';
export type { PausedEvent, CallFrame, AsyncSession } from './protocol';
export { installTrapCapture } from './inprocess';
export type { InProcessOptions, TrapInfo } from './inprocess';
export { captureFromEndpoint, captureNextTrap, listTargets, CdpClient } from './remote';
export type { RemoteOptions, RemoteResult } from './remote';
export { WebSocketClient } from './websocket';
export type { CollectOptions } from './collect';
