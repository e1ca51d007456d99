/**
 * Property test: the Rust fixture's panic structures (fmt::Arguments, its
 * pieces and argument arrays) mutated in place with seeded random bytes: the
 * crash reason is always produced, in bounded work (the read budget), and a
 * message it cannot read is marked incomplete. Deterministic (fixed seed).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { PostMortemTarget } from '../../src/target/target';
import { rustPanic } from '../../src/reason/rust';
import { Budget, deref, intOf, member, optionRef, readSlice } from '../../src/reason/read';
import { prng } from '../prng';


const DIR = 'test/fixtures/rust-1.63-O0';

test('mutated fmt::Arguments: a reason every time, incomplete when unreadable', () => {
  const bytes = new Uint8Array(fs.readFileSync(`${DIR}/prog.coredump`));
  const t = PostMortemTarget.fromBytes({ coreDump: { bytes, file: 'prog.coredump' }, modules: [{ bytes: new Uint8Array(fs.readFileSync(`${DIR}/prog.wasm`)), file: 'prog.wasm' }] });
  const frames = t.frames(0);
  const level = frames.findIndex((f) => f.functionName === 'std::panicking::begin_panic_handler');
  const info = t.values(0).evaluateValue(frames[level].physicalIndex, 'info', { frameDie: t.symFrame(0, level)?.die });
  const c = { vctx: info.ctx, budget: new Budget() };
  const ref = optionRef(c, member(deref(c, info, 'info'), 'message'), 'message');
  assert.ok(ref);
  const args = deref(c, ref, 'args');
  const pieces = readSlice(c, member(args, 'pieces'), 'pieces');
  const list = readSlice(c, member(args, 'args'), 'args');
  // memory regions to mutate: the Arguments, its pieces (&str array) and its ArgumentV1 array
  const regions: Array<[number, number]> = [[intOf(c, ref, 'args'), 24], [pieces.addr, pieces.len * pieces.elemSize], [list.addr, list.len * list.elemSize]];
  const mem = t.core.instanceMemory(0, 0);
  assert.ok(mem);
  const original = rustPanic(t, 0, frames);
  assert.equal(original?.message, 'order 9000000001 over budget: 9.75 (bolt)');
  const views = regions.map(([addr, len]) => {
    const seg = mem.segments.find((s) => s.start <= addr && addr + len <= s.end);
    assert.ok(seg, `0x${addr.toString(16)} lies in one segment`);
    return seg.data.subarray(addr - seg.start, addr - seg.start + len); // a view into the dump's bytes
  });
  const saved = views.map((v) => v.slice());
  const rnd = prng(0x15);
  let incomplete = 0;
  for (let i = 0; i < 400; i++) {
    views.forEach((v, k) => v.set(saved[k]));
    const flips = 1 + Math.floor(rnd() * 4);
    for (let j = 0; j < flips; j++) {
      const v = views[Math.floor(rnd() * views.length)];
      v[Math.floor(rnd() * v.length)] = Math.floor(rnd() * 256);
    }
    const p = rustPanic(t, 0, frames);
    assert.ok(p, `iteration ${i}: a reason`);
    if (p.incomplete) incomplete++;
    else assert.equal(typeof p.message, 'string', `iteration ${i}: a complete reason has a message`);
    if (p.message === undefined) assert.ok(p.incomplete, `iteration ${i}: no message without saying why`);
  }
  views.forEach((v, k) => v.set(saved[k]));
  assert.ok(incomplete > 40, `some mutations are detected as unreadable (${incomplete} of 400)`);
});
