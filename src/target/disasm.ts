/**
 * Disassembly windows over a module's code (for DAP `disassemble`) and a WAT
 * rendering of one function (the source shown for frames without debug
 * info). Instruction decoding is H1's decoder; this file lays instructions
 * out and renders their text.
 */
import { WasmModule } from '../wasm/module';
import { Instr, instructionBoundaries, instructionsOf } from '../wasm/decoder';
import { codeAddr } from '../util/offsets';
import type { DisassembledInstruction, SourceLocation } from './model';

function f32(bits: number): string {
  const dv = new DataView(new ArrayBuffer(4)); dv.setUint32(0, bits >>> 0, true);
  const v = dv.getFloat32(0, true);
  return Number.isNaN(v) ? `nan:0x${(bits & 0x7fffff).toString(16)}` : String(v);
}
function f64(bits: bigint): string {
  const dv = new DataView(new ArrayBuffer(8)); dv.setBigUint64(0, BigInt.asUintN(64, bits), true);
  const v = dv.getFloat64(0, true);
  return Number.isNaN(v) ? `nan:0x${(bits & 0xfffffffffffffn).toString(16)}` : String(v);
}

/** WAT text of one instruction: mnemonic and immediates, with names where the module has them. */
export function instrText(m: WasmModule, ins: Instr): string {
  const imm = ins.imm;
  const idx = (space: string, i: number): string => {
    if (space === 'func') { const n = m.names.functions.get(i); return n ? `$${n}` : String(i); }
    if (space === 'local') { const n = m.names.locals.get(ins.funcIndex)?.get(i); return n ? `$${n}` : String(i); }
    if (space === 'global') { const n = m.names.globals.get(i); return n ? `$${n}` : String(i); }
    return String(i);
  };
  switch (imm.kind) {
    case 'none': return ins.name;
    case 'block': return imm.block.kind === 'value' ? `${ins.name} (result ${imm.block.type})` : imm.block.kind === 'index' ? `${ins.name} (type ${imm.block.index})` : ins.name;
    case 'label': return `${ins.name} ${imm.label}`;
    case 'br_table': return `${ins.name} ${[...imm.labels, imm.default].join(' ')}`;
    case 'index': return `${ins.name} ${idx(imm.space, imm.index)}`;
    case 'index2':
      if (ins.name === 'call_indirect' || ins.name === 'return_call_indirect') return `${ins.name} ${imm.indices[1]} (type ${imm.indices[0]})`;
      return `${ins.name} ${idx(imm.spaces[0], imm.indices[0])} ${idx(imm.spaces[1], imm.indices[1])}`;
    case 'memarg': {
      const parts = [ins.name];
      if (imm.memory) parts.push(String(imm.memory));
      if (imm.offset) parts.push(`offset=${imm.offset}`);
      if (imm.lane !== undefined) parts.push(String(imm.lane));
      return parts.join(' ');
    }
    case 'lane': return `${ins.name} ${imm.lane}`;
    case 'i32': return `${ins.name} ${imm.value}`;
    case 'i64': return `${ins.name} ${imm.value}`;
    case 'f32': return `${ins.name} ${f32(imm.bits)}`;
    case 'f64': return `${ins.name} ${f64(imm.bits)}`;
    case 'v128': return `${ins.name} i8x16 ${Array.from(imm.bytes).join(' ')}`;
    case 'shuffle': return `${ins.name} ${Array.from(imm.lanes).join(' ')}`;
    case 'select_t': return `${ins.name} (result ${imm.types.join(' ')})`;
    case 'heap_type': return `${ins.name} ${imm.heap}`;
    case 'ref_type': return `${ins.name} (ref ${imm.type.nullable ? 'null ' : ''}${imm.type.heap})`;
    case 'br_on_cast': return `${ins.name} ${imm.label}`;
    case 'try_table': return `${ins.name}`;
  }
}

const opens = (name: string): boolean => name === 'block' || name === 'loop' || name === 'if' || name === 'try' || name === 'try_table';

export interface WatFunction { text: string; lineOf: Map<number, number> }

/** A function as WAT text; `lineOf` maps an instruction's file offset to its 1-based line. */
export function watFunction(m: WasmModule, funcIndex: number): WatFunction {
  const name = m.names.functions.get(funcIndex);
  const ty = m.funcType(funcIndex);
  const head = [`(func ${name ? '$' + name : `(;${funcIndex};)`}`];
  if (ty?.params.length) head.push(`(param ${ty.params.join(' ')})`);
  if (ty?.results.length) head.push(`(result ${ty.results.join(' ')})`);
  const lines = [head.join(' ')];
  const body = m.body(funcIndex);
  for (const run of body?.localRuns ?? []) if (run.count) lines.push(`  (local ${Array(Math.min(run.count, 64)).fill(run.type).join(' ')}${run.count > 64 ? ` (; ${run.count} in all ;)` : ''})`);
  const lineOf = new Map<number, number>();
  let depth = 1;
  const instrs = body ? instructionsOf(m, funcIndex) : [];
  instrs.forEach((ins, i) => {
    if (ins.name === 'end' || ins.name === 'else' || ins.name === 'catch' || ins.name === 'catch_all' || ins.name === 'delegate') depth = Math.max(1, depth - 1);
    const isLast = i === instrs.length - 1;
    lineOf.set(ins.offset, lines.length + 1);
    lines.push(isLast ? ')' : `${'  '.repeat(depth)}${instrText(m, ins)}  (; 0x${ins.offset.toString(16)} ;)`);
    if (opens(ins.name) || ins.name === 'else' || ins.name === 'catch' || ins.name === 'catch_all') depth++;
  });
  if (!body) lines.push('  (; imported function: no body ;)', ')');
  return { text: lines.join('\n') + '\n', lineOf };
}

export type LineLookup = (codeAddr: number) => SourceLocation | undefined;

/**
 * `count` instructions starting `instrOffset` instructions away from the one
 * containing `moduleOffset`; positions outside the code are `invalid` entries
 * (the DAP client asks for windows around the frame and needs exactly `count`).
 */
export function disassembleWindow(m: WasmModule, moduleOffset: number, instrOffset: number, count: number, lineAt?: LineLookup): DisassembledInstruction[] {
  const bodies = m.bodies;
  const cs = m.codeSectionStart;
  const out: DisassembledInstruction[] = [];
  const invalid = (address: number): DisassembledInstruction => ({ address: Math.max(0, address), bytes: new Uint8Array(0), text: '??', invalid: true });
  if (cs === undefined || bodies.length === 0) { for (let i = 0; i < count; i++) out.push(invalid(moduleOffset + i)); return out; }
  const bounds = (bi: number): Int32Array => instructionBoundaries(m, bodies[bi].index);
  // locate (function, instruction) at or after moduleOffset
  let bi = bodies.findIndex((b) => moduleOffset < b.end);
  let ii = 0;
  if (bi < 0) { bi = bodies.length - 1; ii = bounds(bi).length; } // past the end
  else {
    const b = bounds(bi);
    const addr = moduleOffset - cs;
    ii = 0;
    while (ii + 1 < b.length && b[ii + 1] <= addr) ii++;
  }
  // move by instrOffset; a position before the first instruction is negative
  let before = 0;
  let steps = instrOffset;
  while (steps < 0) {
    if (ii > 0) ii--; else if (bi > 0) { bi--; ii = bounds(bi).length - 1; } else before++;
    steps++;
  }
  while (steps > 0) {
    if (ii + 1 < bounds(bi).length) ii++; else if (bi + 1 < bodies.length) { bi++; ii = 0; } else ii++;
    steps--;
  }
  const firstOff = bodies[0].firstInstr;
  for (let k = before; k > 0 && out.length < count; k--) out.push(invalid(firstOff - k));
  while (out.length < count) {
    if (bi >= bodies.length || ii >= bounds(bi).length) {
      if (bi + 1 < bodies.length && ii >= bounds(bi).length) { bi++; ii = 0; continue; }
      const endOff = bodies[bodies.length - 1].end;
      out.push(invalid(endOff + out.length));
      continue;
    }
    const fi = bodies[bi].index;
    const take = Math.min(count - out.length, bounds(bi).length - ii);
    for (const ins of instructionsOf(m, fi, ii, take)) {
      const d: DisassembledInstruction = {
        address: ins.offset, bytes: m.bytes.subarray(ins.offset, ins.offset + ins.length), text: instrText(m, ins),
        symbol: m.functionName(fi) ?? `func[${fi}]`,
      };
      const loc = lineAt?.(codeAddr(ins.addr));
      if (loc) d.location = loc;
      out.push(d);
    }
    ii += take;
  }
  return out;
}
