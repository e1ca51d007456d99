/**
 * Sentry forwarding against a local HTTP receiver: the envelope's three
 * lines (envelope header, item header, event) carry what Sentry's envelope
 * and event documentation require: event_id of 32 hex digits in the header
 * and the event, the item's length equal to the payload's bytes, timestamp,
 * platform, level, an exception with mechanism and a stacktrace whose last
 * frame is the trapped function (Sentry lists frames outermost first), and
 * debug_meta images of type "wasm" with the module's build id. A receiver
 * that fails never fails the upload.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { request, startService, upload } from './helpers';
import { debugIdOf, parseDsn, sentryForwarder } from '../../service/sentry';
import { WasmModule } from '../../src/wasm/module';

const codeSectionStart = (b: Buffer): number => new WasmModule(new Uint8Array(b), 'prog.wasm').codeSectionStart as number;

interface Received { url: string; headers: http.IncomingHttpHeaders; body: string }

async function receiver(status = 200): Promise<{ port: number; got: Received[]; close(): Promise<void> }> {
  const got: Received[] = [];
  const srv = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      got.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(parts).toString('utf8') });
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(status === 200 ? '{"id":"x"}' : '{"detail":"nope"}');
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { port: (srv.address() as AddressInfo).port, got, close: () => new Promise((r) => srv.close(() => r())) };
}

function parseEnvelope(body: string): { header: any; item: any; event: any; payload: string } {
  const lines = body.split('\n');
  assert.ok(lines.length >= 3, 'three lines');
  const header = JSON.parse(lines[0]);
  const item = JSON.parse(lines[1]);
  const payload = lines[2];
  return { header, item, event: JSON.parse(payload), payload };
}

const SPLIT = 'test/fixtures/_split/c-clang19-O0-split';

test('DSN parsing and the build id as a debug_id', () => {
  const d = parseDsn('https://abc123@o1.ingest.example.test/42');
  assert.equal(d.envelopeUrl, 'https://o1.ingest.example.test/api/42/envelope/');
  assert.equal(d.publicKey, 'abc123');
  assert.equal(parseDsn('http://k@127.0.0.1:9000/sub/7').envelopeUrl, 'http://127.0.0.1:9000/sub/api/7/envelope/');
  assert.throws(() => parseDsn('https://o1.example.test/42'), /not a Sentry DSN/);
  assert.throws(() => parseDsn('nonsense'), /not a URL/);
  assert.equal(debugIdOf('071cf1bcb38e95d79849ff8e3a12426f54f898f0'), '071cf1bc-b38e-95d7-9849-ff8e3a12426f');
});

test('a new group is sent to Sentry as an envelope with the documented fields; a repeat is not; all with --sentry-all', async (t) => {
  if (!fs.existsSync(SPLIT)) { t.skip('split fixture missing'); return; }
  const rx = await receiver();
  const dsn = `http://publickey1@127.0.0.1:${rx.port}/42`;
  const sentry = sentryForwarder(dsn, { version: '0.1.0', log: () => { /* none expected */ } });
  const s = await startService({ sentry });
  try {
    await upload(s.url, '/v1/debug-files?name=prog.wasm', fs.readFileSync(`${SPLIT}/prog.wasm`));
    await upload(s.url, '/v1/debug-files?name=prog.debug.wasm', fs.readFileSync(`${SPLIT}/debug/prog.debug.wasm`));
    const meta = JSON.stringify({ app: 'shop', version: '2.3.4', environment: 'staging', requestId: 'req-9' });
    const r = (await upload(s.url, '/v1/crashes', fs.readFileSync(`${SPLIT}/prog.coredump`), { 'X-Crash-Meta': meta })).json();
    await upload(s.url, '/v1/crashes', fs.readFileSync(`${SPLIT}/prog.coredump`), { 'X-Crash-Meta': meta });
    await sentry.idle();
    assert.equal(rx.got.length, 1, 'only the new group');
    const got = rx.got[0];
    assert.equal(got.url, '/api/42/envelope/');
    assert.match(String(got.headers['x-sentry-auth']), /^Sentry sentry_version=7, sentry_key=publickey1, sentry_client=wasm-coredump-debugger\/0\.1\.0$/);
    const { header, item, event, payload } = parseEnvelope(got.body);
    assert.match(header.event_id, /^[0-9a-f]{32}$/);
    assert.equal(header.dsn, dsn);
    assert.ok(!Number.isNaN(Date.parse(header.sent_at)));
    assert.equal(item.type, 'event');
    assert.equal(item.content_type, 'application/json');
    assert.equal(item.length, Buffer.byteLength(payload));
    assert.equal(event.event_id, header.event_id);
    assert.equal(event.event_id, r.id.replace(/-/g, ''));
    assert.ok(!Number.isNaN(Date.parse(event.timestamp)));
    assert.equal(event.platform, 'native');
    assert.equal(event.level, 'fatal');
    assert.equal(event.release, '2.3.4');
    assert.equal(event.environment, 'staging');
    assert.equal(event.tags.request_id, 'req-9');
    const ex = event.exception.values[0];
    assert.equal(typeof ex.type, 'string');
    assert.equal(typeof ex.value, 'string');
    assert.deepEqual(ex.mechanism, { type: 'wasm-trap', handled: false });
    const frames = ex.stacktrace.frames;
    assert.ok(frames.length > 3);
    const rec = (await request(r.url)).json();
    const innermost = rec.summary.threads[0].frames[0];
    const last = frames[frames.length - 1];
    assert.equal(last.function, innermost.function, 'innermost last');
    assert.equal(last.lineno, innermost.line);
    assert.equal(last.filename, 'prog.c');
    assert.equal(last.in_app, true);
    assert.equal(last.instruction_addr, `0x${innermost.moduleOffset.toString(16)}`);
    assert.equal(innermost.moduleOffset, innermost.codeAddr + codeSectionStart(fs.readFileSync(`${SPLIT}/prog.wasm`)));
    assert.equal(last.addr_mode, 'rel:0');
    assert.equal(last.package, 'prog.wasm');
    assert.equal(frames[0].function, rec.summary.threads[0].frames.at(-1).function, 'outermost first');
    for (const f of frames) assert.equal(typeof f.function, 'string');
    assert.deepEqual(event.debug_meta.images, [{
      type: 'wasm', code_file: 'prog.wasm', debug_file: 'prog.wasm',
      code_id: '071cf1bcb38e95d79849ff8e3a12426f54f898f0', debug_id: '071cf1bc-b38e-95d7-9849-ff8e3a12426f',
    }]);
  } finally { await s.stop(); await rx.close(); }

  const rx2 = await receiver();
  const all = sentryForwarder(`http://k@127.0.0.1:${rx2.port}/1`, { version: '0.1.0', all: true, log: () => { /* none */ } });
  const s2 = await startService({ sentry: all });
  try {
    for (let i = 0; i < 3; i++) assert.equal((await upload(s2.url, '/v1/crashes', fs.readFileSync(`${SPLIT}/prog.coredump`))).status, 201);
    await all.idle();
    assert.equal(rx2.got.length, 3);
  } finally { await s2.stop(); await rx2.close(); }
});

test('a failing or unreachable Sentry is logged and never fails the upload', async (t) => {
  if (!fs.existsSync(SPLIT)) { t.skip('split fixture missing'); return; }
  const rx = await receiver(500);
  const logs: string[] = [];
  const failing = sentryForwarder(`http://k@127.0.0.1:${rx.port}/1`, { version: '0.1.0', log: (l) => logs.push(l) });
  const s = await startService({ sentry: failing });
  try {
    assert.equal((await upload(s.url, '/v1/crashes', fs.readFileSync(`${SPLIT}/prog.coredump`))).status, 201);
    await failing.idle();
    assert.match(logs.join('\n'), /not forwarded: HTTP 500/);
  } finally { await s.stop(); await rx.close(); }
  // a port nothing listens on (the receiver above is closed)
  const gone = sentryForwarder(`http://k@127.0.0.1:${rx.port}/1`, { version: '0.1.0', log: (l) => logs.push(l), timeoutMs: 5000 });
  const s2 = await startService({ sentry: gone });
  try {
    assert.equal((await upload(s2.url, '/v1/crashes', fs.readFileSync(`${SPLIT}/prog.coredump`))).status, 201);
    await gone.idle();
    assert.equal(logs.filter((l) => /not forwarded/.test(l)).length, 2);
  } finally { await s2.stop(); }
});
