/**
 * Lazily filled file bytes. A host may hand the library a file-sized
 * buffer whose contents are read on demand (e.g. a 100 MB module of which
 * a backtrace needs a few pages of DWARF). It registers an `ensure`
 * callback for that buffer here; library code that reads a region of such
 * a buffer calls `ensure(start, end)` first. Buffers without a loader are
 * complete (ensuring is a no-op). The library itself never does I/O.
 */

/** Make bytes [start, end) (absolute offsets into the buffer) valid. Throws if they cannot be read. */
export type EnsureFn = (start: number, end: number) => void;

/**
 * The bytes [start, end) as a copy, without filling the buffer (for one
 * look at many scattered small pieces, e.g. unit headers). The view is
 * valid until the next call. Throws if they cannot be read.
 */
export type PeekFn = (start: number, end: number) => Uint8Array;

const loaders = new WeakMap<Uint8Array, { ensure: EnsureFn; peek?: PeekFn }>();

/** Register the loader of a lazily filled buffer (host side). */
export function attachLoader(bytes: Uint8Array, ensure: EnsureFn, peek?: PeekFn): void { loaders.set(bytes, { ensure, peek }); }

/** The loader of a lazily filled buffer, or undefined for a complete buffer. */
export function loaderOf(bytes: Uint8Array): EnsureFn | undefined { return loaders.get(bytes)?.ensure; }

/** The peek function of a lazily filled buffer, if its host offers one. */
export function peekerOf(bytes: Uint8Array): PeekFn | undefined { return loaders.get(bytes)?.peek; }
