import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFunction } from '../../../src/wasm/decoder';
import { f32Text, f64Text, formatInstr, functionToWat, watId } from '../../../src/wasm/wat';
import { F64, I32, I64, buildModule, sleb } from './builder';

function texts(code: number[], spec: Parameters<typeof buildModule>[0] = {}): string[] {
  const b = buildModule({ funcs: [{ type: 0, code }], ...spec });
  const idx = b.module.importedFunctionCount;
  return [...decodeFunction(b.module, idx)].map((i) => formatInstr(b.module, i));
}

test('instruction text: constants, memargs, labels, names', () => {
  const spec = {
    imports: [{ module: 'env', field: 'abort', type: 0 }],
    names: { funcs: { 1: 'crash_now' }, locals: { 1: { 0: 'x' } }, globals: { 0: '__stack_pointer' } },
  };
  const t = texts([
    0x41, ...sleb(-5), 0x1a,
    0x42, ...sleb(-(1n << 63n)), 0x1a,
    0x10, 1, 0x10, 0,
    0x20, 0, 0x20, 1, 0x1a, 0x1a,
    0x23, 0,
    0x28, 2, 12,           // i32.load offset=12 (natural align: omitted)
    0x28, 0, 0,            // i32.load align=1
    0x29, 3, 0, 0x1a,      // i64.load (natural)
    0x02, 0x40, 0x41, 1, 0x0d, 1, 0x0b,
    0x41, 0, 0x0e, 2, 0, 1, 2, 0x0b,
  ], spec);
  assert.deepEqual(t, [
    'i32.const -5', 'drop', 'i64.const -9223372036854775808', 'drop',
    'call $crash_now', 'call 0 (; env.abort ;)',
    'local.get $x', 'local.get 1', 'drop', 'drop',
    'global.get $__stack_pointer',
    'i32.load offset=12', 'i32.load align=1', 'i64.load', 'drop',
    'block', 'i32.const 1', 'br_if 1', 'end',
    'i32.const 0', 'br_table 0 1 2', 'end',
  ]);
});

test('instruction text: floats, SIMD, reference and bulk instructions, block types', () => {
  const types = [{ params: [], results: [] }, { params: [I32], results: [I32, I64] }];
  const t = texts([
    0x43, 0x00, 0x00, 0xc0, 0x3f,                  // f32.const 1.5
    0x43, 0xcd, 0xcc, 0xcc, 0x3d,                  // f32.const 0.1
    0x44, 0, 0, 0, 0, 0, 0, 0x08, 0x40,            // f64.const 3
    0x44, 0, 0, 0, 0, 0, 0, 0xf8, 0x7f,            // f64.const nan
    0x02, 0x01, 0x0b,                              // block (type 1) (param i32) (result i32 i64)
    0x03, F64, 0x0b,                               // loop (result f64)
    0xfd, 12, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 0xff, 0xff, 0xff, 0xff,
    0xfd, 13, ...Array.from({ length: 16 }, (_, i) => i),
    0xfd, 22, 15,
    0xfd, 87, 3, 16, 1,                            // v128.load64_lane offset=16 1
    0xd0, 0x6f, 0xd0, 0x73, 0xd2, 0,
    0xfc, 8, 2, 0, 0xfc, 10, 0, 0, 0xfc, 11, 0, 0xfc, 14, 0, 0, 0xfc, 12, 3, 1,
    0x1c, 1, I32,
    0x3f, 0, 0x40, 0,
    0xfe, 0x10, 2, 8, 0xfe, 3, 0,
    0x1f, 0x40, 2, 0x01, 0, 0, 0x03, 1, 0x0b,
    0xfb, 22, 0x6c, 0xfb, 25, 2, 0, 0x6e, 3,
    0x0b,
  ], { types });
  assert.deepEqual(t, [
    'f32.const 1.5', 'f32.const 0.1', 'f64.const 3', 'f64.const nan',
    'block (type 1) (param i32) (result i32 i64)', 'end', 'loop (result f64)', 'end',
    'v128.const i32x4 0x00000001 0x00000002 0x00000003 0xffffffff',
    'i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15',
    'i8x16.extract_lane_u 15', 'v128.load64_lane offset=16 1',
    'ref.null extern', 'ref.null nofunc', 'ref.func 0',
    'memory.init 2', 'memory.copy', 'memory.fill', 'table.copy', 'table.init 1 3',
    'select (result i32)', 'memory.size', 'memory.grow',
    'i32.atomic.load offset=8', 'atomic.fence',
    'try_table (catch_ref 0 0) (catch_all_ref 1)', 'end',
    'ref.cast (ref i31)', 'br_on_cast_fail 0 (ref any) (ref null 3)',
    'end',
  ]);
});

test('float text round-trips, keeps -0, inf and NaN payloads', () => {
  const f32bits = (x: number) => { const d = new DataView(new ArrayBuffer(4)); d.setFloat32(0, x); return d.getUint32(0); };
  for (const x of [0.1, 1 / 3, 3.4028234663852886e38, 1.401298464324817e-45, 16777217, -2.5, 123456.789]) {
    const bits = f32bits(x);
    assert.equal(f32bits(Number(f32Text(bits))), bits, `f32 ${x} -> ${f32Text(bits)}`);
  }
  assert.equal(f32Text(f32bits(0.1)), '0.1');
  assert.equal(f32Text(0x80000000), '-0');
  assert.equal(f32Text(0x7f800000), 'inf');
  assert.equal(f32Text(0xff800000), '-inf');
  assert.equal(f32Text(0x7fc00000), 'nan');
  assert.equal(f32Text(0x7f800001), 'nan:0x1');
  const f64bits = (x: number) => { const d = new DataView(new ArrayBuffer(8)); d.setFloat64(0, x); return d.getBigUint64(0); };
  for (const x of [0.1, Math.PI, 5e-324, 1e300, -1e21]) assert.equal(Number(f64Text(f64bits(x))), x);
  assert.equal(f64Text(1n << 63n), '-0');
  assert.equal(f64Text(0xfff8000000000000n), '-nan');
  assert.equal(f64Text(0x7ff0000000000001n), 'nan:0x1');
});

test('identifiers: plain when valid, quoted otherwise', () => {
  assert.equal(watId('crash_now'), '$crash_now');
  assert.equal(watId('core::fmt::write'), '$core::fmt::write');
  assert.equal(watId('<T as Drop>::drop'), '$"<T as Drop>::drop"');
  assert.equal(watId('a"b\\c\n'), '$"a\\"b\\\\c\\0a"');
});

test('functionToWat: signature, locals, indentation, line map', () => {
  const b = buildModule({
    types: [{ params: [], results: [] }, { params: [I32, I64], results: [I32] }],
    imports: [{ module: 'env', field: 'abort', type: 0 }],
    funcs: [{ type: 1, locals: [[1, I32], [2, F64]], code: [
      0x02, 0x40, 0x20, 0, 0x04, 0x40, 0x10, 0, 0x05, 0x01, 0x0b, 0x0b, 0x20, 2, 0x0b,
    ] }],
    names: { funcs: { 1: 'compute' }, locals: { 1: { 0: 'n', 2: 'tmp' } } },
  });
  const w = functionToWat(b.module, 1);
  assert.equal(w.text, [
    '(func $compute (type 1) (param $n i32) (param i64) (result i32)',
    '  (local $tmp i32) (local f64 f64)',
    '  block  ;; label = @1',
    '    local.get $n',
    '    if  ;; label = @2',
    '      call 0 (; env.abort ;)',
    '    else',
    '      nop',
    '    end',
    '  end',
    '  local.get $tmp',
    ')',
    '',
  ].join('\n'));
  const instrs = [...decodeFunction(b.module, 1)];
  assert.equal(w.lines.length, instrs.length);
  assert.deepEqual(w.lines.map((l) => l.line), [3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  assert.deepEqual(w.lines.map((l) => l.addr), instrs.map((i) => i.addr));
  const imp = functionToWat(b.module, 0);
  assert.equal(imp.text, '(func (; 0 ;) (import "env" "abort") (type 0))\n');
  assert.deepEqual(imp.lines, []);
});

test('functionToWat resolves branch targets to block labels', () => {
  const b = buildModule({ funcs: [{ type: 0, code: [
    0x02, 0x40, 0x03, 0x40, 0x41, 0, 0x0d, 1, 0x41, 0, 0x0e, 2, 0, 1, 2, 0x0c, 0, 0x0b, 0x0b, 0x0c, 0, 0x0b,
  ] }] });
  assert.deepEqual(functionToWat(b.module, 0).text.split('\n').slice(1, -2), [
    '  block  ;; label = @1',
    '    loop  ;; label = @2',
    '      i32.const 0',
    '      br_if 1 (;@1;)',
    '      i32.const 0',
    '      br_table 0 (;@2;) 1 (;@1;) 2 (;@0;)',
    '      br 0 (;@2;)',
    '    end',
    '  end',
    '  br 0 (;@0;)',
  ]);
});
