/** Random input never escapes as anything but a typed error (expressions) or an "unavailable" location (DWARF). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateExpression } from '../../../src/eval/evaluate';
import { EvalError } from '../../../src/eval/errors';
import { evaluateLocation } from '../../../src/dwarf/expr';
import { formatValue } from '../../../src/values/format';
import { toVariable } from '../../../src/values/variable';
import { env, ctx } from './world';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 0x100000000; };
}

const PIECES = ['a', 'it', 'grid', 'b', 'fl', 'name', 'huge', 'gone', '.', '->', '*', '&', '[', ']', '(', ')', '1', '0x10', '-', '+', '/', '%',
  '<<', '>>', '<', '==', '&&', '||', '!', '~', '?', ':', 'id', 'next', 'label', 'price', 'sizeof', 'struct Item', 'int', '$global0', "'x'", '2.5f', ' '];

test('random expressions: a value or an EvalError, never another exception', () => {
  const r = rng(42);
  for (let i = 0; i < 3000; i++) {
    const n = 1 + Math.floor(r() * 8);
    let src = '';
    for (let k = 0; k < n; k++) src += PIECES[Math.floor(r() * PIECES.length)];
    try {
      const v = evaluateExpression(src, env);
      const vr = toVariable(src, v, src);
      void vr.value;
      if (vr.hasChildren) for (const c of vr.children(0, 5)) void c.value;
    } catch (e) {
      if (!(e instanceof EvalError)) assert.fail(`${JSON.stringify(src)} threw ${e instanceof Error ? e.stack : String(e)}`);
    }
  }
});

test('random DWARF expressions never throw and always finish', () => {
  const r = rng(7);
  for (let i = 0; i < 5000; i++) {
    const bytes = new Uint8Array(1 + Math.floor(r() * 16)).map(() => Math.floor(r() * 256));
    const loc = evaluateLocation(bytes, { ...ctx, frameBase: () => 64 });
    assert.ok(['memory', 'value', 'pieces', 'implicit-pointer', 'unavailable'].includes(loc.kind));
    void formatValue({ type: { kind: 'base', name: 'int', size: 4, encoding: 'signed' }, loc, ctx });
  }
});
