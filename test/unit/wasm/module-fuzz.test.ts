/**
 * Seeded byte flips and truncations of real modules: every lazily parsed
 * part of WasmModule, the decoder and the WAT renderer give a model or a
 * typed error (WasmCoreError), never another exception.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { WasmCoreError } from '../../../src/util/errors';
import { codeAddr } from '../../../src/util/offsets';
import { WasmModule } from '../../../src/wasm/module';
import { decodeFunction, isInstructionBoundary } from '../../../src/wasm/decoder';
import { formatInstr, functionToWat } from '../../../src/wasm/wat';

const FILES = [
  '../shared/corpus/binaryen/test/passes/fib2_dwarf.wasm',
  '../shared/corpus/binaryen/test/passes/dwarf_with_exceptions.wasm',
  '../shared/corpus/thesis-sk-machine/minimal.wasm',
  '../shared/corpus/binaryen/test/lit/binary/dwarf-multivalue.test.wasm',
  'test/fixtures/c-clang19-O0-dwarf4/prog.wasm',
].filter(existsSync);

/** Run `f`; a WasmCoreError is an acceptable outcome, anything else fails the test. */
function typedOrOk(what: string, f: () => void): void {
  try { f(); } catch (e) {
    if (!(e instanceof WasmCoreError)) assert.fail(`${what}: untyped ${e instanceof Error ? e.stack : String(e)}`);
  }
}

test('mutated modules: a model or a typed error', (t) => {
  if (FILES.length === 0) { t.skip('no corpus or fixture modules present'); return; }
  let seed = 0x5eed;
  const rand = () => { seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff; return seed / 0x80000000; };
  for (const file of FILES) {
    const orig = new Uint8Array(readFileSync(file));
    for (let it = 0; it < 300; it++) {
      const b = orig.slice();
      const flips = 1 + Math.floor(rand() * 4);
      for (let k = 0; k < flips; k++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
      const bytes = rand() < 0.2 ? b.subarray(0, Math.floor(rand() * b.length)) : b;
      const what = `${file} #${it}`;
      typedOrOk(what, () => {
        const m = new WasmModule(bytes, file);
        for (const get of [() => m.types, () => m.imports, () => m.exports, () => m.memories, () => m.globals, () => m.names,
          () => m.buildId, () => m.externalDebugInfo, () => m.customSectionNames]) typedOrOk(what, get);
        let bodies: WasmModule['bodies'] = [];
        typedOrOk(what, () => { bodies = m.bodies; });
        for (const body of bodies) {
          typedOrOk(what, () => {
            for (const i of decodeFunction(m, body.index)) formatInstr(m, i);
            functionToWat(m, body.index);
            isInstructionBoundary(m, codeAddr(body.firstInstr - (m.codeSectionStart as number)));
          });
        }
        for (let k = 0; k < Math.min(m.functionCount + 2, 200); k++) typedOrOk(what, () => { m.funcType(k); m.functionName(k); });
      });
    }
  }
});
