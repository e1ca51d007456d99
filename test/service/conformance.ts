/**
 * The storage conformance suite: the same tests for every IndexStore and
 * BlobStore implementation (service/store/types.ts). A backend joins with one
 * line in store-conformance.test.ts:
 *
 *   runIndexConformance('directory', async () => { const d = mkdtemp(); return { open: () => openX(d), dispose: () => rm(d) }; });
 *
 * A factory makes one empty backing store; `open` may be called several times
 * on it (a reopen must see what an earlier store wrote). Pass a string instead
 * of a factory to skip the suite with that message.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BlobKind, BlobStore, CrashRecord, IndexStore } from '../../service/store/types';
import { crashRecord, FIXTURES, sha256File, summaryFromFixture } from './records';

export interface Backing<S> { open(): Promise<S>; dispose(): Promise<void> }
export type Factory<S> = (() => Promise<Backing<S>>) | string;

async function withStore<S extends { close(): Promise<void> }>(factory: () => Promise<Backing<S>>, fn: (s: S, b: Backing<S>) => Promise<void>): Promise<void> {
  const b = await factory();
  const s = await b.open();
  try {
    await fn(s, b);
  } finally {
    await s.close();
    await b.dispose();
  }
}

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const at = (minutes: number): string => new Date(T0 + minutes * 60_000).toISOString();
const isError = (e: unknown): boolean => e instanceof Error;
const FP = (c: string): string => c.repeat(64).slice(0, 64);

export function runIndexConformance(name: string, factory: Factory<IndexStore>): void {
  const skip = typeof factory === 'string' ? factory : false;
  const f = typeof factory === 'string' ? async (): Promise<Backing<IndexStore>> => { throw new Error(factory); } : factory;
  const summary = skip ? undefined : summaryFromFixture('c-clang19-O0-dwarf4');
  const rec = (id: string, fp: string, minutes: number, version?: string): CrashRecord =>
    crashRecord(summary!, { id, fingerprint: fp, receivedAt: at(minutes), meta: version !== undefined ? { app: 'prog', version } : { app: 'prog' } });

  describe(`IndexStore conformance: ${name}`, { skip }, () => {
    it('a crash makes a new group; the second of the fingerprint counts 2; records round-trip', () => withStore(f, async (s) => {
      const a = rec('00000000-0000-4000-8000-000000000001', FP('a'), 1, '1.0');
      const b = rec('00000000-0000-4000-8000-000000000002', FP('a'), 2, '1.0');
      const r1 = await s.addCrash(a);
      assert.equal(r1.isNew, true);
      assert.equal(r1.group.count, 1);
      assert.equal(r1.group.fingerprint, FP('a'));
      assert.equal(r1.group.title, a.title);
      const r2 = await s.addCrash(b);
      assert.equal(r2.isNew, false);
      assert.equal(r2.group.count, 2);
      assert.equal(r2.group.firstSeen, a.receivedAt);
      assert.equal(r2.group.lastSeen, b.receivedAt);
      assert.equal(r2.group.lastCrashId, b.id);
      assert.deepEqual(await s.getCrash(a.id), a);
      assert.deepEqual(await s.getGroup(FP('a')), r2.group);
      assert.equal(await s.getCrash('00000000-0000-4000-8000-00000000ffff'), undefined);
      assert.equal(await s.getGroup(FP('f')), undefined);
      // the trapped frame's function survives the round trip (a real symbolicated frame)
      assert.equal((await s.getCrash(a.id))?.summary.threads[0].frames[0].function, summary!.threads[0].frames[0].function);
    }));

    it('the same crash recorded twice counts once', () => withStore(f, async (s) => {
      const a = rec('00000000-0000-4000-8000-000000000011', FP('b'), 1);
      await s.addCrash(a);
      const again = await s.addCrash(a);
      assert.equal(again.isNew, false);
      assert.equal(again.group.count, 1);
      assert.equal((await s.listCrashes(FP('b'))).length, 1);
    }));

    it('versions are distinct, in order of first appearance', () => withStore(f, async (s) => {
      const vs = ['1.0', '1.1', '1.0', undefined, '2.0', '1.1'];
      let last;
      for (const [i, v] of vs.entries()) last = await s.addCrash(rec(`00000000-0000-4000-8000-0000000001${i}0`, FP('c'), i, v));
      assert.deepEqual(last!.group.versions, ['1.0', '1.1', '2.0']);
      assert.equal(last!.group.count, vs.length);
      assert.deepEqual((await s.getGroup(FP('c')))?.versions, ['1.0', '1.1', '2.0']);
    }));

    it('groups are listed most recently seen first, with limit and offset', () => withStore(f, async (s) => {
      await s.addCrash(rec('00000000-0000-4000-8000-000000000201', FP('1'), 10));
      await s.addCrash(rec('00000000-0000-4000-8000-000000000202', FP('2'), 30));
      await s.addCrash(rec('00000000-0000-4000-8000-000000000203', FP('3'), 20));
      await s.addCrash(rec('00000000-0000-4000-8000-000000000204', FP('1'), 40));
      const all = await s.listGroups();
      assert.deepEqual(all.map((g) => g.fingerprint), [FP('1'), FP('2'), FP('3')]);
      assert.deepEqual(all.map((g) => g.count), [2, 1, 1]);
      assert.deepEqual((await s.listGroups({ limit: 2 })).map((g) => g.fingerprint), [FP('1'), FP('2')]);
      assert.deepEqual((await s.listGroups({ limit: 2, offset: 2 })).map((g) => g.fingerprint), [FP('3')]);
      assert.deepEqual(await s.listGroups({ offset: 3 }), []);
    }));

    it("a group's crashes are listed newest first", () => withStore(f, async (s) => {
      const ids = [5, 1, 9, 3].map((m) => ({ id: `00000000-0000-4000-8000-00000000030${m}`, m }));
      for (const { id, m } of ids) await s.addCrash(rec(id, FP('d'), m));
      await s.addCrash(rec('00000000-0000-4000-8000-000000000399', FP('e'), 100));
      const list = await s.listCrashes(FP('d'));
      assert.deepEqual(list.map((c) => c.id), [...ids].sort((x, y) => y.m - x.m).map((x) => x.id));
      assert.deepEqual((await s.listCrashes(FP('d'), { limit: 2 })).map((c) => c.receivedAt), [at(9), at(5)]);
      assert.equal((await s.getGroup(FP('d')))?.lastCrashId, '00000000-0000-4000-8000-000000000309');
      assert.deepEqual(await s.listCrashes(FP('f')), []);
    }));

    it('debug files are found by build id and by name, newest first; puts are idempotent', () => withStore(f, async (s) => {
      const wasm = join(FIXTURES, 'c-clang19-O0-dwarf4', 'prog.wasm');
      const buildId = summary!.modules[0].buildId ?? '0123456789abcdef';
      const k = (c: string): string => FP(c);
      const m1 = { key: sha256File(wasm), kind: 'module' as const, name: 'prog.wasm', buildId, size: readFileSync(wasm).length, uploadedAt: at(1) };
      const d1 = { key: k('7'), kind: 'debug' as const, name: 'prog.debug.wasm', buildId, size: 10, uploadedAt: at(2) };
      const other = { key: k('8'), kind: 'module' as const, name: 'other.wasm', buildId: 'ffff', size: 11, uploadedAt: at(3) };
      const noId1 = { key: k('9'), kind: 'module' as const, name: 'plain.wasm', size: 12, uploadedAt: at(4) };
      const noId2 = { key: k('a'), kind: 'module' as const, name: 'plain.wasm', size: 13, uploadedAt: at(5) };
      for (const r of [m1, d1, other, noId1, noId2, m1, noId1]) await s.addDebugFile(r);
      assert.deepEqual(await s.findDebugFiles({ buildId }), [d1, m1]);
      assert.deepEqual(await s.findDebugFiles({ buildId, kind: 'module' }), [m1]);
      assert.deepEqual(await s.findDebugFiles({ buildId, kind: 'debug' }), [d1]);
      assert.deepEqual(await s.findDebugFiles({ name: 'plain.wasm' }), [noId2, noId1]);
      assert.deepEqual(await s.findDebugFiles({ buildId: 'not-there' }), []);
      assert.deepEqual(await s.findDebugFiles({ name: 'nothing.wasm' }), []);
      // the same bytes under another name (an instance a JS host names prog.0.wasm): found under both, once by build id
      await s.addDebugFile({ ...m1, name: 'prog.0.wasm', uploadedAt: at(6) });
      assert.deepEqual(await s.findDebugFiles({ name: 'prog.0.wasm' }), [{ ...m1, name: 'prog.0.wasm', uploadedAt: at(6) }]);
      assert.deepEqual(await s.findDebugFiles({ name: 'prog.wasm' }), [m1]);
      assert.equal((await s.findDebugFiles({ buildId, kind: 'module' })).length, 1);
      const r = (await s.findDebugFiles({ name: 'plain.wasm' }))[0];
      assert.equal('buildId' in r && r.buildId !== undefined, false, 'a file without a build id has none');
    }));

    it('20 concurrent crashes of one fingerprint count exactly 20, one of them new', () => withStore(f, async (s) => {
      const rs = await Promise.all(Array.from({ length: 20 }, (_, i) =>
        s.addCrash(rec(`00000000-0000-4000-8000-0000000004${String(i).padStart(2, '0')}`, FP('5'), i, `v${i % 3}`))));
      assert.equal(rs.filter((r) => r.isNew).length, 1);
      const g = await s.getGroup(FP('5'));
      assert.equal(g?.count, 20);
      assert.deepEqual([...(g?.versions ?? [])].sort(), ['v0', 'v1', 'v2']);
      assert.equal(g?.lastCrashId, '00000000-0000-4000-8000-000000000419');
      assert.equal((await s.listCrashes(FP('5'))).length, 20);
    }));

    it('text with NUL characters is stored (as U+FFFD where the backend cannot hold U+0000)', () => withStore(f, async (s) => {
      const a = rec('00000000-0000-4000-8000-000000000601', FP('7'), 1, 'v\u00001');
      a.meta.note = 'a\u0000b \\u0000 kept';
      a.summary.threads[0].frames[0].function = 'f\u0000g';
      await s.addCrash(a);
      const back = await s.getCrash(a.id);
      assert.ok(back);
      assert.match(back.meta.note ?? '', /^a(\u0000|\ufffd)b \\u0000 kept$/);
      assert.match(back.summary.threads[0].frames[0].function ?? '', /^f(\u0000|\ufffd)g$/);
      assert.match((await s.getGroup(FP('7')))?.versions[0] ?? '', /^v(\u0000|\ufffd)1$/);
    }));

    it('a reopened store sees what was written', () => withStore(f, async (s, b) => {
      const a = rec('00000000-0000-4000-8000-000000000501', FP('6'), 1, '3.0');
      await s.addCrash(a);
      await s.addDebugFile({ key: FP('b'), kind: 'debug', name: 'x.debug.wasm', buildId: 'abcd', size: 1, uploadedAt: at(1) });
      const s2 = await b.open();
      try {
        assert.deepEqual(await s2.getCrash(a.id), a);
        assert.equal((await s2.addCrash(rec('00000000-0000-4000-8000-000000000502', FP('6'), 2))).group.count, 2);
        assert.equal((await s2.findDebugFiles({ buildId: 'abcd' })).length, 1);
      } finally {
        await s2.close();
      }
    }));
  });
}

export function runBlobConformance(name: string, factory: Factory<BlobStore>): void {
  const skip = typeof factory === 'string' ? factory : false;
  const f = typeof factory === 'string' ? async (): Promise<Backing<BlobStore>> => { throw new Error(factory); } : factory;
  const dir = join(FIXTURES, 'c-clang19-O0-dwarf4');
  const files = { dump: join(dir, 'prog.coredump'), module: join(dir, 'prog.wasm') };

  async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
    const parts: Buffer[] = [];
    for await (const c of stream as AsyncIterable<Buffer>) parts.push(Buffer.from(c));
    return Buffer.concat(parts);
  }

  describe(`BlobStore conformance: ${name}`, { skip }, () => {
    it('put, has, open and localPath round-trip the bytes', () => withStore(f, async (s) => {
      for (const [kind, file] of Object.entries(files) as [BlobKind, string][]) {
        const key = sha256File(file);
        const bytes = readFileSync(file);
        assert.equal(await s.has(kind, key), false);
        await s.putFile(kind, key, file);
        assert.equal(await s.has(kind, key), true);
        const o = await s.open(kind, key);
        assert.ok(o, 'open finds the object');
        assert.equal(o.size, bytes.length);
        assert.ok((await readAll(o.stream)).equals(bytes), 'open streams the same bytes');
        const p = await s.localPath(kind, key);
        assert.ok(p, 'localPath finds the object');
        assert.ok(readFileSync(p).equals(bytes), 'localPath holds the same bytes');
        assert.equal(await s.localPath(kind, key), p, 'a second localPath is the same file');
      }
      // kinds are separate name spaces
      assert.equal(await s.has('debug', sha256File(files.dump)), false);
    }));

    it('missing objects are absent, not errors', () => withStore(f, async (s) => {
      const key = FP('c');
      assert.equal(await s.has('dump', key), false);
      assert.equal(await s.open('dump', key), undefined);
      assert.equal(await s.localPath('module', key), undefined);
    }));

    it('a second put of a key is the same object', () => withStore(f, async (s) => {
      const tmp = mkdtempSync(join(tmpdir(), 'wcd-blob-'));
      try {
        const copy = join(tmp, 'copy');
        writeFileSync(copy, readFileSync(files.module));
        const key = sha256File(copy);
        await s.putFile('module', key, copy);
        await s.putFile('module', key, files.module);
        const o = await s.open('module', key);
        assert.ok(o && (await readAll(o.stream)).equals(readFileSync(files.module)));
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    }));

    it('keys that are not a sha256 are rejected', () => withStore(f, async (s) => {
      const bad = ['../../etc/passwd', FP('A'), FP('a').slice(1), `${FP('a').slice(1)}/`, '', `${FP('a')}0`, `x/${FP('a').slice(2)}`];
      for (const key of bad) {
        await assert.rejects(s.putFile('dump', key, files.dump), isError, `putFile ${key}`);
        await assert.rejects(s.has('dump', key), isError, `has ${key}`);
        await assert.rejects(s.open('dump', key), isError, `open ${key}`);
        await assert.rejects(s.localPath('dump', key), isError, `localPath ${key}`);
      }
      await assert.rejects(s.has('../x' as BlobKind, FP('a')), isError, 'unknown kind');
    }));

    it('a reopened store has the objects', () => withStore(f, async (s, b) => {
      const key = sha256File(files.dump);
      await s.putFile('dump', key, files.dump);
      const s2 = await b.open();
      try {
        assert.equal(await s2.has('dump', key), true);
        const p = await s2.localPath('dump', key);
        assert.ok(p && readFileSync(p).equals(readFileSync(files.dump)));
      } finally {
        await s2.close();
      }
    }));
  });
}
