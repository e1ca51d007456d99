/**
 * File pickers: the core dump first, then the module, pre-filled from the
 * module names recorded in the core dump when those files exist next to it.
 * Choices are remembered per workspace (`workspaceState`).
 */
import * as vscode from 'vscode';
import { readCoreDump } from '../src/coredump/reader';
import { firstExisting, moduleCandidates, siblingGuesses } from './moduleCandidates';

const LAST_CORE = 'wasmCoredump.lastCoreDump';
const LAST_MODULE = 'wasmCoredump.lastModule';

/** The dialog function, replaceable by the extension-host tests (see `ExtensionApi`). */
export type OpenDialog = (options: vscode.OpenDialogOptions) => Thenable<vscode.Uri[] | undefined>;

export class Pickers {
  private openDialog: OpenDialog = (o) => vscode.window.showOpenDialog(o);

  constructor(private readonly state: vscode.Memento) {}

  setOpenDialog(fn: OpenDialog | undefined): void {
    this.openDialog = fn ?? ((o) => vscode.window.showOpenDialog(o));
  }

  lastCoreDump(): string | undefined { return this.state.get<string>(LAST_CORE); }
  lastModule(): string | undefined { return this.state.get<string>(LAST_MODULE); }

  /** Asks for the core dump; undefined when the user cancels. */
  async pickCoreDump(preselect?: vscode.Uri): Promise<string | undefined> {
    const last = this.lastCoreDump();
    const uris = await this.openDialog({
      title: 'Open Wasm Core Dump',
      openLabel: 'Open Core Dump',
      canSelectFiles: true, canSelectFolders: false, canSelectMany: false,
      defaultUri: preselect ?? (last ? vscode.Uri.file(last) : vscode.workspace.workspaceFolders?.[0]?.uri),
      filters: { 'Wasm core dumps': ['coredump', 'core'], 'All files': ['*'] },
    });
    const picked = uris?.[0]?.fsPath;
    if (picked) await this.state.update(LAST_CORE, picked);
    return picked;
  }

  /** Asks for the module the core dump was taken from; undefined when the user cancels. */
  async pickModule(coreDump: string | undefined): Promise<string | undefined> {
    const guess = coreDump ? await guessModule(coreDump) : undefined;
    const last = this.lastModule();
    const defaultPath = guess ?? last;
    const uris = await this.openDialog({
      title: coreDump ? `Select the .wasm module of ${baseName(coreDump)}` : 'Select the .wasm module',
      openLabel: 'Use Module',
      canSelectFiles: true, canSelectFolders: false, canSelectMany: false,
      defaultUri: defaultPath ? vscode.Uri.file(defaultPath) : undefined,
      filters: { 'WebAssembly modules': ['wasm'], 'All files': ['*'] },
    });
    const picked = uris?.[0]?.fsPath;
    if (picked) await this.state.update(LAST_MODULE, picked);
    return picked;
  }
}

function baseName(p: string): string { return p.split(/[\\/]/).pop() ?? p; }

async function exists(p: string): Promise<boolean> {
  try {
    const st = await vscode.workspace.fs.stat(vscode.Uri.file(p));
    return (st.type & vscode.FileType.File) !== 0;
  } catch {
    return false; // not found or not readable: not a candidate
  }
}

/** Module names recorded in the core dump; [] when it cannot be read (the dialog then simply has no pre-fill). */
export async function recordedModuleNames(coreDump: string): Promise<string[]> {
  let bytes: Uint8Array;
  try {
    bytes = await vscode.workspace.fs.readFile(vscode.Uri.file(coreDump));
  } catch {
    return [];
  }
  try {
    const dump = readCoreDump(bytes, coreDump);
    const names = [...dump.modules];
    if (dump.executableName) names.push(dump.executableName);
    return names;
  } catch {
    // A malformed dump: the adapter reports the error with file/section/offset
    // when the session starts; the picker only loses its pre-fill.
    return [];
  }
}

/** Best existing file for the core dump's main module, or undefined. */
export async function guessModule(coreDump: string): Promise<string | undefined> {
  const names = await recordedModuleNames(coreDump);
  const candidates = names.flatMap((n) => moduleCandidates(coreDump, n));
  return firstExisting([...candidates, ...siblingGuesses(coreDump)], exists);
}
