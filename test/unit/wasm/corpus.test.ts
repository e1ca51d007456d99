/**
 * Every module of the shared corpus and of test/fixtures loads, every
 * function decodes, and every function renders as WAT with one line per
 * instruction.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { WasmModule } from '../../../src/wasm/module';
import { decodeFunction, instructionBoundaries } from '../../../src/wasm/decoder';
import { functionToWat } from '../../../src/wasm/wat';

function walk(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(wasm|o|coredump|dwp)$/.test(name)) out.push(p);
  }
  return out;
}

const files = [...walk('../shared/corpus'), ...walk('test/fixtures')];

test('the shared corpus is present', (t) => {
  if (!existsSync('../shared/corpus')) { t.skip('../shared/corpus not present'); return; }
  assert.ok(files.length > 20);
});

for (const file of files) {
  test(`loads and decodes: ${file}`, () => {
    const m = new WasmModule(new Uint8Array(readFileSync(file)), file);
    // touch every lazily parsed part
    void m.types; void m.imports; void m.exports; void m.memories; void m.globals; void m.names; void m.buildId;
    assert.equal(m.names.error, undefined, `name section: ${m.names.error}`);
    assert.equal(m.bodies.length, m.functionTypeIndices.length);
    const big = m.bodies.length > 400;
    for (const body of m.bodies) {
      const bounds = instructionBoundaries(m, body.index);
      let n = 0;
      let last = -1;
      for (const instr of decodeFunction(m, body.index)) {
        assert.equal(instr.addr, bounds[n]);
        assert.ok(instr.addr > last);
        last = instr.addr;
        n++;
      }
      assert.equal(n, bounds.length);
      assert.equal(last + 1 + (m.codeSectionStart as number), body.end, 'final end is the last byte');
      // WAT for every function of smaller modules, every 7th of the big ones (keeps the suite fast)
      if (!big || body.index % 7 === 0) {
        const w = functionToWat(m, body.index);
        assert.equal(w.lines.length, n);
        assert.equal(w.text.split('\n').length - 1, w.lines[w.lines.length - 1].line);
      }
    }
  });
}
