/**
 * The service's web pages (service/web/): rendered from records built from
 * real fixture dumps, and served by handleWeb over a real HTTP server.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { esc, renderCrash, renderGroup, renderGroupList, vscodeLink } from '../../service/web/render';
import { buildRecords, HOSTILE, indexOf, Records, startWebServer } from './webFixtures';
import { MemoryIndex } from './memoryIndex';
import { readFileSync } from 'node:fs';

const BASE = 'http://crashes.example.test:8080';
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { publisher: string; name: string };

/** The text of the page as a reader sees it (tags dropped, entities decoded). */
function visible(html: string): string {
  return html.replace(/<style>[\s\S]*?<\/style>/g, '').replace(/<[^>]*>/g, ' ')
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&').replace(/\s+/g, ' ');
}

describe('web pages: rendering', () => {
  let r: Records;
  before(() => { r = buildRecords(); });

  it('a crash page shows the trap, every frame with its source location, the variables and the links', () => {
    const c = r.unreachable[1];
    const html = renderCrash(c, BASE);
    const text = visible(html);
    assert.match(text, /Trap: unreachable/);
    for (const f of c.summary.threads[0].frames) {
      assert.ok(text.includes(`#${f.number} ${f.function}`), `frame #${f.number} ${f.function}`);
      if (f.file) assert.ok(text.includes(`${f.file}:${f.line}:${f.column}`), `${f.file}:${f.line}:${f.column}`);
    }
    assert.ok(text.includes('validate_item /src/prog.c:95:5'), 'the trapped frame with its line');
    for (const v of c.summary.variables) assert.ok(text.includes(`${v.name} ${v.type} ${v.value}`), `variable ${v.name}`);
    assert.ok(text.includes('kind enum TrapKind TRAP_UNREACHABLE'));
    assert.ok(text.includes('requestId req-42') && text.includes('version 1.1'), 'metadata');
    assert.ok(html.includes(`href="/v1/crashes/${c.id}/dump"`), 'download link');
    const vs = `vscode://${pkg.publisher}.${pkg.name}/open?crash=${encodeURIComponent(`${BASE}/v1/crashes/${c.id}`)}`;
    assert.equal(vscodeLink(`${BASE}/`, c.id), vs);
    assert.ok(html.includes(`href="${esc(vs)}"`), 'Open in VS Code link');
    assert.ok(!/<script|<link(?! rel="icon" href="data:,">)|<img|src=|https?:\/\/(?!crashes\.example)/.test(html), 'no scripts or external resources');
  });

  it('frames with source locations unavailable say so; inlined frames are marked', () => {
    const text = visible(renderCrash(r.unreachable[0], BASE));
    assert.ok(text.includes('#7 __main_void unavailable'), text);
    assert.ok(!visible(renderCrash(r.unreachable[0], BASE)).includes('inlined'));
    const o2 = visible(renderCrash(r.inlined, BASE));
    assert.ok(o2.includes('#0 validate_item inlined /src/prog.c:95:5'), o2);
    assert.ok(o2.includes('cb volatile callback_t <unavailable: optimized out at this address>'), 'unavailable values kept as text');
  });

  it("the crash's reason: its kind as a tag, message and location where they add to the trap", () => {
    const c = structuredClone(r.divzero);
    c.summary.trap = 'wasm trap: integer divide by zero';
    c.summary.reason = { kind: 'divzero', message: 'wasm trap: integer divide by zero', location: 'in prog.wasm!validate_item @ 0x5a1 at `i32.div_s`' };
    const html = renderCrash(c, BASE);
    const text = visible(html);
    assert.ok(text.includes('Trap: wasm trap: integer divide by zero divzero in prog.wasm!validate_item @ 0x5a1 at `i32.div_s`'), text);
    assert.equal(text.split('wasm trap: integer divide by zero').length, 2, 'the message equal to the trap is not repeated');
    c.summary.reason = { kind: 'panic', message: "panicked at 'index out of bounds'" };
    assert.ok(visible(renderCrash(c, BASE)).includes("Trap: wasm trap: integer divide by zero panic panicked at 'index out of bounds'"));
  });

  it('text from uploads is escaped everywhere', () => {
    const html = renderCrash(r.hostile, BASE);
    assert.ok(!html.includes('<script'), 'no script element');
    assert.ok(!html.includes('<img') && !html.includes('<b>'), 'no injected elements');
    assert.ok(html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'));
    const text = visible(html);
    assert.ok(text.includes(`#0 ${HOSTILE} /src/prog.c:95:5`), 'the name is shown as text');
    assert.ok(text.includes(`key${HOSTILE} v`) && text.includes(`app app ${HOSTILE}`), 'metadata keys and values');
    const g = { fingerprint: r.hostile.fingerprint, title: r.hostile.title, count: 1, firstSeen: r.hostile.receivedAt, lastSeen: r.hostile.receivedAt, versions: [HOSTILE], lastCrashId: r.hostile.id };
    for (const page of [renderGroupList([g], { offset: 0, limit: 100, more: false }), renderGroup(g, [r.hostile])]) {
      assert.ok(!page.includes('<script'), 'group pages escape too');
      assert.ok(visible(page).includes(`unreachable in ${HOSTILE}`));
    }
  });

  it('the group list shows title, count, first and last seen, versions and links; an empty list says so', async () => {
    const index = await indexOf(r);
    const groups = await index.listGroups();
    const html = renderGroupList(groups, { offset: 0, limit: 100, more: false });
    const text = visible(html);
    const u = groups.find((g) => g.fingerprint === 'a'.repeat(64))!;
    assert.ok(text.includes(`${u.title} 2 2026-11-30 10:00:00Z 2026-12-02 10:00:00Z 1.0 , 1.1 latest crash`), text);
    assert.ok(html.includes(`href="/groups/${'a'.repeat(64)}"`) && html.includes(`href="/crashes/${r.unreachable[1].id}"`));
    assert.deepEqual([...text.matchAll(/(unreachable|divzero) in \S+ \d/g)].map((m) => m[0]).slice(0, 3),
      ['unreachable in validate_item 2', 'divzero in validate_item 1', 'unreachable in validate_item 1']);
    assert.match(visible(renderGroupList([], { offset: 0, limit: 100, more: false })), /No crashes recorded yet/);
    assert.ok(renderGroupList(groups, { offset: 100, limit: 100, more: true }).includes('href="/?offset=0"'));
    assert.ok(renderGroupList(groups, { offset: 0, limit: 100, more: true }).includes(`href="/?offset=${groups.length}"`));
    // a group page says when it shows only the latest crashes
    const crashes = await index.listCrashes(u.fingerprint);
    assert.match(visible(renderGroup(u, crashes)), /Crashes \(newest first\) /);
    assert.match(visible(renderGroup({ ...u, count: 250 }, crashes)), /Crashes \(newest first; the latest 2 of 250\)/);
  });
});

describe('web pages: handleWeb over HTTP', () => {
  let srv: { url: string; close(): Promise<void> };
  let r: Records;
  before(async () => { r = buildRecords(); srv = await startWebServer(await indexOf(r)); });
  after(() => srv?.close());

  it('serves the three pages as HTML with a strict content security policy', async () => {
    for (const p of ['/', `/groups/${'b'.repeat(64)}`, `/crashes/${r.divzero.id}`]) {
      const res = await fetch(srv.url + p);
      assert.equal(res.status, 200, p);
      assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
      assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'none'/);
      const text = visible(await res.text());
      assert.ok(text.includes('divzero in validate_item'), p);
    }
    const crash = visible(await (await fetch(`${srv.url}/crashes/${r.divzero.id}`)).text());
    assert.ok(crash.includes('#0 validate_item /src/prog.c:86:24') && crash.includes('kind enum TrapKind TRAP_DIVZERO'));
  });

  it('unknown groups and crashes are 404 pages; other paths and methods are left to the API', async () => {
    for (const p of ['/crashes/no-such-id', `/groups/${'f'.repeat(64)}`, '/crashes/%E0%A4%A']) {
      const res = await fetch(srv.url + p);
      assert.equal(res.status, 404, p);
      assert.match(await res.text(), /Not found/);
    }
    assert.equal((await fetch(`${srv.url}/v1/crashes/${r.divzero.id}`)).status, 418);
    assert.equal((await fetch(`${srv.url}/`, { method: 'POST', body: 'x' })).status, 418);
    const head = await fetch(`${srv.url}/`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
  });

  it('an empty index renders the empty list', async () => {
    const empty = await startWebServer(new MemoryIndex());
    try {
      assert.match(visible(await (await fetch(`${empty.url}/`)).text()), /No crashes recorded yet/);
    } finally {
      await empty.close();
    }
  });
});
