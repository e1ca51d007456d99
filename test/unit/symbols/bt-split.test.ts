/** `bt` with debug info from elsewhere (H4's opt-in split-debug fixture): by build id, by path, and a mismatched file refused. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { loadBacktrace } from '../../../cli/commands/bt';

const D = 'test/fixtures/_split/c-clang19-O0-split';

test('bt: debug file found by build id in --debug-dir; mismatched build refused with an error', (t) => {
  if (!existsSync(`${D}/prog.noext.wasm`)) { t.skip('split-debug fixture not built'); return; }
  const good = loadBacktrace(`${D}/prog.coredump`, { modules: [`${D}/prog.noext.wasm`], debugDirs: [`${D}/mismatch`, `${D}/debugdir`] });
  assert.deepEqual(good.errors, []);
  const f0 = good.threads[0].frames[0];
  assert.equal(f0.name, 'validate_item');
  assert.equal(f0.line, 95);
  const bad = loadBacktrace(`${D}/prog.coredump`, { modules: [`${D}/prog.noext.wasm`], debugDirs: [`${D}/mismatch`] });
  assert.equal(bad.errors.length, 1);
  assert.match(bad.errors[0], /has build id 0011.* but the module .* has build id 071c.*different build/);
  assert.equal(bad.threads[0].frames[0].name, 'validate_item'); // from the name section
  assert.equal(bad.threads[0].frames[0].line, 0);
});

test('bt: external_debug_info next to the module', (t) => {
  if (!existsSync(`${D}/prog.wasm`)) { t.skip('split-debug fixture not built'); return; }
  const r = loadBacktrace(`${D}/prog.coredump`);
  assert.deepEqual(r.errors, []);
  assert.match(r.debug.get(0)?.origin ?? '', /external_debug_info/);
  assert.equal(r.threads[0].frames[1].name, 'crash_now');
  assert.equal(r.threads[0].frames[1].line, 125);
});
