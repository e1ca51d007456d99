/**
 * Where the debug adapter runs: in the extension host (default, fastest), as
 * the `wasm-coredump-dap` executable (a stdio process), or on a server the
 * user started (`wasmCoredump.server.host`/`port`, or `debugServer` in the
 * launch configuration, which VS Code itself also honours).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { WasmCoreDumpSession } from '../adapter/session';

export type AdapterMode = 'inline' | 'executable' | 'server';

export class AdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  constructor(private readonly extensionPath: string) {}

  createDebugAdapterDescriptor(session: vscode.DebugSession): vscode.DebugAdapterDescriptor {
    const cfg = vscode.workspace.getConfiguration('wasmCoredump', session.workspaceFolder);
    const port: unknown = session.configuration.debugServer;
    if (typeof port === 'number' || (typeof port === 'string' && /^\d+$/.test(port))) {
      return new vscode.DebugAdapterServer(Number(port), cfg.get<string>('server.host', '127.0.0.1'));
    }
    const mode = cfg.get<AdapterMode>('adapter', 'inline');
    if (mode === 'server') {
      return new vscode.DebugAdapterServer(cfg.get<number>('server.port', 4711), cfg.get<string>('server.host', '127.0.0.1'));
    }
    if (mode === 'executable') {
      const custom = cfg.get<string>('executable.path', '').trim();
      if (custom !== '') return new vscode.DebugAdapterExecutable(custom, []);
      // The bundled adapter, run by the Node that runs the extension host
      // (Electron in desktop VS Code needs ELECTRON_RUN_AS_NODE to act as Node).
      return new vscode.DebugAdapterExecutable(process.execPath, [path.join(this.extensionPath, 'dist', 'adapter.js')], {
        env: { ELECTRON_RUN_AS_NODE: '1' },
      });
    }
    return new vscode.DebugAdapterInlineImplementation(new WasmCoreDumpSession());
  }
}
