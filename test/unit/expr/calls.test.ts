import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CallKind, evaluateLocation, evaluateNumber, FrameContext } from '../../../src/dwarf/expr';
import { T, bytes, cType, ctx, le, reason } from './helpers';

const ev = (b: number[], c: FrameContext) => evaluateLocation(new Uint8Array(b), c);

/** A context whose DIEs (by unit offset, or section offset for call_ref) hold the given expressions. */
function withDies(dies: Record<number, number[] | undefined>, log: Array<[number, CallKind]> = [], over: Partial<FrameContext> = {}): FrameContext {
  return ctx({
    callDie: (off, kind) => { log.push([off, kind]); const e = dies[off]; return e && new Uint8Array(e); },
    ...over,
  });
}

test('DW_OP_call2/call4/call_ref run the DIE\'s location expression on the same stack', () => {
  const log: Array<[number, CallKind]> = [];
  const c = withDies({ 0x100: [0x35], 0x12345: [0x23, 0x04], 0x2000: [0x12, 0x1e] }, log);
  // lit3; call2 0x100 (pushes 5); plus; stack_value
  assert.equal(evaluateNumber(new Uint8Array([0x33, 0x98, 0x00, 0x01, 0x22, 0x9f]), c), 8);
  // lit16; call4 0x12345 (plus_uconst 4): a memory location
  assert.deepEqual(ev([0x40, 0x99, 0x45, 0x23, 0x01, 0x00], c), { kind: 'memory', addr: 20 });
  // lit7; call_ref 0x2000 (dup; mul), 4-byte offset in DWARF32
  assert.equal(evaluateNumber(new Uint8Array([0x37, 0x9a, 0x00, 0x20, 0x00, 0x00, 0x9f]), c), 49);
  assert.deepEqual(log, [[0x100, 'call2'], [0x12345, 'call4'], [0x2000, 'call_ref']]);
  // DWARF64: call_ref takes an 8-byte offset
  const c64 = withDies({ 0x2000: [0x12, 0x1e] }, [], { offsetSize: 8 });
  assert.equal(evaluateNumber(new Uint8Array([0x37, 0x9a, 0x00, 0x20, 0, 0, 0, 0, 0, 0, 0x9f]), c64), 49);
});

test('a called DIE without a location does nothing; one that cannot be found is unavailable', () => {
  const c = withDies({ 0x10: [] });
  assert.equal(evaluateNumber(new Uint8Array([0x33, 0x98, 0x10, 0x00, 0x9f]), c), 3);
  assert.match(reason(ev([0x33, 0x98, 0x11, 0x00], c)), /DW_OP_call2 0x11: the called DIE or its location cannot be found/);
  assert.match(reason(ev([0x98, 0x10, 0x00], ctx())), /DIEs cannot be looked up here/);
  assert.match(reason(ev([0x98, 0x10], c)), /malformed/);
});

test('called expressions: pieces and values, errors inside them', () => {
  const c = withDies({ 0x10: [0x35, 0x9f], 0x20: [0x22], 0x30: [0x0c, 0x01], 0x40: [0x31, 0x93, 0x04] });
  assert.deepEqual(bytes(ev([0x98, 0x10, 0x00], c)), le(5, 8));
  assert.match(reason(ev([0x98, 0x10, 0x00, 0x31], c)), /DW_OP_lit1 after DW_OP_stack_value/);
  assert.match(reason(ev([0x98, 0x20, 0x00], c)), /underflow/);
  assert.match(reason(ev([0x98, 0x30, 0x00], c)), /malformed DWARF expression: .*u32/);
  const pieces = ev([0x98, 0x40, 0x00, 0x32, 0x93, 0x04], c);
  assert.deepEqual(pieces, { kind: 'pieces', parts: [
    { sizeBits: 32, offsetBits: 0, loc: { kind: 'memory', addr: 1 } },
    { sizeBits: 32, offsetBits: 0, loc: { kind: 'memory', addr: 2 } },
  ] });
});

test('recursive calls are bounded in depth and steps, never a hang', () => {
  const self = withDies({ 0x10: [0x98, 0x10, 0x00] });
  assert.match(reason(ev([0x98, 0x10, 0x00], self)), /calls nested deeper than 32/);
  // each level loops a while before calling the next: the shared step budget ends it
  const busy = withDies({ 0x10: [0x08, 200, 0x31, 0x1c, 0x12, 0x28, 0xfa, 0xff, 0x13, 0x98, 0x10, 0x00] });
  const t0 = Date.now();
  assert.match(reason(ev([0x98, 0x10, 0x00], busy)), /did not finish within/);
  assert.ok(Date.now() - t0 < 2000);
});

test('a DIE of another unit resolves base types and calls there', () => {
  const other = { 0x10: { encoding: 0x08, byteSize: 1 } }; // in the other unit, 0x10 is an unsigned char
  const c = ctx({
    callDie: (off, kind) => {
      if (kind === 'call_ref' && off === 0x5000) {
        return { expr: new Uint8Array([0xa4, 0x10, 1, 0xff, 0x98, 0x20, 0x00]), baseType: (o) => other[o as 0x10], callDie: (o) => (o === 0x20 ? new Uint8Array([0xa8, 0x10]) : undefined) };
      }
      return undefined;
    },
  });
  // in this unit 0x10 is a 4-byte int; the called expression pushes its own unit's unsigned char 255 and converts it there
  assert.deepEqual(bytes(ev([0x9a, 0x00, 0x50, 0x00, 0x00, 0x9f], c)), [0xff]);
  assert.deepEqual(bytes(ev([...cType(T.int, le(-1, 4)), 0x9f], c)), le(-1, 4));
  // a called expression of another unit without base types cannot use typed operations
  const bare = ctx({ callDie: () => ({ expr: new Uint8Array(cType(0x10, [1])) }) });
  assert.match(reason(ev([0x9a, 0, 0, 0, 0], bare)), /base types cannot be looked up/);
});

test('entry values, parameter refs, TLS, object addresses and variable values', () => {
  const c = ctx();
  assert.match(reason(ev([0xa3, 0x02, 0xed, 0x00, 0x9f], c)), /entry value/);
  assert.match(reason(ev([0xf3, 0x01, 0x50, 0x9f], c)), /entry value/);
  assert.match(reason(ev([0xfa, 0x10, 0x00, 0x00, 0x00], c)), /DW_OP_GNU_parameter_ref: the value passed by the caller was not recorded/);
  assert.match(reason(ev([0x08, 0x10, 0x9b], c)), /DW_OP_form_tls_address: thread-local storage/);
  assert.match(reason(ev([0x08, 0x10, 0xe0], c)), /DW_OP_GNU_push_tls_address: thread-local storage/);
  assert.match(reason(ev([0x97], c)), /without an object/);
  assert.deepEqual(ev([0x97, 0x23, 0x04], ctx({ objectAddress: 0x40 })), { kind: 'memory', addr: 0x44 });
  assert.match(reason(ev([0xfd, 0x10, 0x00, 0x00, 0x00], c)), /DW_OP_GNU_variable_value/);
  assert.match(reason(ev([0xf1], c)), /^unsupported DWARF operation DW_OP_GNU_encoded_addr at offset 0$/);
});
