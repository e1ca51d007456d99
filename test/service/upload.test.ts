/**
 * `wasm-coredump serve` end to end over HTTP on loopback: every fixture core
 * dump uploaded after its module comes back symbolicated with the frames
 * `wasm-coredump bt --json` prints for it (the same openCrash path), also when
 * the module is found through --debug-dir, for a stripped module with a
 * separate debug file, and for a dump of two modules; grouping; the log line.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import { spawn, spawnSync } from 'node:child_process';
import { CLI, Running, fixtureDumps, startService, upload, request } from './helpers';

interface BtJsonFrame { number: number; funcIndex: number; codeAddr: number | null; function: string; file: string | null; line: number | null; column: number | null; inlined: boolean }

function btJson(...args: string[]): Array<{ frames: BtJsonFrame[] }> {
  const r = spawnSync(process.execPath, [CLI, 'bt', '--json', ...args], { encoding: 'utf8', timeout: 60_000 });
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  return (JSON.parse(r.stdout) as { threads: Array<{ frames: BtJsonFrame[] }> }).threads;
}

/** The stored frames in the shape of `bt --json`'s. */
function sameFrames(stored: any[], bt: BtJsonFrame[], what: string): void {
  const pick = (f: BtJsonFrame | any) => ({ number: f.number, funcIndex: f.funcIndex, codeAddr: f.codeAddr, function: f.function, file: f.file, line: f.line, column: f.column, inlined: f.inlined });
  assert.deepEqual(stored.map(pick), bt.map(pick), what);
}

const fixtures = fixtureDumps();
const haveCli = fs.existsSync(CLI);
let svc: Running;

before(async () => { svc = await startService(); });
after(async () => { await svc.stop(); });

test('every fixture dump, uploaded after its module, has the frames bt --json prints', async (t) => {
  if (!fixtures.length || !haveCli) { t.skip('test/fixtures or the compiled CLI missing'); return; }
  let n = 0;
  for (const fx of fixtures) {
    const m = await upload(svc.url, '/v1/debug-files?name=prog.wasm', fs.readFileSync(fx.module));
    assert.equal(m.status, 201, m.body.toString());
    assert.equal(m.json().kind, 'module');
    // modules a dump records under another name (an Emscripten JS-glue run names its instance prog.0.wasm) are uploaded under it
    const keys = new Map<string, string>([['prog.wasm', m.json().key]]);
    for (const f of fs.readdirSync(fx.dir).filter((x) => /^prog\..+\.wasm$/.test(x) && !x.endsWith('.debug.wasm'))) {
      const o = await upload(svc.url, `/v1/debug-files?name=${f}`, fs.readFileSync(path.join(fx.dir, f)));
      assert.equal(o.status, 201, o.body.toString());
      keys.set(f, o.json().key);
    }
    for (const dump of fx.dumps) {
      const r = await upload(svc.url, '/v1/crashes', fs.readFileSync(dump), { 'X-Crash-Meta': JSON.stringify({ app: 'fixtures', version: path.basename(fx.dir) }) });
      assert.equal(r.status, 201, `${dump}: ${r.body.toString()}`);
      const rec = (await request(r.json().url)).json();
      assert.equal(rec.meta.version, path.basename(fx.dir));
      const bt = btJson(dump);
      assert.equal(rec.summary.threads.length, bt.length);
      rec.summary.threads.forEach((th: any, i: number) => sameFrames(th.frames, bt[i].frames, `${dump} thread ${i}`));
      assert.equal(rec.summary.modules[0].moduleKey, keys.get(path.basename(rec.summary.modules[0].name)), `${dump}: the module uploaded for it`);
      n++;
    }
  }
  assert.ok(n >= 30, `only ${n} dumps`);
  assert.equal(svc.logs.length, n, 'one log line per crash');
});

test('a module found in --debug-dir gives the same frames', async (t) => {
  if (!fixtures.length || !haveCli) { t.skip('test/fixtures or the compiled CLI missing'); return; }
  for (const fx of fixtures) {
    const s = await startService({ debugDirs: [path.resolve(fx.dir)] });
    try {
      const dump = path.join(fx.dir, 'prog.coredump');
      const r = await upload(s.url, '/v1/crashes', fs.readFileSync(dump));
      assert.equal(r.status, 201);
      const rec = (await request(r.json().url)).json();
      sameFrames(rec.summary.threads[0].frames, btJson(dump)[0].frames, dump);
      assert.equal(rec.summary.modules[0].moduleKey, undefined, 'not a stored module');
    } finally { await s.stop(); }
  }
});

test('a stripped module with a build id and its separate debug file; a dump of two modules', async (t) => {
  const split = 'test/fixtures/_split/c-clang19-O0-split';
  const multi = 'test/fixtures/_multi/c-two-modules';
  if (!fs.existsSync(split) || !fs.existsSync(multi) || !haveCli) { t.skip('split/multi fixtures or the compiled CLI missing'); return; }
  const s = await startService();
  try {
    const before = await upload(s.url, '/v1/crashes', fs.readFileSync(`${split}/prog.coredump`));
    const noDebug = (await request(before.json().url)).json();
    assert.ok(noDebug.summary.notes.some((x: string) => /no stored module of that name fits/.test(x)), noDebug.summary.notes.join('\n'));
    const mod = (await upload(s.url, '/v1/debug-files?name=prog.wasm', fs.readFileSync(`${split}/prog.wasm`))).json();
    assert.equal(mod.kind, 'module');
    assert.equal(mod.buildId, '071cf1bcb38e95d79849ff8e3a12426f54f898f0');
    const dbg = (await upload(s.url, '/v1/debug-files?name=prog.debug.wasm', fs.readFileSync(`${split}/debug/prog.debug.wasm`))).json();
    assert.equal(dbg.kind, 'debug');
    assert.equal(dbg.buildId, mod.buildId);
    const r = await upload(s.url, '/v1/crashes', fs.readFileSync(`${split}/prog.coredump`));
    const rec = (await request(r.json().url)).json();
    sameFrames(rec.summary.threads[0].frames, btJson(`${split}/prog.coredump`)[0].frames, 'split');
    assert.deepEqual(rec.summary.modules, [{ name: 'prog.wasm', buildId: mod.buildId, moduleKey: mod.key, debugKey: dbg.key }]);
    assert.notEqual(rec.fingerprint, noDebug.fingerprint, 'symbolicated frames make another fingerprint than function indices');
    const files = (await request(`${r.json().url}/files`)).json();
    assert.equal(files.modules[0].debug.key, dbg.key);
    const got = await request(files.modules[0].debug.url);
    assert.deepEqual(got.body, fs.readFileSync(`${split}/debug/prog.debug.wasm`));

    for (const n of ['prog.0.wasm', 'prog.1.wasm']) assert.equal((await upload(s.url, `/v1/debug-files?name=${n}`, fs.readFileSync(`${multi}/${n}`))).status, 201);
    const mr = await upload(s.url, '/v1/crashes', fs.readFileSync(`${multi}/prog.coredump`));
    const mrec = (await request(mr.json().url)).json();
    sameFrames(mrec.summary.threads[0].frames, btJson(`${multi}/prog.coredump`)[0].frames, 'multi');
    assert.equal(mrec.summary.modules.length, 2);
  } finally { await s.stop(); }
});

test('another program\'s module under the same name is not used: frames stay function indices, a note says why', async (t) => {
  const c = 'test/fixtures/c-clang19-O0-dwarf4', rust = 'test/fixtures/rust-1.63-O0';
  if (!fs.existsSync(c) || !fs.existsSync(rust)) { t.skip('fixtures missing'); return; }
  const s = await startService();
  try {
    // both programs are called prog.wasm; only the Rust one is stored
    await upload(s.url, '/v1/debug-files?name=prog.wasm', fs.readFileSync(`${rust}/prog.wasm`));
    const r = await upload(s.url, '/v1/crashes', fs.readFileSync(`${c}/prog.divzero.coredump`));
    assert.equal(r.status, 201, r.body.toString());
    const rec = (await request(r.json().url)).json();
    assert.equal(rec.summary.modules[0].moduleKey, undefined, 'the Rust module was not taken for the C dump');
    assert.ok(rec.summary.threads[0].frames.every((f: any) => f.file === null), JSON.stringify(rec.summary.threads[0].frames.slice(0, 3)));
    assert.ok(rec.summary.notes.some((x: string) => /no stored module of that name fits this dump's frames/.test(x)), rec.summary.notes.join('\n'));
    // the right module, uploaded later under the same name, is found for the next upload
    await upload(s.url, '/v1/debug-files?name=prog.wasm', fs.readFileSync(`${c}/prog.wasm`));
    const again = (await request((await upload(s.url, '/v1/crashes', fs.readFileSync(`${c}/prog.divzero.coredump`))).json().url)).json();
    assert.equal(again.summary.threads[0].frames.find((f: any) => f.file)?.function, 'validate_item');
  } finally {
    await s.stop();
  }
});

test('grouping: the same dump twice is one group of two; another trap another group; versions and the log line', async (t) => {
  const d = 'test/fixtures/c-clang19-O0-dwarf4';
  if (!fs.existsSync(d)) { t.skip('fixture missing'); return; }
  const s = await startService();
  try {
    await upload(s.url, '/v1/debug-files?name=prog.wasm', fs.readFileSync(`${d}/prog.wasm`));
    const a1 = (await upload(s.url, '/v1/crashes?version=1.0', fs.readFileSync(`${d}/prog.divzero.coredump`))).json();
    const a2 = (await upload(s.url, '/v1/crashes?version=1.1&app=shop', fs.readFileSync(`${d}/prog.divzero.coredump`))).json();
    const b = (await upload(s.url, '/v1/crashes?version=1.0', fs.readFileSync(`${d}/prog.oob.coredump`))).json();
    assert.equal(a1.isNew, true);
    assert.equal(a2.isNew, false);
    assert.equal(a1.fingerprint, a2.fingerprint);
    assert.notEqual(a1.id, a2.id);
    assert.equal(a2.group.count, 2);
    assert.deepEqual(a2.group.versions, ['1.0', '1.1']);
    assert.notEqual(b.fingerprint, a1.fingerprint);
    const groups = (await request(`${s.url}/v1/groups`)).json().groups;
    assert.equal(groups.length, 2);
    assert.equal(groups[0].fingerprint, b.fingerprint, 'most recently seen first');
    const g = (await request(`${s.url}/v1/groups/${a1.fingerprint}`)).json();
    assert.deepEqual(g.crashes.map((c: any) => c.id), [a2.id, a1.id]);
    assert.match(a1.title, /integer divide by zero in validate_item at \/src\/prog\.c:\d+/);
    assert.equal(s.logs.length, 3);
    assert.match(s.logs[0], new RegExp(`^crash ${a1.id} group ${a1.fingerprint.slice(0, 8)} new integer-divide-by-zero: validate_item \\(prog\\.c:\\d+\\) < crash_now \\(prog\\.c:\\d+\\)( < \\w+ \\(prog\\.c:\\d+\\))*$`));
    assert.match(s.logs[1], new RegExp(`^crash ${a2.id} group ${a1.fingerprint.slice(0, 8)} integer-divide-by-zero: validate_item `));
    assert.match(s.logs[2], / new out-of-bounds-memory: /);
    // the trapped frame's variables, as bt --full shows them
    const rec = (await request(a1.url)).json();
    assert.ok(rec.summary.variables.some((v: any) => v.name === 'divisor' && v.value === '0'), JSON.stringify(rec.summary.variables));
    const dump = await request(`${a1.url}/dump`);
    assert.deepEqual(dump.body, fs.readFileSync(`${d}/prog.divzero.coredump`));
  } finally { await s.stop(); }
});

test('the same crash from five builds (clang 14 and 19, -O0 and -O2, DWARF 4 and 5) is one group with five versions', async (t) => {
  const builds = ['c-clang14-O0', 'c-clang14-O2', 'c-clang19-O0-dwarf4', 'c-clang19-O0-dwarf5', 'c-clang19-O2'].map((b) => `test/fixtures/${b}`);
  if (!builds.every((b) => fs.existsSync(b))) { t.skip('C fixtures missing'); return; }
  const s = await startService();
  try {
    const fps = new Set<string>();
    let last: any;
    for (const b of builds) {
      assert.equal((await upload(s.url, '/v1/debug-files?name=prog.wasm', fs.readFileSync(`${b}/prog.wasm`))).status, 201);
      last = (await upload(s.url, `/v1/crashes?version=${path.basename(b)}`, fs.readFileSync(`${b}/prog.coredump`))).json();
      fps.add(last.fingerprint);
    }
    assert.equal(fps.size, 1, 'one fingerprint');
    assert.equal(last.group.count, 5);
    assert.deepEqual(last.group.versions, builds.map((b) => path.basename(b)));
    assert.match(last.title, /unreachable.* in validate_item at \/src\/prog\.c:95/);
  } finally { await s.stop(); }
});

test('wasm-coredump fetch downloads a collected crash with its modules and debug file; bt on the download shows the same frames', async (t) => {
  const split = 'test/fixtures/_split/c-clang19-O0-split';
  if (!fs.existsSync(split) || !haveCli) { t.skip('split fixture or the compiled CLI missing'); return; }
  const s = await startService({ token: 'fetch-token-1' });
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'wcd-fetch-'));
  try {
    const auth = { Authorization: 'Bearer fetch-token-1' };
    await upload(s.url, '/v1/debug-files?name=prog.wasm', fs.readFileSync(`${split}/prog.wasm`), auth);
    await upload(s.url, '/v1/debug-files?name=prog.debug.wasm', fs.readFileSync(`${split}/debug/prog.debug.wasm`), auth);
    const r = (await upload(s.url, '/v1/crashes', fs.readFileSync(`${split}/prog.coredump`), auth)).json();
    // the service runs in this process: the CLI must run asynchronously
    const cli = (args: string[], env: NodeJS.ProcessEnv = process.env) => new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const c = spawn(process.execPath, [CLI, ...args], { env });
      let o = '', e = '';
      c.stdout.on('data', (b: Buffer) => { o += b.toString(); });
      c.stderr.on('data', (b: Buffer) => { e += b.toString(); });
      c.on('close', (code) => resolve({ code, out: o, err: e }));
    });
    const f = await cli(['fetch', r.url, '--out', out, '--token', 'fetch-token-1']);
    assert.equal(f.code, 0, f.err);
    assert.deepEqual(fs.readdirSync(out).sort(), [`${r.id}.coredump`, '071cf1bcb38e95d79849ff8e3a12426f54f898f0.debug.wasm', 'prog.wasm'].sort());
    assert.match(f.err, /open it: wasm-coredump bt .*\.coredump --debug-dir /);
    sameFrames(btJson(path.join(out, `${r.id}.coredump`), '--debug-dir', out)[0].frames, btJson(`${split}/prog.coredump`)[0].frames, 'fetched');
    const bad = await cli(['fetch', r.url, '--out', out], { ...process.env, WASM_COREDUMP_TOKEN: '' });
    assert.equal(bad.code, 1);
    assert.match(bad.err, /401: this service needs Authorization: Bearer TOKEN/);
  } finally { await s.stop(); fs.rmSync(out, { recursive: true, force: true }); }
});
