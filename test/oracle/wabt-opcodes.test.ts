/**
 * Oracle: every opcode name in our table that wabt knows is assembled by
 * wat2wasm (one module, validation off) and must decode back to the same
 * prefix, opcode and name. This checks our name <-> encoding table against
 * an independent implementation, one instruction at a time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImmKind, OpInfo, allOpcodes } from '../../src/wasm/opcodes';
import { WasmModule } from '../../src/wasm/module';
import { decodeFunction } from '../../src/wasm/decoder';
import { findTool, TOOLS } from '../tools';

/**
 * Not in wabt 1.0.32's text parser: GC, typed function references, the
 * final exception-handling encoding (try_table/throw_ref), wide arithmetic,
 * memory.discard, and relaxed-SIMD dot products (wabt spells them without
 * `relaxed_`). Their encodings are checked against the spec in unit tests.
 */
const WABT_UNKNOWN = new Set([
  'throw_ref', 'try_table', 'call_ref', 'return_call_ref', 'ref.eq', 'ref.as_non_null', 'br_on_null', 'br_on_non_null',
  'i64.add128', 'i64.sub128', 'i64.mul_wide_s', 'i64.mul_wide_u', 'memory.discard',
  'i16x8.relaxed_dot_i8x16_i7x16_s', 'i32x4.relaxed_dot_i8x16_i7x16_add_s',
]);

const IMM_TEXT: Record<ImmKind, string> = {
  none: '', block: '', label: ' 0', br_table: ' 0', func: ' 0', local: ' 0', global: ' 0', table: ' 0', type: ' 0',
  tag: ' 0', data: ' 0', elem: ' 0', mem: '', call_indirect: ' (type 0)', mem_init: ' 0', mem_copy: '', table_init: ' 0',
  table_copy: '', type_field: ' 0 0', type_size: ' 0 1', type_data: ' 0 0', type_elem: ' 0 0', type_type: ' 0 0',
  memarg: '', memarg_lane: ' 0', lane: ' 0', i32: ' 0', i64: ' 0', f32: ' 0', f64: ' 0', v128: ' i32x4 0 0 0 0',
  shuffle: ' 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15', select_t: ' (result i32)', heap_type: ' func', ref_type: ' any',
  br_on_cast: ' 0 anyref anyref', try_table: '', zero_byte: '',
};

/** WAT lines for one instruction, and which decoded instruction (by position in the snippet) is the one under test. */
function snippet(o: OpInfo): { lines: string[]; at: number } | undefined {
  switch (o.name) {
    case 'block': case 'loop': case 'if': case 'try': return { lines: [o.name, 'end'], at: 0 };
    case 'else': return { lines: ['if', 'nop', 'else', 'nop', 'end'], at: 2 };
    case 'catch': return { lines: ['try', 'catch 0', 'end'], at: 1 };
    case 'catch_all': return { lines: ['try', 'catch_all', 'end'], at: 1 };
    case 'delegate': return { lines: ['try', 'delegate 0'], at: 1 };
    case 'end': return undefined; // every snippet's function ends with one
    case 'select': return o.imm === 'none' ? { lines: ['select'], at: 0 } : { lines: ['select (result i32)'], at: 0 };
  }
  return { lines: [o.name + IMM_TEXT[o.imm]], at: 0 };
}

const wat2wasmTool = findTool(TOOLS.wat2wasm);

test('every opcode wabt knows assembles to our encoding and decodes to our name', (t) => {
  if (!wat2wasmTool.bin) { t.skip(wat2wasmTool.missing); return; }
  const ops = allOpcodes().filter((o) => o.prefix !== 0xfb && !WABT_UNKNOWN.has(o.name));
  const cases = ops.map((o) => ({ o, s: snippet(o) })).filter((c): c is { o: OpInfo; s: { lines: string[]; at: number } } => c.s !== undefined);
  // one function per instruction, so every instruction sits at a known place
  const funcs = cases.map((c) => `(func ${c.s.lines.join('\n')}\n)`).join('\n');
  const wat = `(module (type (func)) (memory 1) (table 1 funcref) (tag) (data "") (elem func 0)\n${funcs}\n)`;
  const dir = mkdtempSync(join(tmpdir(), 'wabt-opcodes-'));
  try {
    writeFileSync(join(dir, 'all.wat'), wat);
    const r = spawnSync('wat2wasm', ['--enable-all', '--no-check', join(dir, 'all.wat'), '-o', join(dir, 'all.wasm')], { encoding: 'utf8' });
    assert.equal(r.status, 0, `wat2wasm failed: ${r.stderr}`);
    const m = new WasmModule(new Uint8Array(readFileSync(join(dir, 'all.wasm'))), 'all.wasm');
    assert.equal(m.bodies.length, cases.length);
    cases.forEach((c, i) => {
      const got = [...decodeFunction(m, i)][c.s.at];
      assert.equal(got.name, c.o.name, `function ${i}`);
      assert.equal(got.prefix ?? 0, c.o.prefix, c.o.name);
      assert.equal(got.opcode, c.o.code, c.o.name);
    });
    assert.ok(cases.length > 500, `only ${cases.length} opcodes checked`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
