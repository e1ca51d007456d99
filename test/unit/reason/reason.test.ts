/**
 * The crash reason on the real fixtures, checked against what each program
 * itself prints to stderr when it dies under node:wasi (differential).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { crashReason } from '../../../src/reason';
import { typeNameOf } from '../../../src/reason/cxx';
import { ASSERT, C, CXX, NOSTD, PANICS, RUST, openDump, stderrOf } from './load';

const KINDS = ['assert_eq', 'assert', 'unwrap_none', 'unwrap_err', 'expect', 'index', 'overflow', 'divzero', 'literal', 'specs', 'string', 'debug_str', 'nested'];

function escapeRe(s: string): string { return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); }

test('Rust fixture: the panic message and location are what the program printed', () => {
  const t = openDump(RUST, 'prog.coredump');
  const r = crashReason(t, 0);
  assert.equal(r.kind, 'rust-panic');
  assert.equal(r.incomplete, undefined, r.notes?.join('; '));
  assert.deepEqual(r.location, { file: 'prog.rs', line: 59, column: 9 });
  assert.equal(r.message, "panicked at 'order 9000000001 over budget: 9.75 (bolt)', prog.rs:59:9");
  const err = stderrOf(RUST, []);
  assert.ok(r.printed && err.startsWith(`${r.printed}\n`), `stderr:\n${err}\nours:\n${r.printed}`);
  // the user's frame is the one that called panic!, everything above it is machinery
  const frames = t.frames(0);
  assert.equal(frames[r.userFrame as number].functionName, 'prog::Order::total');
  assert.equal(frames[r.userFrame as number].location?.line, 59);
  assert.deepEqual(r.machineryFrames, [...Array(r.userFrame).keys()]);
  assert.ok(frames.slice(0, r.userFrame).every((f) => /^(std|core|panic_abort)::/.test(f.functionName)));
});

test('Rust panic kinds: every message equals what the program prints under node:wasi', { skip: !fs.existsSync(path.join(PANICS, 'prog.wasm')) && 'test/fixtures/_reason not built' }, () => {
  for (const k of KINDS) {
    const t = openDump(PANICS, `prog.${k}.coredump`);
    const r = crashReason(t, 0);
    assert.equal(r.kind, 'rust-panic', k);
    const err = stderrOf(PANICS, [k]);
    if (!r.incomplete) {
      assert.ok(r.printed && err.startsWith(`${r.printed}\n`), `${k}: stderr:\n${err}\nours:\n${r.printed}`);
      continue;
    }
    // an argument we do not reproduce is {?: Type}, never guessed: the rest must still match the program's text
    assert.match(r.message, /\{\?: \w+\}/, `${k}: incomplete only for an unreproduced formatter (${r.notes?.join('; ')})`);
    const re = new RegExp(`^thread 'main' ${escapeRe(r.message).replace(/\\\{\\\?: \w+\\\}/g, '.+')}\n`);
    assert.match(err, re, k);
  }
});

test('Rust dump without locals: the handler argument is unavailable, so the message is marked incomplete, not invented', () => {
  for (const [dir, core] of [[RUST, 'prog.nolocals.coredump'], [PANICS, 'prog.assert_eq.nolocals.coredump']]) {
    if (!fs.existsSync(path.join(dir, core))) continue;
    const r = crashReason(openDump(dir, core), 0);
    assert.equal(r.kind, 'rust-panic');
    assert.equal(r.incomplete, true);
    assert.match(r.message, /<message unavailable>/);
    assert.match(r.notes?.join('\n') ?? '', /not recorded/);
    assert.ok((r.userFrame ?? 0) > 0, 'the user frame is still found by the frames alone');
    assert.match(r.message, /^panicked at '<message unavailable>', \/src\/prog\.rs:\d+:\d+ \(line table\)$/);
    assert.match(r.notes?.join('\n') ?? '', /location from the line table of prog::/);
  }
});

test('C assert: the message is what wasi-libc printed; without locals the arguments are unavailable', { skip: !fs.existsSync(path.join(ASSERT, 'prog.wasm')) && 'test/fixtures/_reason not built' }, () => {
  const t = openDump(ASSERT, 'prog.assert.coredump');
  const r = crashReason(t, 0);
  assert.equal(r.kind, 'assert');
  assert.equal(r.incomplete, undefined, r.notes?.join('; '));
  const err = stderrOf(ASSERT, ['assert']);
  assert.ok(err.startsWith(`${r.message}\n`), `stderr:\n${err}\nours:\n${r.message}`);
  assert.equal(t.frames(0)[r.userFrame as number].functionName, 'check_order');
  const n = crashReason(openDump(ASSERT, 'prog.assert.nolocals.coredump'), 0);
  assert.equal(n.kind, 'assert');
  assert.equal(n.incomplete, true);
  assert.match(n.message, /^Assertion failed: <unavailable>/);
  assert.equal(n.location?.line, 11, 'the location falls back to the user frame');
});

test('C abort and traps in the user\'s words', () => {
  const reason = (core: string) => crashReason(openDump(C, core), 0);
  const ab = reason('prog.abort.coredump');
  assert.equal(ab.kind, 'abort');
  assert.match(ab.message, /^abort\(\) called from validate_item at \/src\/prog\.c:84:5$/);
  assert.deepEqual(ab.machineryFrames, [0]);
  assert.equal(ab.userFrame, 1);
  assert.match(reason('prog.divzero.coredump').message, /^integer divide by zero in validate_item at \/src\/prog\.c:86:24$/);
  // the address comes from the local that pushed it (V8 records no operand stack for the trapping frame)
  assert.match(reason('prog.oob.coredump').message, /^out of bounds memory access at 0xfffffff0 \(4-byte load; memory size 0x20000\) in validate_item/);
  assert.match(reason('prog.oob.nolocals.coredump').message, /^out of bounds memory access \(4-byte load; address not recorded\)/);
  assert.match(reason('prog.nullcall.coredump').message, /^null function pointer called \(table slot 0 is empty\) in validate_item at \/src\/prog\.c:90:5$/);
  assert.match(reason('prog.nullcall.nolocals.coredump').message, /the table index was not recorded/);
  assert.match(reason('prog.stackoverflow.coredump').message, /^stack overflow: overflow recursed \d+ calls deep \(\d+ frames\); shadow stack exhausted \(__stack_pointer = 0xfffffed0\)/);
  const u = reason('prog.coredump');
  assert.equal(u.kind, 'trap');
  assert.match(u.message, /^unreachable code executed \(Wasm `unreachable`\) in validate_item at \/src\/prog\.c:95:5$/);
  assert.deepEqual(u.machineryFrames, []);
});

test('Rust trap inside an inlined core function: the location and the user frame are the caller\'s', () => {
  const r = crashReason(openDump(RUST, 'prog.oob.coredump'), 0);
  assert.equal(r.kind, 'trap');
  assert.match(r.message, /^out of bounds memory access at 0xfffffff0 .* in core::ptr::read_volatile<u32> .*, called from prog::Order::total at \/src\/prog\.rs:55:24$/);
  assert.deepEqual(r.location, { file: '/src/prog.rs', line: 55, column: 24 });
  assert.deepEqual(r.machineryFrames, [0]);
});

test('C++ (libc++ without exceptions): std::vector::at out of range says what libc++ printed', { skip: !fs.existsSync(path.join(CXX, 'prog.wasm')) && 'test/fixtures/_reason not built' }, () => {
  const t = openDump(CXX, 'prog.at.coredump');
  const r = crashReason(t, 0);
  assert.equal(r.kind, 'cxx-exception');
  assert.equal(r.incomplete, undefined, r.notes?.join('; '));
  const err = stderrOf(CXX, ['at']);
  assert.ok(err.startsWith(r.message), `stderr:\n${err}\nours:\n${r.message}`);
  assert.equal(t.frames(0)[r.userFrame as number].functionName, 'lookup');
  assert.deepEqual(r.location, { file: '/src/prog.cpp', line: 10, column: 12 });
  const n = crashReason(openDump(CXX, 'prog.at.nolocals.coredump'), 0);
  assert.equal(n.kind, 'cxx-exception');
  // the -O0 header code spilled __msg to the shadow stack, which the frame-base recovery reads without locals
  assert.equal(n.message, r.message);
});

test('C++ type names from type_info name strings', () => {
  assert.equal(typeNameOf('St13runtime_error'), 'std::runtime_error');
  assert.equal(typeNameOf('NSt3__212out_of_rangeE'), 'std::__2::out_of_range');
  assert.equal(typeNameOf('N6orders9BadCouponE'), 'orders::BadCoupon');
  assert.equal(typeNameOf('%%%'), undefined);
});

test('CLI: bt says why first and folds the machinery (--all lists it); info --json and bt --json carry the reason', () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, ['out/cli/main.js', ...args], { encoding: 'utf8', timeout: 60_000 });
  const bt = cli('bt', `${RUST}/prog.coredump`);
  assert.equal(bt.status, 0, bt.stderr);
  const lines = bt.stdout.split('\n');
  assert.equal(lines[0], "panicked at 'order 9000000001 over budget: 9.75 (bolt)', prog.rs:59:9");
  assert.equal(lines[1], "Thread 1 'main':");
  assert.equal(lines[2], '#0-#7 8 frames of the panic machinery (--all shows them)');
  assert.match(lines[3], /^#8  0x[0-9a-f]+ in prog::Order::total \(self=0x[0-9a-f]+, mode=Panic, depth=0\) at \/src\/prog\.rs:59:9$/);
  const all = cli('bt', '--all', `${RUST}/prog.coredump`).stdout.split('\n');
  assert.match(all[2], /^#0  0x[0-9a-f]+ in panic_abort::__rust_start_panic::abort \(\) \[inlined\]/);
  const info = JSON.parse(cli('info', '--json', `${RUST}/prog.coredump`).stdout);
  assert.deepEqual({ kind: info.reason.kind, location: info.reason.location, userFrame: info.reason.userFrame, incomplete: info.reason.incomplete },
    { kind: 'rust-panic', location: { file: 'prog.rs', line: 59, column: 9 }, userFrame: 8, incomplete: false });
  assert.equal(info.reason.message, lines[0]);
  const j = JSON.parse(cli('bt', '--json', `${C}/prog.abort.coredump`).stdout);
  assert.equal(j.reason.kind, 'abort');
  assert.deepEqual(j.reason.machineryFrames, [0]);
});

test('Rust no_std #[panic_handler]: the handler panic_fmt calls is read like std\'s', { skip: !fs.existsSync(path.join(NOSTD, 'prog.wasm')) && 'test/fixtures/_reason not built' }, () => {
  // the program prints nothing: the expectation comes from its source (run.mjs calls run(7); the limit is 3)
  const src = fs.readFileSync(path.join(NOSTD, 'prog.rs'), 'utf8').split('\n');
  const line = src.findIndex((l) => l.includes('panic!(')) + 1;
  const column = src[line - 1].indexOf('panic!(') + 1;
  assert.match(fs.readFileSync(path.join(NOSTD, 'run.mjs'), 'utf8'), /run\(7\)/);
  const t = openDump(NOSTD, 'prog.coredump');
  const r = crashReason(t, 0);
  assert.equal(r.kind, 'rust-panic');
  assert.deepEqual(r.location, { file: 'prog.rs', line, column });
  assert.equal(r.message, `panicked at 'no_std: 7 items over the limit of 3', prog.rs:${line}:${column}`);
  assert.equal(r.printed, undefined, 'no std hook: nothing was printed');
  const frames = t.frames(0);
  assert.equal(frames[r.userFrame as number].functionName, 'prog::check');
  assert.ok(frames.slice(0, r.userFrame).some((f) => f.functionName === 'prog::on_panic'), 'the user\'s handler is machinery');
});
