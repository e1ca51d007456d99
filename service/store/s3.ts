/**
 * BlobStore on S3-compatible object storage (`serve --s3-bucket B
 * [--s3-endpoint URL] [--s3-region R] [--s3-prefix P]`), with the official AWS
 * SDK v3. Objects are named `<prefix><kind>/<key>`; credentials come from the
 * SDK's usual chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, profiles, the
 * instance role).
 *
 * A PutObject is atomic on S3 (readers see the old object or the whole new one),
 * and keys are content hashes, so a second put of a key stores the same bytes.
 * `localPath` downloads into `cacheDir` (temp file + rename, so a half-finished
 * download is never taken for a copy) and reuses the cached copy afterwards.
 */
import { createReadStream, createWriteStream, promises as fsp } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import {
  GetObjectCommand, HeadBucketCommand, HeadObjectCommand, NoSuchKey, NotFound, PutObjectCommand, S3Client, S3ServiceException,
} from '@aws-sdk/client-s3';
import { WasmCoreError } from '../../src/util/errors';
import type { BlobKey, BlobKind, BlobStore } from './types';
import { isBlobKey, isBlobKind } from './keys';

export interface S3BlobStoreOptions {
  bucket: string;
  /** An S3-compatible server (MinIO, Ceph, a test server): path-style addressing is used. */
  endpoint?: string;
  region?: string;
  /** Prepended to every object name, e.g. 'crashes/'. */
  prefix?: string;
  /** Where `localPath` keeps downloaded copies. */
  cacheDir: string;
}

export function checkBlobName(kind: BlobKind, key: BlobKey): void {
  if (!isBlobKind(kind)) throw new WasmCoreError('E_ARGUMENT', `unknown blob kind '${String(kind)}'`);
  if (!isBlobKey(key)) {
    throw new WasmCoreError('E_ARGUMENT', `invalid blob key '${String(key).slice(0, 80)}': expected a sha256 (64 lower-case hex digits)`);
  }
}

function isMissing(e: unknown): boolean {
  if (e instanceof NoSuchKey || e instanceof NotFound) return true;
  return e instanceof S3ServiceException && e.$metadata?.httpStatusCode === 404;
}

export class S3BlobStore implements BlobStore {
  readonly description: string;
  private readonly prefix: string;

  constructor(private readonly client: S3Client, private readonly opts: S3BlobStoreOptions) {
    this.prefix = opts.prefix ?? '';
    this.description = `S3 bucket ${opts.bucket}${this.prefix ? ` (prefix ${this.prefix})` : ''}${opts.endpoint ? ` at ${opts.endpoint}` : ''}`;
  }

  private name(kind: BlobKind, key: BlobKey): string {
    checkBlobName(kind, key);
    return `${this.prefix}${kind}/${key}`;
  }

  private fail(what: string, name: string, e: unknown): never {
    throw new WasmCoreError('E_NOT_FOUND', `S3 ${what} s3://${this.opts.bucket}/${name} failed: ${(e as Error).message}`);
  }

  async putFile(kind: BlobKind, key: BlobKey, file: string): Promise<void> {
    const name = this.name(kind, key);
    // the key is the content's hash: an object already there holds these bytes
    if (await this.has(kind, key)) return;
    const { size } = await fsp.stat(file);
    try {
      await this.client.send(new PutObjectCommand({
        Bucket: this.opts.bucket, Key: name, Body: createReadStream(file), ContentLength: size,
        ContentType: 'application/octet-stream',
      }));
    } catch (e) {
      this.fail('upload to', name, e);
    }
  }

  async has(kind: BlobKind, key: BlobKey): Promise<boolean> {
    const name = this.name(kind, key);
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.opts.bucket, Key: name }));
      return true;
    } catch (e) {
      if (isMissing(e)) return false;
      this.fail('HEAD of', name, e);
    }
  }

  async open(kind: BlobKind, key: BlobKey): Promise<{ stream: NodeJS.ReadableStream; size: number } | undefined> {
    const name = this.name(kind, key);
    try {
      const r = await this.client.send(new GetObjectCommand({ Bucket: this.opts.bucket, Key: name }));
      if (!r.Body) return undefined;
      return { stream: r.Body as Readable, size: Number(r.ContentLength ?? 0) };
    } catch (e) {
      if (isMissing(e)) return undefined;
      this.fail('download of', name, e);
    }
  }

  async localPath(kind: BlobKind, key: BlobKey): Promise<string | undefined> {
    this.name(kind, key);
    const dir = join(this.opts.cacheDir, kind);
    const path = join(dir, key);
    try {
      await fsp.access(path);
      return path;
    } catch { /* not cached yet */ }
    const obj = await this.open(kind, key);
    if (!obj) return undefined;
    await fsp.mkdir(dir, { recursive: true });
    const tmp = join(dir, `.${key}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await pipeline(obj.stream as Readable, createWriteStream(tmp, { flags: 'wx' }));
      const { size } = await fsp.stat(tmp);
      if (size !== obj.size) throw new WasmCoreError('E_FORMAT', `S3 object ${kind}/${key}: got ${size} bytes of ${obj.size}`);
      await fsp.rename(tmp, path);
    } catch (e) {
      await fsp.rm(tmp, { force: true });
      throw e;
    }
    return path;
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}

export async function openS3BlobStore(opts: S3BlobStoreOptions): Promise<BlobStore> {
  if (!opts.bucket) throw new WasmCoreError('E_ARGUMENT', '--s3-bucket: missing bucket name');
  const client = new S3Client({
    region: opts.region ?? process.env.AWS_REGION ?? 'us-east-1',
    ...(opts.endpoint ? { endpoint: opts.endpoint, forcePathStyle: true } : {}),
    // checksums only where S3 requires them: S3-compatible servers do not all
    // understand the SDK's default aws-chunked uploads with trailing checksums
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  try {
    await client.send(new HeadBucketCommand({ Bucket: opts.bucket }));
  } catch (e) {
    client.destroy();
    const status = (e as S3ServiceException).$metadata?.httpStatusCode;
    throw new WasmCoreError('E_NOT_FOUND', `cannot open S3 bucket ${opts.bucket}${opts.endpoint ? ` at ${opts.endpoint}` : ''}: ${
      status === 404 ? 'no such bucket' : (e as Error).message || (e as Error).name}`);
  }
  await fsp.mkdir(opts.cacheDir, { recursive: true });
  return new S3BlobStore(client, opts);
}
