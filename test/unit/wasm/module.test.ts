import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { FormatError } from '../../../src/util/errors';
import { ByteReader } from '../../../src/util/reader';
import { WasmModule, readLimits, readValType, skipConstExpr } from '../../../src/wasm/module';
import { I32, I64, buildModule, section, str, uleb, vec } from './builder';

test('function types, imports and names with imports in the index space', () => {
  const b = buildModule({
    types: [{ params: [], results: [] }, { params: [I32, I64], results: [I32] }],
    imports: [{ module: 'env', field: 'abort', type: 0 }, { module: 'wasi', field: 'exit', type: 1 }],
    funcs: [{ type: 1, code: [0x41, 0, 0x0b] }],
    names: { funcs: { 2: 'main' }, locals: { 2: { 0: 'argc' } }, globals: { 0: 'sp' } },
  });
  const m = b.module;
  assert.equal(m.importedFunctionCount, 2);
  assert.equal(m.functionCount, 3);
  assert.deepEqual(m.funcType(1), { params: ['i32', 'i64'], results: ['i32'] });
  assert.deepEqual(m.funcType(2), { params: ['i32', 'i64'], results: ['i32'] });
  assert.equal(m.funcType(3), undefined);
  assert.equal(m.funcType(-1), undefined);
  assert.equal(m.functionName(0), 'env.abort');
  assert.equal(m.functionName(2), 'main');
  assert.equal(m.names.locals.get(2)?.get(0), 'argc');
  assert.equal(m.names.globals.get(0), 'sp');
  assert.equal(m.body(2)?.firstInstr, b.firstInstr[0]);
  assert.equal(m.body(0), undefined);
});

test('a malformed name section keeps the names read before the error', () => {
  const goodFuncs = section(1, vec([[0, ...str('first')]]));
  const badLocals = [2, ...uleb(10), 0x05, 0x00]; // claims 10 bytes, has 2
  const b = buildModule({ funcs: [{ type: 0, code: [0x0b] }], extra: [section(0, [...str('name'), ...goodFuncs, ...badLocals])] });
  const n = b.module.names;
  assert.equal(n.functions.get(0), 'first');
  assert.match(n.error ?? '', /unexpected end/);
});

test('unknown value types are a FormatError, typed references are spelled as WAT', () => {
  const r = (bytes: number[]) => new ByteReader(new Uint8Array(bytes), 'x.wasm', 'type');
  assert.equal(readValType(r([0x7b])), 'v128');
  assert.equal(readValType(r([0x63, 0x70])), '(ref null func)');
  assert.equal(readValType(r([0x64, 0x05])), '(ref 5)');
  assert.equal(readValType(r([0x64, 0xc0, 0x00])), '(ref 64)'); // s33 index whose first byte has bit 6 set
  assert.equal(readValType(r([0x63, 0x65, 0x6e])), '(ref null (shared any))');
  assert.throws(() => readValType(r([0x63, 0x50])), /unknown heap type 0x50/);
  assert.equal(readValType(r([0x6e])), 'anyref');
  assert.throws(() => readValType(r([0x55])), (e: unknown) => e instanceof FormatError && e.where.offset === 0 && /unknown value type 0x55/.test(e.message));
});

test('limits: memory64, shared, custom page sizes', () => {
  const r = (bytes: number[]) => new ByteReader(new Uint8Array(bytes), 'x.wasm', 'memory');
  assert.deepEqual(readLimits(r([0x01, 1, 2])), { min: 1, max: 2, memory64: false, shared: false });
  assert.deepEqual(readLimits(r([0x07, 1, 2])), { min: 1, max: 2, memory64: true, shared: true });
  assert.deepEqual(readLimits(r([0x08, 1, 0])), { min: 1, max: undefined, memory64: false, shared: false, pageSizeLog2: 0 });
  assert.throws(() => readLimits(r([0x10, 1])), /bad limits flags/);
});

test('constant expressions with extended-const, GC and SIMD instructions are skipped', () => {
  const r = (bytes: number[]) => new ByteReader(new Uint8Array(bytes), 'x.wasm', 'global');
  const cases = [
    [0x41, 0x05, 0x41, 0x02, 0x6a, 0x0b],                // i32.const 5 i32.const 2 i32.add
    [0xfb, 0x08, 0x01, 0x02, 0x0b],                      // array.new_fixed 1 2
    [0xfd, 0x0c, ...new Array(16).fill(0), 0x0b],        // v128.const
    [0x41, 0x01, 0xfb, 0x1c, 0x0b],                      // ref.i31
  ];
  for (const c of cases) {
    const rd = r([...c, 0xaa]);
    skipConstExpr(rd);
    assert.equal(rd.pos, c.length);
  }
  assert.throws(() => skipConstExpr(r([0x41])), FormatError);
});

test('build_id: length-prefixed (BuildId.md) and raw (older producers)', () => {
  const withBuildId = (content: number[]) => buildModule({ extra: [section(0, [...str('build_id'), ...content])] }).module.buildId;
  assert.equal(withBuildId([4, 0xde, 0xad, 0xbe, 0xef]), 'deadbeef');
  assert.equal(withBuildId([0xbd, 0xa1, 0x8f, 0xd8]), 'bda18fd8');
  assert.equal(buildModule({}).module.buildId, undefined);
  const corpus = '../shared/corpus/';
  if (existsSync(corpus)) {
    const id = (f: string) => new WasmModule(new Uint8Array(readFileSync(corpus + f)), f).buildId;
    assert.equal(id('binaryen/test/lit/binary/custom-section-build-id.test.wasm'), '01ab23cd45ef67ab89');
    assert.equal(id('symbolic/symbolic-testutils/fixtures/wasm/simple.wasm'), 'bda18fd85d4a4eb893022d6bfad846b1');
    assert.equal(id('symbolic/symbolic-testutils/fixtures/wasm/emscripten/index.wasm'), 'da03eb5d63d750faab0fb8e7cc12a1c3');
  }
});

test('GC type section: rec groups, struct and array entries', () => {
  const types = [
    0x4e, 2,                               // rec group of 2
    0x5f, 1, I32, 1,                       //   struct (field (mut i32))
    0x50, 0, 0x5e, 0x78, 0,                //   sub () array i8
    0x60, 0, 1, I32,                       // func () -> i32
  ];
  const bytes = [0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...section(1, [2, ...types])];
  const m = new WasmModule(new Uint8Array(bytes), 'gc.wasm');
  assert.deepEqual(m.types.map((t) => t.kind ?? 'func'), ['struct', 'array', 'func']);
  assert.deepEqual(m.types[2].results, ['i32']);
});
