/**
 * What VS Code does with our answers: which frame it focuses when the
 * session stops, whether a failed evaluation pops up a notification, and
 * whether sources built under another prefix open without a sourceMap.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { REPO, request, stdioClient } from './harness';
import { mapSourcePath } from '../../src/target/sourceMap';

const fixture = (id: string): string => path.join(REPO, 'test/fixtures', id);
const have = (id: string, core = 'prog.coredump'): boolean => fs.existsSync(path.join(fixture(id), core));

async function open(args: Record<string, unknown>): Promise<DebugClient> {
  const dc = await stdioClient();
  await request(dc, 'initialize', { adapterID: 'wasm-coredump', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
  const l = await request(dc, 'launch', { type: 'wasm-coredump', request: 'launch', name: 't', ...args });
  assert.equal(l.success, true, l.message);
  await request(dc, 'configurationDone');
  return dc;
}

async function frames(dc: DebugClient): Promise<DebugProtocol.StackFrame[]> {
  const r = await request(dc, 'stackTrace', { threadId: 1, startFrame: 0, levels: 0 });
  return (r.body as DebugProtocol.StackTraceResponse['body']).stackFrames;
}

/** VS Code's Thread.getTopStackFrame for a stop on an exception: the first frame with a source that is not deemphasized (isFrameDeemphasized). */
function vscodeTopFrame(list: DebugProtocol.StackFrame[]): DebugProtocol.StackFrame | undefined {
  return list.find((f) => {
    if (!f.source) return false;
    const hint = f.presentationHint ?? f.source.presentationHint;
    return hint !== 'deemphasize' && hint !== 'subtle';
  });
}

const onDisk = (f: DebugProtocol.StackFrame): boolean => !!f.source?.path && fs.existsSync(f.source.path);

test('VS Code focuses the first frame whose source is on disk (a Rust panic stops in the runtime)', { skip: !have('rust-1.63-O0') && 'fixtures not built' }, async () => {
  const dir = fixture('rust-1.63-O0');
  const dc = await open({ coreDump: path.join(dir, 'prog.coredump'), program: path.join(dir, 'prog.wasm'), sourceMap: { '/src': dir } });
  try {
    const list = await frames(dc);
    assert.ok(!onDisk(list[0]), 'the innermost frame is in the Rust runtime, not on disk');
    const top = vscodeTopFrame(list);
    assert.ok(top, 'VS Code would focus no frame');
    assert.equal(top.source?.path, path.join(dir, 'prog.rs'));
    assert.equal(top, list.find(onDisk), 'the focused frame is the first one with a source on disk');
    for (const f of list) {
      if (!f.source) continue;
      if (!onDisk(f)) {
        assert.equal(f.source.presentationHint, 'deemphasize', `${f.name}: source not on disk`);
        assert.ok((f.source.sourceReference ?? 0) > 0, `${f.name}: content still served through a sourceReference`);
        assert.notEqual(f.presentationHint, 'normal', `${f.name}: a frame hint would override the source's`);
      }
    }
  } finally {
    await dc.stop();
  }
});

test('with the Rust library sources on disk too, VS Code still focuses the user frame: the panic machinery is subtle', { skip: !have('rust-1.63-O0') && 'fixtures not built' }, async () => {
  const dir = fixture('rust-1.63-O0');
  // the user has rust-src: every library file the frames name exists under a local prefix
  const lib = fs.mkdtempSync(path.join(os.tmpdir(), 'wcd-rustsrc-'));
  const dc = await open({ coreDump: path.join(dir, 'prog.coredump'), program: path.join(dir, 'prog.wasm'), sourceMap: { '/src': dir, '/usr/src/rustc-1.63.0': lib } });
  try {
    for (const f of await frames(dc)) {
      const p = f.source?.path;
      if (p && p.startsWith(lib)) { fs.mkdirSync(path.dirname(p), { recursive: true }); fs.writeFileSync(p, '// library source\n'); }
    }
    await dc.stop();
    const dc2 = await open({ coreDump: path.join(dir, 'prog.coredump'), program: path.join(dir, 'prog.wasm'), sourceMap: { '/src': dir, '/usr/src/rustc-1.63.0': lib } });
    try {
      const list = await frames(dc2);
      assert.ok(onDisk(list[0]), 'the innermost (runtime) frame now has its source on disk');
      const top = vscodeTopFrame(list);
      assert.equal(top?.name, 'prog::Order::total');
      assert.equal(top?.source?.path, path.join(dir, 'prog.rs'));
      assert.equal(top?.line, 59);
      assert.deepEqual(list.slice(0, 8).map((f) => f.presentationHint), Array(8).fill('subtle'));
    } finally {
      await dc2.stop();
    }
  } finally {
    fs.rmSync(lib, { recursive: true, force: true });
  }
});

test('failed hover/watch/clipboard evaluations are not shown as notifications; REPL errors are', { skip: !have('c-clang19-O0-dwarf4', 'prog.abort.coredump') && 'fixtures not built' }, async () => {
  const dir = fixture('c-clang19-O0-dwarf4');
  const dc = await open({ coreDump: path.join(dir, 'prog.abort.coredump'), program: path.join(dir, 'prog.wasm'), sourceMap: { '/src': dir } });
  try {
    const frameId = (await frames(dc))[0].id;
    const err = (r: DebugProtocol.Response): DebugProtocol.Message => (r.body as { error: DebugProtocol.Message }).error;
    for (const context of ['hover', 'watch', 'clipboard', 'variables']) {
      for (const expression of ['item', '']) {
        const r = await request(dc, 'evaluate', { expression, context, frameId });
        assert.equal(r.success, false, `${context} '${expression}'`);
        assert.equal(err(r).showUser, false, `${context} '${expression}': showUser`);
        assert.ok(err(r).format.length > 0 && r.message, `${context} '${expression}': the message is kept (the Watch view shows it)`);
      }
    }
    const noVar = await request(dc, 'evaluate', { expression: 'item', context: 'hover', frameId });
    assert.match(err(noVar).format, /item/);
    for (const context of ['repl', undefined]) {
      const r = await request(dc, 'evaluate', { expression: 'no_such_variable', context, frameId });
      assert.equal(r.success, false);
      assert.equal(err(r).showUser, true, `${context ?? 'no context'}: REPL errors are shown`);
    }
  } finally {
    await dc.stop();
  }
});

/** The frame of the program's own source (prog.c), as the client gets it. */
async function userSource(dc: DebugClient): Promise<DebugProtocol.Source | undefined> {
  return (await frames(dc)).map((f) => f.source).find((s) => s?.name === 'prog.c');
}

test('sources built under /src are found next to the core dump or the module without a sourceMap; an existing sourceMap target wins', { skip: !have('c-clang19-O0-dwarf4') && 'fixtures not built' }, async () => {
  const dir = fixture('c-clang19-O0-dwarf4');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wcd-src-'));
  try {
    // 1. no sourceMap: /src/prog.c → <core dump dir>/prog.c
    let dc = await open({ coreDump: path.join(dir, 'prog.coredump'), program: path.join(dir, 'prog.wasm') });
    try {
      const s = await userSource(dc);
      assert.equal(s?.path, path.join(dir, 'prog.c'));
      assert.equal(s?.sourceReference, undefined);
      assert.equal(s?.presentationHint, undefined);
    } finally { await dc.stop(); }
    // 2. the core dump elsewhere: found next to the module
    fs.copyFileSync(path.join(dir, 'prog.coredump'), path.join(tmp, 'prog.coredump'));
    dc = await open({ coreDump: path.join(tmp, 'prog.coredump'), program: path.join(dir, 'prog.wasm') });
    try {
      assert.equal((await userSource(dc))?.path, path.join(dir, 'prog.c'));
    } finally { await dc.stop(); }
    // 3. an explicit sourceMap to a checkout that has the file wins over the search
    const checkout = path.join(tmp, 'checkout');
    fs.mkdirSync(checkout);
    fs.copyFileSync(path.join(dir, 'prog.c'), path.join(checkout, 'prog.c'));
    dc = await open({ coreDump: path.join(dir, 'prog.coredump'), program: path.join(dir, 'prog.wasm'), sourceMap: { '/src': checkout } });
    try {
      assert.equal((await userSource(dc))?.path, path.join(checkout, 'prog.c'));
    } finally { await dc.stop(); }
    // 4. a sourceMap target without the file: the search still finds it
    dc = await open({ coreDump: path.join(dir, 'prog.coredump'), program: path.join(dir, 'prog.wasm'), sourceMap: { '/src': path.join(tmp, 'nowhere') } });
    try {
      assert.equal((await userSource(dc))?.path, path.join(dir, 'prog.c'));
    } finally { await dc.stop(); }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('runs of / in DWARF paths are collapsed (zig pads them) and the file still opens', { skip: !have('zig-0.11-debug') && 'fixtures not built' }, async () => {
  assert.equal(mapSourcePath('/src/////prog.zig', { '/src': '/home/me/p' }), '/home/me/p/prog.zig');
  assert.equal(mapSourcePath('/build//x///y.c', undefined), '/build/x/y.c');
  assert.equal(mapSourcePath('/src//a.c', { '/src/': '/w//' }), '/w/a.c');
  const dir = fixture('zig-0.11-debug');
  const dc = await open({ coreDump: path.join(dir, 'prog.coredump'), program: path.join(dir, 'prog.wasm'), sourceMap: { '/src': dir } });
  try {
    const list = await frames(dc);
    for (const f of list) assert.ok(!f.source?.path?.includes('//'), `${f.name}: ${f.source?.path}`);
    const zig = list.find((f) => f.source?.name === 'prog.zig');
    assert.equal(zig?.source?.path, path.join(dir, 'prog.zig'));
    assert.equal(zig?.source?.sourceReference, undefined, 'on disk: opened by path');
  } finally {
    await dc.stop();
  }
});
