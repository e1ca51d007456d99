/**
 * gdb/wasmgdb-style commands typed in the debug console (evaluate with
 * context "repl"): bt, frame N, info locals|args|globals|frame|modules,
 * p EXPR, p/x EXPR, x/NFU ADDR, help. Anything else is evaluated as an expression.
 */
import type { ValueNode } from '../src/target/model';
import { SessionContext } from './context';
import { DapError, ErrorId } from './errorIds';
import { parseMemoryRef } from './toDap';

export const REPL_HELP = [
  'Commands (gdb style):',
  '  bt [N]              backtrace (first N frames)',
  '  frame N | f N       select frame N for the commands below',
  '  info frame          where the selected frame is',
  '  info locals         local variables of the selected frame',
  '  info args           arguments of the selected frame',
  '  info globals        the instance\'s globals',
  '  info modules        modules of the core dump and their symbols',
  '  info trap           what trapped and why we think so',
  '  p EXPR | p/x EXPR   print an expression (p/x: integers in hex)',
  '  x/NFU ADDR          examine memory: N units, F = x d u c s, U = b h w g (e.g. x/16xb 0xfff2c, x/4dw &v, x/s ptr)',
  '  help                this text',
  'Anything else is evaluated as an expression in the selected frame.',
].join('\n');

export const REPL_COMMANDS = ['bt', 'frame', 'f', 'info locals', 'info args', 'info globals', 'info frame', 'info modules', 'info trap', 'p', 'p/x', 'x/', 'help'];

export interface ReplResult { text: string; node?: ValueNode }

function frameLine(ctx: SessionContext, level: number): string {
  const t = ctx.requireTarget();
  const f = t.frame(ctx.replThread, level);
  const loc = f.location && f.location.line > 0 ? ` at ${f.location.path}:${f.location.line}${f.location.column ? ':' + f.location.column : ''}` : '';
  return `#${f.level}  ${t.where(f)}${f.inlined ? ' [inlined]' : ''}${loc}`;
}

function listScope(ctx: SessionContext, name: string): string {
  const t = ctx.requireTarget();
  const scopes = t.scopes(ctx.replThread, ctx.replLevel);
  const s = scopes.find((x) => x.name === name);
  if (!s) {
    const wasm = scopes.find((x) => x.name === 'Wasm');
    const raw = wasm?.variables().find((n) => n.name === (name === 'Globals' ? 'globals' : 'locals'));
    const rawList = raw?.children ? raw.children(0, 1000).map((n) => `${n.name} = ${n.value}`).join('\n') : '';
    return `No ${name.toLowerCase()} from debug info in this frame.${rawList ? `\nRaw Wasm ${name === 'Globals' ? 'globals' : 'locals'}:\n${rawList}` : ''}`;
  }
  const vars = s.variables();
  return vars.length ? vars.map((n) => `${n.name} = ${n.value}`).join('\n') : `No ${name.toLowerCase()}.`;
}

function toHex(node: ValueNode): ValueNode {
  const v = node.value.trim();
  if (/^-?\d+$/.test(v)) {
    const n = BigInt(v);
    const bits = node.type === 'i64' || /long|64/.test(node.type ?? '') ? 64n : 32n;
    const u = n < 0n ? (1n << bits) + n : n;
    return { ...node, value: '0x' + u.toString(16) };
  }
  return node;
}

const UNIT: Record<string, number> = { b: 1, h: 2, w: 4, g: 8 };

function examine(ctx: SessionContext, spec: string, addrExpr: string): string {
  const m = /^(\d*)([xducs]?)([bhwg]?)$/.exec(spec);
  if (!m) throw new DapError(ErrorId.Evaluation, `x/${spec}: format is x/NFU with F one of x d u c s and U one of b h w g`);
  const n = m[1] ? Number(m[1]) : 1;
  const fmt = m[2] || 'x';
  const unit = fmt === 's' || fmt === 'c' ? 1 : UNIT[m[3] || 'w'];
  if (n < 1 || n > 4096) throw new DapError(ErrorId.Evaluation, `x: count ${n} must be between 1 and 4096`);
  let loc = parseMemoryRef(addrExpr);
  if (!loc) {
    const t = ctx.requireTarget();
    const node = t.evaluate(ctx.replThread, ctx.replLevel, addrExpr);
    if (node.memory && !/^\s*[-\d]/.test(node.value)) loc = node.memory;
    else {
      const v = /^(0x[0-9a-f]+|\d+)/i.exec(node.value.trim());
      if (!v) throw new DapError(ErrorId.Evaluation, `x: '${addrExpr}' (= ${node.value}) is not an address`);
      loc = { instance: 0, memory: 0, address: Number(v[1]) };
    }
  }
  const t = ctx.requireTarget();
  const total = fmt === 's' ? 4096 : n * unit;
  const r = t.readMemory(loc, total);
  const d = r.data;
  if (fmt === 's') {
    const end = d.indexOf(0);
    const bytes = end >= 0 ? d.subarray(0, end) : d;
    const s = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
    const tail = end < 0 ? (r.unreadableBytes ? ' <string runs into unreadable memory>' : ' <no terminating NUL within 4096 bytes>') : '';
    return `0x${loc.address.toString(16)}: ${JSON.stringify(s)}${tail}`;
  }
  const lines: string[] = [];
  const perLine = Math.max(1, 16 / unit);
  const dv = new DataView(d.buffer, d.byteOffset, d.byteLength);
  for (let i = 0; i < n; i += perLine) {
    const cells: string[] = [];
    for (let j = i; j < Math.min(n, i + perLine); j++) {
      const off = j * unit;
      if (off + unit > d.length) { cells.push('??'.repeat(unit)); continue; }
      let v: bigint = unit === 1 ? BigInt(dv.getUint8(off)) : unit === 2 ? BigInt(dv.getUint16(off, true)) : unit === 4 ? BigInt(dv.getUint32(off, true)) : dv.getBigUint64(off, true);
      if (fmt === 'x') cells.push('0x' + v.toString(16).padStart(unit * 2, '0'));
      else if (fmt === 'u') cells.push(v.toString());
      else if (fmt === 'c') cells.push(JSON.stringify(String.fromCharCode(Number(v))));
      else {
        const bits = BigInt(unit * 8);
        if (v >= 1n << (bits - 1n)) v -= 1n << bits;
        cells.push(v.toString());
      }
    }
    lines.push(`0x${(loc.address + i * unit).toString(16)}:\t${cells.join('\t')}`);
  }
  if (r.unreadableBytes) lines.push(`(${Math.min(r.unreadableBytes, total)} bytes unreadable: ?? marks them)`);
  return lines.join('\n');
}

export function runRepl(ctx: SessionContext, input: string): ReplResult {
  const line = input.trim();
  const t = ctx.requireTarget();
  if (line === '' || line === 'help' || line === 'h') return { text: REPL_HELP };
  let m: RegExpExecArray | null;
  if ((m = /^(?:bt|backtrace|where)(?:\s+(\d+))?$/.exec(line))) {
    const frames = t.frames(ctx.replThread);
    const n = m[1] ? Number(m[1]) : frames.length;
    return { text: frames.slice(0, n).map((f) => (f.level === ctx.replLevel ? '* ' : '  ') + frameLine(ctx, f.level)).join('\n') };
  }
  if ((m = /^(?:frame|f)(?:\s+(\d+))?$/.exec(line))) {
    if (m[1] !== undefined) {
      const lvl = Number(m[1]);
      const count = t.frames(ctx.replThread).length;
      if (lvl >= count) throw new DapError(ErrorId.Evaluation, `frame ${lvl}: there are only ${count} frames (0..${count - 1})`);
      ctx.replLevel = lvl;
    }
    return { text: frameLine(ctx, ctx.replLevel) };
  }
  if ((m = /^info\s+(\w+)$/.exec(line))) {
    switch (m[1]) {
      case 'locals': return { text: listScope(ctx, 'Locals') };
      case 'args': return { text: listScope(ctx, 'Arguments') };
      case 'globals': return { text: listScope(ctx, 'Globals') };
      case 'frame': {
        const f = t.frame(ctx.replThread, ctx.replLevel);
        return { text: [frameLine(ctx, ctx.replLevel), `  function index ${f.funcIndex}, instance ${f.instanceIndex}, raw code offset 0x${f.rawCodeOffset.toString(16)}`,
          f.codeAddr !== undefined ? `  code address (DWARF) 0x${f.codeAddr.toString(16)}` : '  code address unavailable',
          `  debug info: ${f.hasDebugInfo ? 'yes' : 'no'}`].join('\n') };
      }
      case 'modules': return { text: t.moduleInfos().map((mi) => `[${mi.index}] ${mi.name}  ${mi.path ?? '(not loaded)'}  ${mi.symbolStatus}${mi.buildId ? '  build-id ' + mi.buildId : ''}`).join('\n') };
      case 'trap': {
        const tr = t.trap(ctx.replThread);
        const r = ctx.reason(ctx.replThread);
        const head = r ? `${r.message}${r.incomplete ? `\n  incomplete: ${(r.notes ?? []).join('; ')}` : ''}\n` : '';
        return { text: `${head}${tr.description}\n  why: ${tr.evidence}` };
      }
      default: throw new DapError(ErrorId.Evaluation, `info ${m[1]}: unknown; try info locals|args|globals|frame|modules|trap`);
    }
  }
  if ((m = /^(?:p|print)(\/x)?\s+(.+)$/.exec(line))) {
    const node = t.evaluate(ctx.replThread, ctx.replLevel, m[2], { hex: !!m[1] });
    const shown = m[1] ? toHex(node) : node; // raw Wasm values of frames without a module are plain decimals
    return { text: shown.value, node: shown };
  }
  if ((m = /^x(?:\/(\S*))?\s+(.+)$/.exec(line))) return { text: examine(ctx, m[1] ?? '', m[2].trim()) };
  const node = t.evaluate(ctx.replThread, ctx.replLevel, line);
  return { text: node.value, node };
}
