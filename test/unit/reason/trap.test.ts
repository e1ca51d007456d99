/** Trap wording from the operands a dump records: a failed call_indirect (null slot, out of the table, signature mismatch). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PostMortemTarget } from '../../../src/target/target';
import { crashReason } from '../../../src/reason';
import { buildModule, section, sleb, uleb, vec, I32 } from '../wasm/builder';
import { buildCoreDump } from '../coredump/build';

function target(slot: number): PostMortemTarget {
  const m = buildModule({
    types: [{ params: [], results: [] }, { params: [I32], results: [I32] }],
    // func 0: i32.const 7; i32.const SLOT; call_indirect (type 1) table 0; drop — func 1 has type 0
    funcs: [{ type: 0, code: [0x41, ...sleb(7), 0x41, ...sleb(slot), 0x11, 0x01, 0x00, 0x1a, 0x0b] }, { type: 0, code: [0x0b] }],
    names: { funcs: { 0: 'caller', 1: 'on_tick' } },
    extra: [section(4, vec([[0x70, 0x00, ...uleb(4)]])), section(9, vec([[0x00, 0x41, 1, 0x0b, ...vec([[1]])]]))],
  });
  const callAt = 1 + 2 + 1 + sleb(slot).length; // body offset of call_indirect (after the locals byte and two i32.const)
  const core = buildCoreDump({
    threads: [{ name: 'main', frames: [{ func: 0, offset: callAt, locals: [], stack: [{ t: 'i32', v: 7 }, { t: 'i32', v: slot }] }] }],
    memories: [{ pages: 1 }],
  });
  return PostMortemTarget.fromBytes({ coreDump: { bytes: core, file: 't.coredump' }, modules: [{ bytes: m.bytes, file: 'test.wasm' }] });
}

test('call_indirect traps say which slot and why, from the operand stack and the element section', () => {
  const mismatch = crashReason(target(1), 0);
  assert.equal(mismatch.trap.kind, 'indirect-call');
  assert.match(mismatch.message, /^indirect call signature mismatch: table slot 1 holds on_tick \(\) -> \(\), the call expects \(i32\) -> \(i32\) in caller/);
  assert.match(crashReason(target(0), 0).message, /^null function pointer called \(table slot 0 is empty\) in caller/);
  assert.match(crashReason(target(3), 0).message, /^call through an empty or out-of-bounds function table slot 3 in caller/);
});
