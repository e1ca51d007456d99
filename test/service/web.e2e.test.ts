/**
 * The service's web pages in a real browser: Debian's Chromium driven by
 * playwright-core, from the group list to a crash page, checking what is
 * shown and the links, with screenshots (test-artifacts/web/) checked to be
 * real renderings (sane size, not one colour, different pages differ).
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { buildRecords, HOSTILE, indexOf, Records, startWebServer } from './webFixtures';
import { colourStats, decodePng } from './png';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join('test-artifacts', 'web');

function missing(): string | undefined {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} not installed (bash scripts/install-e2e-deps.sh installs Debian's chromium)`;
  try { require.resolve('playwright-core'); } catch { return 'playwright-core not installed (npm ci)'; }
  return undefined;
}

async function shot(page: Page, name: string): Promise<Buffer> {
  mkdirSync(SHOTS, { recursive: true });
  const png = await page.screenshot({ fullPage: true });
  writeFileSync(join(SHOTS, `${name}.png`), png);
  return png;
}

function checkShot(png: Buffer, name: string): void {
  const p = decodePng(png);
  assert.equal(p.width, 1280, `${name}: viewport width`);
  assert.ok(p.height >= 400 && p.height <= 20_000, `${name}: height ${p.height}`);
  const s = colourStats(p);
  assert.ok(s.colours > 20, `${name}: ${s.colours} colours (blank page?)`);
  assert.ok(s.foreground > 0.02, `${name}: only ${(s.foreground * 100).toFixed(2)}% of pixels are not background`);
}

const skip = missing();
describe('web pages in Chromium', { skip: skip ?? false }, () => {
  let browser: Browser;
  let srv: { url: string; close(): Promise<void> };
  let r: Records;
  before(async () => {
    const { chromium } = await import('playwright-core');
    r = buildRecords();
    srv = await startWebServer(await indexOf(r));
    browser = await chromium.launch({
      executablePath: CHROMIUM, headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    });
  });
  after(async () => { await browser?.close(); await srv?.close(); });

  it('list of groups → group → crash page, with frames, variables and links', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const requests: string[] = [];
    page.on('request', (q) => requests.push(q.url()));
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });

    await page.goto(`${srv.url}/`);
    assert.equal(await page.title(), 'Crash groups · wasm-coredump');
    const rows = await page.locator('table.groups tbody tr').allInnerTexts();
    assert.equal(rows.length, 4);
    assert.match(rows[0], /unreachable in validate_item\s+2\s+2026-11-30 10:00:00Z\s+2026-12-02 10:00:00Z\s+1\.0, 1\.1/);
    assert.ok(rows[3].includes(HOSTILE), 'the hostile title is shown as text');
    assert.equal(await page.locator('script').count(), 0);
    const list = await shot(page, 'groups');
    checkShot(list, 'groups');

    await page.getByRole('link', { name: 'unreachable in validate_item' }).first().click();
    await page.waitForURL(`${srv.url}/groups/${'a'.repeat(64)}`);
    const crashes = await page.locator('table.crashes tbody tr').allInnerTexts();
    assert.equal(crashes.length, 2);
    assert.match(crashes[0], /2026-12-02 10:00:00Z\s+prog\s+1\.1\s+production/, 'newest first');
    const group = await shot(page, 'group');
    checkShot(group, 'group');

    await page.locator('table.crashes a').first().click();
    await page.waitForURL(`${srv.url}/crashes/${r.unreachable[1].id}`);
    const c = r.unreachable[1];
    assert.match(await page.locator('.trap').innerText(), /Trap: unreachable/);
    const frames = await page.locator('table.frames tbody tr').allInnerTexts();
    assert.equal(frames.length, c.summary.threads[0].frames.length);
    assert.match(frames[0], /#0\s+validate_item\s+\/src\/prog\.c:95:5\s+prog\.wasm/);
    assert.match(frames[1], /#1\s+crash_now\s+\/src\/prog\.c:125:16/);
    assert.match(frames[6], /#6\s+main\s+\/src\/prog\.c:164:16/);
    const vars = await page.locator('table.variables tbody tr').allInnerTexts();
    assert.deepEqual(vars.map((v) => v.split('\t').map((x) => x.trim())), c.summary.variables.map((v) => [v.name, v.type, v.value]));
    assert.equal(await page.getByRole('link', { name: 'Download core dump' }).getAttribute('href'), `/v1/crashes/${c.id}/dump`);
    assert.equal(await page.getByRole('link', { name: 'Open in VS Code' }).getAttribute('href'),
      `vscode://wasm-coredump-debugger.wasm-coredump-debugger/open?crash=${encodeURIComponent(`${srv.url}/v1/crashes/${c.id}`)}`);
    const crash = await shot(page, 'crash');
    checkShot(crash, 'crash');

    // the pages are not the same picture
    assert.ok(!list.equals(group) && !group.equals(crash) && !list.equals(crash));
    assert.ok(decodePng(crash).height > decodePng(list).height, 'the crash page is the longer one');
    assert.deepEqual(errors, []);
    assert.ok(requests.every((u) => u.startsWith(srv.url)), `only the service was asked: ${requests.join(' ')}`);
    await page.close();
  });

  it('a hostile function name is shown as text, not run', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    let dialogs = 0;
    page.on('dialog', (d) => { dialogs++; void d.dismiss(); });
    await page.goto(`${srv.url}/crashes/${r.hostile.id}`);
    assert.equal(await page.locator('script').count(), 0);
    assert.equal(await page.locator('img').count(), 0);
    assert.equal(await page.locator('table.frames tbody tr').first().locator('code').first().innerText(), HOSTILE);
    assert.equal(dialogs, 0);
    const png = await shot(page, 'hostile');
    checkShot(png, 'hostile');
    await page.close();
  });
});
