/** `symbolize` and `bt` on the source map fixtures through the compiled CLI: the map found next to the module, or given with --source-map-file. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadBacktrace } from '../../../cli/commands/bt';

const CLI = 'out/cli/main.js';
const DIR = 'test/fixtures/_sourcemap/as-0.28-debug';
const run = (...args: string[]): { code: number | null; out: string; err: string } => {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
interface SymJson { sourceMap: { origin: string | null } | null; addresses: Array<{ frames: Array<{ function: string; file: string | null; line: number | null; column: number | null; nameSource: string }> }> }

test('symbolize and bt read a Wasm source map: next to the module, or --source-map-file', (t) => {
  if (!fs.existsSync(DIR) || !fs.existsSync(CLI)) { t.skip('fixture or compiled CLI missing'); return; }
  const facts = JSON.parse(fs.readFileSync(path.join(DIR, 'facts.json'), 'utf8')) as { frames: Array<{ function: string; line: number }> };
  const bt = loadBacktrace(path.join(DIR, 'prog.coredump'));
  const addrs = bt.threads[0].frames.slice(0, facts.frames.length).map((f) => `0x${(f.codeAddr ?? 0).toString(16)}`);
  const check = (r: ReturnType<typeof run>): void => {
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out) as SymJson;
    assert.match(j.sourceMap?.origin ?? '', /\.map/);
    assert.deepEqual(j.addresses.map((a) => [a.frames[0].function, path.basename(a.frames[0].file ?? ''), a.frames[0].line]),
      facts.frames.map((f) => [f.function, 'prog.ts', f.line]));
  };
  check(run('symbolize', path.join(DIR, 'prog.wasm'), ...addrs, '--json'));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wcd-smcli-'));
  try {
    fs.copyFileSync(path.join(DIR, 'prog.wasm'), path.join(tmp, 'prog.wasm'));
    const none = JSON.parse(run('symbolize', path.join(tmp, 'prog.wasm'), addrs[0], '--json').out) as SymJson;
    assert.equal(none.addresses[0].frames[0].line, null);
    assert.equal(none.addresses[0].frames[0].function, facts.frames[0].function);
    check(run('symbolize', path.join(tmp, 'prog.wasm'), ...addrs, '--json', '--source-map-file', path.join(DIR, 'prog.wasm.map')));
    const missing = run('symbolize', path.join(tmp, 'prog.wasm'), addrs[0], '--source-map-file', path.join(tmp, 'nope.map'));
    assert.notEqual(missing.code, 0);
    assert.match(missing.err, /source map .*nope\.map does not exist/);
    // bt: text output with the map's lines
    fs.copyFileSync(path.join(DIR, 'prog.coredump'), path.join(tmp, 'prog.coredump'));
    fs.copyFileSync(path.join(DIR, 'prog.0.wasm'), path.join(tmp, 'prog.0.wasm'));
    const b = run('bt', path.join(tmp, 'prog.coredump'), '--source-map-file', path.join(DIR, 'prog.wasm.map'));
    assert.equal(b.code, 0, b.err);
    assert.match((b.out.split('\n').find((l) => l.startsWith('#0  ')) ?? b.out) /* after the reason line and the thread header */, new RegExp(`^#0  0x[0-9a-f]{6} in ${facts.frames[0].function} \\(\\) at prog/prog\\.ts:${facts.frames[0].line}:\\d+$`));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
