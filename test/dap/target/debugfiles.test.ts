/** Launch with a stripped module: `debugFiles` (or nothing) decides whether frames get source lines. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { loadTarget } from '../../../adapter/load';
import { parseLaunchArgs } from '../../../adapter/launchArgs';
import { findTool, TOOLS } from '../../tools';

const DIR = path.resolve('test/fixtures/c-clang19-O0-dwarf4');

test('a stripped module gets its DWARF from debugFiles', (t) => {
  if (!fs.existsSync(path.join(DIR, 'prog.coredump'))) { t.skip('fixtures not built'); return; }
  const objcopy = findTool(TOOLS.objcopy19);
  if (!objcopy.bin) { t.skip(objcopy.missing); return; }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wcd-strip-'));
  try {
    const stripped = path.join(tmp, 'prog.wasm');
    const r = spawnSync(objcopy.bin, ['--strip-debug', path.join(DIR, 'prog.wasm'), stripped]);
    assert.equal(r.status, 0, String(r.stderr));
    const base = { coreDump: path.join(DIR, 'prog.abort.coredump'), program: stripped };
    const without = loadTarget(parseLaunchArgs(base, '/'));
    const top = without.target.frames(0).find((f) => f.functionName === 'validate_item');
    assert.ok(top, 'name section still names the function');
    assert.equal(top.location, undefined);
    assert.equal(top.hasDebugInfo, false);
    assert.ok(without.warnings.some((w) => /no DWARF/.test(w)), without.warnings.join('\n'));
    const withDbg = loadTarget(parseLaunchArgs({ ...base, debugFiles: [path.join(DIR, 'prog.wasm')] }, '/'));
    const f = withDbg.target.frames(0).find((x) => x.functionName === 'validate_item');
    assert.equal(f?.location?.line, 84);
    assert.match(withDbg.target.moduleInfos()[0].symbolStatus, /DWARF loaded from debug file/);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
