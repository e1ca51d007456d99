/** `wasm-coredump print` and `bt --full` end to end (compiled CLI, fixture core dumps). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

const FX = 'test/fixtures/c-clang19-O0-dwarf4';
const cli = (...args: string[]) => spawnSync(process.execPath, ['out/cli/main.js', ...args], { encoding: 'utf8', timeout: 60_000 });

test('print evaluates in a bt-numbered frame of a dump without locals', () => {
  const r = cli('print', `${FX}/prog.nolocals.coredump`, '--frame', '1', 'order.first->next->id');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'order.first->next->id (int) = 101');
  const x = cli('print', `${FX}/prog.coredump`, '-f', '1', 'order.bits.code', '--format', 'x');
  assert.equal(x.stdout.trim(), 'order.bits.code (unsigned int) = 0x00000064');
  const s = cli('print', `${FX}/prog.coredump`, '-f', '0', 'item', '--depth', '2');
  assert.match(s.stdout, /^item \(struct Item \*\) = 0x000100d8\n  \* \(struct Item\) = \{id=103/);
  assert.match(s.stdout, /\n    label \(char\[16\]\) = "item-3"\n/);
  const j = cli('print', `${FX}/prog.coredump`, '-f', '2', 'depth', '--json');
  assert.deepEqual(JSON.parse(j.stdout).result.value, '0');
});

test('print reports expression errors with a caret and exit code 1; bad arguments exit 2', () => {
  const r = cli('print', `${FX}/prog.coredump`, '--frame', '1', 'order.nope');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /order\.nope\n {26}\^ no member `nope` in `struct Order`/);
  assert.equal(cli('print', `${FX}/prog.coredump`).status, 2);
  assert.equal(cli('print', `${FX}/prog.coredump`, '--frame', '99', 'x').status, 2);
});

test('bt --full prints arguments in the header and locals below', () => {
  const r = cli('bt', '--full', `${FX}/prog.nolocals.coredump`);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /#1 +0x[0-9a-f]+ in crash_now \(item=0x000100d8, kind=TRAP_UNREACHABLE\)/);
  assert.match(r.stdout, /\n {8}who = 0x00010000 "crash_now"\n/);
  assert.match(r.stdout, /\n {8}calls = 1 \(static\)\n/);
  assert.match(r.stdout, /in recurse \(depth=3, item=0x00010060, kind=TRAP_UNREACHABLE\)/);
});

test('C++: members of *this by bare name, libc++ views, references', () => {
  const cpp = 'test/fixtures/cpp-clang19-O0/prog.nolocals.coredump';
  assert.equal(cli('print', cpp, '-f', '1', 'base + extra').stdout.trim(), 'base + extra (int) = 15');
  assert.equal(cli('print', cpp, '-f', '0', 'order.lines[1].sku', '--depth', '0').stdout.trim(), 'order.lines[1].sku (std::__2::string) = "sku-22"');
  assert.match(cli('print', cpp, '-f', '0', 'order.box', '--depth', '1').stdout, /\n {2}\* \(orders::Shape\) = \{_vptr\$Shape=0x[0-9a-f]+, sides=4\}\n/);
});

test('casts to C scalar types work even when the DWARF lacks them', () => {
  const r = cli('print', `${FX}/prog.coredump`, '-f', '1', '(unsigned long long)order.total * 2 + (short)-1');
  assert.equal(r.stdout.trim(), '(unsigned long long)order.total * 2 + (short)-1 (unsigned long long) = 9999999999');
});
