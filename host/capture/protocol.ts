/**
 * The few Chrome DevTools Protocol shapes capture uses (V8 inspector), typed
 * loosely: only the fields we read. See
 * https://chromedevtools.github.io/devtools-protocol/v8/Debugger/
 */
export interface RemoteObject {
  type: string;
  subtype?: string;
  className?: string;
  description?: string;
  value?: unknown;
  objectId?: string;
}

export interface Location { scriptId: string; lineNumber: number; columnNumber?: number }

export interface Scope { type: string; object: RemoteObject; name?: string }

export interface CallFrame {
  callFrameId: string;
  functionName: string;
  location: Location;
  functionLocation?: Location;
  url?: string;
  scopeChain: Scope[];
}

export interface PausedEvent {
  callFrames: CallFrame[];
  reason: string;
  data?: RemoteObject & { uncaught?: boolean };
}

export interface ScriptParsed { scriptId: string; url: string; scriptLanguage?: string; embedderName?: string }

/** One protocol request: what the collector asks its driver to send. */
export interface Request { method: string; params?: Record<string, unknown> }

/** Anything that can send a protocol command and deliver its result. */
export interface AsyncSession { post(method: string, params?: Record<string, unknown>): Promise<unknown> }

/** A session that answers synchronously (an in-process `node:inspector` Session on the paused thread). */
export interface SyncSession { postSync(method: string, params?: Record<string, unknown>): unknown }

export function isWasmFrame(f: CallFrame): boolean {
  return f.scopeChain.some((s) => s.type === 'wasm-expression-stack');
}

/**
 * True when a pause is a Wasm trap: an exception thrown while the youngest
 * frame is Wasm code (V8 raises traps as RuntimeError, stack overflow as
 * RangeError). Exceptions thrown by JS through Wasm frames do not count.
 */
export function isWasmTrap(p: PausedEvent): boolean {
  if (p.reason !== 'exception' && p.reason !== 'promiseRejection') return false;
  const top = p.callFrames[0];
  if (!top || !isWasmFrame(top)) return false;
  const cls = p.data?.className;
  return cls === 'RuntimeError' || cls === 'RangeError';
}

/** First line of the exception's description, e.g. "RuntimeError: unreachable". */
export function trapMessage(p: PausedEvent): string {
  const d = p.data?.description ?? p.data?.className ?? 'unknown exception';
  return d.split('\n')[0];
}
