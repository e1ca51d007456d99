/**
 * A second, independent DAP client: Emacs with Debian's elpa-dap-mode in
 * --batch opens a fixture's core dump through the real stdio server and
 * checks the frames and a variable against facts.json.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ADAPTER, FIXTURES, readFacts } from './harness';
import { PostMortemTarget } from '../../src/target/target';

const DAP_MODE = '/usr/share/emacs/site-lisp/elpa/dap-mode-0.7';

function hasEmacsDapMode(): boolean {
  const r = spawnSync('emacs', ['--batch', '--eval', '(progn (package-initialize) (require (quote dap-mode)) (princ "ok"))'], { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0 && r.stdout.includes('ok');
}

test('Emacs dap-mode (--batch) opens a core dump: frames and a variable', (t) => {
  const id = 'c-clang19-O0-dwarf4';
  const dir = path.join(FIXTURES, id);
  if (!fs.existsSync(path.join(dir, 'facts.json'))) { t.skip(`fixture ${id} missing (run npm run fixtures)`); return; }
  if (spawnSync('emacs', ['--version']).status !== 0) { t.skip('emacs not installed (apt-get install emacs-nox elpa-dap-mode)'); return; }
  if (!hasEmacsDapMode()) { t.skip(`elpa-dap-mode not installed (apt-get install elpa-dap-mode; expected in ${DAP_MODE})`); return; }
  const facts = readFacts(id);
  const d = facts.coreDumps.abort;
  const r = spawnSync('emacs', ['--batch', '-q', '--eval', '(package-initialize)', '-l', path.resolve('test/dap/emacs/dap-check.el')], {
    encoding: 'utf8', timeout: 60_000,
    env: { ...process.env, WCD_ADAPTER: ADAPTER, WCD_COREDUMP: path.join(dir, d.full), WCD_PROGRAM: path.join(dir, facts.module), WCD_SRCDIR: dir },
  });
  const out = r.stdout;
  assert.equal(r.status, 0, `emacs failed:\n${out}\n${r.stderr.slice(-2000)}`);
  assert.match(out, /DONE/);
  const frames = [...out.matchAll(/^FRAME (\S+) (\d+)$/gm)].map((m) => ({ name: m[1], line: Number(m[2]) }));
  // runtime frames (libc's abort) come first; from the first user frame on, they must be facts.json's
  const want = (d.frames ?? []).slice(0, 4);
  const start = frames.findIndex((f) => f.name === want[0]?.function);
  assert.ok(start >= 0, `no frame ${want[0]?.function} in ${JSON.stringify(frames)}`);
  assert.deepEqual(frames.slice(start, start + want.length), want.map((f) => ({ name: f.function, line: f.line })));
  // the variable: __stack_pointer as the target reads it from the dump itself
  const target = PostMortemTarget.fromBytes({
    coreDump: { bytes: new Uint8Array(fs.readFileSync(path.join(dir, d.full))), file: d.full },
    modules: [{ bytes: new Uint8Array(fs.readFileSync(path.join(dir, facts.module))), file: facts.module }],
  });
  const sp = target.evaluate(0, 0, '$global0').value;
  assert.match(out, new RegExp(`^VAR \\$__stack_pointer = ${sp}$`, 'm'));
  assert.match(out, new RegExp(`^EVAL \\$global0 = ${sp}$`, 'm'));
});
