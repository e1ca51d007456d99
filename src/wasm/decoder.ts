/**
 * Lazy instruction decoder over function bodies, with cached instruction
 * boundaries per function. Addresses are Code-section relative (`CodeAddr`,
 * the DWARF address space); offsets are absolute file offsets.
 */
import { ByteReader } from '../util/reader';
import { WasmCoreError } from '../util/errors';
import { CodeAddr, FileOffset, codeAddr, fileOffset } from '../util/offsets';
import { FunctionBody, WasmModule } from './module';
import { ImmKind, OpFlag, OpInfo, opInfo } from './opcodes';
import { Imm, readImm, readOpcode, skipImm } from './instr';

export type { Imm, BlockType, CatchClause, RefType, IndexSpace } from './instr';

export interface Instr {
  /** Absolute file offset of the first byte (opcode or prefix). */
  offset: FileOffset;
  /** Code-section relative address (DWARF address space). */
  addr: CodeAddr;
  /** Encoded length in bytes, immediates included. */
  length: number;
  /** Opcode byte, or the sub-opcode after a prefix. */
  opcode: number;
  /** 0xFB, 0xFC, 0xFD or 0xFE for prefixed instructions. */
  prefix?: number;
  /** WAT mnemonic, e.g. 'i32.load'. */
  name: string;
  imm: Imm;
  /** OpFlag bits (call, trap, block structure). */
  flags: number;
  /** Function index (imports included) whose body holds this instruction. */
  funcIndex: number;
}

function bodyOf(module: WasmModule, funcIndex: number): FunctionBody {
  const body = Number.isInteger(funcIndex) ? module.body(funcIndex) : undefined;
  if (!body) {
    const why = funcIndex >= 0 && funcIndex < module.importedFunctionCount ? 'is imported (no body)' : `is out of range (${module.functionCount} functions)`;
    throw new WasmCoreError('E_NOT_FOUND', `function ${funcIndex} ${why}`, { file: module.file, section: 'code' });
  }
  return body;
}

function codeReader(module: WasmModule, body: FunctionBody, from: number = body.firstInstr): ByteReader {
  return new ByteReader(module.bytes, module.file, 'code', from, body.end);
}

function makeInstr(module: WasmModule, funcIndex: number, at: number, r: ByteReader, info: OpInfo, imm: Imm): Instr {
  const instr: Instr = {
    offset: fileOffset(at),
    addr: module.toCodeAddr(fileOffset(at)),
    length: r.pos - at,
    opcode: info.code,
    name: info.name,
    imm,
    flags: info.flags,
    funcIndex,
  };
  if (info.prefix !== 0) instr.prefix = info.prefix;
  return instr;
}

/** Skip a short LEB128 (at most `max` bytes); -1 when longer or truncated (the checked reader then decides). */
function skipLeb(bytes: Uint8Array, p: number, end: number, max: number): number {
  for (let i = 0; i < max; i++) {
    if (p >= end) return -1;
    if ((bytes[p++] & 0x80) === 0) return p;
  }
  return -1;
}

/**
 * Fast path of the boundary scan for the common single-byte opcodes: the
 * position after the immediates, or -1 to use the checked reader. Only
 * accepts encodings the checked reader accepts too (short LEBs, memargs
 * without a memory index), so both paths agree on every input.
 */
function fastSkip(bytes: Uint8Array, p: number, end: number, imm: ImmKind): number {
  switch (imm) {
    case 'none': return p;
    case 'label': case 'func': case 'local': case 'global': case 'table': case 'type': case 'tag': case 'mem': case 'i32':
      return skipLeb(bytes, p, end, 4);
    case 'i64': return skipLeb(bytes, p, end, 9);
    case 'f32': return p + 4 <= end ? p + 4 : -1;
    case 'f64': return p + 8 <= end ? p + 8 : -1;
    case 'memarg': return p < end && bytes[p] < 0x40 ? skipLeb(bytes, p + 1, end, 4) : -1;
    case 'call_indirect': { const q = skipLeb(bytes, p, end, 4); return q < 0 ? -1 : skipLeb(bytes, q, end, 4); }
    default: return -1;
  }
}

/**
 * Walk a body's instructions, calling `visit` at each start offset; checks
 * the block structure so that a truncated or padded body is reported.
 */
function walk(funcIndex: number, r: ByteReader, visit: (at: number) => void): void {
  let depth = 0;
  const bytes = r.bytes, end = r.end;
  while (r.pos < end) {
    const at = r.pos;
    const single = opInfo(bytes[at]);
    const next = single === undefined ? -1 : fastSkip(bytes, at + 1, end, single.imm);
    let info: OpInfo;
    if (single !== undefined && next >= 0) { info = single; r.pos = next; }
    else { // prefixed opcodes, rarer immediates and anything unusual: the checked reader (same errors as the decoder)
      info = readOpcode(r);
      skipImm(r, info);
    }
    visit(at);
    if (info.flags & OpFlag.BlockStart) depth++;
    else if (info.flags & OpFlag.BlockEnd) {
      if (--depth < 0) {
        if (!r.atEnd) r.fail(`${r.remaining} bytes after the final end of function ${funcIndex}`);
        return;
      }
    }
  }
  r.fail(`function ${funcIndex} body ends inside a block (missing end)`);
}

/**
 * Instructions of one function (imports included in the index space), in
 * order, decoded lazily as the iterable is consumed. Unknown opcodes and
 * truncated immediates throw a FormatError naming the file, section 'code'
 * and the offending byte's offset.
 */
export function decodeFunction(module: WasmModule, funcIndex: number): Iterable<Instr> {
  const body = bodyOf(module, funcIndex);
  return {
    *[Symbol.iterator](): Iterator<Instr> {
      const r = codeReader(module, body);
      let depth = 0;
      while (!r.atEnd) {
        const at = r.pos;
        const info = readOpcode(r);
        const imm = readImm(r, info);
        if (info.flags & OpFlag.BlockStart) depth++;
        else if (info.flags & OpFlag.BlockEnd) depth--;
        if (depth < 0 && !r.atEnd) r.fail(`${r.remaining} bytes after the final end of function ${funcIndex}`, r.pos);
        yield makeInstr(module, funcIndex, at, r, info, imm);
        if (depth < 0) return;
      }
      r.fail(`function ${funcIndex} body ends inside a block (missing end)`);
    },
  };
}

const boundaryCache = new WeakMap<WasmModule, Map<number, Int32Array>>();

/**
 * Code addresses of every instruction start in function `funcIndex`
 * (ascending, final `end` included). Cached per module and function.
 */
export function instructionBoundaries(module: WasmModule, funcIndex: number): Int32Array {
  let perModule = boundaryCache.get(module);
  const cached = perModule?.get(funcIndex);
  if (cached) return cached;
  const body = bodyOf(module, funcIndex);
  const base = module.codeSectionStart as number;
  let out = new Int32Array(Math.max(16, (body.end - body.firstInstr) >> 1));
  let n = 0;
  walk(funcIndex, codeReader(module, body), (at) => {
    if (n === out.length) { const bigger = new Int32Array(out.length * 2); bigger.set(out); out = bigger; }
    out[n++] = at - base;
  });
  const result = out.slice(0, n);
  if (!perModule) boundaryCache.set(module, (perModule = new Map()));
  perModule.set(funcIndex, result);
  return result;
}

/** Index of `addr` in a sorted boundary array, or -1. */
function search(b: Int32Array, addr: number): number {
  let lo = 0, hi = b.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = b[mid];
    if (v === addr) return mid;
    if (v < addr) lo = mid + 1; else hi = mid - 1;
  }
  return -1;
}

/** True if `addr` is the first byte of an instruction in some function body. */
export function isInstructionBoundary(module: WasmModule, addr: CodeAddr): boolean {
  if (module.codeSectionStart === undefined || !Number.isInteger(addr) || addr < 0) return false;
  const body = module.functionAt(addr);
  if (!body || module.toFileOffset(addr) < body.firstInstr) return false;
  return search(instructionBoundaries(module, body.index), addr) >= 0;
}

/** The instruction starting exactly at `addr`, or undefined if `addr` is not an instruction boundary. */
export function instructionAt(module: WasmModule, addr: CodeAddr): Instr | undefined {
  if (!isInstructionBoundary(module, addr)) return undefined;
  const body = module.functionAt(addr)!;
  return decodeAt(module, body, module.toFileOffset(addr));
}

/**
 * The instruction whose bytes contain `addr` (start <= addr < start + length),
 * or undefined outside any instruction (e.g. in a locals declaration).
 */
export function instructionContaining(module: WasmModule, addr: CodeAddr): Instr | undefined {
  if (module.codeSectionStart === undefined || !Number.isInteger(addr) || addr < 0) return undefined;
  const body = module.functionAt(addr);
  if (!body || module.toFileOffset(addr) < body.firstInstr) return undefined;
  const b = instructionBoundaries(module, body.index);
  let lo = 0, hi = b.length - 1;
  while (lo < hi) { // last boundary <= addr
    const mid = (lo + hi + 1) >> 1;
    if (b[mid] <= addr) lo = mid; else hi = mid - 1;
  }
  return decodeAt(module, body, module.toFileOffset(codeAddr(b[lo])));
}

/**
 * Up to `count` instructions of one function starting at instruction index
 * `first` (negative counts from the end); for disassembly windows.
 */
export function instructionsOf(module: WasmModule, funcIndex: number, first = 0, count = Infinity): Instr[] {
  const b = instructionBoundaries(module, funcIndex);
  const body = bodyOf(module, funcIndex);
  const start = first < 0 ? Math.max(0, b.length + first) : Math.min(first, b.length);
  const end = Math.min(b.length, start + Math.max(0, count));
  const out: Instr[] = [];
  for (let i = start; i < end; i++) out.push(decodeAt(module, body, module.toFileOffset(codeAddr(b[i]))));
  return out;
}

function decodeAt(module: WasmModule, body: FunctionBody, off: FileOffset): Instr {
  const r = codeReader(module, body, off);
  const info = readOpcode(r);
  const imm = readImm(r, info);
  return makeInstr(module, body.index, off, r, info, imm);
}

/** call, call_indirect, call_ref, return_call, return_call_indirect, return_call_ref. */
export function isCallInstr(instr: Pick<Instr, 'flags'>): boolean {
  return (instr.flags & OpFlag.Call) !== 0;
}

/**
 * Instructions that can trap by themselves: unreachable, loads/stores and
 * atomics, integer div/rem, non-saturating float→int truncations,
 * call_indirect/call_ref (and their return_call forms), table.get/set/fill/
 * copy/init, memory.fill/copy/init, ref.as_non_null, struct/array accessors,
 * ref.cast, i31.get, throw/rethrow/throw_ref (an uncaught exception ends the
 * program like a trap). A plain `call` is not included: see `canTrapInFrame`.
 */
export function canTrap(instr: Pick<Instr, 'flags'>): boolean {
  return (instr.flags & OpFlag.Trap) !== 0;
}

/**
 * For the innermost frame of a crash: an instruction that can trap, or a
 * direct `call`/`return_call` to an imported (host) function, which may
 * abort the program (e.g. WASI proc_exit, JS throwing).
 */
export function canTrapInFrame(module: WasmModule, instr: Instr): boolean {
  if (canTrap(instr)) return true;
  if ((instr.name === 'call' || instr.name === 'return_call') && instr.imm.kind === 'index') {
    return instr.imm.index < module.importedFunctionCount;
  }
  return false;
}

/** Number of instructions in a function; throws a FormatError if its code is malformed. */
export function countInstructions(module: WasmModule, funcIndex: number): number {
  const body = bodyOf(module, funcIndex);
  let n = 0;
  walk(funcIndex, codeReader(module, body), () => { n++; });
  return n;
}
