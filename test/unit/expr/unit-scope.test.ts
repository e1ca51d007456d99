/**
 * unitExprScope on real DWARF (a clang-19 DWARF 5 fixture): base types by
 * unit offset, DW_OP_call* to real DIEs, and typed operations resolved
 * through the unit, evaluated as FrameState wires them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { WasmModule } from '../../../src/wasm/module';
import { DwarfSections } from '../../../src/dwarf/sections';
import { Dwarf } from '../../../src/dwarf/dwarf';
import * as C from '../../../src/dwarf/constants';
import { evaluateLocation } from '../../../src/dwarf/expr';
import { baseTypeAt, unitExprScope } from '../../../src/dwarf/expr-unit';
import { ctx, bytes, le } from './helpers';

const FILE = 'test/fixtures/c-clang19-O0-dwarf5/prog.wasm';

test('base types, called DIEs and typed expressions resolve through a real unit', (t) => {
  if (!existsSync(FILE)) { t.skip(`${FILE} not built`); return; }
  const dw = new Dwarf(DwarfSections.fromModule(new WasmModule(new Uint8Array(readFileSync(FILE)), FILE)));
  let baseTypes = 0, calls = 0, typed = 0, lists = 0;
  for (const unit of dw.units()) {
    const scope = unitExprScope(unit, 0);
    const dies = unit.parseTree();
    let int: number | undefined, char: number | undefined;
    for (const d of dies) {
      const rel = d.offset - unit.offset;
      if (d.tag === C.DW_TAG_base_type) {
        baseTypes++;
        assert.deepEqual(baseTypeAt(unit, rel), { encoding: d.udata(C.DW_AT_encoding), byteSize: d.udata(C.DW_AT_byte_size) }, `${d}`);
        if (d.name === 'int') int = rel;
        if (d.name === 'char') char = rel;
      } else {
        assert.equal(baseTypeAt(unit, rel), undefined, `${d} is not a base type`);
      }
      const loc = d.exprloc(C.DW_AT_location);
      if (loc && d.tag === C.DW_TAG_variable) {
        calls++;
        assert.deepEqual(scope.callDie(rel, 'call4'), loc);
        assert.deepEqual(scope.callDie(d.offset, 'call_ref'), loc);
        // evaluated through DW_OP_call4, the variable's location is the same as its own
        const c = ctx({ ...scope, debugAddr: (i) => unit.readAddrIndex(i) });
        const call4 = [0x99, ...le(rel, 4)];
        assert.deepEqual(evaluateLocation(new Uint8Array(call4), c), evaluateLocation(loc, c), `${d}`);
      }
      const list = !loc && d.tag === C.DW_TAG_variable ? d.locationList() : undefined;
      if (list?.length) {
        lists++;
        // a location list is chosen by the frame's address
        assert.deepEqual(unitExprScope(unit, list[0].begin).callDie(rel, 'call2'), list[0].expr, `${d}`);
        assert.equal(unitExprScope(unit, undefined).callDie(rel, 'call2'), undefined);
      }
    }
    assert.equal(scope.callDie(0x7fffff, 'call4'), undefined);
    if (int !== undefined && char !== undefined && int < 0x80 && char < 0x80) {
      typed++;
      // const_type int -3; convert char; stack_value -> one byte 0xfd
      const c = ctx({ ...unitExprScope(unit) });
      assert.deepEqual(bytes(evaluateLocation(new Uint8Array([0xa4, int, 4, ...le(-3, 4), 0xa8, char, 0x9f]), c)), [0xfd]);
    }
  }
  assert.ok(baseTypes > 0 && calls > 0 && typed > 0 && lists > 0, `base types ${baseTypes}, calls ${calls}, typed ${typed}, lists ${lists}`);
});
