/**
 * A crash opens on the right source line on a machine without the checkout:
 * the module and its dump copied alone to a temporary directory, the DAP
 * `source` request serves the text embedded in the DWARF (clang
 * -gembed-source, DW_LNCT_LLVM_source) or in a source map's sourcesContent
 * (AssemblyScript), and the crashing frame's line in that text is the line
 * the fixture's LINE: marker names.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { stdioClient, request } from './harness';

interface Case { name: string; dir: string; files: string[]; coreDump: string; extra?: Record<string, unknown>; marker: string; absent: string }
const CASES: Case[] = [
  { name: 'DWARF 5 embedded source (clang-19 -gembed-source)', dir: 'test/fixtures/c-clang19-O0-embed', files: ['prog.wasm', 'prog.coredump'], coreDump: 'prog.coredump', marker: 'LINE:trap-unreachable', absent: 'prog.c' },
  { name: "source map sourcesContent (AssemblyScript)", dir: 'test/fixtures/_sourcemap/as-0.28-debug', files: ['prog.0.wasm', 'prog.wasm.map', 'prog.coredump'], coreDump: 'prog.coredump', marker: 'LINE:trap', absent: 'prog.ts' },
];

for (const c of CASES) {
  test(`${c.name}: served by the source request when the file is not on disk`, async (t) => {
    if (!fs.existsSync(c.dir)) { t.skip(`fixture ${c.dir} missing (run npm run fixtures)`); return; }
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wcd-embed-'));
    const dc = await stdioClient();
    try {
      for (const f of c.files) fs.copyFileSync(path.join(c.dir, f), path.join(tmp, f));
      assert.ok(!fs.existsSync(path.join(tmp, c.absent)));
      await request(dc, 'initialize', { adapterID: 'wasm-coredump', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
      const l = await request(dc, 'launch', { coreDump: path.join(tmp, c.coreDump), ...c.extra });
      assert.equal(l.success, true, l.message);
      await request(dc, 'configurationDone');
      const st = await request(dc, 'stackTrace', { threadId: 1 });
      const top = (st.body as DebugProtocol.StackTraceResponse['body']).stackFrames[0];
      assert.ok(top.source, 'top frame has a source');
      assert.equal(path.basename(top.source.name ?? ''), c.absent);
      const ref = top.source.sourceReference ?? 0;
      assert.ok(ref > 0, `the top frame's source has a sourceReference: ${JSON.stringify(top.source)}`);
      // the embedded text is the source: not deemphasized, so the client focuses the crash frame
      assert.equal(top.source.presentationHint, undefined);
      assert.match(top.source.origin ?? '', /embedded/);
      const src = await request(dc, 'source', { source: top.source, sourceReference: ref });
      assert.equal(src.success, true, src.message);
      const text = (src.body as DebugProtocol.SourceResponse['body']).content;
      const original = fs.readFileSync(path.join(c.dir, c.absent), 'utf8');
      assert.equal(text, original, 'the embedded text is the source file');
      assert.match(text.split('\n')[top.line - 1], new RegExp(c.marker), `line ${top.line} of the served text`);
    } finally {
      await dc.stop();
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
}
