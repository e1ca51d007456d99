/**
 * host/crashDownload.ts (what the extension's "Open in VS Code" handler runs)
 * against a local HTTP server that serves real fixture files the way the
 * service's /v1/crashes/:id/files listing does, then the real DAP adapter
 * opened on the downloaded files with the launch configuration the extension
 * starts.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, existsSync, statSync, utimesSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, isAbsolute } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { downloadCrash, launchConfigFor, pruneDownloads, safeFileName } from '../../host/crashDownload';
import { readCoreDump } from '../../src/coredump/reader';
import { WasmModule } from '../../src/wasm/module';
import { request, stdioClient } from '../dap/harness';
import { FIXTURES, sha256File } from './records';
import { FakeService } from './fakeService';

async function topFrames(config: object): Promise<DebugProtocol.StackFrame[]> {
  const dc = await stdioClient();
  try {
    await request(dc, 'initialize', { adapterID: 'wasm-coredump', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
    const l = await request(dc, 'launch', config);
    assert.equal(l.success, true, l.message);
    await request(dc, 'configurationDone');
    const th = (await request(dc, 'threads')).body as DebugProtocol.ThreadsResponse['body'];
    const st = await request(dc, 'stackTrace', { threadId: th.threads[0].id, startFrame: 0, levels: 20 });
    assert.equal(st.success, true, st.message);
    return (st.body as DebugProtocol.StackTraceResponse['body']).stackFrames;
  } finally {
    await dc.stop();
  }
}

const inside = (dir: string, p: string): boolean => { const r = relative(dir, p); return !r.startsWith('..') && !isAbsolute(r); };

describe('crash download for "Open in VS Code"', () => {
  const svc = new FakeService();
  let root: string;
  before(async () => { await svc.start(); root = mkdtempSync(join(tmpdir(), 'wcd-dl-')); });
  after(async () => { await svc.close(); rmSync(root, { recursive: true, force: true }); });

  it('downloads dump and module, and the adapter opens them at the trap', async () => {
    const dir = join(FIXTURES, 'c-clang19-O0-dwarf4');
    const names = readCoreDump(readFileSync(join(dir, 'prog.coredump')), 'prog.coredump').modules;
    assert.ok(names.length >= 1);
    const url = svc.crash('6f1c2d3e-0000-4000-8000-00000000000a', {
      dump: svc.blob(join(dir, 'prog.coredump')),
      // absolute URLs work as well as relative ones
      modules: names.map((name) => ({ name, url: svc.url + svc.blob(join(dir, 'prog.wasm')) })),
      debugFiles: [],
    });
    const c = await downloadCrash(url, root);
    assert.equal(c.id, '6f1c2d3e-0000-4000-8000-00000000000a');
    assert.ok(inside(root, c.dir));
    assert.equal(c.coreDump, join(c.dir, `${c.id}.coredump`));
    assert.ok(readFileSync(c.coreDump).equals(readFileSync(join(dir, 'prog.coredump'))));
    assert.deepEqual(Object.keys(c.modules), names);
    for (const p of Object.values(c.modules)) assert.ok(readFileSync(p).equals(readFileSync(join(dir, 'prog.wasm'))));
    assert.deepEqual(launchConfigFor(c), { type: 'wasm-coredump', request: 'launch', name: `crash ${c.id}`, coreDump: c.coreDump, modules: c.modules, debugFiles: [], symbolSearchPaths: [c.debugDir] });
    const frames = await topFrames(launchConfigFor(c));
    assert.match(frames[0].name, /validate_item/);
    assert.equal(frames[0].line, 95);
    assert.ok(frames.some((f) => /main/.test(f.name) && f.line === 164), frames.map((f) => `${f.name}:${f.line}`).join(' '));
  });

  it('a separate debug file lands in the symbol folder and gives the stripped module its lines', async () => {
    const dir = join(FIXTURES, '_split', 'c-clang19-O0-split');
    const mod = join(dir, 'prog.noext.wasm'); // no external_debug_info: found only by build id
    const buildId = new WasmModule(readFileSync(mod), mod).buildId;
    assert.ok(buildId, 'the split fixture has a build id');
    const names = readCoreDump(readFileSync(join(dir, 'prog.coredump')), 'prog.coredump').modules;
    const base = { dump: svc.blob(join(dir, 'prog.coredump')), modules: names.map((name) => ({ name, url: svc.blob(mod) })) };
    const debug = join(dir, 'debugdir', `${buildId}.debug.wasm`);
    const withDebug = await downloadCrash(svc.crash('split-1', { ...base, debugFiles: [{ name: 'prog.debug.wasm', url: svc.blob(debug), buildId }] }), root);
    assert.deepEqual(withDebug.debugFiles, [join(withDebug.debugDir, `${buildId}.debug.wasm`)]);
    const frames = await topFrames(launchConfigFor(withDebug));
    assert.match(frames[0].name, /validate_item/);
    assert.equal(frames[0].line, 95);
    assert.match(frames[0].source?.path ?? '', /prog\.c$/);
    // the same crash without its debug file: no source lines (so the one above came from the download)
    const without = await downloadCrash(svc.crash('split-2', { ...base, debugFiles: [] }), root);
    const bare = await topFrames(launchConfigFor(without));
    assert.ok(!bare[0].source?.path?.endsWith('prog.c'), `no DWARF, no source: ${JSON.stringify(bare[0])}`);
  });

  it("the service's listing (dump, modules with their stored module and debug file) opens the same way", async () => {
    const dir = join(FIXTURES, '_split', 'c-clang19-O0-split');
    const mod = join(dir, 'prog.noext.wasm');
    const buildId = new WasmModule(readFileSync(mod), mod).buildId!;
    const names = readCoreDump(readFileSync(join(dir, 'prog.coredump')), 'prog.coredump').modules;
    const debug = join(dir, 'debugdir', `${buildId}.debug.wasm`);
    const blob = (p: string): { key: string; url: string } => ({ key: sha256File(p), url: svc.url + svc.blob(p) });
    const c = await downloadCrash(svc.crash('6f1c2d3e-0000-4000-8000-00000000000b', {
      id: '6f1c2d3e-0000-4000-8000-00000000000b',
      dump: { name: '6f1c2d3e-0000-4000-8000-00000000000b.coredump', size: statSync(join(dir, 'prog.coredump')).size, ...blob(join(dir, 'prog.coredump')) },
      modules: names.map((name) => ({ name, buildId, module: blob(mod), debug: blob(debug) })),
    }), root);
    assert.deepEqual(Object.keys(c.modules), names);
    assert.deepEqual(c.debugFiles, [join(c.debugDir, `${buildId}.debug.wasm`)]);
    assert.ok(readFileSync(c.debugFiles[0]).equals(readFileSync(debug)));
    const frames = await topFrames(launchConfigFor(c));
    assert.match(frames[0].name, /validate_item/);
    assert.equal(frames[0].line, 95);
    // a module the service does not have (null) is left out: the adapter says it is missing
    const partial = await downloadCrash(svc.crash('partial', { dump: blob(join(dir, 'prog.coredump')), modules: names.map((name) => ({ name, buildId: null, module: null, debug: null })) }), root);
    assert.deepEqual(partial.modules, {});
    assert.deepEqual(partial.debugFiles, []);
  });

  it('names from the listing cannot leave the download folder', async () => {
    const dir = join(FIXTURES, 'c-clang19-O0-dwarf4');
    const c = await downloadCrash(svc.crash('..%2F..%2Fescape', {
      id: '../../escape', dump: svc.blob(join(dir, 'prog.coredump')),
      modules: [{ name: '../../../../tmp/evil.wasm', url: svc.blob(join(dir, 'prog.wasm')) }, { name: '/abs/prog.wasm', url: svc.blob(join(dir, 'prog.wasm')) }],
      debugFiles: [{ name: '../x.debug.wasm', url: svc.blob(join(dir, 'prog.wasm')), buildId: '../../zz' }],
    }), root);
    for (const p of [c.dir, c.coreDump, ...Object.values(c.modules), ...c.debugFiles]) assert.ok(inside(root, p), p);
    assert.deepEqual(Object.values(c.modules).map((p) => relative(c.dir, p)), ['evil.wasm', 'prog.wasm']);
    assert.deepEqual(c.debugFiles.map((p) => relative(c.dir, p)), [join('debug', 'x.debug.wasm')]);
    assert.equal(safeFileName('..', 'f'), 'f');
    assert.equal(safeFileName('a b/c<d>.wasm', 'f'), 'c_d_.wasm');
  });

  it('a missing crash, a bad listing or a missing file is an error naming the URL', async () => {
    await assert.rejects(downloadCrash(`${svc.url}/v1/crashes/nope`, root), /\/v1\/crashes\/nope\/files: HTTP 404/);
    await assert.rejects(downloadCrash(svc.crash('badjson', '{"dump": '), root), /badjson\/files: not JSON/);
    await assert.rejects(downloadCrash(svc.crash('nodump', { modules: [] }), root), /nodump\/files: "dump" .* is missing/);
    await assert.rejects(downloadCrash(svc.crash('badmods', { dump: '/x', modules: [{ name: 1 }] }), root), /modules\[0\] needs a "name" string/);
    await assert.rejects(downloadCrash(svc.crash('gone', { dump: `/v1/blobs/${'0'.repeat(64)}`, modules: [], debugFiles: [] }), root), new RegExp(`/v1/blobs/${'0'.repeat(64)}: HTTP 404`));
    await assert.rejects(downloadCrash(svc.crash('fileurl', { dump: 'file:///etc/passwd', modules: [] }), root), /not an http\(s\) URL/);
    await assert.rejects(downloadCrash('file:///etc/passwd', root), /only http and https/);
    await assert.rejects(downloadCrash('http://127.0.0.1:1/v1/crashes/x', root), /cannot reach http:\/\/127\.0\.0\.1:1\/v1\/crashes\/x\/files/);
  });

  it('old downloads are pruned, recent ones kept', async () => {
    const r = mkdtempSync(join(tmpdir(), 'wcd-prune-'));
    try {
      mkdirSync(join(r, 'old')); mkdirSync(join(r, 'new'));
      const day = 86_400_000, now = Date.parse('2026-12-03T00:00:00Z');
      utimesSync(join(r, 'old'), new Date(now - 8 * day), new Date(now - 8 * day));
      utimesSync(join(r, 'new'), new Date(now - day), new Date(now - day));
      await pruneDownloads(r, 7 * day, now);
      assert.equal(existsSync(join(r, 'old')), false);
      assert.ok(statSync(join(r, 'new')).isDirectory());
    } finally {
      rmSync(r, { recursive: true, force: true });
    }
  });
});
