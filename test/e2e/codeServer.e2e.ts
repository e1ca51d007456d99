/**
 * End-to-end in a real VS Code: code-server 4.100.3 (VS Code 1.100.3) with the
 * packaged .vsix installed, driven by playwright-core in Debian's chromium.
 * For each fixture: "Open Wasm Core Dump…" from the palette, the core dump
 * typed into the (simple) file dialog, the module dialog must come pre-filled
 * with the fixture's .wasm, then the Call Stack must show the fixture's frames
 * with file and line, the Variables view a known local, the Watch view a
 * known member expression, and a hover in the source editor its value; a
 * frame without DWARF opens WAT text in the `wat` language (our grammar).
 * Screenshots: test-artifacts/e2e-<fixture>-*.png.
 * Run: npm run test:e2e (after bash scripts/install-e2e-deps.sh).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { missingTools, RunningCodeServer, startCodeServer } from './codeServer';
import { FIXTURES_DIR, selectedFixtures, variableToCheck, watchToCheck, Facts } from './facts';
import { launchBrowser, Workbench } from './workbench';
import { readCoreDump } from '../../src/coredump/reader';

const VSIX = resolve(process.env.E2E_VSIX ?? 'dist/wasm-coredump-debugger.vsix');
const missing = missingTools() ?? (existsSync(VSIX) ? undefined : `${VSIX} not built: run npm run package`);
const fixtures = selectedFixtures();

let server: RunningCodeServer | undefined;
let browser: Browser | undefined;
let wb: Workbench | undefined;

before(async () => {
  if (missing || fixtures.length === 0) return;
  server = await startCodeServer(VSIX, FIXTURES_DIR, { 'git.enabled': false, 'git.openRepositoryInParentFolders': 'never' });
  browser = await launchBrowser();
  const page = await browser.newPage({ viewport: { width: 1400, height: 1300 } });
  wb = new Workbench(page);
  await wb.open(`${server.url}?folder=${encodeURIComponent(FIXTURES_DIR)}`);
  await wb.shot('e2e-workbench');
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Row indices of the expected frames as an ordered subsequence of the Call Stack rows. */
function matchFrames(rows: string[], f: Facts): number[] { // indices into rows
  const found: number[] = [];
  let r = 0;
  for (const fr of f.frames) {
    const re = new RegExp(`${escapeRe(fr.function)}.*\\b${escapeRe(fr.file)} ${fr.line ?? '\\d+'}(:\\d+)?$`);
    while (r < rows.length && !re.test(rows[r])) r++;
    assert.ok(r < rows.length, `${f.id}: no Call Stack row for ${fr.function} ${fr.file}:${fr.line} after row ${found.at(-1) ?? -1} in\n  ${rows.join('\n  ')}`);
    found.push(r++);
  }
  return found;
}

if (missing) {
  test('code-server end-to-end', (t) => { t.skip(missing); });
} else if (fixtures.length === 0) {
  test('code-server end-to-end', (t) => { t.skip('no fixtures with facts.json in test/fixtures (run npm run fixtures)'); });
}

for (const f of missing ? [] : fixtures) {
  test(`${f.id}: Open Wasm Core Dump… shows frames, variables, watch and hover`, { timeout: 180_000 }, async () => {
    assert.ok(wb, 'workbench not started');
    const dir = join(FIXTURES_DIR, f.id);
    const core = join(dir, f.coreDumps.default.full);
    const module = join(dir, f.module);
    const shot = (step: string): Promise<string> => wb!.shot(`e2e-${f.id}-${step}`);
    try {
      // The fixtures are built with -fdebug-prefix-map=$PWD=/src (rustc: --remap-path-prefix):
      // map /src to the fixture folder through the extension's wasmCoredump.sourceMap setting.
      await server!.setUserSettings({ 'wasmCoredump.sourceMap': { '/src': dir } });
      await wb.runCommand('Open Wasm Core Dump');
      await wb.fileDialog();
      await wb.acceptFile(core);
      const moduleDialog = await wb.fileDialog();
      // pre-filled with the module the dump names, found next to it (a JS-glue run names its instance prog.0.wasm)
      const named = readCoreDump(new Uint8Array(readFileSync(core)), core).modules[0];
      const expected = named && existsSync(join(dir, basename(named))) ? join(dir, basename(named)) : module;
      assert.equal(moduleDialog.value, expected, 'the module dialog is pre-filled from the core dump');
      await wb.acceptFile(expected);

      const stack = await wb.callStack(f.frames.length);
      const rows = stack.map((r) => r.text);
      await shot('callstack');
      const at = matchFrames(rows, f);

      // The checks below are independent: run them all, then report every failure.
      const failures: string[] = [];
      const check = async (what: string, fn: () => Promise<void>): Promise<void> => {
        try { await fn(); } catch (e) { failures.push(`${what}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`); await shot(`failure-${what}`).catch(() => undefined); }
      };
      const v = variableToCheck(f);
      assert.ok(v, `${f.id}: facts.json lists no plain local or global to check`);
      await wb.selectFrameAt(stack[at[v.frameIndex!]].index);
      await check('variables', async () => {
        const row = await wb!.variableRow(v.expr, v.global === true);
        await shot('variables');
        assert.ok(row.includes(String(v.value)), `Variables row for ${v.expr} in ${v.frame}: '${row}', expected ${v.value}`);
      });
      const w = watchToCheck(f, v);
      if (w) {
        await check('watch', async () => {
          const watch = await wb!.addWatch(w.expr);
          await shot('watch');
          assert.ok(watch.includes(String(w.value)), `Watch '${w.expr}': '${watch}', expected ${w.value}`);
        });
      }
      await check('hover', async () => {
        // A global may not be visible where the selected frame stopped: try the frames in turn.
        const tries = v.global ? at : [at[v.frameIndex!]];
        let hover: string | undefined;
        let lastError: unknown;
        for (const row of tries) {
          if (tries.length > 1) await wb!.selectFrameAt(stack[row].index);
          try { hover = await wb!.hover(v.expr); break; } catch (e) { lastError = e; }
        }
        if (hover === undefined) throw lastError;
        await shot('hover');
        assert.ok(hover.includes(String(v.value)), `hover on ${v.expr}: '${hover}', expected ${v.value}`);
      });
      // A frame without DWARF opens the adapter's WAT text, highlighted by this extension's grammar.
      const watRow = stack.find((r) => /\.wat \d+(:\d+)?$/.test(r.text));
      if (watRow) {
        await check('wat', async () => {
          await wb!.selectFrameAt(watRow.index);
          const mode = wb!.page.locator('#status\\.editor\\.mode');
          await wb!.page.waitForFunction(`(document.getElementById('status.editor.mode')?.textContent ?? '').includes('WebAssembly Text')`,
            undefined, { timeout: 10_000 }).catch(() => undefined);
          await shot('wat');
          assert.match(await mode.innerText(), /WebAssembly Text/, `frame ${watRow.text}: editor language`);
        });
      }
      assert.deepEqual(failures, [], `${f.id}:\n${failures.join('\n')}`);
    } catch (e) {
      await shot('failure').catch(() => undefined);
      throw e;
    } finally {
      // Cleanup for the next fixture; a failure here is reported, not fatal, and
      // the workbench is reloaded so that nothing left open leaks into the next fixture.
      let clean = true;
      const note = (e: Error): void => { clean = false; console.log(`# cleanup: ${e.message.split('\n')[0]}`); };
      await wb.clearWatches().catch(note);
      await wb.stopDebugging().catch(note);
      if (!clean) await wb.reload().catch((e: Error) => console.log(`# cleanup: reload failed: ${e.message.split('\n')[0]}`));
    }
  });
}
