/**
 * The store survives kill -9 during uploads: `wasm-coredump serve` (the CLI,
 * as a child process) takes concurrent uploads and is killed with SIGKILL
 * after a number of answered uploads, several times, restarting on the same
 * store. Afterwards the index opens, every crash an upload was told about
 * (201) is there, every listed crash's dump exists and hashes to its key,
 * and every object in the store is complete (its content hashes to its name);
 * no temporary file is left as an object.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { spawn, spawnSync, ChildProcess } from 'node:child_process';
import { CLI, filesBelow, request, tempDir, upload } from './helpers';
import { openDirectoryStores } from '../../service/store/directory';

const D = 'test/fixtures/c-clang19-O0-dwarf4';

function startCli(store: string): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--store', store], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr?.on('data', (c: Buffer) => { err += c.toString(); });
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve({ child, url: m[1] });
    });
    child.on('exit', (code) => reject(new Error(`serve exited (${code}) before listening: ${out}${err}`)));
  });
}

const sha = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

test('kill -9 during concurrent uploads, several times: the index opens, acknowledged crashes are kept, every object is whole', async (t) => {
  if (!fs.existsSync(CLI) || !fs.existsSync(D)) { t.skip('compiled CLI or fixture missing'); return; }
  const store = tempDir('kill');
  const dumps = fs.readdirSync(D).filter((f) => f.endsWith('.coredump')).sort().map((f) => fs.readFileSync(path.join(D, f)));
  const module = fs.readFileSync(`${D}/prog.wasm`);
  const acknowledged: string[] = [];
  try {
    for (const [round, killAfter] of [[0, 12], [1, 25], [2, 7], [3, 40]] as const) {
      const { child, url } = await startCli(store);
      const exited = new Promise((r) => child.on('exit', r));
      if (round === 0) assert.equal((await upload(url, '/v1/debug-files?name=prog.wasm', module)).status, 201);
      let answered = 0;
      let killed = false;
      const worker = async (w: number): Promise<void> => {
        for (let i = 0; !killed; i++) {
          const body = dumps[(w * 7 + i) % dumps.length];
          try {
            // some uploads are modules (another file name each round: new objects while killed)
            const r = i % 5 === 4
              ? await upload(url, `/v1/debug-files?name=r${round}w${w}i${i}.wasm`, Buffer.concat([module, Buffer.from([0, 5, 1, 0x6b, round, w, i & 0xff])]) /* + a custom section 'k' */)
              : await upload(url, `/v1/crashes?version=r${round}`, body);
            if (r.status === 201 && r.json().fingerprint) acknowledged.push(r.json().id);
            if (++answered >= killAfter && !killed) { killed = true; child.kill('SIGKILL'); }
          } catch { return; /* the server is gone */ }
        }
      };
      await Promise.all(Array.from({ length: 8 }, (_, w) => worker(w)));
      await exited;
    }
    // restart: the service opens the store and serves every acknowledged crash
    const { child, url } = await startCli(store);
    const exited = new Promise((r) => child.on('exit', r));
    for (const id of acknowledged) assert.equal((await request(`${url}/v1/crashes/${id}`)).status, 200, id);
    child.kill('SIGTERM');
    await exited;

    const { blobs, index } = await openDirectoryStores(store);
    const ids = await index.allCrashIds();
    assert.ok(ids.length >= acknowledged.length && acknowledged.length >= 40, `${ids.length} crashes, ${acknowledged.length} acknowledged`);
    for (const id of ids) {
      const c = await index.getCrash(id);
      assert.ok(c, id);
      const p = await blobs.localPath('dump', c.dumpKey);
      assert.ok(p, `dump of ${id}`);
      assert.equal(sha(p), c.dumpKey);
    }
    for (const kind of ['dump', 'module', 'debug']) {
      for (const rel of filesBelow(path.join(store, kind))) {
        const name = path.basename(rel);
        assert.match(name, /^[0-9a-f]{64}$/, `${kind}/${rel} is not named by a hash`);
        assert.equal(path.dirname(rel), name.slice(0, 2));
        assert.equal(sha(path.join(store, kind, rel)), name, `${kind}/${rel} is incomplete`);
      }
    }
    assert.deepEqual(filesBelow(path.join(store, 'tmp')), [], 'temporary files are cleaned at open');
    assert.deepEqual(fs.readdirSync(store).sort(), ['debug', 'dump', 'index.journal', 'module', 'tmp']);
    await index.close();
  } finally { fs.rmSync(store, { recursive: true, force: true }); }
});

test('serve refuses a non-loopback --host without a token, and a bad --database', (t) => {
  if (!fs.existsSync(CLI)) { t.skip('compiled CLI missing'); return; }
  const store = tempDir('args');
  try {
    const r = spawnSync(process.execPath, [CLI, 'serve', '--host', '0.0.0.0', '--port', '0', '--store', store], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, WASM_COREDUMP_TOKEN: '' } });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--host 0\.0\.0\.0 is not a loopback address: give --token T/);
    const d = spawnSync(process.execPath, [CLI, 'serve', '--port', '0', '--store', store, '--database', 'mysql://u:pw@h/db'], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(d.status, 1);
    assert.match(d.stderr, /cannot open the store: --database must be a postgres:\/\/ URL/);
    assert.ok(!d.stderr.includes('pw'), 'the password is not printed');
  } finally { fs.rmSync(store, { recursive: true, force: true }); }
});
