/**
 * "Open in VS Code" from the crash service's web page:
 * `vscode://wasm-coredump-debugger.wasm-coredump-debugger/open?crash=<crash URL>`.
 * Asks before fetching anything (any page can link here), downloads the crash
 * with host/crashDownload.ts into the extension's global storage, and starts a
 * debug session on the downloaded dump.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { downloadCrash, launchConfigFor, pruneDownloads } from '../host/crashDownload';

const KEEP_DOWNLOADS_MS = 7 * 24 * 3600 * 1000;

export class CrashUriHandler implements vscode.UriHandler {
  constructor(private readonly context: vscode.ExtensionContext) {}

  async handleUri(uri: vscode.Uri): Promise<void> {
    if (uri.path !== '/open') {
      void vscode.window.showErrorMessage(`Wasm Core Dump: unknown link ${uri.path} (expected /open?crash=URL)`);
      return;
    }
    const crash = new URLSearchParams(uri.query).get('crash');
    if (!crash) {
      void vscode.window.showErrorMessage('Wasm Core Dump: the link has no crash=URL');
      return;
    }
    const ok = await vscode.window.showInformationMessage(
      `Download the crash at ${crash} and open it in the debugger?`, { modal: true }, 'Open');
    if (ok !== 'Open') return;
    const root = path.join(this.context.globalStorageUri.fsPath, 'crashes');
    try {
      await pruneDownloads(root, KEEP_DOWNLOADS_MS);
      const c = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Downloading crash from ${new URL(crash).host}…` },
        () => downloadCrash(crash, root));
      const started = await vscode.debug.startDebugging(vscode.workspace.workspaceFolders?.[0], launchConfigFor(c));
      if (!started) void vscode.window.showErrorMessage(`Wasm Core Dump: could not start a session on ${c.coreDump}`);
    } catch (e) {
      void vscode.window.showErrorMessage(`Wasm Core Dump: ${(e as Error).message}`);
    }
  }
}
