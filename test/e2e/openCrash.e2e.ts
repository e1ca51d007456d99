/**
 * "Open in VS Code" end to end in a real VS Code (code-server 4.100.3 with the
 * packaged .vsix, driven by playwright-core in Debian's chromium): the crash
 * link `vscode://wasm-coredump-debugger.wasm-coredump-debugger/open?crash=URL`
 * is opened with the workbench's "Open URL" command (what the browser hands
 * VS Code when the link is clicked), VS Code's and the extension's
 * confirmations are accepted, and the Call Stack must show the crash's
 * frames: the extension downloaded the dump and module from a local HTTP
 * service (test/service/fakeService.ts, real fixture files) and started the
 * session on them. Screenshots: test-artifacts/e2e-open-crash-*.png.
 * Run: npm run test:e2e (after bash scripts/install-e2e-deps.sh).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { missingTools, RunningCodeServer, startCodeServer } from './codeServer';
import { launchBrowser, Workbench } from './workbench';
import { FakeService } from '../service/fakeService';
import { readCoreDump } from '../../src/coredump/reader';

const VSIX = resolve(process.env.E2E_VSIX ?? 'dist/wasm-coredump-debugger.vsix');
const FIXTURE = resolve('test/fixtures/c-clang19-O0-dwarf4');
const missing = missingTools() ?? (existsSync(VSIX) ? undefined : `${VSIX} not built: run npm run package`)
  ?? (existsSync(join(FIXTURE, 'prog.coredump')) ? undefined : `${FIXTURE}/prog.coredump missing (run npm run fixtures)`);
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { publisher: string; name: string };

let server: RunningCodeServer | undefined;
let browser: Browser | undefined;
let wb: Workbench | undefined;
const svc = new FakeService();

before(async () => {
  if (missing) return;
  await svc.start();
  // an empty folder: the session's files come only from the download
  server = await startCodeServer(VSIX, mkdtempSync(join(tmpdir(), 'wcd-e2e-empty-')), { 'git.enabled': false });
  browser = await launchBrowser();
  wb = new Workbench(await browser.newPage({ viewport: { width: 1400, height: 1000 } }));
  await wb.open(server.url);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (!missing) await svc.close();
});

/** Click the button named `name` in the dialog that shows `text` (VS Code's modal dialogs). */
async function confirm(w: Workbench, text: RegExp, name: string, shot?: string): Promise<void> {
  const dialog = w.page.locator('.monaco-dialog-box', { hasText: text });
  await dialog.waitFor({ state: 'visible', timeout: 30_000 });
  if (shot) await w.shot(shot);
  await dialog.getByRole('button', { name, exact: true }).click();
  await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
}

if (missing) test('Open in VS Code end-to-end', (t) => { t.skip(missing); });
else {
  test('a crash link downloads the crash and opens it at the trap', { timeout: 240_000 }, async () => {
    assert.ok(wb, 'workbench not started');
    const id = '6f1c2d3e-0000-4000-8000-0000000000e2';
    const names = readCoreDump(readFileSync(join(FIXTURE, 'prog.coredump')), 'prog.coredump').modules;
    const crashUrl = svc.crash(id, {
      id, dump: { url: svc.blob(join(FIXTURE, 'prog.coredump')) },
      modules: names.map((name) => ({ name, buildId: null, module: { url: svc.blob(join(FIXTURE, 'prog.wasm')) }, debug: null })),
    });
    const link = `vscode://${pkg.publisher}.${pkg.name}/open?crash=${encodeURIComponent(crashUrl)}`;
    try {
      // the program's sources, built with -fdebug-prefix-map=$PWD=/src, are the fixture folder here
      await server!.setUserSettings({ 'git.enabled': false, 'wasmCoredump.sourceMap': { '/src': FIXTURE } });
      await wb.runCommand('Open URL');
      const input = wb.page.locator('.quick-input-widget input.input');
      await input.waitFor({ state: 'visible' });
      await input.fill(link);
      await wb.page.keyboard.press('Enter');
      // VS Code asks whether the extension may open the link, then the extension asks before downloading
      await confirm(wb, /open this URI|Allow/i, 'Open');
      await confirm(wb, new RegExp(`Download the crash at ${crashUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`), 'Open', 'e2e-open-crash-confirm');
      const stack = await wb.callStack(3, 90_000);
      await wb.shot('e2e-open-crash-session');
      const rows = stack.map((r) => r.text);
      assert.match(rows[0], /^validate_item\b.*prog\.c 95(:\d+)?$/, rows.join('\n'));
      assert.ok(rows.some((r) => /^crash_now\b.*prog\.c 125/.test(r)), rows.join('\n'));
      assert.ok(rows.some((r) => /^main\b.*prog\.c 164/.test(r)), rows.join('\n'));
      assert.ok(svc.hits.includes(`/v1/crashes/${id}/files`), `the extension asked the service: ${svc.hits.join(' ')}`);
    } catch (e) {
      await wb.shot('e2e-open-crash-failure').catch(() => undefined);
      throw e;
    }
  });
}
