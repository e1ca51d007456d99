/**
 * The in-process runtime end to end, in a real host: each C, C++, Rust and
 * Zig fixture, instrumented, runs under node:wasi in a child Node process
 * without an inspector (test/unit/runtime/wasi-host.mjs) with `_start`
 * wrapped by runtime/index.mjs; every trap of its facts.json writes a dump,
 * which must give
 *  - the facts' frames (function, file, line) in `bt`,
 *  - the facts' values, checked as the --no-locals dumps are (frame bases
 *    rebuilt from __stack_pointer; register-only values may be unavailable),
 *  - exactly the `bt --full` text of the fixture's --no-locals dump (the same
 *    run captured through the inspector by `wasm-coredump capture --no-locals`),
 *  - the same DAP stack and variables as that dump, through the real adapter,
 *  - and `info` naming the producer.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { loadFixture, fixturePath, dumpFrames, Fixture } from '../../fixtures/facts';
import { instrumentFile } from '../../../cli/commands/instrument';
import { splitFiles } from '../../../cli/commands/split-debug';
import { loadBacktrace } from '../../../cli/commands/bt';
import { openDumpWith, loadModule } from '../values/load';
import { factProblems } from '../values/factcheck';
import { request, stdioClient } from '../../dap/harness';
import { CLI } from '../capture/helpers';

export const RUNTIME = path.resolve('runtime/index.mjs');
export const HOST = path.resolve('test/unit/runtime/wasi-host.mjs');
const IDS = ['c-clang19-O0-dwarf4', 'cpp-clang19-O0', 'rust-1.63-O0', 'zig-0.11-debug'];

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wcd-runtime-test-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface Captured { fx: Fixture; dump: string; file: string; module: string }

/** Run the fixture's program for this dump's arguments in a child Node with the runtime; returns the dump's path. */
function capture(fx: Fixture, module: string, dump: string, name = dump): string {
  const out = path.join(path.dirname(module), `${name}.coredump`);
  const r = spawnSync(process.execPath, ['--no-warnings', HOST, RUNTIME, module, out, ...fx.facts.coreDumps[dump].args], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, `host exit ${r.status}: ${r.stderr}`);
  assert.ok(fs.existsSync(out));
  return out;
}

const cli = (args: string[]): string => {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
};

const captured: Captured[] = [];

for (const id of IDS) {
  test(`runtime under node:wasi (no inspector): ${id}: every trap's dump matches facts.json and the --no-locals dump`, () => {
    const fx = loadFixture(id);
    const module = path.join(tmp, id, 'prog.wasm');
    instrumentFile(fixturePath(fx, fx.facts.module), module);
    for (const [dump, d] of Object.entries(fx.facts.coreDumps)) {
      const file = capture(fx, module, dump);
      captured.push({ fx, dump, file, module });
      // frames of facts.json
      const frames = loadBacktrace(file, { modules: [module] }).threads[0].frames;
      const above = d.runtimeFramesAbove ?? fx.facts.runtimeFramesAbove ?? 0;
      const want = dumpFrames(fx.facts, dump);
      let i = frames.findIndex((f) => f.coreFrame.index >= above);
      if (d.repeatedInnermost) while (frames[i]?.name === d.repeatedInnermost.function) i++;
      const show = frames.slice(0, 30).map((f) => `${f.name} ${f.file ? path.basename(f.file) : '??'}:${f.line}`).join('\n');
      want.forEach((w, k) => {
        const f = frames[i + k];
        assert.ok(f, `${dump}: frame ${k} (${w.function}) missing\n${show}`);
        assert.equal(f.name, w.function, `${dump}: frame ${k}\n${show}`);
        assert.equal(f.file ? path.basename(f.file) : undefined, w.file, `${dump}: frame ${k} file`);
        assert.equal(f.line, w.line, `${dump}: frame ${k} line`);
      });
      // values of facts.json, as for a no-locals dump
      const r = factProblems(openDumpWith(file, [loadModule(module)]), fx, dump, true);
      assert.deepEqual(r.problems, [], dump);
      if (!fx.facts.optimized && dump === 'default') assert.ok(r.ok > 0, 'no value checked');
      // the very same text as the --no-locals dump of the same run
      assert.equal(cli(['bt', '--full', file, '--module', module]), cli(['bt', '--full', fixturePath(fx, d.noLocals)]), `${dump}: bt --full differs from ${d.noLocals}`);
    }
    const info = cli(['info', captured.find((c) => c.fx === fx)!.file, '--module', module]);
    assert.match(info, /^producer: wasm-coredump runtime \d+\.\d+\.\d+ in Node\.js \d+/m);
    assert.match(info, /^captured error: RuntimeError: /m);
    assert.doesNotMatch(info, /frames cut/);
  });
}

/* eslint-disable @typescript-eslint/no-explicit-any */
async function dapView(coreDump: string, program: string): Promise<unknown> {
  const dc: DebugClient = await stdioClient();
  try {
    await request(dc, 'initialize', { adapterID: 'wasm-coredump', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
    const l = await request(dc, 'launch', { type: 'wasm-coredump', request: 'launch', name: 'rt', coreDump, program });
    assert.equal(l.success, true, l.message);
    await request(dc, 'configurationDone');
    const frames = (await request(dc, 'stackTrace', { threadId: 1 })).body as any;
    const out: unknown[] = [];
    for (const f of frames.stackFrames.slice(0, 8)) {
      const scopes = ((await request(dc, 'scopes', { frameId: f.id })).body as any).scopes.filter((s: any) => s.name === 'Arguments' || s.name === 'Locals');
      const vars: unknown[] = [];
      for (const s of scopes) {
        const vs = ((await request(dc, 'variables', { variablesReference: s.variablesReference })).body as any).variables;
        vars.push(s.name, vs.map((v: any) => `${v.name} = ${v.value}`));
      }
      out.push({ name: f.name, line: f.line, file: f.source ? path.basename(f.source.path ?? f.source.name) : null, vars });
    }
    return out;
  } finally { await dc.stop(); }
}

test('runtime dumps in the debug adapter: the same stack and variables as the --no-locals dumps', async () => {
  assert.ok(captured.length >= IDS.length, 'the capture tests did not run');
  for (const id of IDS) {
    const c = captured.find((x) => x.fx.facts.id === id && x.dump === 'default')!;
    const got = await dapView(c.file, c.module);
    const want = await dapView(fixturePath(c.fx, c.fx.facts.coreDumps.default.noLocals), fixturePath(c.fx, c.fx.facts.module));
    assert.deepEqual(got, want, id);
    assert.ok(JSON.stringify(got).match(/ = (?!<unavailable)/), `${id}: no variable has a value`);
  }
});

test('the three production steps: instrument, split-debug, run the stripped module with the runtime, open the dump with --debug-dir', () => {
  for (const id of ['c-clang19-O0-dwarf4', 'rust-1.63-O0']) {
    const fx = loadFixture(id);
    const dir = path.join(tmp, `prod-${id}`);
    instrumentFile(fixturePath(fx, fx.facts.module), path.join(dir, 'app.instrumented.wasm'));
    const split = splitFiles(path.join(dir, 'app.instrumented.wasm'), { out: path.join(dir, 'dist', 'app.wasm'), debugDir: path.join(dir, 'symbols'), noExternalDebugInfo: true });
    const file = capture(fx, split.stripped, 'default', 'app');
    const got = cli(['bt', '--full', file, '--module', split.stripped, '--debug-dir', path.join(dir, 'symbols')]);
    assert.equal(got, cli(['bt', '--full', fixturePath(fx, fx.facts.coreDumps.default.noLocals)]), id);
  }
});
