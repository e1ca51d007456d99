/**
 * The default blob store of `wasm-coredump serve`: a directory, each object a
 * file named by the sha256 of its content, `<root>/<kind>/<aa>/<hash>`.
 * An object is first complete in `<root>/tmp/` (same file system), fsync'd,
 * then renamed into place and its directory fsync'd: a reader (or a restart
 * after kill -9) sees the whole object or none. Leftover temporary files are
 * removed at open. Keys are checked to be 64 lower-case hex digits before
 * anything touches the file system, so no name from a request ever becomes a
 * path.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { BlobKey, BlobKind, BlobStore } from './types';
import { JournalIndexStore } from './journal';
import { BLOB_KINDS, isBlobKey, isBlobKind } from './keys';


export class StoreError extends Error {
  override readonly name = 'StoreError';
}

function checkKey(kind: BlobKind, key: BlobKey): void {
  if (!isBlobKind(kind)) throw new StoreError(`not a blob kind: ${JSON.stringify(kind)}`);
  if (!isBlobKey(key)) throw new StoreError(`not a blob key (64 lower-case hex digits): ${JSON.stringify(String(key).slice(0, 80))}`);
}

async function fsyncDir(dir: string): Promise<void> {
  let h: fs.promises.FileHandle | undefined;
  try { h = await fs.promises.open(dir, 'r'); await h.sync(); } catch { /* some file systems refuse a directory fsync */ } finally { await h?.close(); }
}

export class DirectoryBlobStore implements BlobStore {
  readonly description: string;
  /** Where uploads are written while they arrive (same file system as the objects). */
  readonly tmpDir: string;

  private constructor(readonly root: string) {
    this.description = `directory ${root}`;
    this.tmpDir = path.join(root, 'tmp');
  }

  /** Open (creating) the store at `root`; removes temporary files a killed process left. */
  static async open(root: string): Promise<DirectoryBlobStore> {
    const s = new DirectoryBlobStore(path.resolve(root));
    await fs.promises.mkdir(s.tmpDir, { recursive: true });
    for (const k of BLOB_KINDS) await fs.promises.mkdir(path.join(s.root, k), { recursive: true });
    for (const n of await fs.promises.readdir(s.tmpDir)) await fs.promises.rm(path.join(s.tmpDir, n), { force: true, recursive: true });
    return s;
  }

  /** A fresh temporary file name in the store (not created). */
  tempFile(suffix = '.part'): string {
    return path.join(this.tmpDir, `${process.pid}-${randomBytes(8).toString('hex')}${suffix}`);
  }

  pathOf(kind: BlobKind, key: BlobKey): string {
    checkKey(kind, key);
    return path.join(this.root, kind, key.slice(0, 2), key);
  }

  async putFile(kind: BlobKind, key: BlobKey, file: string): Promise<void> {
    const dest = this.pathOf(kind, key);
    if (await this.has(kind, key)) return;
    const dir = path.dirname(dest);
    await fs.promises.mkdir(dir, { recursive: true });
    // the object must be complete on disk before its name appears
    let src = file;
    if (path.dirname(path.resolve(file)) !== this.tmpDir) {
      src = this.tempFile();
      await fs.promises.copyFile(file, src);
    }
    const h = await fs.promises.open(src, 'r+');
    try { await h.sync(); } finally { await h.close(); }
    await fs.promises.rename(src, dest);
    await fsyncDir(dir);
  }

  async has(kind: BlobKind, key: BlobKey): Promise<boolean> {
    try { return (await fs.promises.stat(this.pathOf(kind, key))).isFile(); } catch (e) {
      if (e instanceof StoreError) throw e;
      return false;
    }
  }

  async localPath(kind: BlobKind, key: BlobKey): Promise<string | undefined> {
    return (await this.has(kind, key)) ? this.pathOf(kind, key) : undefined;
  }

  async open(kind: BlobKind, key: BlobKey): Promise<{ stream: NodeJS.ReadableStream; size: number } | undefined> {
    const p = this.pathOf(kind, key);
    let st: fs.Stats;
    try { st = await fs.promises.stat(p); } catch { return undefined; }
    if (!st.isFile()) return undefined;
    return { stream: fs.createReadStream(p), size: st.size };
  }

  async close(): Promise<void> { /* nothing held open */ }
}

/** The default stores: blobs and the journal index in one directory. */
export async function openDirectoryStores(root: string): Promise<{ blobs: DirectoryBlobStore; index: JournalIndexStore }> {
  const blobs = await DirectoryBlobStore.open(root);
  const index = await JournalIndexStore.open(path.join(blobs.root, 'index.journal'));
  return { blobs, index };
}
