/**
 * Runs the extension-host suite in code-server (VS Code 1.100 for the
 * browser) where desktop VS Code cannot be downloaded: the workbench URL's
 * `payload` carries extensionDevelopmentPath (this repository, loaded
 * unpacked from dist/extension.js) and extensionTestsPath, as VS Code's own
 * "Extension Development Host" windows do. The suite's output reaches the
 * browser console, which is read here; the result line decides the exit code.
 */
import { join } from 'node:path';
import { missingTools, startCodeServer } from '../e2e/codeServer';
import { launchBrowser } from '../e2e/workbench';

export function codeServerAvailable(): boolean { return missingTools() === undefined; }

export async function runSuiteInCodeServer(root: string, suite: string, timeoutMs = 240_000): Promise<number> {
  const folder = join(root, 'test', 'fixtures');
  const server = await startCodeServer(undefined, folder, { 'git.enabled': false });
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const host = new URL(server.url).host;
    const payload = [
      ['extensionDevelopmentPath', `vscode-remote://${host}${root}`],
      ['extensionTestsPath', `vscode-remote://${host}${suite}`],
    ];
    let result: number | undefined;
    const done = new Promise<void>((resolve) => {
      page.on('console', (m) => {
        // Extension host lines arrive as "%c INFO color: #33f <text>" (or ERR).
        const text = m.text().replace(/^%c\s+(INFO|ERR|WARN)\s+color:\s*#[0-9a-f]+\s?/i, '');
        if (!/^(ok - |not ok - |\s{2}|\d+ passed, \d+ failed)/.test(text)) return;
        console.log(text);
        const r = /^(\d+) passed, (\d+) failed$/.exec(text.trim());
        if (r) { result = Number(r[2]) === 0 && Number(r[1]) > 0 ? 0 : 1; resolve(); }
      });
    });
    await page.goto(`${server.url}?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    const timer = new Promise<void>((r) => setTimeout(r, timeoutMs).unref());
    await Promise.race([done, timer]);
    if (result === undefined) {
      console.error(`test:vscode: no result line from the extension host within ${timeoutMs / 1000} s\n${server.log().slice(-3000)}`);
      return 1;
    }
    return result;
  } finally {
    await browser.close();
    await server.stop();
  }
}
