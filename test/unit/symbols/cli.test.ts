/** The `bt` and `symbolize` commands end to end (compiled CLI, real fixtures and corpus files). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CLI = 'out/cli/main.js';
const run = (...args: string[]): { code: number | null; out: string; err: string } => {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

test('bt prints gdb-style frames with arguments, inline markers and source positions', (t) => {
  const core = 'test/fixtures/c-clang19-O2/prog.coredump';
  if (!existsSync(core) || !existsSync(CLI)) { t.skip('fixture or compiled CLI missing'); return; }
  const r = run('bt', core);
  assert.equal(r.code, 0, r.err);
  const lines = r.out.split('\n');
  // first why it crashed, then the thread's frames
  assert.match(lines[0], /^unreachable code executed \(Wasm `unreachable`\) in validate_item at \/src\/prog\.c:95:\d+$/);
  assert.equal(lines[1], "Thread 1 'main':");
  assert.match(lines[2], /^#0  0x[0-9a-f]{6} in validate_item \(item=0x[0-9a-f]{8}, kind=TRAP_UNREACHABLE\) \[inlined\] at \/src\/prog\.c:95:\d+$/);
  assert.match(lines[3], /^#1  0x[0-9a-f]{6} in crash_now \(item=0x[0-9a-f]{8}, kind=TRAP_UNREACHABLE\) at \/src\/prog\.c:125:\d+$/);
  assert.match(r.err, /source files? not found locally/);
  const mapped = run('bt', core, '--source-map', '/src=test/fixtures/c-clang19-O2', '--json');
  const j = JSON.parse(mapped.out) as { threads: Array<{ frames: Array<{ function: string; file: string; line: number; inlined: boolean }> }>; missingSources: string[] };
  assert.equal(j.threads[0].frames[0].file, 'test/fixtures/c-clang19-O2/prog.c');
  assert.ok(!j.missingSources.includes('test/fixtures/c-clang19-O2/prog.c'));
  assert.equal(j.threads[0].frames[0].inlined, true);
});

test('symbolize: code addresses and --file-offsets, inline chains, errors for addresses outside the code', (t) => {
  const m = '../shared/corpus/chicory/at-7ef57c4/count_vowels.rs.wasm';
  if (!existsSync(m) || !existsSync(CLI)) { t.skip('corpus or compiled CLI missing'); return; }
  const a = run('symbolize', m, '0x7ceb');
  assert.equal(a.code, 0, a.err);
  assert.match(a.out, /^0x7ceb:\n {4}core::panicking::panic_nounwind_fmt::runtime \[inlined\] at \/rustc\/[0-9a-f]+\/library\/core\/src\/panicking\.rs:117:22\n {4}core::panicking::panic_nounwind_fmt at .*intrinsics\/mod\.rs:3241:9\n$/);
  const b = run('symbolize', m, '--file-offsets', '0x0d7f', '--json');
  const j = JSON.parse(b.out) as { addresses: Array<{ codeAddr: number; frames: Array<{ function: string; line: number }> }> };
  assert.equal(j.addresses[0].codeAddr, 0xbf6);
  assert.equal(j.addresses[0].frames[0].function, 'count_vowels::count_vowels');
  assert.equal(j.addresses[0].frames[0].line, 23);
  const c = run('symbolize', m, '0xffffff');
  assert.equal(c.code, 1);
  assert.match(c.out, /outside the code section/);
  assert.equal(run('symbolize', m).code, 2);
});

test('symbolize --stats: timings and bytes read (stderr line; a stats object with --json), output otherwise unchanged', (t) => {
  const m = 'test/fixtures/c-clang19-O0-dwarf4/prog.wasm';
  if (!existsSync(m) || !existsSync(CLI)) { t.skip('fixture or compiled CLI missing'); return; }
  const plain = run('symbolize', m, '0x100');
  const text = run('symbolize', m, '0x100', '--stats');
  assert.equal(text.code, 0, text.err);
  assert.equal(text.out, plain.out);
  assert.match(text.err, /^stats: module and DWARF opened in [\d.]+ ms; first address [\d.]+ ms, all 1 in [\d.]+ ms \(\d+ units\); [\d.]+ MB of [\d.]+ MB read; [\d.]+ ms since the process started$/m);
  const j = JSON.parse(run('symbolize', m, '0x100', '--json', '--stats').out) as { stats: Record<string, number> };
  for (const k of ['openMs', 'firstAddressMs', 'symbolizeMs', 'workMs', 'processMs']) assert.ok(j.stats[k] >= 0, k);
  assert.ok(j.stats.workMs <= j.stats.processMs);
  assert.equal(j.stats.addresses, 1);
  assert.ok(j.stats.bytesRead > 0 && j.stats.bytesRead <= j.stats.moduleBytes);
  assert.equal('stats' in JSON.parse(run('symbolize', m, '0x100', '--json').out), false);
});
