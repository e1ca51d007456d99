/**
 * Driving the VS Code workbench (code-server in Chromium) with playwright-core:
 * the command palette, the simple file dialog, and reading the debug views.
 * Selectors are VS Code 1.100's DOM classes.
 */
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CHROMIUM } from './codeServer';

export const ARTIFACTS = 'test-artifacts';

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    // playwright gives every launch a fresh temporary profile (--user-data-dir).
  });
}

export class Workbench {
  constructor(readonly page: Page) {}

  async shot(name: string): Promise<string> {
    mkdirSync(ARTIFACTS, { recursive: true });
    const p = join(ARTIFACTS, `${name}.png`);
    await this.page.screenshot({ path: p });
    return p;
  }

  /** Opens `url` and waits until the workbench and its Explorer are up, then gives it keyboard focus. */
  async open(url: string): Promise<void> {
    await this.page.goto(url);
    await this.ready();
  }

  /** Reloads the workbench: a clean slate after a fixture whose cleanup failed (a dialog or session left open). */
  async reload(): Promise<void> {
    await this.page.reload();
    await this.ready();
  }

  private async ready(): Promise<void> {
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    // the side bar shows the view that was open last (the Explorer at first, Run and Debug after a reload)
    await this.page.locator('.part.sidebar .composite.viewlet').first().waitFor({ timeout: 60_000 });
    await this.page.locator('.part.editor').waitFor({ timeout: 60_000 });
    // A key press right after load can be lost: click into the workbench first.
    await this.page.locator('.part.editor').click({ position: { x: 200, y: 200 } });
  }

  /**
   * Runs a palette command by (part of) its title. Commands of extensions
   * appear only once the remote extension host has scanned them, so a miss
   * closes the palette and tries again until `timeout`.
   */
  async runCommand(title: string, timeout = 60_000): Promise<void> {
    const deadline = Date.now() + timeout;
    const input = this.page.locator('.quick-input-widget input.input');
    for (;;) {
      await this.page.keyboard.press('F1');
      await input.waitFor({ state: 'visible' });
      await input.fill(`>${title}`);
      const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
      try {
        await row.waitFor({ state: 'visible', timeout: 3000 });
        await this.page.keyboard.press('Enter');
        return;
      } catch (e) {
        await this.page.keyboard.press('Escape');
        if (Date.now() > deadline) throw new Error(`command '${title}' not found in the palette within ${timeout / 1000} s`);
        await this.page.waitForTimeout(1000);
      }
    }
  }

  /** The simple file dialog (code-server's showOpenDialog): its title and the path it was pre-filled with. */
  async fileDialog(): Promise<{ title: string; value: string }> {
    const widget = this.page.locator('.quick-input-widget');
    await widget.waitFor({ state: 'visible' });
    const input = widget.locator('input.input');
    await this.page.waitForFunction(`(document.querySelector('.quick-input-widget input.input')?.value ?? '').startsWith('/')`,
      undefined, { timeout: 15_000 });
    // The dialog shows the folder first and the pre-filled file name once it has listed the folder.
    await widget.locator('.quick-input-list .monaco-list-row').first().waitFor({ state: 'visible', timeout: 15_000 });
    let value = await input.inputValue();
    for (let i = 0; i < 10; i++) {
      await this.page.waitForTimeout(200);
      const next = await input.inputValue();
      if (next === value && i >= 2) break;
      value = next;
    }
    const title = (await widget.locator('.quick-input-title').innerText().catch(() => '')).trim();
    return { title, value };
  }

  /**
   * Types `path` into the simple file dialog and accepts it. The dialog reacts
   * to typing (it navigates and selects the matching entry), so the path is
   * typed, not pasted, and Enter waits until the list shows the file's name.
   */
  async acceptFile(path: string): Promise<void> {
    const widget = this.page.locator('.quick-input-widget');
    const input = widget.locator('input.input');
    const title = await widget.locator('.quick-input-title').innerText().catch(() => '');
    const slash = path.lastIndexOf('/');
    const dir = path.slice(0, slash + 1);
    const name = path.slice(slash + 1);
    const fileRow = widget.locator('.quick-input-list .monaco-list-row:visible', { hasText: name }).first();
    // the parent folder's row: '..', followed by the separator label the dialog adds once it was picked ('recently used')
    const upRow = widget.locator('.quick-input-list .monaco-list-row:visible', { hasText: /^\s*\.\.\s*(recently used|other commands)?\s*$/ }).first();
    if ((await input.inputValue()) !== path) {
      await input.click();
      await this.page.keyboard.press('Control+A');
      // Typing a whole path at once can leave the list on an intermediate
      // folder, so the folder goes in a component at a time, is re-typed
      // ("nudged") until the dialog lists it, and then the name is typed,
      // which selects the file in the list.
      await this.page.keyboard.type('/');
      for (const seg of dir.split('/').filter(Boolean)) {
        await this.page.keyboard.type(`${seg}/`, { delay: 5 });
        await this.page.waitForTimeout(250);
      }
      for (let attempt = 0; ; attempt++) {
        try {
          // Generous waits: the machine may be busy, and a nudge restarts the listing.
          await this.page.waitForFunction(`document.querySelector('.quick-input-widget input.input')?.value === ${JSON.stringify(dir)}`,
            undefined, { timeout: 5000 });
          await upRow.waitFor({ state: 'visible', timeout: 8000 });
          await this.page.waitForTimeout(400);
          await this.page.keyboard.type(name, { delay: 5 });
          await fileRow.waitFor({ state: 'visible', timeout: 8000 });
          break;
        } catch (e) {
          if (attempt >= 4) {
            // say what the dialog showed: the rows' texts, and how many widgets there were
            const seen = await this.page.evaluate(`[...document.querySelectorAll('.quick-input-widget')].map((w) =>
              (w.querySelector('input.input')?.value ?? '?') + ' | ' + [...w.querySelectorAll('.quick-input-list .monaco-list-row')].slice(0, 4).map((r) => JSON.stringify(r.textContent)).join(', ')).join(' || ')`)
              .catch(() => 'n/a');
            throw new Error(`${e instanceof Error ? e.message.split('\n')[0] : String(e)}; the dialog showed: ${String(seen)}`);
          }
          await input.click();
          await this.page.keyboard.press('Control+A');
          await this.page.keyboard.type(dir.slice(0, -1), { delay: 5 });
          await this.page.waitForTimeout(300);
          await this.page.keyboard.type('/');
        }
      }
      await this.page.waitForTimeout(300);
    }
    if ((await input.inputValue()) !== path) throw new Error(`file dialog shows '${await input.inputValue()}', not '${path}'`);
    await this.page.keyboard.press('Enter');
    // Accepted: the dialog closes, or the next one (with another title) opens.
    await this.page.waitForFunction(`(() => {
      const w = document.querySelector('.quick-input-widget');
      if (!w || w.style.display === 'none') return true;
      const t = w.querySelector('.quick-input-title');
      return (t ? t.textContent : '') !== ${JSON.stringify(title)};
    })()`, undefined, { timeout: 10_000 });
  }

  /**
   * Texts of the Call Stack's frame rows ("function file line:col"), once at
   * least `min` are shown, with collapsed runs ("Show N More…") and lazily
   * loaded frames ("Load More Stack Frames") expanded.
   */
  async callStack(min: number, timeout = 60_000): Promise<Array<{ index: number; text: string }>> {
    await this.page.waitForFunction(`document.querySelectorAll('.debug-call-stack .monaco-list-row .stack-frame').length >= 1`,
      undefined, { timeout });
    await this.page.waitForTimeout(700);
    const more = this.page.locator('.debug-call-stack .monaco-list-row', { hasText: /^\s*(Show \d+ More|Load More Stack Frames|Load All Stack Frames)/ });
    // The list is virtualised (only rows in view exist in the DOM): scroll
    // through it, expanding collapsed runs, and collect rows by their index.
    let seen = new Map<number, string>();
    await this.callStackToTop(); // also puts the mouse over the list for the wheel
    for (let round = 0, still = 0; round < 200 && still < 3; round++) {
      if ((await more.count()) > 0) {
        await more.first().click();
        await this.page.waitForTimeout(600);
        seen = new Map();
        await this.callStackToTop();
        still = 0;
        continue;
      }
      const rows = await this.page.evaluate(`[...document.querySelectorAll('.debug-call-stack .monaco-list-row')]
        .map((r) => [Number(r.getAttribute('data-index')), r.querySelector('.stack-frame') ? r.querySelector('.stack-frame').innerText : null])`) as Array<[number, string | null]>;
      const before = seen.size;
      for (const [i, t] of rows) if (t !== null) seen.set(i, t.replace(/\s+/g, ' ').trim());
      still = seen.size === before ? still + 1 : 0;
      await this.page.mouse.wheel(0, 150);
      await this.page.waitForTimeout(150);
    }
    await this.callStackToTop();
    const rows = [...seen.entries()].sort((x, y) => x[0] - y[0]).map(([index, text]) => ({ index, text }));
    if (rows.length < min) throw new Error(`Call Stack shows ${rows.length} frames, expected at least ${min}:\n  ${rows.map((r) => r.text).join('\n  ')}`);
    return rows;
  }

  /** Scrolls the (virtualised) Call Stack list to its top. */
  private async callStackToTop(): Promise<void> {
    const box = await this.page.locator('.debug-call-stack .monaco-list').first().boundingBox();
    if (!box) throw new Error('Call Stack list not on screen');
    await this.page.mouse.move(box.x + box.width / 2, box.y + Math.min(40, box.height / 2));
    for (let i = 0; i < 8; i++) await this.page.mouse.wheel(0, -1500);
    await this.page.waitForTimeout(300);
  }

  /** Clicks the Call Stack row at list index `index` (as returned by callStack), scrolling it into view. */
  async selectFrameAt(index: number): Promise<void> {
    await this.callStackToTop();
    const list = await this.page.locator('.debug-call-stack .monaco-list').first().boundingBox();
    if (!list) throw new Error('Call Stack list not on screen');
    for (let i = 0; i < 100; i++) {
      const row = this.page.locator(`.debug-call-stack .monaco-list-row[data-index="${index}"]`);
      const box = (await row.count()) > 0 ? await row.boundingBox() : null;
      if (box && box.y >= list.y && box.y + box.height <= list.y + list.height) {
        await row.click();
        await this.page.waitForTimeout(700);
        return;
      }
      await this.page.mouse.wheel(0, 60);
      await this.page.waitForTimeout(120);
    }
    throw new Error(`Call Stack row ${index} could not be scrolled into view`);
  }

  async selectFrame(index: number): Promise<void> {
    await this.page.locator('.debug-call-stack .monaco-list-row .stack-frame').nth(index).click();
  }

  /** Texts of the Variables rows ("name: value" per row, scopes included). */
  async variables(): Promise<string[]> {
    const rows = this.page.locator('.debug-variables .monaco-list-row');
    await rows.first().waitFor({ state: 'visible', timeout: 30_000 });
    return (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
  }

  /** Waits for a Variables row `name: value...`; returns its text. */
  async variableRow(name: string, inGlobals = false, timeout = 30_000): Promise<string> {
    // Expand the source-level scopes VS Code left collapsed (all but the first).
    await this.page.locator('.debug-variables .monaco-list-row').first().waitFor({ state: 'visible', timeout });
    await this.page.waitForTimeout(500);
    const collapsed = this.page.locator('.debug-variables .monaco-list-row[aria-level="1"][aria-expanded="false"]', { hasText: inGlobals ? /^\s*Globals\b/ : /^\s*(Locals|Arguments|Parameters|Local|Statics?)\b/ });
    for (let i = 0; i < 5 && (await collapsed.count()) > 0; i++) {
      await collapsed.first().click();
      await this.page.waitForTimeout(400);
    }
    const row = this.page.locator('.debug-variables .monaco-list-row', { hasText: new RegExp(`^\\s*${escapeRe(name)}\\s*[=:]`) }).first();
    await row.waitFor({ state: 'visible', timeout });
    return (await row.innerText()).replace(/\s+/g, ' ').trim();
  }

  /** Adds a Watch expression with the Watch view's "Add Expression" action; returns the row text once evaluated. */
  async addWatch(expr: string): Promise<string> {
    const header = this.page.locator('.pane-header', { hasText: 'Watch' }).first();
    await header.hover();
    await header.locator('.action-label[aria-label="Add Expression"], .codicon-add').first().click();
    await this.page.keyboard.type(expr);
    await this.page.keyboard.press('Enter');
    const row = this.page.locator('.debug-watch .monaco-list-row', { hasText: expr }).first();
    await row.waitFor({ state: 'visible', timeout: 15_000 });
    await this.page.waitForFunction(`[...document.querySelectorAll('.debug-watch .monaco-list-row')]
      .some((r) => r.textContent.includes(${JSON.stringify(expr)}) && (r.querySelector('.value')?.textContent ?? '') !== '')`,
      undefined, { timeout: 15_000 });
    return (await row.innerText()).replace(/\s+/g, ' ').trim();
  }

  /** Hovers the occurrence of `word` nearest the middle of the active editor and returns the debug hover's text. */
  async hover(word: string): Promise<string> {
    const editor = await this.page.locator('.part.editor .monaco-editor .view-lines').first().boundingBox();
    if (!editor) throw new Error('no editor on screen');
    // Identifiers share spans with spaces and punctuation: find whole-word
    // occurrences in the rendered lines' text and measure them with a Range.
    const spots = await this.page.evaluate(`(() => {
      const out = [];
      const re = new RegExp('(^|[^A-Za-z0-9_$])(' + ${JSON.stringify(escapeRe(word))} + ')(?![A-Za-z0-9_$])', 'g');
      for (const line of document.querySelectorAll('.part.editor .monaco-editor .view-lines .view-line')) {
        const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const text = n.textContent.replace(/\u00a0/g, ' ');
          for (const m of text.matchAll(re)) {
            const r = document.createRange();
            const start = m.index + m[1].length;
            r.setStart(n, start); r.setEnd(n, start + m[2].length);
            const b = r.getBoundingClientRect();
            out.push({ x: b.x + b.width / 2, y: b.y + b.height / 2 });
          }
        }
      }
      return out;
    })()`) as Array<{ x: number; y: number }>;
    const mid = editor.y + editor.height / 2;
    let best: { x: number; y: number } | undefined;
    for (const c of spots) {
      if (c.y < editor.y + 20 || c.y > editor.y + editor.height - 10) continue;
      if (!best || Math.abs(c.y - mid) < Math.abs(best.y - mid)) best = c;
    }
    if (!best) throw new Error(`'${word}' is not visible in the editor`);
    const widget = this.page.locator('.debug-hover-widget').first();
    // Hovers can be dismissed by stray mouse moves: retry from a neutral spot.
    for (let attempt = 0; ; attempt++) {
      await this.page.mouse.move(editor.x - 20, editor.y + editor.height - 5);
      await this.page.waitForTimeout(300);
      await this.page.mouse.move(best.x - 2, best.y, { steps: 4 });
      await this.page.waitForTimeout(100);
      await this.page.mouse.move(best.x, best.y); // a last small move re-arms the hover timer
      try {
        await widget.waitFor({ state: 'visible', timeout: 6000 });
        break;
      } catch (e) {
        if (attempt >= 2) throw e;
      }
    }
    await this.page.waitForTimeout(300);
    return (await widget.innerText()).replace(/\s+/g, ' ').trim();
  }

  /** Stops the session with the debug toolbar's Stop button and waits for the Call Stack to empty. */
  async stopDebugging(): Promise<void> {
    const ended = (timeout: number): Promise<unknown> => this.page.waitForFunction(
      `document.querySelectorAll('.debug-call-stack .monaco-list-row .stack-frame').length === 0`, undefined, { timeout });
    // "Debug: Stop" from the palette (the floating toolbar can be hidden or moved), then the toolbar as a fallback
    await this.page.keyboard.press('Escape');
    try { await this.runCommand('Debug: Stop', 10_000); await ended(10_000); return; } catch { await this.page.keyboard.press('Escape'); }
    await this.page.locator('.debug-toolbar .codicon-debug-stop, .debug-toolbar .codicon-debug-disconnect').first().click({ timeout: 5000 });
    await ended(15_000);
  }

  /** Removes every Watch expression (select a row, Delete: the Watch view's key binding). */
  async clearWatches(): Promise<void> {
    const rows = this.page.locator('.debug-watch .monaco-list-row');
    for (let i = 0; i < 20 && (await rows.count()) > 0; i++) {
      await rows.first().click();
      await this.page.keyboard.press('Delete');
      await this.page.waitForTimeout(200);
    }
    if ((await rows.count()) > 0) throw new Error('Watch expressions could not be removed');
  }
}

function escapeRe(s: string): string { return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); }
