import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FormatError, WasmCoreError } from '../../../src/util/errors';
import { codeAddr } from '../../../src/util/offsets';
import {
  Instr, canTrap, canTrapInFrame, countInstructions, decodeFunction, instructionAt, instructionBoundaries,
  instructionContaining, instructionsOf, isCallInstr, isInstructionBoundary,
} from '../../../src/wasm/decoder';
import { F32, I32, I64, buildModule, oneFunction, sleb, uleb } from './builder';

const decode = (code: number[], extra = {}) => {
  const b = oneFunction(code, extra);
  return { ...b, instrs: [...decodeFunction(b.module, b.module.importedFunctionCount)] };
};
const names = (is: Instr[]) => is.map((i) => i.name);

test('offsets, addresses and lengths of simple instructions', () => {
  const { instrs, firstInstr, codeStart } = decode([0x41, ...sleb(-5), 0x42, ...sleb(1n << 40n), 0x1a, 0x1a, 0x0b]);
  assert.deepEqual(names(instrs), ['i32.const', 'i64.const', 'drop', 'drop', 'end']);
  assert.equal(instrs[0].offset, firstInstr[0]);
  assert.equal(instrs[0].addr, firstInstr[0] - codeStart);
  assert.deepEqual(instrs.map((i) => i.length), [2, 7, 1, 1, 1]);
  assert.deepEqual(instrs[0].imm, { kind: 'i32', value: -5 });
  assert.deepEqual(instrs[1].imm, { kind: 'i64', value: 1n << 40n });
  for (let i = 1; i < instrs.length; i++) assert.equal(instrs[i].offset, instrs[i - 1].offset + instrs[i - 1].length);
});

test('every immediate kind decodes', () => {
  const code = [
    0x02, 0x40,                         // block (empty)
    0x03, I32,                          // loop (result i32)
    0x41, 0, 0x0c, 0,                   // i32.const 0, br 0
    0x0b,                               // end loop
    0x1a,                               // drop
    0x41, 1, 0x0e, 2, 0, 1, 0,          // br_table 0 1 default 0
    0x0b,                               // end block
    0x10, 0,                            // call 0
    0x41, 0, 0x11, 0, 0,                // call_indirect (type 0) table 0
    0x20, 0, 0x21, 1, 0x22, 1, 0x1a,    // local.get/set/tee
    0x23, 0, 0x24, 0,                   // global.get/set
    0x41, 0, 0x28, 2, 12, 0x1a,         // i32.load offset=12 align=4
    0x41, 0, 0x2d, 0x40, 1, 0x80, 0x01, 0x1a, // i32.load8_u memory 1 offset=128 (multi-memory)
    0x43, 0x00, 0x00, 0xc0, 0x3f, 0x1a, // f32.const 1.5
    0x44, 0, 0, 0, 0, 0, 0, 0x08, 0x40, 0x1a, // f64.const 3
    0x3f, 0, 0x40, 0, 0x1a,             // memory.size 0, memory.grow 0
    0x41, 0, 0x41, 0, 0x1c, 1, I64, 0x1a, // select (result i64)
    0xd0, 0x70, 0x1a,                   // ref.null func
    0xd2, 0, 0x1a,                      // ref.func 0
    0x41, 0, 0x41, 0, 0x41, 0, 0xfc, 8, 3, 0, // memory.init data 3 mem 0
    0xfc, 9, 3,                         // data.drop 3
    0x41, 0, 0x41, 0, 0x41, 0, 0xfc, 10, 0, 1, // memory.copy 0 1
    0xfc, 14, 2, 3,                     // table.copy 2 3 (no operands needed for decoding)
    0xfd, 12, ...Array.from({ length: 16 }, (_, i) => i), 0x1a, // v128.const
    0xfd, 13, ...Array.from({ length: 16 }, (_, i) => 31 - i),  // i8x16.shuffle
    0xfd, 21, 7,                        // i8x16.extract_lane_s 7
    0xfd, 84, 0, 8, 3,                  // v128.load8_lane offset=8 lane 3
    0xfe, 3, 0,                         // atomic.fence
    0xfe, 0x48, 2, 4,                   // i32.atomic.rmw.cmpxchg offset=4
    0xfb, 2, 5, 1,                      // struct.get 5 1
    0xfb, 8, 5, 3,                      // array.new_fixed 5 3
    0xfb, 23, 0x6e,                     // ref.cast (ref null any)
    0xfb, 24, 1, 0, 0x6e, 2,            // br_on_cast 0 (ref null any) (ref 2)
    0x1f, 0x40, 2, 0x00, 1, 0, 0x02, 0, 0x0b, // try_table (catch 1 0) (catch_all 0) end
    0x06, 0x40, 0x07, 0, 0x19, 0x0b,    // try catch 0 catch_all end
    0x08, 2, 0x09, 0, 0x0a,             // throw 2, rethrow 0, throw_ref
    0x14, 3, 0x15, 3, 0x12, 0, 0x13, 1, 0, // call_ref 3, return_call_ref 3, return_call 0, return_call_indirect 1 0
    0xd5, 0, 0xd6, 1,                   // br_on_null 0, br_on_non_null 1
    0x0b,
  ];
  const { instrs } = decode(code);
  const by = (n: string) => instrs.find((i) => i.name === n)!;
  assert.deepEqual(by('loop').imm, { kind: 'block', block: { kind: 'value', type: 'i32' } });
  assert.deepEqual(by('block').imm, { kind: 'block', block: { kind: 'empty' } });
  assert.deepEqual(by('br_table').imm, { kind: 'br_table', labels: [0, 1], default: 0 });
  assert.deepEqual(by('call').imm, { kind: 'index', space: 'func', index: 0 });
  assert.deepEqual(by('call_indirect').imm, { kind: 'index2', spaces: ['type', 'table'], indices: [0, 0] });
  assert.deepEqual(by('local.tee').imm, { kind: 'index', space: 'local', index: 1 });
  assert.deepEqual(by('global.set').imm, { kind: 'index', space: 'global', index: 0 });
  assert.deepEqual(by('i32.load').imm, { kind: 'memarg', align: 2, offset: 12, memory: 0 });
  assert.deepEqual(by('i32.load8_u').imm, { kind: 'memarg', align: 0, offset: 128, memory: 1 });
  assert.deepEqual(by('f32.const').imm, { kind: 'f32', bits: 0x3fc00000 });
  assert.deepEqual(by('f64.const').imm, { kind: 'f64', bits: 0x4008000000000000n });
  assert.deepEqual(by('memory.grow').imm, { kind: 'index', space: 'mem', index: 0 });
  assert.deepEqual(by('select').imm, { kind: 'select_t', types: ['i64'] });
  assert.deepEqual(by('ref.null').imm, { kind: 'heap_type', heap: 'func' });
  assert.deepEqual(by('memory.init').imm, { kind: 'index2', spaces: ['data', 'mem'], indices: [3, 0] });
  assert.deepEqual(by('data.drop').imm, { kind: 'index', space: 'data', index: 3 });
  assert.deepEqual(by('memory.copy').imm, { kind: 'index2', spaces: ['mem', 'mem'], indices: [0, 1] });
  assert.deepEqual(by('table.copy').imm, { kind: 'index2', spaces: ['table', 'table'], indices: [2, 3] });
  const v = by('v128.const');
  assert.equal(v.prefix, 0xfd); assert.equal(v.opcode, 12); assert.equal(v.length, 18);
  assert.deepEqual(Array.from((v.imm as { bytes: Uint8Array }).bytes), Array.from({ length: 16 }, (_, i) => i));
  assert.equal(by('i8x16.shuffle').length, 18);
  assert.deepEqual(by('i8x16.extract_lane_s').imm, { kind: 'lane', lane: 7 });
  assert.deepEqual(by('v128.load8_lane').imm, { kind: 'memarg', align: 0, offset: 8, memory: 0, lane: 3 });
  assert.equal(by('atomic.fence').length, 3);
  assert.deepEqual(by('i32.atomic.rmw.cmpxchg').imm, { kind: 'memarg', align: 2, offset: 4, memory: 0 });
  assert.deepEqual(by('struct.get').imm, { kind: 'index2', spaces: ['type', 'field'], indices: [5, 1] });
  assert.deepEqual(by('array.new_fixed').imm, { kind: 'index2', spaces: ['type', 'size'], indices: [5, 3] });
  assert.deepEqual(by('ref.cast').imm, { kind: 'ref_type', type: { nullable: true, heap: 'any' } });
  assert.deepEqual(by('br_on_cast').imm, { kind: 'br_on_cast', label: 0, from: { nullable: true, heap: 'any' }, to: { nullable: false, heap: 2 } });
  assert.deepEqual(by('try_table').imm, { kind: 'try_table', block: { kind: 'empty' }, catches: [{ kind: 'catch', tag: 1, label: 0 }, { kind: 'catch_all', label: 0 }] });
  assert.deepEqual(by('catch').imm, { kind: 'index', space: 'tag', index: 0 });
  assert.deepEqual(by('throw').imm, { kind: 'index', space: 'tag', index: 2 });
  assert.deepEqual(by('call_ref').imm, { kind: 'index', space: 'type', index: 3 });
  assert.deepEqual(by('return_call_indirect').imm, { kind: 'index2', spaces: ['type', 'table'], indices: [1, 0] });
  assert.deepEqual(by('br_on_non_null').imm, { kind: 'label', label: 1 });
  assert.equal(instrs.at(-1)!.name, 'end');
  assert.equal(countInstructions(decode(code).module, 0), instrs.length);
});

test('multi-value block types: type indices (s33), also multi-byte', () => {
  const types = [{ params: [], results: [] }, { params: [I32], results: [I32, I64] }];
  const { instrs } = decode([0x41, 0, 0x02, 1, 0x1a, 0x1a, 0x0b, 0x41, 0, 0x04, 0xc8, 0x01, 0x0b, 0x0b], { types });
  assert.deepEqual(instrs[1].imm, { kind: 'block', block: { kind: 'index', index: 1 } });
  assert.equal(instrs[1].length, 2);
  assert.equal(instrs[6].name, 'if');
  assert.deepEqual(instrs[6].imm, { kind: 'block', block: { kind: 'index', index: 200 } });
  assert.equal(instrs[6].length, 3);
});

test('SIMD: prefixed sub-opcodes as LEB, relaxed SIMD beyond 0xff', () => {
  // i32x4.add = 0xfd 174 (LEB 0xae 0x01); f32x4.relaxed_madd = 0x105 (LEB 0x85 0x02)
  const { instrs } = decode([0xfd, 0xae, 0x01, 0xfd, 0x85, 0x02, 0xfd, 0x1f, 3, 0xfd, 0x5d, 2, 0, 0x0b]);
  assert.deepEqual(names(instrs), ['i32x4.add', 'f32x4.relaxed_madd', 'f32x4.extract_lane', 'v128.load64_zero', 'end']);
  assert.deepEqual(instrs.map((i) => i.length), [3, 3, 3, 4, 1]);
  assert.equal(instrs[1].opcode, 0x105);
});

test('bad bytes give FormatError naming file, section code and offset', () => {
  const check = (code: number[], re: RegExp, at: (firstInstr: number) => number) => {
    const b = oneFunction(code);
    try {
      [...decodeFunction(b.module, 0)];
      assert.fail('should throw');
    } catch (e) {
      assert.ok(e instanceof FormatError, String(e));
      assert.match(e.message, re);
      assert.equal(e.where.file, 'test.wasm');
      assert.equal(e.where.section, 'code');
      assert.equal(e.where.offset, at(b.firstInstr[0]));
    }
    // the boundary scan reports the same error
    assert.throws(() => instructionBoundaries(b.module, 0), FormatError);
  };
  check([0x01, 0x27, 0x0b], /unknown opcode 0x27/, (f) => f + 1);
  check([0xfd, 0x9a, 0x01, 0x0b], /unknown opcode 0xfd 154/, (f) => f);      // reserved SIMD slot
  check([0xfc, 0x7f, 0x0b], /unknown opcode 0xfc 127/, (f) => f);
  check([0x41, 0x80, 0x80], /unexpected end of LEB128/, (f) => f + 1);      // truncated i32.const
  check([0x44, 0, 0, 0], /unexpected end/, (f) => f + 1);                    // truncated f64.const
  check([0x01, 0x01], /missing end/, (f) => f + 2);                          // no final end
  check([0x0b, 0x01], /after the final end/, (f) => f + 1);                  // bytes after final end
  check([0xfe, 3, 1, 0x0b], /expected 0x00 after atomic.fence/, (f) => f + 2);
  check([0x41, 0, 0x28, 0x80, 0x01, 0, 0x0b], /bad alignment/, (f) => f + 3); // align exponent 128
});

test('huge br_table count is rejected before allocating', () => {
  const b = oneFunction([0x41, 0, 0x0e, ...uleb(0xfffffff), 0, 0x0b]);
  assert.throws(() => [...decodeFunction(b.module, 0)], (e: unknown) => e instanceof FormatError && /br_table target count/.test(e.message));
});

test('imported or missing functions are a typed error', () => {
  const b = buildModule({ imports: [{ module: 'env', field: 'abort', type: 0 }], funcs: [{ type: 0, code: [0x0b] }] });
  assert.throws(() => decodeFunction(b.module, 0), (e: unknown) => e instanceof WasmCoreError && /imported/.test(e.message));
  assert.throws(() => instructionBoundaries(b.module, 7), (e: unknown) => e instanceof WasmCoreError && /out of range/.test(e.message));
  assert.equal([...decodeFunction(b.module, 1)].length, 1);
});

test('boundaries, instructionAt, instructionContaining, instructionsOf', () => {
  const b = buildModule({ funcs: [
    { type: 0, locals: [[2, I32]], code: [0x41, 0x80, 0x01, 0x1a, 0x0b] },
    { type: 0, code: [0x10, 0, 0x0b] },
  ] });
  const m = b.module;
  const a0 = b.firstInstr[0] - b.codeStart;
  const bounds = instructionBoundaries(m, 0);
  assert.deepEqual(Array.from(bounds), [a0, a0 + 3, a0 + 4]);
  assert.equal(instructionBoundaries(m, 0), bounds, 'cached');
  assert.equal(isInstructionBoundary(m, codeAddr(a0)), true);
  assert.equal(isInstructionBoundary(m, codeAddr(a0 + 1)), false);  // inside the LEB
  assert.equal(isInstructionBoundary(m, codeAddr(a0 - 1)), false);  // locals declaration
  assert.equal(isInstructionBoundary(m, codeAddr(0)), false);       // function count
  assert.equal(isInstructionBoundary(m, codeAddr(1e9)), false);
  assert.equal(instructionAt(m, codeAddr(a0 + 3))?.name, 'drop');
  assert.equal(instructionAt(m, codeAddr(a0 + 1)), undefined);
  assert.equal(instructionContaining(m, codeAddr(a0 + 2))?.name, 'i32.const');
  assert.equal(instructionContaining(m, codeAddr(a0 - 1)), undefined);
  const call = instructionAt(m, codeAddr(b.firstInstr[1] - b.codeStart))!;
  assert.equal(call.name, 'call');
  assert.equal(call.funcIndex, 1);
  assert.deepEqual(names(instructionsOf(m, 0, 1, 5)), ['drop', 'end']);
  assert.deepEqual(names(instructionsOf(m, 0, -1)), ['end']);
});

test('call and trap classification', () => {
  const b = buildModule({
    imports: [{ module: 'env', field: 'abort', type: 0 }],
    funcs: [{ type: 0, code: [
      0x10, 0,                  // call import -> host call
      0x10, 1,                  // call self
      0x41, 0, 0x11, 0, 0,      // call_indirect
      0x00,                     // unreachable
      0x41, 1, 0x41, 0, 0x6d,   // i32.div_s
      0x41, 1, 0x41, 0, 0x6a,   // i32.add
      0x43, 0, 0, 0, 0, 0xa8,   // i32.trunc_f32_s
      0x43, 0, 0, 0, 0, 0xfc, 0, // i32.trunc_sat_f32_s
      0x41, 0, 0x28, 2, 0,      // i32.load
      0x0b,
    ] }],
  });
  const is = [...decodeFunction(b.module, 1)];
  const by = (n: string, k = 0) => is.filter((i) => i.name === n)[k];
  assert.equal(isCallInstr(by('call')), true);
  assert.equal(isCallInstr(by('call_indirect')), true);
  assert.equal(isCallInstr(by('unreachable')), false);
  assert.equal(canTrap(by('call')), false);
  assert.equal(canTrap(by('call_indirect')), true);
  assert.equal(canTrap(by('unreachable')), true);
  assert.equal(canTrap(by('i32.div_s')), true);
  assert.equal(canTrap(by('i32.add')), false);
  assert.equal(canTrap(by('i32.trunc_f32_s')), true);
  assert.equal(canTrap(by('i32.trunc_sat_f32_s')), false);
  assert.equal(canTrap(by('i32.load')), true);
  assert.equal(canTrapInFrame(b.module, by('call', 0)), true, 'call into the host');
  assert.equal(canTrapInFrame(b.module, by('call', 1)), false, 'call to a defined function');
  void F32;
});
