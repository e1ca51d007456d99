/**
 * A file read on demand: a zero-filled buffer of the file's size (its
 * untouched pages cost no memory) whose pages are read with `readSync`
 * the first time library code asks for them (see src/util/lazy.ts). For
 * big modules this reads only the sections and DWARF units a lookup
 * touches, much as a tool that maps the file would.
 *
 * The file stays open until every page has been read or the buffer is
 * garbage collected: a module replaced on disk (a rebuild writes a new
 * file) keeps being read from the original. A file that shrinks under us
 * gives a typed error, never zeros.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { WasmCoreError } from '../src/util/errors';
import { attachLoader } from '../src/util/lazy';

/**
 * Granularity of reads: 512-byte blocks. Indexing reads a few hundred bytes
 * at thousands of unit headers; reading them as whole 4 KiB pages costs
 * more (copies and page faults) than the finer bookkeeping.
 */
const PAGE_SHIFT = 9;

const closer = new FinalizationRegistry<{ fd: number; open: boolean }>((h) => { if (h.open) { h.open = false; try { closeSync(h.fd); } catch { /* already closed */ } } });

export interface LazyFile {
  bytes: Uint8Array;
  file: string;
  /** Bytes read from the file so far. */
  loaded(): number;
}

/**
 * Files up to this size are read whole when opened: one read of a few MB
 * costs less than the hundreds of small reads (and their bookkeeping) a
 * lookup in them would make; only bigger files are worth reading lazily.
 */
export const READ_WHOLE_BELOW = 4 << 20;

/**
 * Open `path` for lazy reading (files smaller than `readWholeBelow` bytes are
 * read at once). Errors (missing file, directory) are typed, as for a
 * whole-file read.
 */
export function openLazy(path: string, opts: { readWholeBelow?: number } = {}): LazyFile {
  let fd: number;
  try { fd = openSync(path, 'r'); } catch (e) { throw fileError(path, e); }
  let size: number;
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw Object.assign(new Error('EISDIR'), { code: 'EISDIR' });
    size = st.size;
  } catch (e) { closeSync(fd); throw fileError(path, e); }
  const bytes = new Uint8Array(size);
  const npages = (size + (1 << PAGE_SHIFT) - 1) >>> PAGE_SHIFT;
  const have = new Uint8Array(npages);
  const h = { fd, open: true };
  let missing = npages, loadedBytes = 0;
  closer.register(bytes, h);

  const readRun = (p0: number, p1: number): void => {
    const start = p0 << PAGE_SHIFT, end = Math.min(size, p1 << PAGE_SHIFT);
    let pos = start;
    while (pos < end) {
      let n: number;
      try { n = readSync(h.fd, bytes, pos, end - pos, pos); } catch (e) { throw fileError(path, e); }
      if (n <= 0) throw new WasmCoreError('E_FORMAT', `file shrank while being read (${pos} of ${size} bytes)`, { file: path, offset: pos });
      pos += n;
    }
    have.fill(1, p0, p1);
    missing -= p1 - p0;
    loadedBytes += end - start;
    if (missing === 0 && h.open) { h.open = false; closeSync(h.fd); }
  };

  const ensure = (start: number, end: number): void => {
    if (missing === 0) return;
    if (start < 0) start = 0;
    if (end > size) end = size;
    if (end <= start) return;
    const last = (end - 1) >>> PAGE_SHIFT;
    for (let p = start >>> PAGE_SHIFT; p <= last; p++) {
      if (have[p]) continue;
      let q = p + 1;
      while (q <= last && !have[q]) q++;
      readRun(p, q);
      p = q;
    }
  };
  // copies for peek: one scratch buffer, reused
  let scratch = new Uint8Array(4096);
  const peek = (start: number, end: number): Uint8Array => {
    if (start < 0) start = 0;
    if (end > size) end = size;
    if (end <= start) return scratch.subarray(0, 0);
    let loaded = true;
    for (let p = start >>> PAGE_SHIFT, last = (end - 1) >>> PAGE_SHIFT; p <= last && loaded; p++) loaded = have[p] === 1;
    if (loaded) return bytes.subarray(start, end);
    if (scratch.length < end - start) scratch = new Uint8Array(end - start);
    let pos = 0;
    while (pos < end - start) {
      let n: number;
      try { n = readSync(h.fd, scratch, pos, end - start - pos, start + pos); } catch (e) { throw fileError(path, e); }
      if (n <= 0) throw new WasmCoreError('E_FORMAT', `file shrank while being read (${start + pos} of ${size} bytes)`, { file: path, offset: start + pos });
      pos += n;
    }
    return scratch.subarray(0, end - start);
  };
  if (size > 0 && size < (opts.readWholeBelow ?? READ_WHOLE_BELOW)) readRun(0, npages);
  attachLoader(bytes, ensure, peek);
  return { bytes, file: path, loaded: () => loadedBytes };
}

function fileError(path: string, e: unknown): WasmCoreError {
  if (e instanceof WasmCoreError) return e;
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new WasmCoreError('E_NOT_FOUND', 'file not found', { file: path });
  if (code === 'EISDIR') return new WasmCoreError('E_ARGUMENT', 'is a directory, not a file', { file: path });
  return new WasmCoreError('E_NOT_FOUND', `cannot read file: ${code ?? String(e)}`, { file: path });
}
