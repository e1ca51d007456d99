/**
 * The Wasm opcode table: name, immediate kind and classification flags of
 * every instruction we decode. Covers the MVP, sign extension, saturating
 * conversions and bulk memory (0xFC), reference types, SIMD and relaxed SIMD
 * (0xFD), multi-value block types, exception handling (legacy try/catch and
 * try_table/throw_ref), tail calls, typed function references, GC (0xFB),
 * threads/atomics (0xFE) and multi-memory memargs.
 */

/** How an instruction's immediates are encoded (what the decoder reads). */
export type ImmKind =
  | 'none'
  | 'block'          // block type: empty, value type, or type index (s33)
  | 'label'          // relative label depth
  | 'br_table'       // vec(label) + default label
  | 'func' | 'local' | 'global' | 'table' | 'type' | 'tag' | 'data' | 'elem' | 'mem' // one index
  | 'call_indirect'  // type index, table index
  | 'mem_init'       // data index, memory index
  | 'mem_copy'       // dst memory, src memory
  | 'table_init'     // elem index, table index
  | 'table_copy'     // dst table, src table
  | 'type_field'     // type index, field index
  | 'type_size'      // type index, u32 size (array.new_fixed)
  | 'type_data'      // type index, data index
  | 'type_elem'      // type index, elem index
  | 'type_type'      // dst type, src type (array.copy)
  | 'memarg'         // align (bit 6: memory index follows), [memory], offset
  | 'memarg_lane'    // memarg + lane byte
  | 'lane'           // lane byte
  | 'i32' | 'i64' | 'f32' | 'f64' | 'v128'
  | 'shuffle'        // 16 lane bytes
  | 'select_t'       // vec(value type)
  | 'heap_type'      // ref.null
  | 'ref_type'       // ref.test / ref.cast (nullability from the opcode)
  | 'br_on_cast'     // flags, label, heap type, heap type
  | 'try_table'      // block type + vec(catch clause)
  | 'zero_byte';     // atomic.fence: one reserved 0x00 byte

export const enum OpFlag {
  None = 0,
  /** Calls another function (call, call_indirect, call_ref, return_call*). */
  Call = 1,
  /** Can trap by itself (not counting traps inside a callee). */
  Trap = 2,
  /** Opens a block (block, loop, if, try, try_table). */
  BlockStart = 4,
  /** Separates parts of a block (else, catch, catch_all). */
  BlockMid = 8,
  /** Closes a block (end, delegate). */
  BlockEnd = 16,
  /** Tail call: the caller's frame is replaced. */
  ReturnCall = 32,
  /** Raises an exception (throw, rethrow, throw_ref). */
  Throw = 64,
}

export interface OpInfo {
  /** 0 for single-byte opcodes, else 0xFB, 0xFC, 0xFD or 0xFE. */
  readonly prefix: number;
  /** The opcode byte, or the u32 sub-opcode after a prefix. */
  readonly code: number;
  readonly name: string;
  readonly imm: ImmKind;
  readonly flags: number;
}

export const PREFIX_GC = 0xfb;
export const PREFIX_MISC = 0xfc;
export const PREFIX_SIMD = 0xfd;
export const PREFIX_ATOMIC = 0xfe;

const single: Array<OpInfo | undefined> = new Array(256).fill(undefined);
const prefixed = new Map<number, Array<OpInfo | undefined>>([
  [PREFIX_GC, []], [PREFIX_MISC, []], [PREFIX_SIMD, []], [PREFIX_ATOMIC, []],
]);

function def(prefix: number, code: number, name: string, imm: ImmKind = 'none', flags = 0): void {
  const table = prefix === 0 ? single : prefixed.get(prefix)!;
  if (table[code] !== undefined) throw new Error(`opcode table: duplicate ${name}`); // programming error, caught by tests
  table[code] = { prefix, code, name, imm, flags };
}
const op = (code: number, name: string, imm: ImmKind = 'none', flags = 0) => def(0, code, name, imm, flags);
/** Define consecutive opcodes with the same immediate kind and flags. */
function run(prefix: number, first: number, names: string, imm: ImmKind = 'none', flags = 0): void {
  names.split(/\s+/).filter(Boolean).forEach((n, i) => { if (n !== '-') def(prefix, first + i, n, imm, flags); });
}

const { Call, Trap, BlockStart, BlockMid, BlockEnd, ReturnCall, Throw } = {
  Call: OpFlag.Call, Trap: OpFlag.Trap, BlockStart: OpFlag.BlockStart, BlockMid: OpFlag.BlockMid,
  BlockEnd: OpFlag.BlockEnd, ReturnCall: OpFlag.ReturnCall, Throw: OpFlag.Throw,
};

// ---- control ----
op(0x00, 'unreachable', 'none', Trap);
op(0x01, 'nop');
op(0x02, 'block', 'block', BlockStart);
op(0x03, 'loop', 'block', BlockStart);
op(0x04, 'if', 'block', BlockStart);
op(0x05, 'else', 'none', BlockMid);
op(0x06, 'try', 'block', BlockStart);
op(0x07, 'catch', 'tag', BlockMid);
op(0x08, 'throw', 'tag', Trap | Throw);
op(0x09, 'rethrow', 'label', Trap | Throw);
op(0x0a, 'throw_ref', 'none', Trap | Throw);
op(0x0b, 'end', 'none', BlockEnd);
op(0x0c, 'br', 'label');
op(0x0d, 'br_if', 'label');
op(0x0e, 'br_table', 'br_table');
op(0x0f, 'return');
op(0x10, 'call', 'func', Call);
op(0x11, 'call_indirect', 'call_indirect', Call | Trap);
op(0x12, 'return_call', 'func', Call | ReturnCall);
op(0x13, 'return_call_indirect', 'call_indirect', Call | ReturnCall | Trap);
op(0x14, 'call_ref', 'type', Call | Trap);
op(0x15, 'return_call_ref', 'type', Call | ReturnCall | Trap);
op(0x18, 'delegate', 'label', BlockEnd);
op(0x19, 'catch_all', 'none', BlockMid);
op(0x1a, 'drop');
op(0x1b, 'select');
op(0x1c, 'select', 'select_t');
op(0x1f, 'try_table', 'try_table', BlockStart);

// ---- variables, tables ----
op(0x20, 'local.get', 'local');
op(0x21, 'local.set', 'local');
op(0x22, 'local.tee', 'local');
op(0x23, 'global.get', 'global');
op(0x24, 'global.set', 'global');
op(0x25, 'table.get', 'table', Trap);
op(0x26, 'table.set', 'table', Trap);

// ---- memory ----
run(0, 0x28, `i32.load i64.load f32.load f64.load i32.load8_s i32.load8_u i32.load16_s i32.load16_u
  i64.load8_s i64.load8_u i64.load16_s i64.load16_u i64.load32_s i64.load32_u
  i32.store i64.store f32.store f64.store i32.store8 i32.store16 i64.store8 i64.store16 i64.store32`, 'memarg', Trap);
op(0x3f, 'memory.size', 'mem');
op(0x40, 'memory.grow', 'mem');

// ---- numeric ----
op(0x41, 'i32.const', 'i32');
op(0x42, 'i64.const', 'i64');
op(0x43, 'f32.const', 'f32');
op(0x44, 'f64.const', 'f64');
run(0, 0x45, 'i32.eqz i32.eq i32.ne i32.lt_s i32.lt_u i32.gt_s i32.gt_u i32.le_s i32.le_u i32.ge_s i32.ge_u');
run(0, 0x50, 'i64.eqz i64.eq i64.ne i64.lt_s i64.lt_u i64.gt_s i64.gt_u i64.le_s i64.le_u i64.ge_s i64.ge_u');
run(0, 0x5b, 'f32.eq f32.ne f32.lt f32.gt f32.le f32.ge f64.eq f64.ne f64.lt f64.gt f64.le f64.ge');
run(0, 0x67, 'i32.clz i32.ctz i32.popcnt i32.add i32.sub i32.mul');
run(0, 0x6d, 'i32.div_s i32.div_u i32.rem_s i32.rem_u', 'none', Trap);
run(0, 0x71, 'i32.and i32.or i32.xor i32.shl i32.shr_s i32.shr_u i32.rotl i32.rotr');
run(0, 0x79, 'i64.clz i64.ctz i64.popcnt i64.add i64.sub i64.mul');
run(0, 0x7f, 'i64.div_s i64.div_u i64.rem_s i64.rem_u', 'none', Trap);
run(0, 0x83, 'i64.and i64.or i64.xor i64.shl i64.shr_s i64.shr_u i64.rotl i64.rotr');
run(0, 0x8b, `f32.abs f32.neg f32.ceil f32.floor f32.trunc f32.nearest f32.sqrt f32.add f32.sub f32.mul f32.div
  f32.min f32.max f32.copysign`);
run(0, 0x99, `f64.abs f64.neg f64.ceil f64.floor f64.trunc f64.nearest f64.sqrt f64.add f64.sub f64.mul f64.div
  f64.min f64.max f64.copysign`);
op(0xa7, 'i32.wrap_i64');
run(0, 0xa8, 'i32.trunc_f32_s i32.trunc_f32_u i32.trunc_f64_s i32.trunc_f64_u', 'none', Trap);
run(0, 0xac, 'i64.extend_i32_s i64.extend_i32_u');
run(0, 0xae, 'i64.trunc_f32_s i64.trunc_f32_u i64.trunc_f64_s i64.trunc_f64_u', 'none', Trap);
run(0, 0xb2, `f32.convert_i32_s f32.convert_i32_u f32.convert_i64_s f32.convert_i64_u f32.demote_f64
  f64.convert_i32_s f64.convert_i32_u f64.convert_i64_s f64.convert_i64_u f64.promote_f32
  i32.reinterpret_f32 i64.reinterpret_f64 f32.reinterpret_i32 f64.reinterpret_i64
  i32.extend8_s i32.extend16_s i64.extend8_s i64.extend16_s i64.extend32_s`);

// ---- references ----
op(0xd0, 'ref.null', 'heap_type');
op(0xd1, 'ref.is_null');
op(0xd2, 'ref.func', 'func');
op(0xd3, 'ref.eq');
op(0xd4, 'ref.as_non_null', 'none', Trap);
op(0xd5, 'br_on_null', 'label');
op(0xd6, 'br_on_non_null', 'label');

// ---- 0xFC: saturating conversions, bulk memory, table ops ----
const M = PREFIX_MISC;
run(M, 0, `i32.trunc_sat_f32_s i32.trunc_sat_f32_u i32.trunc_sat_f64_s i32.trunc_sat_f64_u
  i64.trunc_sat_f32_s i64.trunc_sat_f32_u i64.trunc_sat_f64_s i64.trunc_sat_f64_u`);
def(M, 8, 'memory.init', 'mem_init', Trap);
def(M, 9, 'data.drop', 'data');
def(M, 10, 'memory.copy', 'mem_copy', Trap);
def(M, 11, 'memory.fill', 'mem', Trap);
def(M, 12, 'table.init', 'table_init', Trap);
def(M, 13, 'elem.drop', 'elem');
def(M, 14, 'table.copy', 'table_copy', Trap);
def(M, 15, 'table.grow', 'table');
def(M, 16, 'table.size', 'table');
def(M, 17, 'table.fill', 'table', Trap);
def(M, 18, 'memory.discard', 'mem', Trap); // memory-control proposal
// wide arithmetic
run(M, 19, 'i64.add128 i64.sub128 i64.mul_wide_s i64.mul_wide_u');

// ---- 0xFB: GC ----
const G = PREFIX_GC;
def(G, 0, 'struct.new', 'type');
def(G, 1, 'struct.new_default', 'type');
run(G, 2, 'struct.get struct.get_s struct.get_u struct.set', 'type_field', Trap);
def(G, 6, 'array.new', 'type', Trap);
def(G, 7, 'array.new_default', 'type', Trap);
def(G, 8, 'array.new_fixed', 'type_size');
def(G, 9, 'array.new_data', 'type_data', Trap);
def(G, 10, 'array.new_elem', 'type_elem', Trap);
run(G, 11, 'array.get array.get_s array.get_u array.set', 'type', Trap);
def(G, 15, 'array.len', 'none', Trap);
def(G, 16, 'array.fill', 'type', Trap);
def(G, 17, 'array.copy', 'type_type', Trap);
def(G, 18, 'array.init_data', 'type_data', Trap);
def(G, 19, 'array.init_elem', 'type_elem', Trap);
def(G, 20, 'ref.test', 'ref_type');
def(G, 21, 'ref.test', 'ref_type');
def(G, 22, 'ref.cast', 'ref_type', Trap);
def(G, 23, 'ref.cast', 'ref_type', Trap);
def(G, 24, 'br_on_cast', 'br_on_cast');
def(G, 25, 'br_on_cast_fail', 'br_on_cast');
run(G, 26, 'any.convert_extern extern.convert_any ref.i31');
run(G, 29, 'i31.get_s i31.get_u', 'none', Trap);

// ---- 0xFD: SIMD ----
const S = PREFIX_SIMD;
run(S, 0, `v128.load v128.load8x8_s v128.load8x8_u v128.load16x4_s v128.load16x4_u v128.load32x2_s v128.load32x2_u
  v128.load8_splat v128.load16_splat v128.load32_splat v128.load64_splat v128.store`, 'memarg', Trap);
def(S, 12, 'v128.const', 'v128');
def(S, 13, 'i8x16.shuffle', 'shuffle');
run(S, 14, 'i8x16.swizzle i8x16.splat i16x8.splat i32x4.splat i64x2.splat f32x4.splat f64x2.splat');
run(S, 21, `i8x16.extract_lane_s i8x16.extract_lane_u i8x16.replace_lane i16x8.extract_lane_s i16x8.extract_lane_u
  i16x8.replace_lane i32x4.extract_lane i32x4.replace_lane i64x2.extract_lane i64x2.replace_lane
  f32x4.extract_lane f32x4.replace_lane f64x2.extract_lane f64x2.replace_lane`, 'lane');
for (const [first, t] of [[35, 'i8x16'], [45, 'i16x8'], [55, 'i32x4']] as const) {
  run(S, first, ['eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u'].map((o) => `${t}.${o}`).join(' '));
}
run(S, 65, 'f32x4.eq f32x4.ne f32x4.lt f32x4.gt f32x4.le f32x4.ge f64x2.eq f64x2.ne f64x2.lt f64x2.gt f64x2.le f64x2.ge');
run(S, 77, 'v128.not v128.and v128.andnot v128.or v128.xor v128.bitselect v128.any_true');
run(S, 84, `v128.load8_lane v128.load16_lane v128.load32_lane v128.load64_lane
  v128.store8_lane v128.store16_lane v128.store32_lane v128.store64_lane`, 'memarg_lane', Trap);
run(S, 92, 'v128.load32_zero v128.load64_zero', 'memarg', Trap);
run(S, 94, `f32x4.demote_f64x2_zero f64x2.promote_low_f32x4
  i8x16.abs i8x16.neg i8x16.popcnt i8x16.all_true i8x16.bitmask i8x16.narrow_i16x8_s i8x16.narrow_i16x8_u
  f32x4.ceil f32x4.floor f32x4.trunc f32x4.nearest
  i8x16.shl i8x16.shr_s i8x16.shr_u i8x16.add i8x16.add_sat_s i8x16.add_sat_u i8x16.sub i8x16.sub_sat_s i8x16.sub_sat_u
  f64x2.ceil f64x2.floor i8x16.min_s i8x16.min_u i8x16.max_s i8x16.max_u f64x2.trunc i8x16.avgr_u
  i16x8.extadd_pairwise_i8x16_s i16x8.extadd_pairwise_i8x16_u i32x4.extadd_pairwise_i16x8_s i32x4.extadd_pairwise_i16x8_u
  i16x8.abs i16x8.neg i16x8.q15mulr_sat_s i16x8.all_true i16x8.bitmask i16x8.narrow_i32x4_s i16x8.narrow_i32x4_u
  i16x8.extend_low_i8x16_s i16x8.extend_high_i8x16_s i16x8.extend_low_i8x16_u i16x8.extend_high_i8x16_u
  i16x8.shl i16x8.shr_s i16x8.shr_u i16x8.add i16x8.add_sat_s i16x8.add_sat_u i16x8.sub i16x8.sub_sat_s i16x8.sub_sat_u
  f64x2.nearest i16x8.mul i16x8.min_s i16x8.min_u i16x8.max_s i16x8.max_u - i16x8.avgr_u
  i16x8.extmul_low_i8x16_s i16x8.extmul_high_i8x16_s i16x8.extmul_low_i8x16_u i16x8.extmul_high_i8x16_u
  i32x4.abs i32x4.neg - i32x4.all_true i32x4.bitmask - -
  i32x4.extend_low_i16x8_s i32x4.extend_high_i16x8_s i32x4.extend_low_i16x8_u i32x4.extend_high_i16x8_u
  i32x4.shl i32x4.shr_s i32x4.shr_u i32x4.add - - i32x4.sub - - - i32x4.mul i32x4.min_s i32x4.min_u i32x4.max_s i32x4.max_u
  i32x4.dot_i16x8_s - i32x4.extmul_low_i16x8_s i32x4.extmul_high_i16x8_s i32x4.extmul_low_i16x8_u i32x4.extmul_high_i16x8_u
  i64x2.abs i64x2.neg - i64x2.all_true i64x2.bitmask - -
  i64x2.extend_low_i32x4_s i64x2.extend_high_i32x4_s i64x2.extend_low_i32x4_u i64x2.extend_high_i32x4_u
  i64x2.shl i64x2.shr_s i64x2.shr_u i64x2.add - - i64x2.sub - - - i64x2.mul
  i64x2.eq i64x2.ne i64x2.lt_s i64x2.gt_s i64x2.le_s i64x2.ge_s
  i64x2.extmul_low_i32x4_s i64x2.extmul_high_i32x4_s i64x2.extmul_low_i32x4_u i64x2.extmul_high_i32x4_u
  f32x4.abs f32x4.neg - f32x4.sqrt f32x4.add f32x4.sub f32x4.mul f32x4.div f32x4.min f32x4.max f32x4.pmin f32x4.pmax
  f64x2.abs f64x2.neg - f64x2.sqrt f64x2.add f64x2.sub f64x2.mul f64x2.div f64x2.min f64x2.max f64x2.pmin f64x2.pmax
  i32x4.trunc_sat_f32x4_s i32x4.trunc_sat_f32x4_u f32x4.convert_i32x4_s f32x4.convert_i32x4_u
  i32x4.trunc_sat_f64x2_s_zero i32x4.trunc_sat_f64x2_u_zero f64x2.convert_low_i32x4_s f64x2.convert_low_i32x4_u`);
// relaxed SIMD
run(S, 0x100, `i8x16.relaxed_swizzle i32x4.relaxed_trunc_f32x4_s i32x4.relaxed_trunc_f32x4_u
  i32x4.relaxed_trunc_f64x2_s_zero i32x4.relaxed_trunc_f64x2_u_zero
  f32x4.relaxed_madd f32x4.relaxed_nmadd f64x2.relaxed_madd f64x2.relaxed_nmadd
  i8x16.relaxed_laneselect i16x8.relaxed_laneselect i32x4.relaxed_laneselect i64x2.relaxed_laneselect
  f32x4.relaxed_min f32x4.relaxed_max f64x2.relaxed_min f64x2.relaxed_max
  i16x8.relaxed_q15mulr_s i16x8.relaxed_dot_i8x16_i7x16_s i32x4.relaxed_dot_i8x16_i7x16_add_s`);

// ---- 0xFE: threads / atomics ----
const A = PREFIX_ATOMIC;
run(A, 0, 'memory.atomic.notify memory.atomic.wait32 memory.atomic.wait64', 'memarg', Trap);
def(A, 3, 'atomic.fence', 'zero_byte');
run(A, 0x10, `i32.atomic.load i64.atomic.load i32.atomic.load8_u i32.atomic.load16_u
  i64.atomic.load8_u i64.atomic.load16_u i64.atomic.load32_u
  i32.atomic.store i64.atomic.store i32.atomic.store8 i32.atomic.store16
  i64.atomic.store8 i64.atomic.store16 i64.atomic.store32`, 'memarg', Trap);
['add', 'sub', 'and', 'or', 'xor', 'xchg', 'cmpxchg'].forEach((rmw, i) => {
  run(A, 0x1e + 7 * i, `i32.atomic.rmw.${rmw} i64.atomic.rmw.${rmw} i32.atomic.rmw8.${rmw}_u i32.atomic.rmw16.${rmw}_u
    i64.atomic.rmw8.${rmw}_u i64.atomic.rmw16.${rmw}_u i64.atomic.rmw32.${rmw}_u`, 'memarg', Trap);
});

/** Info for a single-byte opcode, or undefined if unknown or a prefix byte. */
export function opInfo(code: number): OpInfo | undefined {
  return single[code];
}

/** Info for a prefixed opcode (prefix 0xFB/0xFC/0xFD/0xFE and its u32 sub-opcode). */
export function prefixedOpInfo(prefix: number, sub: number): OpInfo | undefined {
  return prefixed.get(prefix)?.[sub];
}

export function isPrefix(code: number): boolean {
  return prefixed.has(code);
}

/** Every opcode in the table (for tests and tooling). */
export function allOpcodes(): OpInfo[] {
  const out: OpInfo[] = single.filter((x): x is OpInfo => x !== undefined);
  for (const t of prefixed.values()) for (const x of t) if (x) out.push(x);
  return out;
}

/**
 * Natural alignment (log2 of the access size in bytes) of a memory
 * instruction, used to decide whether WAT text shows `align=`.
 */
export function naturalAlignLog2(info: OpInfo): number {
  const n = info.name;
  if (info.prefix === PREFIX_SIMD) {
    if (n === 'v128.load' || n === 'v128.store') return 4;
    const m = /(?:load|store)(\d+)(?:x\d+)?_(?:lane|zero|splat|[su])$/.exec(n);
    if (m) return n.includes('x') && /load\d+x\d+/.test(n) ? 3 : Math.log2(Number(m[1]) / 8);
    return 4;
  }
  if (n === 'memory.atomic.notify' || n === 'memory.atomic.wait32') return 2;
  if (n === 'memory.atomic.wait64') return 3;
  const sized = /(?:load|store|rmw)(8|16|32)/.exec(n);
  if (sized) return Math.log2(Number(sized[1]) / 8);
  return n.startsWith('i64') || n.startsWith('f64') ? 3 : 2;
}
