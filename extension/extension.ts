/**
 * VS Code entry point. Thin by design: the debugger itself is the DAP session
 * in adapter/ (which uses the library in src/); this file only wires the
 * commands, the configuration provider and the adapter factory.
 */
import * as vscode from 'vscode';
import { AdapterFactory } from './adapterFactory';
import { CoreDumpConfigurationProvider, DEBUG_TYPE } from './configProvider';
import { OpenDialog, Pickers } from './pickers';
import { CrashUriHandler } from './uriHandler';

/** What `activate` returns, for the extension-host tests (stubbed dialogs). */
export interface ExtensionApi {
  setOpenDialog(fn: OpenDialog | undefined): void;
}

export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const pickers = new Pickers(context.workspaceState);
  const provider = new CoreDumpConfigurationProvider(pickers);
  context.subscriptions.push(
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, provider),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, provider, vscode.DebugConfigurationProviderTriggerKind.Dynamic),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, new AdapterFactory(context.extensionPath)),
    // vscode://<publisher>.<name>/open?crash=URL: "Open in VS Code" on the crash service's page
    vscode.window.registerUriHandler(new CrashUriHandler(context)),
    vscode.commands.registerCommand('wasmCoredump.open', (uri?: vscode.Uri) => openCoreDump(pickers, uri)),
    // Used as ${command:wasmCoredump.pickCoreDump} / ${command:wasmCoredump.pickModule}
    // in launch.json; VS Code passes the configuration being resolved.
    vscode.commands.registerCommand('wasmCoredump.pickCoreDump', () => pickers.pickCoreDump()),
    vscode.commands.registerCommand('wasmCoredump.pickModule', (config?: vscode.DebugConfiguration) => {
      const core = typeof config?.coreDump === 'string' && !config.coreDump.startsWith('${') ? config.coreDump : pickers.lastCoreDump();
      return pickers.pickModule(core);
    }),
  );
  return { setOpenDialog: (fn) => pickers.setOpenDialog(fn) };
}

export function deactivate(): void { /* subscriptions are disposed by VS Code */ }

/**
 * "Open Wasm Core Dump…": from the palette (ask for both files), or from the
 * Explorer context menu on a core dump (ask for the module) or on a module
 * (ask for the core dump).
 */
async function openCoreDump(pickers: Pickers, uri?: vscode.Uri): Promise<boolean> {
  const clicked = uri instanceof vscode.Uri && uri.scheme === 'file' ? uri.fsPath : undefined;
  const clickedIsModule = clicked !== undefined && clicked.toLowerCase().endsWith('.wasm');
  const coreDump = clicked && !clickedIsModule ? clicked : await pickers.pickCoreDump();
  if (!coreDump) return false;
  const program = clickedIsModule ? clicked : await pickers.pickModule(coreDump);
  if (!program) return false;
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(coreDump)) ?? vscode.workspace.workspaceFolders?.[0];
  return vscode.debug.startDebugging(folder, {
    type: DEBUG_TYPE, request: 'launch',
    name: `Core dump: ${coreDump.split(/[\\/]/).pop() ?? coreDump}`,
    coreDump, program,
  });
}
