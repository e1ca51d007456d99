/**
 * Bad input to `wasm-coredump serve`: each gets a clear 4xx JSON error, the
 * service keeps serving after it, and nothing is left in the store (no
 * temporary file, no object) by a refused upload.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { Running, filesBelow, request, startService, upload } from './helpers';

const D = 'test/fixtures/c-clang19-O0-dwarf5';
const have = fs.existsSync(`${D}/prog.coredump`);
let svc: Running;

before(async () => { svc = await startService({ maxDumpSize: 128 * 1024, maxDebugFileSize: 256 * 1024, requestTimeoutMs: 1500, headersTimeoutMs: 1000 }); });
after(async () => { await svc.stop(); });

async function stillServing(): Promise<void> {
  const r = await request(`${svc.url}/healthz`);
  assert.equal(r.status, 200);
}

function objects(): string[] { return ['dump', 'module', 'debug'].flatMap((k) => filesBelow(path.join(svc.dir, k))); }

function errorOf(r: { status: number; json(): any }, status: number, code?: string): string {
  assert.equal(r.status, status);
  const e = r.json().error;
  assert.equal(typeof e.message, 'string');
  if (code) assert.equal(e.code, code);
  return e.message as string;
}

test('not a core dump: a module, not wasm at all, empty; truncated dumps at several offsets name the offset', async (t) => {
  if (!have) { t.skip('fixture missing'); return; }
  const before = objects();
  assert.match(errorOf(await upload(svc.url, '/v1/crashes', fs.readFileSync(`${D}/prog.wasm`)), 400, 'not_a_core_dump'), /offset 0x[0-9a-f]+: not a core dump/);
  assert.match(errorOf(await upload(svc.url, '/v1/crashes', Buffer.from('{"hello": "world"}')), 400, 'not_wasm'), /offset 0x0 holds 7b 22 68 65/);
  errorOf(await upload(svc.url, '/v1/crashes', Buffer.alloc(0)), 400, 'empty');
  const dump = fs.readFileSync(`${D}/prog.coredump`);
  let refused = 0;
  for (const cut of [4, 9, 30, 100, Math.floor(dump.length / 3), Math.floor(dump.length / 2), dump.length - 1]) {
    const r = await upload(svc.url, '/v1/crashes', dump.subarray(0, cut));
    // a cut inside a section is refused naming where reading stopped
    assert.equal(r.status, 400, `cut at ${cut}: ${r.body.toString()}`);
    assert.match(r.json().error.message, /offset 0x[0-9a-f]+/, `cut at ${cut}`);
    refused++;
    await stillServing();
  }
  // seeded byte flips: a clear 400 or a stored crash, never a 5xx
  let seed = 7;
  for (let i = 0; i < 20; i++) {
    const b = Buffer.from(dump);
    for (let k = 0; k < 4; k++) { seed = (seed * 1103515245 + 12345) >>> 0; b[8 + (seed % (b.length - 8))] ^= 0xff; }
    const r = await upload(svc.url, '/v1/crashes', b);
    assert.ok(r.status === 201 || r.status === 400, `flip ${i}: ${r.status} ${r.body.toString()}`);
  }
  assert.equal(refused, 7);
  assert.equal(objects().filter((o) => o.startsWith('module') || o.startsWith('debug')).length, before.filter((o) => !o.startsWith('dump')).length);
  assert.deepEqual(filesBelow(path.join(svc.dir, 'tmp')), []);
  await stillServing();
});

test('mutated modules: refused with a 400 or stored; crashes uploaded afterwards are still recorded', async (t) => {
  if (!have) { t.skip('fixture missing'); return; }
  const s = await startService();
  try {
    const mod = fs.readFileSync(`${D}/prog.wasm`);
    let seed = 11;
    const statuses = new Set<number>();
    for (let i = 0; i < 16; i++) {
      const b = Buffer.from(mod);
      for (let k = 0; k < 1 + (i % 4); k++) { seed = (seed * 1103515245 + 12345) >>> 0; b[8 + (seed % (b.length - 8))] ^= 1 << (seed % 8); }
      const cut = i % 3 === 0 ? b.subarray(0, 8 + (seed % (b.length - 8))) : b;
      const r = await upload(s.url, '/v1/debug-files?name=prog.wasm', cut);
      assert.ok(r.status === 201 || r.status === 400, `module ${i}: ${r.status} ${r.body.toString()}`);
      if (r.status === 400) assert.match(r.json().error.message, /offset 0x[0-9a-f]+|not a readable/);
      statuses.add(r.status);
      const c = await upload(s.url, '/v1/crashes', fs.readFileSync(`${D}/prog.coredump`));
      assert.equal(c.status, 201, `crash after module ${i}: ${c.body.toString()}`);
    }
    assert.ok(statuses.has(400), 'some mutations are refused');
    assert.deepEqual(s.errors.filter((e) => /internal error/.test(e)), []);
    assert.equal(s.logs.length, 16);
  } finally { await s.stop(); }
});

test('wrong content type, missing content type, bad metadata', async (t) => {
  if (!have) { t.skip('fixture missing'); return; }
  const dump = fs.readFileSync(`${D}/prog.coredump`);
  assert.match(errorOf(await upload(svc.url, '/v1/crashes', dump, { 'Content-Type': 'multipart/form-data; boundary=x' }), 415, 'unsupported_media_type'), /application\/wasm/);
  errorOf(await request(`${svc.url}/v1/crashes`, { method: 'POST', body: dump }), 415);
  errorOf(await upload(svc.url, '/v1/crashes', dump, { 'X-Crash-Meta': '{not json' }), 400, 'bad_meta');
  errorOf(await upload(svc.url, '/v1/crashes', dump, { 'X-Crash-Meta': '{"app":{"nested":1}}' }), 400, 'bad_meta');
  assert.equal((await upload(svc.url, '/v1/crashes', dump, { 'Content-Type': 'application/octet-stream' })).status, 201);
  assert.deepEqual(filesBelow(path.join(svc.dir, 'tmp')), []);
  await stillServing();
});

test('oversized bodies: declared (Content-Length) and streamed (chunked) are refused with 413 and leave nothing', async (t) => {
  if (!have) { t.skip('fixture missing'); return; }
  const big = Buffer.concat([fs.readFileSync(`${D}/prog.coredump`), Buffer.alloc(200 * 1024)]);
  const before = objects();
  assert.match(errorOf(await upload(svc.url, '/v1/crashes', big), 413, 'too_large'), /limit of 131072 bytes/);
  await stillServing();
  const chunked = await request(`${svc.url}/v1/crashes`, { method: 'POST', body: big, chunked: true, headers: { 'Content-Type': 'application/wasm' } });
  errorOf(chunked, 413, 'too_large');
  await stillServing();
  errorOf(await upload(svc.url, '/v1/debug-files?name=x.wasm', Buffer.alloc(300 * 1024)), 413, 'too_large');
  assert.deepEqual(objects(), before);
  assert.deepEqual(filesBelow(path.join(svc.dir, 'tmp')), []);
});

test('path-like names never reach the file system: blobs, crash ids, debug-file names', async (t) => {
  if (!have) { t.skip('fixture missing'); return; }
  fs.writeFileSync(path.join(svc.dir, 'secret'), 'not to be served');
  for (const p of ['/v1/blobs/dump/..%2F..%2Fsecret', '/v1/blobs/dump/../../secret', '/v1/blobs/..%2Fsecret/' + 'a'.repeat(64), '/v1/blobs/dump/' + 'A'.repeat(64),
    '/v1/blobs/dump/' + 'a'.repeat(63) + '%2F', '/v1/blobs/tmp/' + 'a'.repeat(64), '/v1/blobs/dump/%00' + 'a'.repeat(63), '/v1/crashes/..%2F..%2Fsecret', '/v1/crashes/..%2Fsecret/dump']) {
    const r = await request(svc.url + p);
    assert.equal(r.status, 404, p);
    assert.ok(!r.body.toString().includes('not to be served'), p);
  }
  for (const n of ['../x.wasm', '..', 'a/b.wasm', 'a\\b.wasm', '/etc/passwd', '']) {
    errorOf(await upload(svc.url, `/v1/debug-files?name=${encodeURIComponent(n)}`, fs.readFileSync(`${D}/prog.wasm`)), 400, 'bad_name');
  }
  errorOf(await upload(svc.url, '/v1/debug-files?name=prog.wasm', fs.readFileSync(`${D}/prog.coredump`)), 400, 'is_core_dump');
  errorOf(await upload(svc.url, '/v1/debug-files?name=prog.wasm', fs.readFileSync(`${D}/prog.wasm`).subarray(0, 5000)), 400, 'bad_module');
  assert.deepEqual(fs.readdirSync(svc.dir).sort(), ['debug', 'dump', 'index.journal', 'module', 'secret', 'tmp']);
  assert.deepEqual(filesBelow(path.join(svc.dir, 'tmp')), []);
  await stillServing();
});

test('unknown endpoints 404, wrong methods 405, unknown crash 404', async () => {
  errorOf(await request(`${svc.url}/v2/nothing`), 404, 'not_found');
  errorOf(await request(`${svc.url}/v1/crashes`), 405, 'method_not_allowed');
  errorOf(await request(`${svc.url}/v1/groups`, { method: 'DELETE' }), 405);
  errorOf(await request(`${svc.url}/v1/crashes/00000000-0000-0000-0000-000000000000`), 404);
  errorOf(await request(`${svc.url}/v1/crashes/not-a-uuid`), 404);
  await stillServing();
});

test('a slow client gets a timeout; its partial upload is removed and the service keeps serving', async (t) => {
  if (!have) { t.skip('fixture missing'); return; }
  const u = new URL(svc.url);
  const answer = await new Promise<string>((resolve) => {
    const s = net.connect(Number(u.port), u.hostname, () => {
      s.write(`POST /v1/crashes HTTP/1.1\r\nHost: x\r\nContent-Type: application/wasm\r\nContent-Length: 10000\r\n\r\n`);
      s.write(fs.readFileSync(`${D}/prog.coredump`).subarray(0, 100)); // then nothing more
    });
    let got = '';
    s.on('data', (c) => { got += c.toString(); });
    s.on('error', () => { /* reset by the server */ });
    s.on('close', () => resolve(got));
  });
  assert.match(answer, /^HTTP\/1\.1 408 /);
  // headers that never finish
  const partial = await new Promise<string>((resolve) => {
    const s = net.connect(Number(u.port), u.hostname, () => { s.write('GET /v1/groups HTTP/1.1\r\nHost: x\r\n'); });
    let got = '';
    s.on('data', (c) => { got += c.toString(); });
    s.on('error', () => { /* reset */ });
    s.on('close', () => resolve(got));
  });
  assert.match(partial, /^HTTP\/1\.1 408 /);
  for (let i = 0; i < 50 && filesBelow(path.join(svc.dir, 'tmp')).length; i++) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(filesBelow(path.join(svc.dir, 'tmp')), []);
  await stillServing();
});

test('with a token: 401 without it or with another, healthz open, uploads with it', async (t) => {
  if (!have) { t.skip('fixture missing'); return; }
  const s = await startService({ token: 'sekrit-token-123' });
  try {
    errorOf(await upload(s.url, '/v1/crashes', fs.readFileSync(`${D}/prog.coredump`)), 401, 'unauthorized');
    errorOf(await request(`${s.url}/v1/groups`, { headers: { Authorization: 'Bearer sekrit-token-124' } }), 401);
    assert.equal((await request(`${s.url}/healthz`)).status, 200);
    const r = await upload(s.url, '/v1/crashes', fs.readFileSync(`${D}/prog.coredump`), { Authorization: 'Bearer sekrit-token-123' });
    assert.equal(r.status, 201);
  } finally { await s.stop(); }
});
