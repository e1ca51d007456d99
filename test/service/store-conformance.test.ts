/**
 * Every storage backend against the one conformance suite (conformance.ts),
 * on real servers: PostgreSQL at $WCD_TEST_PG_URL (a database per test, dropped
 * afterwards) and an S3-compatible server at $WCD_TEST_S3_ENDPOINT (a bucket
 * per test). `.ci/run` starts both with scripts/start-service-servers.sh; by hand:
 *   eval "$(bash scripts/start-service-servers.sh)"
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { openPostgresIndex } from '../../service/store/postgres';
import { openS3BlobStore } from '../../service/store/s3';
import type { BlobStore, IndexStore } from '../../service/store/types';
import { Backing, runBlobConformance, runIndexConformance } from './conformance';
import { MemoryIndex } from './memoryIndex';
import { JournalIndexStore } from '../../service/store/journal';
import { DirectoryBlobStore } from '../../service/store/directory';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

const PG = process.env.WCD_TEST_PG_URL;
const S3 = process.env.WCD_TEST_S3_ENDPOINT;
// the SDK's notice that its releases after January 2027 need Node 22 (this pinned one runs on 20)
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
if (S3) {
  // s3rver's fixed credentials, unless the environment names others
  process.env.AWS_ACCESS_KEY_ID ??= 'S3RVER';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'S3RVER';
}

async function pgBacking(): Promise<Backing<IndexStore>> {
  const db = `wcd_test_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: PG });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${db}`);
  await admin.end();
  const u = new URL(PG!);
  u.pathname = `/${db}`;
  return {
    open: () => openPostgresIndex(u.toString()),
    async dispose() {
      const c = new Client({ connectionString: PG });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
      await c.end();
    },
  };
}

function s3Client(): S3Client {
  return new S3Client({ region: 'us-east-1', endpoint: S3, forcePathStyle: true });
}

function s3Backing(prefix: string): () => Promise<Backing<BlobStore>> {
  return async () => {
    const bucket = `wcd-test-${randomBytes(6).toString('hex')}`;
    const cache = mkdtempSync(join(tmpdir(), 'wcd-s3cache-'));
    const c = s3Client();
    await c.send(new CreateBucketCommand({ Bucket: bucket }));
    let n = 0;
    return {
      // each open gets its own empty cache: a reopened store must find the objects in the bucket
      open: () => openS3BlobStore({ bucket, endpoint: S3, prefix, cacheDir: join(cache, String(n++)) }),
      async dispose() {
        const l = await c.send(new ListObjectsV2Command({ Bucket: bucket }));
        const objs = (l.Contents ?? []).map((o) => ({ Key: o.Key! }));
        if (objs.length) await c.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objs } }));
        await c.send(new DeleteBucketCommand({ Bucket: bucket }));
        c.destroy();
        rmSync(cache, { recursive: true, force: true });
      },
    };
  };
}

runIndexConformance('postgres', PG ? pgBacking : 'PostgreSQL not available: set WCD_TEST_PG_URL (eval "$(bash scripts/start-service-servers.sh)")');
runBlobConformance('s3', S3 ? s3Backing('') : 'S3-compatible server not available: set WCD_TEST_S3_ENDPOINT (eval "$(bash scripts/start-service-servers.sh)")');
runBlobConformance('s3 with prefix', S3 ? s3Backing('crashes/v1/') : 'S3-compatible server not available: set WCD_TEST_S3_ENDPOINT');

// the embedded defaults (no server): the journal index and the directory blob store
function dirBacking<T>(open: (dir: string) => Promise<T>): () => Promise<Backing<T>> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wcd-dirstore-'));
    return { open: () => open(dir), dispose: async () => rmSync(dir, { recursive: true, force: true }) };
  };
}
runIndexConformance('journal (directory store)', dirBacking((dir) => JournalIndexStore.open(join(dir, 'index.journal'))));
runBlobConformance('directory', dirBacking((dir) => DirectoryBlobStore.open(dir)));

// the test helper the web page tests use: held to the same rules
runIndexConformance('memory (test helper)', async () => {
  const m = new MemoryIndex();
  return { open: async () => m, dispose: async () => undefined };
});

describe('opening the scale backends', () => {
  it('a database URL that is not postgres:// or cannot be reached is a typed error, password hidden', async () => {
    await assert.rejects(openPostgresIndex('mysql://u:secret@127.0.0.1/x'), (e: Error) => /expected a postgres:\/\//.test(e.message) && !e.message.includes('secret'));
    // port 1 on loopback: nothing listens there
    await assert.rejects(openPostgresIndex('postgres://u:secret@127.0.0.1:1/x'),
      (e: Error) => /cannot open the PostgreSQL index at postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/x/.test(e.message) && !e.message.includes('secret'));
  });

  it('a bucket that does not exist is refused at open', { skip: S3 ? false : 'S3-compatible server not available: set WCD_TEST_S3_ENDPOINT' }, async () => {
    const cache = mkdtempSync(join(tmpdir(), 'wcd-s3cache-'));
    try {
      await assert.rejects(openS3BlobStore({ bucket: `wcd-missing-${randomBytes(6).toString('hex')}`, endpoint: S3, cacheDir: cache }), /cannot open S3 bucket wcd-missing-[0-9a-f]+ at .*: no such bucket/);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });
});
