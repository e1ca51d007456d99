/**
 * code-server (VS Code 1.100 for the browser) installed by
 * scripts/install-e2e-deps.sh into .e2e/: install a .vsix into a private
 * extensions dir and run a server on 127.0.0.1 for one test run.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const CODE_SERVER = resolve('.e2e/node_modules/.bin/code-server');
export const CHROMIUM = '/usr/bin/chromium';

/** Why the e2e test cannot run here, or undefined when the tools are installed. */
export function missingTools(): string | undefined {
  if (!existsSync(CODE_SERVER)) return `code-server not installed (${CODE_SERVER}): run bash scripts/install-e2e-deps.sh`;
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} not installed: run bash scripts/install-e2e-deps.sh`;
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => res(port));
    });
  });
}

export interface RunningCodeServer {
  url: string; dirs: { user: string; extensions: string }; log: () => string; stop(): Promise<void>;
  /** Rewrites the user settings (base settings plus `extra`); VS Code reloads them live. */
  setUserSettings(extra: Record<string, unknown>): Promise<void>;
}

/** Installs `vsix` (if given) into fresh dirs and starts code-server on `folder`; resolves once it answers HTTP. */
export async function startCodeServer(vsix: string | undefined, folder: string, settings: Record<string, unknown> = {}): Promise<RunningCodeServer> {
  const base = mkdtempSync(join(tmpdir(), 'wcd-e2e-'));
  const dirs = { user: join(base, 'user'), extensions: join(base, 'extensions') };
  mkdirSync(join(dirs.user, 'User'), { recursive: true });
  const baseSettings = {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'files.simpleDialog.enable': true,
    'debug.internalConsoleOptions': 'neverOpen',
    'window.commandCenter': false,
    'editor.stickyScroll.enabled': false,
    'editor.minimap.enabled': false,
    'editor.hover.delay': 200,
    'workbench.editor.enablePreview': false,
    ...settings,
  };
  const settingsFile = join(dirs.user, 'User', 'settings.json');
  writeFileSync(settingsFile, JSON.stringify(baseSettings, null, 2));
  const common = ['--extensions-dir', dirs.extensions, '--user-data-dir', dirs.user];
  if (vsix !== undefined) {
    const inst = spawnSync(CODE_SERVER, [...common, '--install-extension', vsix, '--force'], { encoding: 'utf8', timeout: 120_000 });
    if (inst.status !== 0) throw new Error(`code-server --install-extension failed (${inst.status}):\n${inst.stdout}\n${inst.stderr}`);
  }

  const port = await freePort();
  let out = '';
  const proc: ChildProcess = spawn(CODE_SERVER, [
    ...common, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--disable-getting-started-override', '--ignore-last-opened', folder,
  ], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CS_DISABLE_FILE_DOWNLOADS: '1' } });
  proc.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
  proc.stderr?.on('data', (d: Buffer) => { out += d.toString(); });
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`code-server exited (${proc.exitCode}):\n${out}`);
    try {
      const r = await fetch(`${url}healthz`);
      if (r.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) { proc.kill(); throw new Error(`code-server did not answer on ${url} within 60 s:\n${out}`); }
    await new Promise((r) => setTimeout(r, 300));
  }
  return {
    url, dirs, log: () => out,
    setUserSettings: async (extra) => {
      writeFileSync(settingsFile, JSON.stringify({ ...baseSettings, ...extra }, null, 2));
      await new Promise((r) => setTimeout(r, 1500)); // the file watcher's delay
    },
    stop: () => new Promise<void>((res) => {
      if (proc.exitCode !== null) { res(); return; }
      proc.once('exit', () => res());
      proc.kill('SIGTERM');
      setTimeout(() => { if (proc.exitCode === null) proc.kill('SIGKILL'); }, 5000).unref();
    }),
  };
}
