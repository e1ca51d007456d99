// Types of wasm-coredump-debugger/runtime (runtime/index.mjs). Written with
// structural types only (no DOM or WebAssembly lib needed).

/** What the runtime needs of a WebAssembly.Instance. */
export interface InstanceLike { exports: Record<string, unknown> }

export type Bytes = Uint8Array | ArrayBuffer | ArrayBufferView;

export interface ModuleEntry {
  instance: InstanceLike;
  /** The module's bytes exactly as instantiated (the instrumented module, not the original). */
  moduleBytes: Bytes;
  /** Its name in the dump's `coremodules` (the file name you open the dump with). */
  name?: string;
  /** With several modules: frames whose stack URL contains this string (or matches it) belong here. */
  url?: string | RegExp;
}

export interface CaptureOptions {
  /** The module's bytes exactly as instantiated. Required (or pass the bytes as `module`). */
  moduleBytes?: Bytes;
  /** Accepted as an alias of moduleBytes when it is bytes. */
  module?: Bytes;
  /** Name of the module in the dump (default "module0.wasm"). */
  name?: string;
  url?: string | RegExp;
  /** Name in the `core` section (default: the first module's name). */
  executableName?: string;
  /** The Error.stackTraceLimit in force when the error was created (default: the current one). */
  stackTraceLimit?: number;
  /** Several instances/modules instead of (instance, moduleBytes). */
  modules?: ModuleEntry[];
  /** Free text for the producer note (default: navigator.userAgent or "Node.js <version>"). */
  engine?: string;
}

export interface WrapOptions extends CaptureOptions {
  instance?: InstanceLike;
  /** Called when building the dump fails; the program's own error is rethrown regardless. */
  onCaptureError?: (e: unknown) => void;
}

export declare const PRODUCER: string;
export declare const VERSION: string;
export declare const NOTE_SECTION: string;
/** Error.stackTraceLimit while a wrapped call runs (1e9). */
export declare const STACK_TRACE_LIMIT: number;

export declare class CoreDumpError extends Error {
  /** E_ARGUMENT: unusable arguments; E_MODULE: moduleBytes are not a (complete) module. */
  readonly code: 'E_ARGUMENT' | 'E_MODULE';
}

export interface StackFrame { funcIndex: number; fileOffset: number; url: string; line: string }

/** The Wasm frames of an error's stack (youngest first) and the number of frame lines. */
export declare function wasmFramesOf(error: unknown): { frames: StackFrame[]; total: number };

/**
 * A standard core dump of the Wasm frames of `error` and the instance's
 * memories and globals; null when the error holds no Wasm frame.
 * @throws CoreDumpError for unusable arguments.
 */
export declare function captureCoreDump(error: unknown, instance: InstanceLike | undefined, options: CaptureOptions): Uint8Array | null;

/** `fn` wrapped: on an exception through Wasm frames, `onDump(dump, error)` then the exception is rethrown. */
export declare function wrap<A extends unknown[], R>(fn: (...args: A) => R, onDump: (dump: Uint8Array, error: unknown) => void, options: WrapOptions): (...args: A) => R;

/** `instance.exports[exportName](...args)` under `wrap`. */
export declare function withCoreDump(instance: InstanceLike, exportName: string, args: unknown[], onDump: (dump: Uint8Array, error: unknown) => void, options: CaptureOptions & { onCaptureError?: (e: unknown) => void }): unknown;

/** The parts of a module's bytes the runtime reads. */
export declare function parseModule(bytes: Bytes): unknown;
