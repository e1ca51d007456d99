/**
 * Reading one instruction (opcode + immediates) from a ByteReader. Knows
 * nothing about modules; `decoder.ts` adds addresses and caching on top.
 */
import { ByteReader } from '../util/reader';
import { ImmKind, OpInfo, isPrefix, opInfo, prefixedOpInfo } from './opcodes';
import { HeapType, ValType, isValTypeByte, readHeapType, readValType } from './valtypes';

export type BlockType =
  | { kind: 'empty' }
  | { kind: 'value'; type: ValType }
  | { kind: 'index'; index: number };

/** What an index immediate refers to. */
export type IndexSpace = 'func' | 'local' | 'global' | 'table' | 'type' | 'tag' | 'data' | 'elem' | 'mem' | 'field' | 'size';

export interface CatchClause {
  /** 0 catch, 1 catch_ref, 2 catch_all, 3 catch_all_ref. */
  kind: 'catch' | 'catch_ref' | 'catch_all' | 'catch_all_ref';
  tag?: number;
  label: number;
}

export interface RefType { nullable: boolean; heap: HeapType }

/** Decoded immediates. */
export type Imm =
  | { kind: 'none' }
  | { kind: 'block'; block: BlockType }
  | { kind: 'label'; label: number }
  | { kind: 'br_table'; labels: number[]; default: number }
  | { kind: 'index'; space: IndexSpace; index: number }
  /** Two indices, e.g. call_indirect (type, table), memory.copy (dst, src), struct.get (type, field). */
  | { kind: 'index2'; spaces: [IndexSpace, IndexSpace]; indices: [number, number] }
  /** `align` is log2 of the alignment as encoded; `memory` is 0 unless multi-memory. */
  | { kind: 'memarg'; align: number; offset: number; memory: number; lane?: number }
  | { kind: 'lane'; lane: number }
  | { kind: 'i32'; value: number }
  | { kind: 'i64'; value: bigint }
  /** Raw IEEE bits (NaN payloads kept). */
  | { kind: 'f32'; bits: number }
  | { kind: 'f64'; bits: bigint }
  | { kind: 'v128'; bytes: Uint8Array }
  | { kind: 'shuffle'; lanes: Uint8Array }
  | { kind: 'select_t'; types: ValType[] }
  | { kind: 'heap_type'; heap: HeapType }
  | { kind: 'ref_type'; type: RefType }
  | { kind: 'br_on_cast'; label: number; from: RefType; to: RefType }
  | { kind: 'try_table'; block: BlockType; catches: CatchClause[] };

const NONE: Imm = Object.freeze({ kind: 'none' }) as Imm;
const MAX_BR_TABLE = 1_000_000;

/** Read the opcode (with prefix) at r.pos; fails on unknown opcodes, naming the opcode's offset. */
export function readOpcode(r: ByteReader): OpInfo {
  const at = r.pos;
  const b = r.u8();
  if (isPrefix(b)) {
    const sub = r.uleb32();
    const info = prefixedOpInfo(b, sub);
    if (!info) r.fail(`unknown opcode 0x${b.toString(16)} ${sub} (0x${sub.toString(16)})`, at);
    return info;
  }
  const info = opInfo(b);
  if (!info) r.fail(`unknown opcode 0x${b.toString(16)}`, at);
  return info;
}

export function readBlockType(r: ByteReader): BlockType {
  const at = r.pos;
  const b = r.peekU8();
  if (b === 0x40) { r.u8(); return { kind: 'empty' }; }
  if (isValTypeByte(b)) return { kind: 'value', type: readValType(r) };
  const v = r.sleb64();
  if (v < 0n || v > 0xffffffffn) r.fail(`bad block type 0x${b.toString(16)}`, at);
  return { kind: 'index', index: Number(v) };
}

function readMemarg(r: ByteReader, lane: boolean): Imm {
  const at = r.pos;
  let align = r.uleb32();
  let memory = 0;
  if (align & 0x40) { align &= ~0x40; memory = r.uleb32(); }
  if (align >= 64) r.fail(`bad alignment exponent ${align}`, at);
  const offAt = r.pos;
  const off = r.uleb64(); // 64-bit offsets for memory64
  if (off > BigInt(Number.MAX_SAFE_INTEGER)) r.fail(`memory offset ${off} too large`, offAt, 'E_UNSUPPORTED');
  const imm: Imm = { kind: 'memarg', align, offset: Number(off), memory };
  if (lane) imm.lane = r.u8();
  return imm;
}

function readRefType(r: ByteReader, nullable: boolean): RefType {
  return { nullable, heap: readHeapType(r) };
}

const CATCH_KINDS = ['catch', 'catch_ref', 'catch_all', 'catch_all_ref'] as const;

function index2(r: ByteReader, a: IndexSpace, b: IndexSpace): Imm {
  const x = r.uleb32();
  const y = r.uleb32();
  return { kind: 'index2', spaces: [a, b], indices: [x, y] };
}

/** Decode the immediates of `info` at r.pos. */
export function readImm(r: ByteReader, info: OpInfo): Imm {
  const k: ImmKind = info.imm;
  switch (k) {
    case 'none': return NONE;
    case 'block': return { kind: 'block', block: readBlockType(r) };
    case 'label': return { kind: 'label', label: r.uleb32() };
    case 'br_table': {
      const n = r.count('br_table target', 1, MAX_BR_TABLE);
      const labels = new Array<number>(n);
      for (let i = 0; i < n; i++) labels[i] = r.uleb32();
      return { kind: 'br_table', labels, default: r.uleb32() };
    }
    case 'func': case 'local': case 'global': case 'table': case 'type': case 'tag': case 'data': case 'elem': case 'mem':
      return { kind: 'index', space: k, index: r.uleb32() };
    case 'call_indirect': return index2(r, 'type', 'table');
    case 'mem_init': return index2(r, 'data', 'mem');
    case 'mem_copy': return index2(r, 'mem', 'mem');
    case 'table_init': return index2(r, 'elem', 'table');
    case 'table_copy': return index2(r, 'table', 'table');
    case 'type_field': return index2(r, 'type', 'field');
    case 'type_size': return index2(r, 'type', 'size');
    case 'type_data': return index2(r, 'type', 'data');
    case 'type_elem': return index2(r, 'type', 'elem');
    case 'type_type': return index2(r, 'type', 'type');
    case 'memarg': return readMemarg(r, false);
    case 'memarg_lane': return readMemarg(r, true);
    case 'lane': return { kind: 'lane', lane: r.u8() };
    case 'i32': return { kind: 'i32', value: r.sleb32() };
    case 'i64': return { kind: 'i64', value: r.sleb64() };
    case 'f32': return { kind: 'f32', bits: r.u32() };
    case 'f64': return { kind: 'f64', bits: r.u64() };
    case 'v128': return { kind: 'v128', bytes: r.bytesView(16) };
    case 'shuffle': return { kind: 'shuffle', lanes: r.bytesView(16) };
    case 'select_t': {
      const n = r.count('select type', 1, 1000);
      const types: ValType[] = [];
      for (let i = 0; i < n; i++) types.push(readValType(r));
      return { kind: 'select_t', types };
    }
    case 'heap_type': return { kind: 'heap_type', heap: readHeapType(r) };
    case 'ref_type': return { kind: 'ref_type', type: readRefType(r, (info.code & 1) === 1) };
    case 'br_on_cast': {
      const at = r.pos;
      const flags = r.u8();
      if (flags > 3) r.fail(`bad br_on_cast flags 0x${flags.toString(16)}`, at);
      const label = r.uleb32();
      const from = readRefType(r, (flags & 1) !== 0);
      const to = readRefType(r, (flags & 2) !== 0);
      return { kind: 'br_on_cast', label, from, to };
    }
    case 'try_table': {
      const block = readBlockType(r);
      const n = r.count('catch clause', 2, 100_000);
      const catches: CatchClause[] = [];
      for (let i = 0; i < n; i++) {
        const at = r.pos;
        const c = r.u8();
        if (c > 3) r.fail(`bad catch clause kind ${c}`, at);
        const kind = CATCH_KINDS[c];
        const tag = c < 2 ? r.uleb32() : undefined;
        catches.push(tag === undefined ? { kind, label: r.uleb32() } : { kind, tag, label: r.uleb32() });
      }
      return { kind: 'try_table', block, catches };
    }
    case 'zero_byte': {
      const at = r.pos;
      const z = r.u8();
      if (z !== 0) r.fail(`expected 0x00 after ${info.name}, found 0x${z.toString(16)}`, at);
      return NONE;
    }
  }
}

/** Skip the immediates of `info` without building objects (fast path for boundary scans). */
export function skipImm(r: ByteReader, info: OpInfo): void {
  switch (info.imm) {
    case 'none': return;
    case 'label': case 'func': case 'local': case 'global': case 'table': case 'type': case 'tag':
    case 'data': case 'elem': case 'mem':
      r.uleb32(); return;
    case 'call_indirect': case 'mem_init': case 'mem_copy': case 'table_init': case 'table_copy':
    case 'type_field': case 'type_size': case 'type_data': case 'type_elem': case 'type_type':
      r.uleb32(); r.uleb32(); return;
    case 'i32': r.sleb32(); return;
    case 'i64': r.sleb64(); return;
    case 'f32': r.skip(4); return;
    case 'f64': r.skip(8); return;
    case 'v128': case 'shuffle': r.skip(16); return;
    case 'lane': r.skip(1); return;
    case 'br_table': {
      const n = r.count('br_table target', 1, MAX_BR_TABLE);
      for (let i = 0; i <= n; i++) r.uleb32();
      return;
    }
    default: readImm(r, info); // rarer kinds: decode and drop
  }
}

/**
 * Skip a constant expression up to and including its final `end` (0x0B).
 * Accepts any instruction the opcode table knows (extended const, GC
 * constant instructions, SIMD v128.const, ...), tracking block depth.
 */
export function skipConstExpr(r: ByteReader): void {
  let depth = 0;
  for (let guard = 0; guard < 1_000_000; guard++) {
    const info = readOpcode(r);
    skipImm(r, info);
    if (info.prefix === 0 && info.code === 0x0b) {
      if (depth === 0) return;
      depth--;
    } else if (info.flags & 4 /* BlockStart */) depth++;
  }
  r.fail('constant expression too long');
}
