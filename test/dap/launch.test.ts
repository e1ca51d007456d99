/**
 * Launch validation and the no-run refusals through the real stdio server:
 * every mistake gets an error response with a stable id and a message naming
 * the file and what to do, and the session keeps serving (a correct launch
 * afterwards still works).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { existsSync } from 'node:fs';
import { stdioClient, request } from './harness';
import { ErrorId } from '../../adapter/errorIds';
import { launchArgsFor } from './script';
import { transcriptSpecs } from './specs';

const DIR = 'test/fixtures/c-clang19-O0-dwarf4';

test('bad launch configurations: stable error ids, helpful messages, server keeps serving', async (t) => {
  const spec = transcriptSpecs().find((s) => s.fixture === 'c-clang19-O0-dwarf4');
  if (!spec) { t.skip('fixture c-clang19-O0-dwarf4 missing (run npm run fixtures)'); return; }
  const dc = await stdioClient();
  try {
    await request(dc, 'initialize', { adapterID: 'wasm-coredump', pathFormat: 'path' });
    const cases: Array<{ args: unknown; id: number; says: RegExp }> = [
      { args: {}, id: ErrorId.LaunchArguments, says: /coreDump is required/ },
      { args: { coreDump: 42 }, id: ErrorId.LaunchArguments, says: /coreDump must be a string/ },
      { args: { coreDump: 'x', valueEncoding: 'big' }, id: ErrorId.LaunchArguments, says: /valueEncoding must be one of "auto", "leb", "fixed"/ },
      { args: { coreDump: 'x', modules: ['a'] }, id: ErrorId.LaunchArguments, says: /modules must be an object/ },
      { args: { coreDump: 'does/not/exist.coredump' }, id: ErrorId.FileUnreadable, says: /does\/not\/exist\.coredump does not exist.*Set "coreDump"/ },
      { args: { coreDump: DIR }, id: ErrorId.FileUnreadable, says: /is not a file/ },
      { args: { coreDump: `${DIR}/prog.wasm` }, id: ErrorId.BadFormat, says: /prog\.wasm.*not a core dump/ },
      { args: { coreDump: `${DIR}/prog.c` }, id: ErrorId.BadFormat, says: /prog\.c/ },
      { args: { coreDump: `${DIR}/prog.coredump`, program: 'missing.wasm' }, id: ErrorId.FileUnreadable, says: /missing\.wasm/ },
      { args: { coreDump: `${DIR}/prog.coredump`, program: `${DIR}/prog.coredump` }, id: ErrorId.ModuleMismatch, says: /core dump, not the program module/ },
      { args: { coreDump: `${DIR}/prog.coredump`, modules: { 'nope.wasm': `${DIR}/prog.wasm` } }, id: ErrorId.ModuleMismatch, says: /names 'nope\.wasm'.*'prog\.wasm'/ },
    ];
    // another program of a real project (shared corpus): reported as not matching the core dump
    const other = '../shared/corpus/thesis-sk-machine/minimal.wasm';
    if (existsSync(other)) cases.push({ args: { coreDump: `${DIR}/prog.coredump`, program: other }, id: ErrorId.ModuleMismatch, says: /does not match the core dump|minimal\.wasm/ });
    else t.diagnostic('shared corpus not available: the case of a mismatching real module is skipped');
    for (const c of cases) {
      const r = await request(dc, 'launch', c.args);
      assert.equal(r.success, false, `launch ${JSON.stringify(c.args)} succeeded`);
      assert.equal((r.body as { error: { id: number } }).error.id, c.id, `${JSON.stringify(c.args)}: ${r.message}`);
      assert.match(r.message ?? '', c.says);
    }
    // requests before a successful launch
    const th = await request(dc, 'stackTrace', { threadId: 1 });
    assert.equal((th.body as { error: { id: number } }).error.id, ErrorId.NotLaunched);
    // and the same session still launches correctly
    const ok = await request(dc, 'launch', launchArgsFor(spec));
    assert.equal(ok.success, true, ok.message);
    const again = await request(dc, 'attach', launchArgsFor(spec));
    assert.equal((again.body as { error: { id: number } }).error.id, ErrorId.AlreadyLaunched);
    await request(dc, 'configurationDone');
    for (const cmd of ['continue', 'next', 'stepIn', 'stepOut', 'pause', 'stepBack', 'reverseContinue', 'goto', 'restart']) {
      const r = await request(dc, cmd, { threadId: 1 });
      assert.equal(r.success, false);
      assert.equal((r.body as { error: { id: number } }).error.id, ErrorId.CannotRun, cmd);
      assert.match(r.message ?? '', /a core dump cannot run/);
    }
    for (const cmd of ['setVariable', 'setExpression', 'writeMemory']) {
      const r = await request(dc, cmd, {});
      assert.equal((r.body as { error: { id: number } }).error.id, ErrorId.ReadOnly, cmd);
    }
    const st = await request(dc, 'stackTrace', { threadId: 1 });
    assert.equal(st.success, true);
    const term = await request(dc, 'terminate', {});
    assert.equal(term.success, true);
  } finally {
    await dc.stop();
  }
});

test('attach is accepted like launch', async (t) => {
  const spec = transcriptSpecs().find((s) => s.fixture === 'c-clang19-O0-dwarf4');
  if (!spec) { t.skip('fixture missing'); return; }
  const dc = await stdioClient();
  try {
    await request(dc, 'initialize', { adapterID: 'wasm-coredump', pathFormat: 'path' });
    const r = await request(dc, 'attach', { ...launchArgsFor(spec), request: 'attach', cwd: path.resolve('.') });
    assert.equal(r.success, true, r.message);
    const th = await request(dc, 'threads');
    assert.deepEqual((th.body as { threads: unknown[] }).threads, [{ id: 1, name: 'main' }]);
  } finally {
    await dc.stop();
  }
});
