/**
 * Shadow-stack prologue analysis. LLVM-based producers (clang, rustc,
 * emscripten, Zig) keep the C stack in linear memory with its pointer in a
 * mutable global (`__stack_pointer`). A function with a frame lowers it in
 * its prologue:
 *   -O2:  global.get $sp; i32.const N; i32.sub; local.tee $fp; global.set $sp
 *   -O0:  global.get $sp; local.set a; i32.const N; local.set b; local.get a;
 *         local.get b; i32.sub; local.set c; local.get c; global.set $sp
 * Leaf functions may lower it into a local without writing the global back.
 * A small symbolic interpreter over the first instructions recognises all
 * of these; anything else is reported as uncertain, never guessed.
 */
import { WasmModule } from '../wasm/module';
import { Instr, decodeFunction } from '../wasm/decoder';

export interface Prologue {
  funcIndex: number;
  /** Bytes the prologue subtracts from the stack pointer (0: no frame). */
  frameSize: number;
  /** The prologue stores the lowered pointer into the global (non-leaf functions). */
  writesGlobal: boolean;
  /** Code address of that `global.set`: before it the global still holds the caller's value. */
  setAddr?: number;
  /** Wasm locals holding `entrySP + offset` after the prologue (the -O0 frame base is one of them). */
  spLocals: Map<number, number>;
  /** False when the stack pointer moves in ways we cannot follow (alignment, alloca, unusual code). */
  certain: boolean;
  reason?: string;
}

type Sym = { k: 'sp'; off: number } | { k: 'const'; v: number } | { k: 'unknown' };
const UNKNOWN: Sym = { k: 'unknown' };
const MAX_PROLOGUE = 64;

/** Index of the stack-pointer global: by name-section name, then imported `__stack_pointer`, else global 0 when it is a mutable i32/i64. */
export function findStackPointerGlobal(m: WasmModule): number | undefined {
  for (const [i, n] of m.names.globals) if (n === '__stack_pointer') return i;
  let gi = 0;
  for (const imp of m.imports) {
    if (imp.kind !== 'global') continue;
    if (imp.field === '__stack_pointer') return gi;
    gi++;
  }
  if (m.importedGlobalCount === 0) {
    const g0 = m.globals[0];
    if (g0 && g0.mutable && (g0.type === 'i32' || g0.type === 'i64')) return 0;
  }
  return undefined;
}

const cache = new WeakMap<WasmModule, Map<number, Prologue>>();

export function analyzePrologue(m: WasmModule, funcIndex: number, sp: number): Prologue {
  let per = cache.get(m);
  if (!per) { per = new Map(); cache.set(m, per); }
  const hit = per.get(funcIndex);
  if (hit) return hit;
  let p: Prologue;
  try { p = analyze(m, funcIndex, sp); } catch (e) {
    p = { funcIndex, frameSize: 0, writesGlobal: false, spLocals: new Map(), certain: false, reason: `cannot decode function ${funcIndex}: ${e instanceof Error ? e.message : String(e)}` };
  }
  per.set(funcIndex, p);
  return p;
}

function analyze(m: WasmModule, funcIndex: number, sp: number): Prologue {
  const out: Prologue = { funcIndex, frameSize: 0, writesGlobal: false, spLocals: new Map(), certain: true };
  if (!m.body(funcIndex)) return { ...out, certain: false, reason: `function ${funcIndex} has no body (imported)` };
  const instrs: Instr[] = [...decodeFunction(m, funcIndex)];
  const stack: Sym[] = [];
  const locals = new Map<number, Sym>();
  const pop = (): Sym => stack.pop() ?? UNKNOWN;
  let readsSp = false;
  let i = 0;
  let lowered: number | undefined; // most negative offset seen
  scan: for (; i < Math.min(instrs.length, MAX_PROLOGUE); i++) {
    const ins = instrs[i];
    const idx = ins.imm.kind === 'index' ? ins.imm.index : -1;
    switch (ins.name) {
      case 'global.get': stack.push(idx === sp ? { k: 'sp', off: 0 } : UNKNOWN); if (idx === sp) readsSp = true; break;
      case 'global.set': {
        const v = pop();
        if (idx !== sp) break;
        if (v.k !== 'sp') return { ...out, certain: false, reason: `function ${funcIndex} sets the stack pointer to a value not derived from it` };
        if (v.off > 0) return { ...out, certain: false, reason: `function ${funcIndex} raises the stack pointer in its prologue` };
        out.writesGlobal = true; out.setAddr = ins.addr; lowered = v.off;
        i++;
        break scan;
      }
      case 'nop': break;
      default:
        // first instruction we do not model ends the prologue
        if (!step(ins, stack, locals)) break scan;
    }
    const top = stack[stack.length - 1];
    if (top?.k === 'sp' && (lowered === undefined || top.off < lowered)) lowered = top.off;
  }
  for (const [l, v] of locals) if (v.k === 'sp') out.spLocals.set(l, v.off);
  if (lowered !== undefined) out.frameSize = -lowered;

  // The rest of the body: every other write to the SP global must be an epilogue restore.
  for (; i < instrs.length; i++) {
    const ins = instrs[i];
    if (ins.name !== 'global.set' || ins.imm.kind !== 'index' || ins.imm.index !== sp) continue;
    if (!out.writesGlobal) return { ...out, certain: false, reason: `function ${funcIndex} writes the stack pointer outside a recognised prologue` };
    if (!isRestore(instrs, i, out)) return { ...out, certain: false, reason: `function ${funcIndex} moves the stack pointer dynamically (alloca or alignment)` };
  }
  if (!readsSp) out.frameSize = 0;
  return out;
}

/**
 * Is the `global.set $sp` at `i` an epilogue restore (sets the pointer back
 * to its entry value)? Replays the few instructions before it symbolically,
 * knowing which locals hold `entrySP + offset`.
 */
function isRestore(instrs: Instr[], i: number, p: Prologue): boolean {
  for (let from = Math.max(0, i - 12); from < i; from++) {
    const locals = new Map<number, Sym>();
    for (const [l, off] of p.spLocals) locals.set(l, { k: 'sp', off });
    const stack: Sym[] = [];
    let ok = true;
    for (let j = from; j < i && ok; j++) ok = step(instrs[j], stack, locals);
    if (!ok) continue;
    const top = stack[stack.length - 1];
    if (top && top.k === 'sp' && top.off === 0) return true;
  }
  return false;
}

/**
 * One instruction of the symbolic interpreter both passes share: constants,
 * locals and add/sub on `entrySP + offset` values. False for anything else.
 */
function step(ins: Instr, stack: Sym[], locals: Map<number, Sym>): boolean {
  const pop = (): Sym => stack.pop() ?? UNKNOWN;
  const idx = ins.imm.kind === 'index' ? ins.imm.index : -1;
  switch (ins.name) {
    case 'i32.const': stack.push(ins.imm.kind === 'i32' ? { k: 'const', v: ins.imm.value } : UNKNOWN); return true;
    case 'i64.const': stack.push(ins.imm.kind === 'i64' ? { k: 'const', v: Number(ins.imm.value) } : UNKNOWN); return true;
    case 'local.get': stack.push(locals.get(idx) ?? UNKNOWN); return true;
    case 'local.set': locals.set(idx, pop()); return true;
    case 'local.tee': locals.set(idx, stack[stack.length - 1] ?? UNKNOWN); return true;
    case 'i32.add': case 'i64.add': case 'i32.sub': case 'i64.sub': {
      const b = pop(), a = pop();
      const sign = ins.name.endsWith('sub') ? -1 : 1;
      if (a.k === 'sp' && b.k === 'const') stack.push({ k: 'sp', off: a.off + sign * b.v });
      else if (a.k === 'const' && b.k === 'sp' && sign === 1) stack.push({ k: 'sp', off: b.off + a.v });
      else if (a.k === 'const' && b.k === 'const') stack.push({ k: 'const', v: a.v + sign * b.v });
      else stack.push(UNKNOWN);
      return true;
    }
    default: return false;
  }
}
