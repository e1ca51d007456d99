/**
 * The runtime in headless Chromium (Debian's /usr/bin/chromium through
 * playwright-core): a page loads runtime/index.mjs and the instrumented C
 * fixture (instantiateStreaming from an https URL, so V8's stack names the
 * module by URL), runs `_start` with a minimal WASI shim under
 * withCoreDump, and hands the dump bytes back; the dump must give the
 * facts' frames and values like the Node host's. Skipped, with the reason,
 * without chromium or playwright-core.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadFixture, fixturePath, dumpFrames } from '../../fixtures/facts';
import { instrumentFile } from '../../../cli/commands/instrument';
import { loadBacktrace } from '../../../cli/commands/bt';
import { openDumpWith, loadModule } from '../values/load';
import { factProblems } from '../values/factcheck';
import { readCoreDump } from '../../../src/coredump/reader';

/* eslint-disable @typescript-eslint/no-explicit-any */
const CHROMIUM = '/usr/bin/chromium';
const ORIGIN = 'https://wcd.test';

function missing(): string | undefined {
  if (!fs.existsSync(CHROMIUM)) return `${CHROMIUM} not installed (bash scripts/install-e2e-deps.sh installs it)`;
  try { require.resolve('playwright-core'); } catch { return 'playwright-core not installed (npm ci)'; }
  return undefined;
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wcd-runtime-browser-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The page: a WASI preview1 shim just big enough for a command that traps (no files, no environment). */
const PAGE = `<!doctype html><meta charset="utf-8"><title>wasm-coredump runtime</title>
<script type="module">
import { withCoreDump } from '/runtime.mjs';
class Exit { constructor(code) { this.code = code; } }
let memory;
const view = () => new DataView(memory.buffer);
const args = ['prog.wasm'];
const enc = new TextEncoder();
const wasi = {
  args_sizes_get(argc, size) { view().setUint32(argc, args.length, true); view().setUint32(size, args.reduce((n, a) => n + enc.encode(a).length + 1, 0), true); return 0; },
  args_get(argv, buf) {
    const u8 = new Uint8Array(memory.buffer);
    for (const [i, a] of args.entries()) { view().setUint32(argv + 4 * i, buf, true); const b = enc.encode(a); u8.set(b, buf); u8[buf + b.length] = 0; buf += b.length + 1; }
    return 0;
  },
  environ_sizes_get(n, size) { view().setUint32(n, 0, true); view().setUint32(size, 0, true); return 0; },
  environ_get() { return 0; },
  fd_write(fd, iovs, n, written) {
    let total = 0;
    for (let i = 0; i < n; i++) total += view().getUint32(iovs + 8 * i + 4, true);
    view().setUint32(written, total, true);
    return 0;
  },
  fd_fdstat_get(fd, out) { if (fd > 2) return 8; new Uint8Array(memory.buffer, out, 24).fill(0); view().setUint8(out, 2); return 0; },
  fd_prestat_get() { return 8; },
  proc_exit(code) { throw new Exit(code); },
};
const stub = new Proxy(wasi, { get: (t, k) => t[k] ?? (() => 52) });
const bytes = new Uint8Array(await (await fetch('/prog.wasm')).arrayBuffer());
const { instance } = await WebAssembly.instantiateStreaming(fetch('/prog.wasm'), { wasi_snapshot_preview1: stub });
memory = instance.exports.memory;
try {
  withCoreDump(instance, '_start', [], (dump) => { window.dump = Array.from(dump); }, { moduleBytes: bytes, name: 'prog.wasm', url: '/prog.wasm' });
  window.result = 'no trap';
} catch (e) {
  window.result = e instanceof Exit ? 'exit ' + e.code : String(e) + '\\n' + e.stack;
}
</script>`;

test('runtime in headless Chromium: the C fixture traps, the page hands back a dump with the facts\' frames and values', async (t) => {
  const why = missing();
  if (why) { t.skip(why); return; }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { chromium } = require('playwright-core') as typeof import('playwright-core');
  const fx = loadFixture('c-clang19-O0-dwarf4');
  const module = path.join(tmp, 'prog.wasm');
  instrumentFile(fixturePath(fx, fx.facts.module), module);
  const files: Record<string, { body: Buffer | string; type: string }> = {
    '/index.html': { body: PAGE, type: 'text/html' },
    '/runtime.mjs': { body: fs.readFileSync('runtime/index.mjs'), type: 'text/javascript' },
    '/prog.wasm': { body: fs.readFileSync(module), type: 'application/wasm' },
  };
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  try {
    const page = await browser.newPage();
    await page.route(`${ORIGIN}/**`, (route) => {
      const f = files[new URL(route.request().url()).pathname];
      return f ? route.fulfill({ status: 200, body: f.body, contentType: f.type }) : route.fulfill({ status: 404, body: 'not found' });
    });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${ORIGIN}/index.html`);
    await page.waitForFunction(() => (globalThis as any).result !== undefined, undefined, { timeout: 30_000 });
    const { result, dump } = await page.evaluate(() => ({ result: (globalThis as any).result as string, dump: (globalThis as any).dump as number[] | undefined }));
    assert.deepEqual(errors, []);
    assert.match(result, /^RuntimeError: unreachable/);
    assert.ok(dump, 'no dump came back');
    const file = path.join(tmp, 'chromium.coredump');
    fs.writeFileSync(file, Uint8Array.from(dump));

    const core = readCoreDump(new Uint8Array(fs.readFileSync(file)), file);
    assert.match(core.producer?.engine ?? '', /Chrome/);
    assert.equal(core.producer?.truncated, false);
    const frames = loadBacktrace(file, { modules: [module] }).threads[0].frames;
    const want = dumpFrames(fx.facts, 'default');
    want.forEach((w, k) => {
      assert.equal(frames[k]?.name, w.function, `frame ${k}`);
      assert.equal(frames[k]?.line, w.line, `frame ${k} line`);
    });
    const r = factProblems(openDumpWith(file, [loadModule(module)]), fx, 'default', true);
    assert.deepEqual(r.problems, []);
    assert.ok(r.ok > 0);
    t.diagnostic(`${frames.length} frames, ${r.ok} values as in facts.json`);
  } finally {
    await browser.close();
  }
});
