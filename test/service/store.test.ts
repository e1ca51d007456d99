/**
 * The directory store: blobs named by content hash (atomic, idempotent, keys
 * checked), the journal index (replay, torn and corrupt tails cut, corrupt
 * middle lines skipped, groups rebuilt), and openStores' choice of backend.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { DirectoryBlobStore, openDirectoryStores } from '../../service/store/directory';
import { JournalIndexStore } from '../../service/store/journal';
import { openStores } from '../../service/store/open';
import type { CrashRecord } from '../../service/store/types';
import { filesBelow, tempDir } from './helpers';

const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

function crash(id: string, fp: string, at: string, version?: string): CrashRecord {
  return {
    id, receivedAt: at, dumpKey: sha(id), dumpSize: 1, fingerprint: fp, title: `t ${fp}`, meta: version ? { version } : {},
    summary: { trap: 'x', threads: [], variables: [], modules: [], notes: [] },
  };
}

test('blobs: stored under kind/aa/hash, idempotent, leftover temporary files removed at open, bad keys refused', async () => {
  const dir = tempDir('blobs');
  try {
    const s = await DirectoryBlobStore.open(dir);
    const src = path.join(dir, 'outside.bin');
    fs.writeFileSync(src, 'hello');
    const key = sha('hello');
    await s.putFile('dump', key, src);
    await s.putFile('dump', key, src);
    assert.deepEqual(filesBelow(path.join(dir, 'dump')), [`${key.slice(0, 2)}/${key}`]);
    assert.equal(fs.readFileSync((await s.localPath('dump', key)) as string, 'utf8'), 'hello');
    assert.equal(await s.has('module', key), false);
    assert.equal(await s.open('debug', key), undefined);
    for (const bad of ['../../x', key.toUpperCase(), key.slice(1), `${key.slice(1)}/`, '']) await assert.rejects(s.has('dump', bad), /not a blob key/);
    await assert.rejects(s.has('../dump' as never, key), /not a blob kind/);
    fs.writeFileSync(s.tempFile(), 'half an upload');
    await DirectoryBlobStore.open(dir);
    assert.deepEqual(filesBelow(path.join(dir, 'tmp')), []);
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
});

test('journal: records survive a reopen; groups rebuilt (count, first/last seen, versions); a torn tail is cut; a corrupt middle line skipped', async () => {
  const dir = tempDir('journal');
  const file = path.join(dir, 'index.journal');
  try {
    let j = await JournalIndexStore.open(file);
    const r1 = await j.addCrash(crash('c1', 'A', '2026-01-01T00:00:00Z', '1.0'));
    const r2 = await j.addCrash(crash('c2', 'A', '2026-01-02T00:00:00Z', '1.1'));
    await j.addCrash(crash('c3', 'B', '2026-01-03T00:00:00Z'));
    await j.addDebugFile({ key: sha('m'), kind: 'module', name: 'prog.wasm', size: 1, uploadedAt: '2026-01-01T00:00:00Z' });
    await j.addDebugFile({ key: sha('d'), kind: 'debug', name: 'prog.debug.wasm', buildId: 'ab', size: 1, uploadedAt: '2026-01-01T00:00:00Z' });
    assert.equal(r1.isNew, true);
    assert.equal(r2.isNew, false);
    assert.equal(r2.group.count, 2);
    const again = await j.addCrash(crash('c1', 'A', '2026-01-01T00:00:00Z'));
    assert.equal(again.isNew, false);
    assert.equal(again.group.count, 2, 'same id twice is one crash');
    await j.close();
    const good = fs.readFileSync(file);

    // a kill -9 in the middle of a write: half a line at the end
    fs.appendFileSync(file, good.subarray(0, 40));
    j = await JournalIndexStore.open(file);
    assert.match(j.warnings.join('\n'), /cut a torn or corrupt tail of 40 bytes/);
    assert.equal(fs.statSync(file).size, good.length);
    const g = await j.getGroup('A');
    assert.deepEqual({ count: g?.count, first: g?.firstSeen, last: g?.lastSeen, versions: g?.versions, lastCrashId: g?.lastCrashId },
      { count: 2, first: '2026-01-01T00:00:00Z', last: '2026-01-02T00:00:00Z', versions: ['1.0', '1.1'], lastCrashId: 'c2' });
    assert.deepEqual((await j.listGroups()).map((x) => x.fingerprint), ['B', 'A']);
    assert.deepEqual((await j.listCrashes('A')).map((c) => c.id), ['c2', 'c1']);
    assert.equal((await j.getCrash('c3'))?.title, 't B');
    assert.deepEqual((await j.findDebugFiles({ name: 'prog.wasm', kind: 'module' })).map((r) => r.key), [sha('m')]);
    assert.deepEqual((await j.findDebugFiles({ buildId: 'ab' })).map((r) => r.kind), ['debug']);
    await j.addCrash(crash('c4', 'B', '2026-01-04T00:00:00Z'));
    await j.close();

    // a flipped byte inside the second line: that line is skipped, the rest kept
    const bytes = fs.readFileSync(file);
    const second = bytes.indexOf(10) + 30;
    bytes[second] = bytes[second] === 0x41 ? 0x42 : 0x41;
    fs.writeFileSync(file, bytes);
    j = await JournalIndexStore.open(file);
    assert.match(j.warnings.join('\n'), /1 corrupt line skipped/);
    assert.equal(await j.getCrash('c2'), undefined);
    assert.equal((await j.getGroup('A'))?.count, 1);
    assert.equal((await j.getGroup('B'))?.count, 2);
    await j.close();

    // a whole corrupt last line (not torn): cut, the next write appends cleanly
    fs.appendFileSync(file, '0123456789abcdef {"t":"crash"}\n');
    j = await JournalIndexStore.open(file);
    assert.match(j.warnings.join('\n'), /cut a torn or corrupt tail of 31 bytes/);
    await j.addCrash(crash('c5', 'C', '2026-01-05T00:00:00Z'));
    await j.close();
    j = await JournalIndexStore.open(file);
    assert.deepEqual(j.warnings.filter((w) => /tail/.test(w)), []);
    assert.equal((await j.getCrash('c5'))?.fingerprint, 'C');
    await j.close();
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
});

test('journal: concurrent writes share fsyncs and all arrive', async () => {
  const dir = tempDir('journal-c');
  try {
    const { index } = await openDirectoryStores(dir);
    const rs = await Promise.all(Array.from({ length: 200 }, (_, i) => index.addCrash(crash(`id${i}`, `g${i % 7}`, `2026-01-01T00:00:${String(i % 60).padStart(2, '0')}Z`))));
    assert.equal(rs.filter((r) => r.isNew).length, 7);
    await index.close();
    const j = await JournalIndexStore.open(path.join(dir, 'index.journal'));
    assert.equal((await j.allCrashIds()).length, 200);
    assert.equal((await j.listGroups()).reduce((n, g) => n + g.count, 0), 200);
    await j.close();
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
});

test('openStores: the directory by default; a database URL that is not postgres:// is refused; missing backends say so', async () => {
  const dir = tempDir('open');
  try {
    const s = await openStores({ store: dir });
    assert.match(s.description, /directory .*journal/);
    await s.close();
    await assert.rejects(openStores({ store: dir, database: 'mysql://x@y/z' }), /must be a postgres:\/\/ URL/);
    const pg = path.resolve('out/service/store/postgres.js');
    if (!fs.existsSync(pg)) await assert.rejects(openStores({ store: dir, database: 'postgres://u@127.0.0.1:1/db' }), /postgres store backend is not available/);
    const s3 = path.resolve('out/service/store/s3.js');
    if (!fs.existsSync(s3)) await assert.rejects(openStores({ store: dir, s3Bucket: 'b' }), /s3 store backend is not available/);
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
});
