/**
 * Several modules (the _multi fixture: two instances, their own memories)
 * and several threads (a built dump): frames carry their module, values and
 * memory references their instance, one stopped event per thread.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { request, stdioClient } from './harness';
import { buildCoreDump } from '../unit/coredump/build';
import type { DebugClient } from '@vscode/debugadapter-testsupport';

const MULTI = path.resolve('test/fixtures/_multi/c-two-modules');

async function launch(args: Record<string, unknown>): Promise<{ dc: DebugClient; stopped: any[] }> {
  const dc = await stdioClient();
  const stopped: any[] = [];
  dc.on('stopped', (e) => stopped.push(e.body));
  await request(dc, 'initialize', { adapterID: 'wasm-coredump', pathFormat: 'path' });
  const l = await request(dc, 'launch', args);
  assert.equal(l.success, true, l.message);
  await request(dc, 'configurationDone');
  return { dc, stopped };
}

test('two modules: frames per module match facts.json, values per instance', async (t) => {
  if (!fs.existsSync(path.join(MULTI, 'prog.coredump'))) { t.skip('multi-module fixture not built (opt-in: see test/fixtures/_multi)'); return; }
  const facts = JSON.parse(fs.readFileSync(path.join(MULTI, 'facts.json'), 'utf8'));
  const mods: Record<string, string> = {};
  for (const [dumpName, file] of Object.entries(facts.coreDumps.default.dumpModules as Record<string, string>)) mods[dumpName] = path.join(MULTI, file);
  const { dc } = await launch({ coreDump: path.join(MULTI, 'prog.coredump'), modules: mods, sourceMap: { '/src': MULTI } });
  try {
    const st = (await request(dc, 'stackTrace', { threadId: 1 })).body as any;
    const frames = st.stackFrames;
    const want = facts.frames as Array<{ function: string; file: string; line: number; module: string }>;
    const start = frames.findIndex((f: any) => f.name === want[0].function);
    assert.ok(start >= 0, frames.map((f: any) => f.name).join(', '));
    const modules = ((await request(dc, 'modules', {})).body as any).modules;
    want.forEach((w, i) => {
      const f = frames[start + i];
      assert.equal(f.name, w.function);
      assert.equal(f.line, w.line);
      assert.equal(path.basename(f.source.path), w.file);
      assert.equal(path.basename(modules.find((m: any) => m.id === f.moduleId).path), w.module);
    });
    // values of the innermost (lib) frame and of a frame in the other module
    for (const v of (facts.values as Array<{ frame: string; expr: string; value: string }>).slice(0, 6)) {
      const f = frames.find((x: any) => x.name === v.frame);
      if (!f) continue;
      const r = (await request(dc, 'evaluate', { expression: v.expr, frameId: f.id, context: 'watch' })).body as any;
      assert.equal(r.result, v.value, `${v.frame}: ${v.expr}`);
    }
  } finally {
    await dc.stop();
  }
});

test('two threads: one stopped event each, own stacks, exceptionInfo per thread', async () => {
  const dump = buildCoreDump({
    modules: ['app.wasm'],
    threads: [
      { name: 'main', frames: [{ func: 3, offset: 7, locals: [{ t: 'i32', v: 1 }] }, { func: 2, offset: 9 }] },
      { name: 'worker-1', frames: [{ func: 5, offset: 2, locals: [{ t: 'i32', v: 42 }, 'missing'] }] },
    ],
    memories: [{ pages: 1 }],
    data: [{ offset: 16, bytes: new TextEncoder().encode('hello\0') }],
    globals: [{ type: 'i32', mutable: true, value: 4096 }],
  });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wcd-threads-'));
  fs.writeFileSync(path.join(tmp, 'two.coredump'), dump);
  const { dc, stopped } = await launch({ coreDump: path.join(tmp, 'two.coredump') });
  try {
    const threads = ((await request(dc, 'threads')).body as any).threads;
    assert.deepEqual(threads, [{ id: 1, name: 'main' }, { id: 2, name: 'worker-1' }]);
    for (let i = 0; i < 50 && stopped.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(stopped.map((s) => [s.threadId, s.reason, s.allThreadsStopped]), [[1, 'exception', true], [2, 'exception', true]]);
    const s2 = ((await request(dc, 'stackTrace', { threadId: 2 })).body as any).stackFrames;
    assert.deepEqual(s2.map((f: any) => f.name), ['func[5]']); // no module given: indices only, never invented names
    assert.equal(s2[0].presentationHint, 'subtle');
    const x = ((await request(dc, 'exceptionInfo', { threadId: 2 })).body as any);
    assert.equal(x.exceptionId, 'unknown');
    assert.match(x.details.stackTrace, /module is not available/);
    const sc = ((await request(dc, 'scopes', { frameId: s2[0].id })).body as any).scopes;
    assert.deepEqual(sc.map((s: any) => s.name), ['Wasm']);
    assert.equal(((await request(dc, 'evaluate', { expression: '$local0', frameId: s2[0].id, context: 'watch' })).body as any).result, '42');
    assert.match(((await request(dc, 'evaluate', { expression: '$local1', frameId: s2[0].id, context: 'watch' })).body as any).result, /unavailable/);
    assert.equal(((await request(dc, 'evaluate', { expression: 'x/s 16', context: 'repl' })).body as any).result, '0x10: "hello"');
  } finally {
    await dc.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
