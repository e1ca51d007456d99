/**
 * The names every BlobStore accepts (service/store/types.ts): one of the
 * three kinds, and a key that is a sha256 in lower-case hex. Checked by each
 * backend and by the server before a name reaches a file system or a bucket.
 */
import type { BlobKey, BlobKind } from './types';

export const BLOB_KINDS: readonly BlobKind[] = ['dump', 'module', 'debug'];

const KEY = /^[0-9a-f]{64}$/;

export function isBlobKey(k: unknown): k is BlobKey { return typeof k === 'string' && KEY.test(k); }
export function isBlobKind(k: unknown): k is BlobKind { return typeof k === 'string' && (BLOB_KINDS as readonly string[]).includes(k); }
