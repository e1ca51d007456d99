/**
 * WebAssembly text (WAT) for single instructions and whole functions, for
 * the disassembly view and for showing functions without debug info.
 * Follows wasm2wat's conventions (natural alignment and offset=0 omitted,
 * names from the name section as `$name`, indices otherwise), but prints
 * floats as shortest round-tripping decimals.
 */
import { CodeAddr } from '../util/offsets';
import { WasmModule } from './module';
import { BlockType, Imm, IndexSpace, Instr, RefType, decodeFunction } from './decoder';
import { OpFlag, naturalAlignLog2, opInfo, prefixedOpInfo } from './opcodes';
import { HeapType } from './valtypes';

/** br_table targets beyond this are elided (with a comment saying how many). */
const MAX_BR_TABLE_TEXT = 256;

const ID_CHAR = /^[0-9A-Za-z!#$%&'*+\-./:<=>?@\\^_`|~]+$/;

/** `$name` when the name is a valid WAT identifier, else `$"..."` with escapes. */
export function watId(name: string): string {
  if (ID_CHAR.test(name)) return '$' + name;
  return '$' + watString(name);
}

/** A WAT string literal. */
export function watString(s: string): string {
  let out = '"';
  for (const b of new TextEncoder().encode(s)) {
    if (b === 0x22) out += '\\"';
    else if (b === 0x5c) out += '\\\\';
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += '\\' + b.toString(16).padStart(2, '0');
  }
  return out + '"';
}

function nameMapFor(m: WasmModule, space: IndexSpace, funcIndex: number): Map<number, string> | undefined {
  const n = m.names;
  switch (space) {
    case 'func': return n.functions;
    case 'local': return n.locals.get(funcIndex);
    case 'global': return n.globals;
    case 'type': return n.types;
    case 'table': return n.tables;
    case 'mem': return n.memories;
    case 'elem': return n.elems;
    case 'data': return n.datas;
    case 'tag': return n.tags;
    default: return undefined;
  }
}

/** `$name` from the name section, else the bare index. */
export function indexText(m: WasmModule, space: IndexSpace, index: number, funcIndex = -1): string {
  const name = nameMapFor(m, space, funcIndex)?.get(index);
  return name !== undefined ? watId(name) : String(index);
}

function heapText(m: WasmModule, h: HeapType): string {
  return typeof h === 'number' ? indexText(m, 'type', h) : h;
}

/** A value type with type indices inside `(ref ...)` replaced by their names. */
export function valTypeText(m: WasmModule, t: string): string {
  return t.startsWith('(ref') ? t.replace(/(\d+)\)$/, (_, d: string) => `${indexText(m, 'type', Number(d))})`) : t;
}

const typesText = (m: WasmModule, ts: string[]): string => ts.map((t) => valTypeText(m, t)).join(' ');

function refText(m: WasmModule, t: RefType): string {
  return `(ref ${t.nullable ? 'null ' : ''}${heapText(m, t.heap)})`;
}

function blockTypeText(m: WasmModule, b: BlockType): string {
  if (b.kind === 'empty') return '';
  if (b.kind === 'value') return ` (result ${valTypeText(m, b.type)})`;
  const ft = m.types[b.index];
  let s = ` (type ${indexText(m, 'type', b.index)})`;
  if (ft && ft.kind !== 'struct' && ft.kind !== 'array') {
    if (ft.params.length) s += ` (param ${typesText(m, ft.params)})`;
    if (ft.results.length) s += ` (result ${typesText(m, ft.results)})`;
  }
  return s;
}

/** Shortest decimal that reads back as the same f32 (NaN payloads and -0 kept). */
export function f32Text(bits: number): string {
  const sign = bits >>> 31 ? '-' : '';
  const exp = (bits >>> 23) & 0xff, frac = bits & 0x7fffff;
  if (exp === 0xff) return frac === 0 ? `${sign}inf` : frac === 0x400000 ? `${sign}nan` : `${sign}nan:0x${frac.toString(16)}`;
  const dv = new DataView(new ArrayBuffer(4));
  dv.setUint32(0, bits >>> 0, true);
  const v = dv.getFloat32(0, true);
  if (v === 0) return `${sign}0`;
  for (let p = 1; p <= 9; p++) {
    const s = v.toPrecision(p);
    if (Math.fround(Number(s)) === v) return String(Number(s));
  }
  return String(v);
}

/** Shortest decimal that reads back as the same f64 (NaN payloads and -0 kept). */
export function f64Text(bits: bigint): string {
  const sign = bits >> 63n ? '-' : '';
  const exp = Number((bits >> 52n) & 0x7ffn), frac = bits & 0xfffffffffffffn;
  if (exp === 0x7ff) return frac === 0n ? `${sign}inf` : frac === 0x8000000000000n ? `${sign}nan` : `${sign}nan:0x${frac.toString(16)}`;
  const dv = new DataView(new ArrayBuffer(8));
  dv.setBigUint64(0, bits, true);
  const v = dv.getFloat64(0, true);
  if (v === 0) return `${sign}0`;
  return String(v);
}

function memargText(instr: Instr, imm: Extract<Imm, { kind: 'memarg' }>): string {
  const info = instr.prefix === undefined ? opInfo(instr.opcode) : prefixedOpInfo(instr.prefix, instr.opcode);
  let s = imm.memory !== 0 ? ` ${imm.memory}` : '';
  if (imm.offset !== 0) s += ` offset=${imm.offset}`;
  if (!info || imm.align !== naturalAlignLog2(info)) s += ` align=${2 ** imm.align}`;
  if (imm.lane !== undefined) s += ` ${imm.lane}`;
  return s;
}

function v128Text(bytes: Uint8Array): string {
  const words: string[] = [];
  for (let i = 0; i < 16; i += 4) {
    const w = (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24)) >>> 0;
    words.push('0x' + w.toString(16).padStart(8, '0'));
  }
  return ` i32x4 ${words.join(' ')}`;
}

function index2Text(m: WasmModule, instr: Instr, imm: Extract<Imm, { kind: 'index2' }>): string {
  const [a, b] = imm.indices;
  switch (instr.name) {
    case 'call_indirect': case 'return_call_indirect':
      return `${b !== 0 ? ' ' + indexText(m, 'table', b) : ''} (type ${indexText(m, 'type', a)})`;
    case 'memory.init': return `${b !== 0 ? ` ${indexText(m, 'mem', b)}` : ''} ${indexText(m, 'data', a)}`;
    case 'table.init': return `${b !== 0 ? ` ${indexText(m, 'table', b)}` : ''} ${indexText(m, 'elem', a)}`;
    case 'memory.copy': return a === 0 && b === 0 ? '' : ` ${indexText(m, 'mem', a)} ${indexText(m, 'mem', b)}`;
    case 'table.copy': return a === 0 && b === 0 ? '' : ` ${indexText(m, 'table', a)} ${indexText(m, 'table', b)}`;
    default: {
      const [sa, sb] = imm.spaces;
      return ` ${indexText(m, sa, a)} ${sb === 'field' || sb === 'size' ? b : indexText(m, sb, b)}`;
    }
  }
}

function immText(m: WasmModule, instr: Instr): string {
  const imm = instr.imm;
  switch (imm.kind) {
    case 'none': return '';
    case 'block': return blockTypeText(m, imm.block);
    case 'label': return ` ${imm.label}`;
    case 'br_table': {
      const shown = imm.labels.slice(0, MAX_BR_TABLE_TEXT).join(' ');
      const more = imm.labels.length > MAX_BR_TABLE_TEXT ? ` (; ${imm.labels.length - MAX_BR_TABLE_TEXT} more targets ;)` : '';
      return `${shown ? ' ' + shown : ''}${more} ${imm.default}`;
    }
    case 'index': {
      if (imm.space === 'mem') return imm.index === 0 ? '' : ` ${indexText(m, 'mem', imm.index)}`;
      let s = ` ${indexText(m, imm.space, imm.index, instr.funcIndex)}`;
      if (imm.space === 'func' && !m.names.functions.has(imm.index) && imm.index < m.importedFunctionCount) {
        const imp = m.functionImports[imm.index];
        s += ` (; ${imp.module}.${imp.field} ;)`;
      }
      return s;
    }
    case 'index2': return index2Text(m, instr, imm);
    case 'memarg': return memargText(instr, imm);
    case 'lane': return ` ${imm.lane}`;
    case 'i32': return ` ${imm.value}`;
    case 'i64': return ` ${imm.value}`;
    case 'f32': return ` ${f32Text(imm.bits)}`;
    case 'f64': return ` ${f64Text(imm.bits)}`;
    case 'v128': return v128Text(imm.bytes);
    case 'shuffle': return ' ' + Array.from(imm.lanes).join(' ');
    case 'select_t': return imm.types.length ? ` (result ${typesText(m, imm.types)})` : '';
    case 'heap_type': return ` ${heapText(m, imm.heap)}`;
    case 'ref_type': return ` ${refText(m, imm.type)}`;
    case 'br_on_cast': return ` ${imm.label} ${refText(m, imm.from)} ${refText(m, imm.to)}`;
    case 'try_table': {
      let s = blockTypeText(m, imm.block);
      for (const c of imm.catches) s += c.tag !== undefined ? ` (${c.kind} ${indexText(m, 'tag', c.tag)} ${c.label})` : ` (${c.kind} ${c.label})`;
      return s;
    }
  }
}

/** WAT text of one instruction, e.g. `call $crash_now`, `i32.load offset=12`, `local.get $x`. */
export function formatInstr(module: WasmModule, instr: Instr): string {
  return instr.name + immText(module, instr);
}

export interface FunctionWat {
  text: string;
  /** Line (1-based, like DWARF line numbers) of every instruction; the final `end` maps to the closing `)`. */
  lines: Array<{ addr: CodeAddr; line: number }>;
}

function signature(m: WasmModule, funcIndex: number): string {
  const ft = m.funcType(funcIndex);
  const locals = m.names.locals.get(funcIndex);
  let s = '';
  const typeIdx = funcIndex < m.importedFunctionCount ? m.functionImports[funcIndex]?.typeIndex : m.functionTypeIndices[funcIndex - m.importedFunctionCount];
  if (typeIdx !== undefined) s += ` (type ${indexText(m, 'type', typeIdx)})`;
  if (!ft) return s;
  ft.params.forEach((p, i) => {
    const n = locals?.get(i);
    s += n !== undefined ? ` (param ${watId(n)} ${valTypeText(m, p)})` : ` (param ${valTypeText(m, p)})`;
  });
  if (ft.results.length) s += ` (result ${typesText(m, ft.results)})`;
  return s;
}

function localsLines(m: WasmModule, funcIndex: number, firstLocal: number): string[] {
  const body = m.body(funcIndex);
  if (!body) return [];
  const names = m.names.locals.get(funcIndex);
  // named locals get their own `(local $n t)`; runs of unnamed ones share one `(local t t ...)`
  const items: string[] = [];
  let unnamed: string[] = [];
  const flush = () => { if (unnamed.length) items.push(`(local ${unnamed.join(' ')})`); unnamed = []; };
  let idx = firstLocal;
  for (const run of body.localRuns) {
    for (let k = 0; k < run.count; k++, idx++) {
      const n = names?.get(idx);
      const t = valTypeText(m, run.type);
      if (n === undefined) { unnamed.push(t); if (unnamed.length === 16) flush(); continue; }
      flush();
      items.push(`(local ${watId(n)} ${t})`);
    }
  }
  flush();
  const out: string[] = [];
  let line = '';
  for (const item of items) {
    if (line && line.length + item.length > 100) { out.push(line); line = ''; }
    line += (line ? ' ' : '') + item;
  }
  if (line) out.push(line);
  return out;
}

/**
 * A readable `(func $name (param ...) (result ...) (local ...) ...)` for one
 * function, indented by block depth, with the line of every instruction.
 * Imported functions render as `(func $name (import "m" "f") ...)` with no lines.
 */
export function functionToWat(module: WasmModule, funcIndex: number): FunctionWat {
  const name = module.names.functions.get(funcIndex);
  let head = `(func ${name !== undefined ? watId(name) : `(; ${funcIndex} ;)`}`;
  if (funcIndex < module.importedFunctionCount) {
    const imp = module.functionImports[funcIndex];
    return { text: `${head} (import ${watString(imp.module)} ${watString(imp.field)})${signature(module, funcIndex)})\n`, lines: [] };
  }
  head += signature(module, funcIndex);
  const textLines = [head];
  const nParams = module.funcType(funcIndex)?.params.length ?? 0;
  for (const l of localsLines(module, funcIndex, nParams)) textLines.push('  ' + l);
  const lines: FunctionWat['lines'] = [];
  let depth = 1;
  // block labels as wasm2wat numbers them: @N is a block at nesting level N, @0 the function body
  let level = 0;
  for (const instr of decodeFunction(module, funcIndex)) {
    let indent = depth;
    if (instr.flags & OpFlag.BlockMid) indent = depth - 1;
    else if (instr.flags & OpFlag.BlockEnd) { indent = --depth; level--; }
    if (depth === 0) { // the function's final `end`
      textLines.push(')');
      lines.push({ addr: instr.addr, line: textLines.length });
      break;
    }
    let text = branchText(module, instr, level) ?? formatInstr(module, instr);
    if (instr.flags & OpFlag.BlockStart) { text += `  ;; label = @${++level}`; depth++; }
    textLines.push('  '.repeat(Math.max(0, indent)) + text);
    lines.push({ addr: instr.addr, line: textLines.length });
  }
  return { text: textLines.join('\n') + '\n', lines };
}

/** Branch instructions with their targets resolved to block labels, e.g. `br_if 1 (;@2;)`; undefined for others. */
function branchText(m: WasmModule, instr: Instr, level: number): string | undefined {
  const target = (d: number) => (d <= level ? ` (;@${level - d};)` : '');
  const imm = instr.imm;
  if (imm.kind === 'label') return `${formatInstr(m, instr)}${target(imm.label)}`;
  if (imm.kind === 'br_on_cast') return `${instr.name} ${imm.label}${target(imm.label)}${formatInstr(m, instr).slice(instr.name.length + 1 + String(imm.label).length)}`;
  if (imm.kind === 'br_table') {
    const shown = imm.labels.slice(0, MAX_BR_TABLE_TEXT).map((l) => `${l}${target(l)}`);
    const more = imm.labels.length > MAX_BR_TABLE_TEXT ? ` (; ${imm.labels.length - MAX_BR_TABLE_TEXT} more targets ;)` : '';
    return `br_table${shown.length ? ' ' + shown.join(' ') : ''}${more} ${imm.default}${target(imm.default)}`;
  }
  return undefined;
}
