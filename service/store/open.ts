/**
 * Choose the stores of `wasm-coredump serve`: a directory (blobs named by
 * content hash + the journal index) by default; PostgreSQL for the index
 * when `database` is a postgres:// URL (./postgres), S3-compatible object
 * storage for the blobs when `s3Bucket` is set (./s3). Those two are loaded
 * only when asked for (their client libraries are not needed otherwise).
 * The local store directory is always there: uploads arrive in its tmp/,
 * and S3 objects are cached in its cache/.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BlobStore, IndexStore } from './types';
import { DirectoryBlobStore } from './directory';
import { JournalIndexStore } from './journal';

export interface StoreOptions {
  /** The local store directory. */
  store: string;
  /** postgres://… URL of the index database (default: the journal in the store directory). */
  database?: string;
  s3Bucket?: string;
  s3Endpoint?: string;
  s3Region?: string;
  s3Prefix?: string;
}

export interface Stores {
  blobs: BlobStore;
  index: IndexStore;
  /** Local directory for uploads in progress (same file system as a directory store). */
  tmpDir: string;
  description: string;
  close(): Promise<void>;
}

export class StoreConfigError extends Error {
  override readonly name = 'StoreConfigError';
}

/**
 * Load an optional backend module of service/store by name. The path is
 * computed, so the CLI bundle does not include it, and resolves to
 * out/service/store/<name>.js both from the compiled modules (out/service/store)
 * and from the bundle (out/cli/bundle).
 */
function loadBackend<T>(name: string, exportName: string): T {
  const file = path.join(__dirname, '..', '..', 'service', 'store', name);
  let mod: Record<string, unknown>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(file) as Record<string, unknown>;
  } catch (e) {
    throw new StoreConfigError(`the ${name} store backend is not available in this build (${file}.js: ${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
  }
  const f = mod[exportName];
  if (typeof f !== 'function') throw new StoreConfigError(`${file}.js does not export ${exportName}()`);
  return f as T;
}

export async function openStores(opts: StoreOptions): Promise<Stores> {
  const root = path.resolve(opts.store);
  let blobs: BlobStore;
  let tmpDir: string;
  if (opts.s3Bucket) {
    const open = loadBackend<(o: { bucket: string; endpoint?: string; region?: string; prefix?: string; cacheDir: string }) => BlobStore | Promise<BlobStore>>('s3', 'openS3BlobStore');
    tmpDir = path.join(root, 'tmp');
    await fs.promises.mkdir(tmpDir, { recursive: true });
    for (const n of await fs.promises.readdir(tmpDir)) await fs.promises.rm(path.join(tmpDir, n), { force: true, recursive: true });
    blobs = await open({ bucket: opts.s3Bucket, endpoint: opts.s3Endpoint, region: opts.s3Region, prefix: opts.s3Prefix, cacheDir: path.join(root, 'cache') });
  } else {
    const d = await DirectoryBlobStore.open(root);
    blobs = d;
    tmpDir = d.tmpDir;
  }
  let index: IndexStore;
  if (opts.database !== undefined) {
    if (!/^postgres(ql)?:\/\//.test(opts.database)) {
      await blobs.close();
      throw new StoreConfigError(`--database must be a postgres:// URL (got '${opts.database.replace(/\/\/[^@/]*@/, '//…@')}')`);
    }
    const open = loadBackend<(url: string) => IndexStore | Promise<IndexStore>>('postgres', 'openPostgresIndex');
    try { index = await open(opts.database); } catch (e) { await blobs.close(); throw e; }
  } else {
    index = await JournalIndexStore.open(path.join(root, 'index.journal'));
  }
  return {
    blobs, index, tmpDir,
    description: `blobs: ${blobs.description}; index: ${index.description}`,
    async close() { await index.close(); await blobs.close(); },
  };
}
