/**
 * F5 without launch.json, or a configuration missing `coreDump`/`program`:
 * fill the gaps with the pickers. Everything else is the adapter's job (it
 * validates the configuration and reports what to fix).
 */
import * as vscode from 'vscode';
import { Pickers } from './pickers';

export const DEBUG_TYPE = 'wasm-coredump';

export class CoreDumpConfigurationProvider implements vscode.DebugConfigurationProvider {
  constructor(private readonly pickers: Pickers) {}

  provideDebugConfigurations(): vscode.DebugConfiguration[] {
    return [{
      type: DEBUG_TYPE, request: 'launch', name: 'Open Wasm Core Dump',
      coreDump: '${command:wasmCoredump.pickCoreDump}',
      program: '${command:wasmCoredump.pickModule}',
    }];
  }

  /** Called before variables are substituted: an empty config (F5 with no launch.json) becomes a launch config. */
  resolveDebugConfiguration(
    _folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): vscode.DebugConfiguration {
    if (!config.type && !config.request && !config.name) {
      return { type: DEBUG_TYPE, request: 'launch', name: 'Open Wasm Core Dump' };
    }
    return config;
  }

  /** Called after `${...}` substitution: ask for whatever is still missing. Undefined cancels the launch. */
  async resolveDebugConfigurationWithSubstitutedVariables(
    folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): Promise<vscode.DebugConfiguration | undefined> {
    const defaults = settingsSourceMap(folder);
    if (Object.keys(defaults).length > 0) {
      const own: unknown = config.sourceMap;
      config.sourceMap = { ...defaults, ...(typeof own === 'object' && own !== null ? own : {}) };
    }
    if (!isNonEmptyString(config.coreDump)) {
      const picked = await this.pickers.pickCoreDump();
      if (!picked) return undefined;
      config.coreDump = picked;
    }
    if (!isNonEmptyString(config.program) && !hasModules(config)) {
      const picked = await this.pickers.pickModule(config.coreDump as string);
      if (!picked) return undefined;
      config.program = picked;
    }
    return config;
  }
}

/**
 * The `wasmCoredump.sourceMap` setting (build-time prefix → local prefix) that
 * applies to every session; a launch configuration's own `sourceMap` entries
 * win. `${workspaceFolder}` in values is replaced (settings get no variable
 * substitution of their own).
 */
function settingsSourceMap(folder: vscode.WorkspaceFolder | undefined): Record<string, string> {
  const raw = vscode.workspace.getConfiguration('wasmCoredump', folder).get<Record<string, unknown>>('sourceMap', {});
  const root = folder?.uri.fsPath ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const out: Record<string, string> = {};
  for (const [from, to] of Object.entries(raw ?? {})) {
    if (typeof to !== 'string') continue;
    out[from] = root ? to.split('${workspaceFolder}').join(root) : to;
  }
  return out;
}

function isNonEmptyString(v: unknown): v is string { return typeof v === 'string' && v.trim() !== ''; }
function hasModules(config: vscode.DebugConfiguration): boolean {
  const m: unknown = config.modules;
  return typeof m === 'object' && m !== null && Object.keys(m).length > 0;
}
