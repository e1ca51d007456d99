import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateLocation, FrameContext, Loc } from '../../../src/dwarf/expr';
import { readObject, sliceLocation } from '../../../src/dwarf/location';
import { DW_OP } from '../../../src/dwarf/expr-ops';
import { ctx } from './helpers';

/** Deterministic xorshift32, so a failure names a reproducible seed. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
}

function randomBytes(next: () => number, n: number): number[] {
  return Array.from({ length: n }, () => {
    const r = next();
    // small values are more interesting as operands (type offsets 0x10..0x60, sizes, lengths)
    return r % 3 === 0 ? r % 0x70 : (r >>> 8) & 0xff;
  });
}

const KINDS = new Set(['memory', 'value', 'pieces', 'implicit-pointer', 'unavailable']);
const named = new Set<number>(Object.values(DW_OP));
const implemented = (op: number) => named.has(op) || (op >= DW_OP.lit0 && op <= DW_OP.breg31);

function fuzzCtx(seed: number): FrameContext {
  return ctx({
    local: (i) => (i % 3 === 0 ? { type: 'i32', value: i } : i % 3 === 1 ? { type: 'f64', value: 0.5, bits: 0x3fe0000000000000n } : undefined),
    global: (i) => (i < 4 ? { type: 'i64', value: BigInt(i) * 1000n } : undefined),
    operand: (i) => (i === 0 ? { type: 'missing' } : undefined),
    frameBase: () => 64,
    debugAddr: (i) => (i < 8 ? i * 16 : undefined),
    // called DIEs hold random expressions too (which may call again)
    callDie: (off) => (off % 5 === 0 ? undefined : new Uint8Array(randomBytes(rng(seed ^ off), off % 11))),
  });
}

function check(bytes: number[], c: FrameContext, what: string): Loc {
  let loc: Loc;
  try { loc = evaluateLocation(new Uint8Array(bytes), c); } catch (e) {
    assert.fail(`${what}: threw ${(e as Error)?.stack ?? e}`);
  }
  assert.ok(KINDS.has(loc.kind), `${what}: kind ${loc.kind}`);
  if (loc.kind === 'unavailable') {
    assert.ok(loc.reason.length > 0, `${what}: empty reason`);
    assert.doesNotMatch(loc.reason, /evaluator error/, `${what}: ${loc.reason}`);
  }
  // what callers do with a location must not throw either
  for (const size of [1, 4, 8]) { readObject(loc, size, c); readObject(sliceLocation(loc, 1, size), size, c); }
  return loc;
}

test('every opcode alone is implemented or unavailable with a reason; unknown ones say "unsupported"', () => {
  const c = fuzzCtx(1);
  for (let op = 0; op <= 0xff; op++) {
    const loc = check([op], c, `opcode 0x${op.toString(16)}`);
    if (!implemented(op)) {
      assert.equal(loc.kind, 'unavailable');
      assert.match((loc as { reason: string }).reason, /^unsupported DWARF operation DW_OP_/, `opcode 0x${op.toString(16)}`);
    }
  }
});

test('every opcode followed by random bytes (and after typed and generic values) gives a location or unavailable, quickly', () => {
  const prefixes: number[][] = [[], [0x38], [0xa4, 0x10, 4, 1, 2, 3, 4], [0xa4, 0x30, 8, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f], [0xed, 0x00, 0x00], [0x9f]];
  const t0 = Date.now();
  let n = 0;
  for (let op = 0; op <= 0xff; op++) {
    for (let seed = 1; seed <= 40; seed++) {
      const next = rng(op * 7919 + seed);
      const prefix = prefixes[seed % prefixes.length];
      const bytes = [...prefix, op, ...randomBytes(next, next() % 24)];
      check(bytes, fuzzCtx(seed), `seed ${seed}: [${bytes.map((b) => b.toString(16)).join(' ')}]`);
      n++;
    }
  }
  const ms = Date.now() - t0;
  assert.ok(ms < 20_000, `${n} evaluations took ${ms} ms`);
});
