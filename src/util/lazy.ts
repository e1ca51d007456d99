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

const loaders = new WeakMap<Uint8Array, EnsureFn>();

/** Register the loader of a lazily filled buffer (host side). */
export function attachLoader(bytes: Uint8Array, ensure: EnsureFn): void { loaders.set(bytes, ensure); }

/** The loader of a lazily filled buffer, or undefined for a complete buffer. */
export function loaderOf(bytes: Uint8Array): EnsureFn | undefined { return loaders.get(bytes); }
