/**
 * Extension-host tests: activation, the pickers with a stubbed dialog, and a
 * full session on a fixture through the VS Code debug API.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import { test } from './harness';

const EXT_ID = 'wasm-coredump-debugger.wasm-coredump-debugger';
// out/test/vscode/suite/ → the repository's test/fixtures (code-server passes no extensionTestsEnv).
const FIXTURES = process.env.WCD_FIXTURES ?? join(__dirname, '..', '..', '..', '..', 'test', 'fixtures');
const FIXTURE = 'c-clang19-O0-dwarf4';
const dir = join(FIXTURES, FIXTURE);
const facts = JSON.parse(readFileSync(join(dir, 'facts.json'), 'utf8')) as {
  module: string; coreDumps: { default: { full: string } };
  frames: Array<{ function: string; file: string; line: number }>;
  values: Array<{ frame: string; expr: string; value: string | null; frameIndex: number | null; global?: boolean }>;
};
const core = join(dir, facts.coreDumps.default.full);
const wasm = join(dir, facts.module);

interface Api { setOpenDialog(fn: ((o: vscode.OpenDialogOptions) => Thenable<vscode.Uri[] | undefined>) | undefined): void }

/** A dialog stub answering `answers` in order and recording what it was asked. */
function stubDialog(api: Api, answers: string[]): vscode.OpenDialogOptions[] {
  const asked: vscode.OpenDialogOptions[] = [];
  api.setOpenDialog(async (o) => {
    asked.push(o);
    const a = answers.shift();
    return a === undefined ? undefined : [vscode.Uri.file(a)];
  });
  return asked;
}

async function api(): Promise<Api> {
  const ext = vscode.extensions.getExtension<Api>(EXT_ID);
  assert.ok(ext, `${EXT_ID} is not installed in the test instance`);
  return ext.activate();
}

test('the extension is not active before a debug or command event', () => {
  const ext = vscode.extensions.getExtension(EXT_ID);
  assert.ok(ext);
  assert.equal(ext.isActive, false);
});

test('activation registers the commands', async () => {
  await api();
  const cmds = await vscode.commands.getCommands(true);
  for (const c of ['wasmCoredump.open', 'wasmCoredump.pickCoreDump', 'wasmCoredump.pickModule']) assert.ok(cmds.includes(c), c);
});

test('pickCoreDump returns the chosen path; pickModule is pre-filled with the module named in the core dump', async () => {
  const a = await api();
  const asked = stubDialog(a, [core, wasm]);
  assert.equal(await vscode.commands.executeCommand('wasmCoredump.pickCoreDump'), core);
  assert.deepEqual(asked[0].filters?.['Wasm core dumps'], ['coredump', 'core']);
  assert.equal(await vscode.commands.executeCommand('wasmCoredump.pickModule', { coreDump: core }), wasm);
  assert.equal(asked[1].defaultUri?.fsPath, wasm, 'module dialog pre-filled with prog.wasm next to the core dump');
  a.setOpenDialog(undefined);
});

test('a cancelled picker cancels the launch', async () => {
  const a = await api();
  stubDialog(a, []);
  const started = await vscode.debug.startDebugging(undefined, { type: 'wasm-coredump', request: 'launch', name: 'cancelled' });
  assert.equal(started, false);
  a.setOpenDialog(undefined);
});

test('F5 without coreDump/program: pickers, then a stopped session with the fixture\'s frames and values', async () => {
  const a = await api();
  stubDialog(a, [core, wasm]);
  let stopped!: () => void;
  const whenStopped = new Promise<void>((r) => { stopped = r; });
  const tracker = vscode.debug.registerDebugAdapterTrackerFactory('wasm-coredump', {
    createDebugAdapterTracker: () => ({
      onDidSendMessage: (m: { type?: string; event?: string }) => { if (m.type === 'event' && m.event === 'stopped') stopped(); },
    }),
  });
  try {
    const ok = await vscode.debug.startDebugging(undefined, {
      type: 'wasm-coredump', request: 'launch', name: 'picked', sourceMap: { '/src': dir },
    });
    assert.equal(ok, true);
    await Promise.race([whenStopped, new Promise((_, rej) => setTimeout(() => rej(new Error('no stopped event in 30 s')), 30_000))]);
    const s = vscode.debug.activeDebugSession;
    assert.ok(s);
    assert.equal(s.configuration.coreDump, core);
    assert.equal(s.configuration.program, wasm);
    const { threads } = await s.customRequest('threads') as { threads: Array<{ id: number }> };
    const { stackFrames } = await s.customRequest('stackTrace', { threadId: threads[0].id }) as
      { stackFrames: Array<{ id: number; name: string; line: number; source?: { path?: string } }> };
    let at = 0;
    const frameIds: number[] = [];
    for (const want of facts.frames) {
      while (at < stackFrames.length && !(stackFrames[at].name.includes(want.function)
        && basename(stackFrames[at].source?.path ?? '') === want.file && stackFrames[at].line === want.line)) at++;
      assert.ok(at < stackFrames.length, `no frame ${want.function} ${want.file}:${want.line} in ${JSON.stringify(stackFrames.map((f) => [f.name, f.source?.path, f.line]))}`);
      frameIds.push(stackFrames[at++].id);
    }
    const plain = facts.values.find((v) => v.value !== null && v.frameIndex !== null && !v.global && /^[A-Za-z_]\w*$/.test(v.expr));
    assert.ok(plain, 'facts.json has a plain local');
    const frameId = frameIds[plain.frameIndex!];
    const { scopes } = await s.customRequest('scopes', { frameId }) as { scopes: Array<{ variablesReference: number }> };
    const all: Array<{ name: string; value: string; memoryReference?: string }> = [];
    for (const sc of scopes) {
      const { variables } = await s.customRequest('variables', { variablesReference: sc.variablesReference }) as { variables: Array<{ name: string; value: string; memoryReference?: string }> };
      all.push(...variables);
    }
    const got = all.find((v) => v.name === plain.expr);
    assert.ok(got, `no variable ${plain.expr} in ${JSON.stringify(all.map((v) => v.name))}`);
    assert.ok(got.value.includes(plain.value!), `${plain.expr} = ${got.value}, expected ${plain.value}`);
    const ev = await s.customRequest('evaluate', { expression: plain.expr, frameId, context: 'watch' }) as { result: string };
    assert.ok(ev.result.includes(plain.value!), `evaluate ${plain.expr} = ${ev.result}`);

    // Memory view: a variable with a memoryReference can be read through readMemory.
    const withMemory = all.find((v) => v.memoryReference);
    assert.ok(withMemory, `no variable with a memoryReference among ${JSON.stringify(all.map((v) => v.name))}`);
    const mem = await s.customRequest('readMemory', { memoryReference: withMemory.memoryReference, count: 16 }) as { address: string; data?: string };
    assert.ok(mem.data && Buffer.from(mem.data, 'base64').length > 0, `readMemory of ${withMemory.name} returned no bytes`);
    // Disassembly view: the innermost frame's instruction pointer disassembles.
    const ip = (stackFrames[0] as { instructionPointerReference?: string }).instructionPointerReference;
    assert.ok(ip, 'innermost frame has no instructionPointerReference');
    const dis = await s.customRequest('disassemble', { memoryReference: ip, instructionCount: 4 }) as { instructions: Array<{ instruction: string }> };
    assert.equal(dis.instructions.length, 4);
    assert.ok(dis.instructions.some((i) => i.instruction.includes('unreachable')), JSON.stringify(dis.instructions));
    await vscode.debug.stopDebugging(s);
  } finally {
    tracker.dispose();
    a.setOpenDialog(undefined);
  }
});

test('the "executable" adapter mode runs the bundled adapter', async () => {
  const ext = vscode.extensions.getExtension(EXT_ID)!;
  if (!existsSync(join(ext.extensionPath, 'dist', 'adapter.js'))) {
    console.log('  (skipped: dist/adapter.js not built, no adapter entry point)');
    return;
  }
  const cfg = vscode.workspace.getConfiguration('wasmCoredump');
  await cfg.update('adapter', 'executable', vscode.ConfigurationTarget.Global);
  try {
    const started = new Promise<vscode.DebugSession>((r) => { const d = vscode.debug.onDidStartDebugSession((s) => { d.dispose(); r(s); }); });
    assert.equal(await vscode.debug.startDebugging(undefined, { type: 'wasm-coredump', request: 'launch', name: 'exe', coreDump: core, program: wasm }), true);
    const s = await started;
    const { threads } = await s.customRequest('threads') as { threads: unknown[] };
    assert.ok(threads.length >= 1);
    await vscode.debug.stopDebugging(s);
  } finally {
    await cfg.update('adapter', undefined, vscode.ConfigurationTarget.Global);
  }
});

test('Explorer "Open Wasm Core Dump…" on a core dump asks only for the module, pre-filled', async () => {
  const a = await api();
  const asked = stubDialog(a, [wasm]);
  const started = new Promise<vscode.DebugSession>((r) => { const d = vscode.debug.onDidStartDebugSession((s) => { d.dispose(); r(s); }); });
  try {
    assert.equal(await vscode.commands.executeCommand('wasmCoredump.open', vscode.Uri.file(core)), true);
    const s = await started;
    assert.equal(asked.length, 1, 'only the module dialog');
    assert.equal(asked[0].defaultUri?.fsPath, wasm);
    assert.equal(s.configuration.coreDump, core);
    await vscode.debug.stopDebugging(s);
  } finally {
    a.setOpenDialog(undefined);
  }
});

test('"debugServer" in the launch configuration connects to a running wasm-coredump-dap --port', async () => {
  const ext = vscode.extensions.getExtension(EXT_ID)!;
  const adapterJs = join(ext.extensionPath, 'dist', 'adapter.js');
  if (!existsSync(adapterJs)) { console.log('  (skipped: dist/adapter.js not built)'); return; }
  const { spawn } = await import('node:child_process');
  const server = spawn(process.execPath, [adapterJs, '--port', '0'], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const port = await new Promise<number>((res, rej) => {
      let out = '';
      server.stdout!.on('data', (d: Buffer) => { out += d.toString(); const m = /listening on .*:(\d+)/.exec(out); if (m) res(Number(m[1])); });
      server.once('exit', (c) => rej(new Error(`adapter server exited (${c}): ${out}`)));
      setTimeout(() => rej(new Error(`no "listening on" line in 10 s: ${out}`)), 10_000);
    });
    const started = new Promise<vscode.DebugSession>((r) => { const d = vscode.debug.onDidStartDebugSession((s) => { d.dispose(); r(s); }); });
    assert.equal(await vscode.debug.startDebugging(undefined, { type: 'wasm-coredump', request: 'launch', name: 'server', debugServer: port, coreDump: core, program: wasm }), true);
    const s = await started;
    const { threads } = await s.customRequest('threads') as { threads: Array<{ id: number }> };
    const { stackFrames } = await s.customRequest('stackTrace', { threadId: threads[0].id }) as { stackFrames: Array<{ name: string }> };
    assert.ok(stackFrames.some((f) => f.name.includes(facts.frames[0].function)), JSON.stringify(stackFrames.map((f) => f.name)));
    await vscode.debug.stopDebugging(s);
  } finally {
    server.kill();
  }
});
