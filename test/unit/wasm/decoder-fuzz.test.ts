/**
 * Seeded random function bodies: the decoder either decodes them or throws
 * a typed error, never anything else, never hangs; the boundary scan and the
 * full decoder agree; WAT rendering never throws on what decodes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WasmCoreError } from '../../../src/util/errors';
import { decodeFunction, instructionBoundaries } from '../../../src/wasm/decoder';
import { allOpcodes } from '../../../src/wasm/opcodes';
import { functionToWat } from '../../../src/wasm/wat';
import { oneFunction, uleb } from './builder';
import { prng } from '../../prng';


const ops = allOpcodes();

/** Mostly-valid instruction bytes: a known opcode followed by a few random immediate bytes. */
function randomBody(rand: () => number): number[] {
  const out: number[] = [];
  const n = 1 + Math.floor(rand() * 40);
  for (let i = 0; i < n; i++) {
    const r = rand();
    if (r < 0.1) { out.push(Math.floor(rand() * 256)); continue; } // any byte
    const o = ops[Math.floor(rand() * ops.length)];
    if (o.prefix) out.push(o.prefix, ...uleb(o.code)); else out.push(o.code);
    const immBytes = Math.floor(rand() * 4);
    for (let k = 0; k < immBytes; k++) out.push(rand() < 0.7 ? Math.floor(rand() * 0x40) : Math.floor(rand() * 256));
  }
  if (rand() < 0.8) out.push(0x0b);
  return out;
}

test('random bodies: a model or a typed error, boundaries agree with the decoder', () => {
  const rand = prng(0xc0ffee);
  let decoded = 0, rejected = 0;
  const t0 = Date.now();
  for (let iter = 0; iter < 3000; iter++) {
    const b = oneFunction(randomBody(rand));
    let addrs: number[] | undefined;
    try {
      addrs = [...decodeFunction(b.module, 0)].map((i) => i.addr);
    } catch (e) {
      assert.ok(e instanceof WasmCoreError, `iteration ${iter}: untyped ${String(e)}`);
      assert.equal(e.where.section, 'code');
      assert.ok(e.where.offset !== undefined && e.where.offset >= b.firstInstr[0] && e.where.offset <= b.bytes.length, `iteration ${iter}: offset ${e.where.offset}`);
      assert.throws(() => instructionBoundaries(b.module, 0), WasmCoreError);
      rejected++;
      continue;
    }
    decoded++;
    assert.deepEqual(Array.from(instructionBoundaries(b.module, 0)), addrs, `iteration ${iter}`);
    const w = functionToWat(b.module, 0);
    assert.equal(w.lines.length, addrs.length);
  }
  assert.ok(decoded > 50 && rejected > 50, `decoded ${decoded}, rejected ${rejected}`);
  assert.ok(Date.now() - t0 < 20_000, 'bounded time');
});
