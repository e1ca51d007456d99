/**
 * A corrupted fmt::Arguments (pointers outside memory, absurd lengths,
 * self-reference) in the real Rust dump: the reason is marked incomplete
 * and says why; it never hangs and never shows the original text as if read.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { crashReason } from '../../../src/reason';
import { Budget, deref, intOf, member, optionRef } from '../../../src/reason/read';
import { RUST, openDump } from './load';

const pristine = new Uint8Array(fs.readFileSync(path.join(RUST, 'prog.coredump')));

/** Address of the panic's fmt::Arguments and where its 24 bytes sit in the dump file. */
function locateArguments(): { addr: number; fileOffset: number; bytes: Uint8Array } {
  const t = openDump(RUST, 'prog.coredump', pristine);
  const level = t.frames(0).findIndex((f) => f.functionName === 'std::panicking::begin_panic_handler');
  const frame = t.frame(0, level);
  const info = t.values(0).evaluateValue(frame.physicalIndex, 'info', { frameDie: t.symFrame(0, level)?.die });
  const c = { vctx: info.ctx, budget: new Budget() };
  const ref = optionRef(c, member(deref(c, info, 'info'), 'message'), 'message');
  assert.ok(ref, 'the fixture panic has a format message');
  const addr = intOf(c, ref, 'message');
  // the file offset of the address, from the dump's data segment that covers it
  const seg = t.core.instanceMemory(0, 0)?.segments.find((s) => s.start <= addr && addr + 24 <= s.end);
  assert.ok(seg, 'the Arguments lie in one data segment of the dump');
  const at = seg.fileOffset + (addr - seg.start);
  const bytes = pristine.slice(at, at + 24);
  assert.deepEqual(bytes, seg.data.slice(addr - seg.start, addr - seg.start + 24));
  return { addr, fileOffset: at, bytes };
}

function patched(fileOffset: number, words: Record<number, number>): Uint8Array {
  const b = pristine.slice();
  const dv = new DataView(b.buffer);
  for (const [k, v] of Object.entries(words)) dv.setUint32(fileOffset + Number(k) * 4, v >>> 0, true);
  return b;
}

test('corrupted fmt::Arguments: incomplete with a reason, never a hang or a made-up message', () => {
  const a = locateArguments();
  // 1.63 layout, checked from the DWARF above: pieces (ptr, len), fmt (ptr, len), args (ptr, len)
  const cases: Array<[string, Record<number, number>, RegExp]> = [
    ['pieces pointer outside memory', { 0: 0xfffffff0 }, /past the end of memory|bad address/],
    ['absurd pieces length', { 1: 0x7fffffff }, /absurd/],
    ['absurd args length', { 5: 0x10000000 }, /absurd/],
    ['args pointing at the Arguments itself', { 4: a.addr }, /formatter|table slot|argument/],
    ['fmt specs pointing at the Arguments itself', { 2: a.addr, 3: 3 }, /placeholder|argument|enum|variant|not a char|Count|discriminant/],
    ['args pointer outside memory', { 4: 0xffffff00 }, /past the end of memory|bad address/],
  ];
  for (const [what, words, why] of cases) {
    const t = openDump(RUST, 'prog.coredump', patched(a.fileOffset, words));
    const r = crashReason(t, 0);
    assert.equal(r.kind, 'rust-panic', what);
    assert.equal(r.incomplete, true, `${what}: ${r.message}`);
    assert.match(r.notes?.join('\n') ?? '', why, what);
    assert.notEqual(r.message, "panicked at 'order 9000000001 over budget: 9.75 (bolt)', prog.rs:59:9", what);
    assert.doesNotMatch(r.message, /panicked at '',/, `${what}: an unread message is not shown as empty`);
    assert.equal(r.printed, undefined, `${what}: no stderr line is claimed`);
    assert.deepEqual(r.location, { file: 'prog.rs', line: 59, column: 9 }, `${what}: the location is still read`);
  }
});
