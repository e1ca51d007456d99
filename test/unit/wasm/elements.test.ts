/** Function table slots from the element section: every segment encoding (flags 0-7). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import { WasmModule } from '../../../src/wasm/module';
import { tableFunctions } from '../../../src/wasm/elements';
import { buildModule, section, sleb, uleb, vec } from './builder';
import { findTool, TOOLS } from '../../tools';

const i32c = (n: number) => [0x41, ...sleb(n), 0x0b];
const refFunc = (f: number) => [0xd2, ...uleb(f), 0x0b];
const refNull = [0xd0, 0x70, 0x0b];

test('element segments: active (table 0 and others, indices or expressions), passive and declarative', () => {
  const segs = [
    [0x00, ...i32c(1), ...vec([[0], [1]])], // active, table 0, function indices: slots 1, 2
    [0x01, 0x00, ...vec([[1]])], // passive: not in the table
    [0x02, ...uleb(1), ...i32c(0), 0x00, ...vec([[1]])], // active in table 1
    [0x03, 0x00, ...vec([[0]])], // declarative
    [0x04, ...i32c(10), ...vec([refFunc(1), refNull, refFunc(0)])], // active, expressions: 10, (11 null), 12
    [0x05, 0x70, ...vec([refFunc(0)])], // passive, expressions
    [0x06, ...uleb(0), ...i32c(20), 0x70, ...vec([refFunc(1)])], // active, table 0 explicit, expressions
    [0x07, 0x70, ...vec([refFunc(1)])], // declarative, expressions
    [0x00, 0x23, 0x00, 0x0b, ...vec([[1]])], // offset from a global: unknown, skipped
  ];
  const b = buildModule({
    funcs: [{ type: 0, code: [0x0b] }, { type: 0, code: [0x0b] }],
    extra: [section(9, [...uleb(segs.length), ...segs.flat()])],
  });
  const t0 = tableFunctions(b.module);
  assert.deepEqual([...t0.entries()].sort((x, y) => x[0] - y[0]), [[1, 0], [2, 1], [10, 1], [12, 0], [20, 1]]);
  assert.deepEqual([...tableFunctions(b.module, 1).entries()], [[0, 1]]);
});

const objdumpTool = findTool(TOOLS.wasmObjdump);
const HAVE_OBJDUMP = objdumpTool.bin !== undefined;

test('table slots of the real fixtures equal wasm-objdump\'s Elem listing', { skip: !HAVE_OBJDUMP && objdumpTool.missing }, () => {
  for (const file of ['test/fixtures/rust-1.63-O0/prog.wasm', 'test/fixtures/c-clang19-O0-dwarf4/prog.wasm', 'test/fixtures/cpp-clang19-O0/prog.wasm']) {
    const m = new WasmModule(new Uint8Array(fs.readFileSync(file)), file);
    const r = spawnSync('wasm-objdump', ['-x', '-j', 'Elem', file], { encoding: 'utf8' });
    const want = [...r.stdout.matchAll(/^ {2}- elem\[(\d+)\] = (?:ref\.func:)?func\[(\d+)\]/gm)].map((x) => [Number(x[1]), Number(x[2])]);
    if (/Section not found: Elem/.test(r.stdout + r.stderr)) assert.equal(want.length, 0); // no function table entries (the C fixture)
    else assert.ok(want.length > 0, `${file}: wasm-objdump listed elements`);
    assert.deepEqual([...tableFunctions(m).entries()].sort((a, b) => a[0] - b[0]), want, file);
  }
});
