/**
 * Variables API (consumed by the debug target / DAP and the CLI).
 *
 *   const tv = new ThreadValues(frames);            // FrameInput[] of one thread, youngest first
 *   tv.scopes(i, { frameDie })                      // Scope[] of physical frame i (frameDie: SymFrame.die for inlined frames)
 *   tv.evaluate(i, 'it->next->label', { frameDie }) // Variable; throws EvalError (position + reason)
 *
 * A Variable's `value` is `<unavailable: reason>` when it cannot be known.
 * Children are lazy and paged (`children(start, count)`).
 */
import * as C from '../dwarf/constants';
import type { Die } from '../dwarf/die';
import { TypeBuilder } from '../types/build';
import { BaseType, Type, strip } from '../types/model';
import { findTypeDie } from '../types/lookup';
import { evaluateExpression, EvalEnv } from '../eval/evaluate';
import { EvalError } from '../eval/errors';
import { inlineChain } from '../symbols/funcindex';
import { reconstructStack, FrameStack } from '../unwind/stack';
import { findStackPointerGlobal } from '../unwind/prologue';
import { wasmValueBytes } from '../dwarf/expr';
import type { WasmValue } from '../coredump/model';
import { FrameInput, FrameState } from './frame';
import { findGlobal, frameVariables, labelShadowed, scopeAt, unitGlobals } from './scopes';
import { Variable, toVariable } from './variable';
import { Value, immediate, memberValue, derefPointer } from './value';
import type { FormatOptions } from './format';

export type { Variable, MemoryRef } from './variable';
export type { FrameInput } from './frame';
export { EvalError } from '../eval/errors';
export type { FormatOptions } from './format';

export interface Scope {
  name: 'Arguments' | 'Locals' | 'Statics' | 'Globals';
  presentationHint?: 'arguments' | 'locals';
  /** Costly to list (unit globals): fetch only when expanded. */
  expensive: boolean;
  variables(): Variable[];
}

export interface FrameSelector {
  /** DIE of the logical frame (SymFrame.die): a subprogram or inlined subroutine. */
  frameDie?: Die;
  /** Otherwise: logical frame at the physical frame's address, 0 = innermost inlined. */
  inlineDepth?: number;
}

const wasmTypes: Record<string, BaseType> = {
  i32: { kind: 'base', name: 'i32', size: 4, encoding: 'signed' },
  i64: { kind: 'base', name: 'i64', size: 8, encoding: 'signed' },
  f32: { kind: 'base', name: 'f32', size: 4, encoding: 'float' },
  f64: { kind: 'base', name: 'f64', size: 8, encoding: 'float' },
};

export class ThreadValues {
  private stacks?: FrameStack[];
  private readonly types = new Map<unknown, TypeBuilder>();
  private readonly states = new Map<number, FrameState>();

  constructor(readonly frames: ReadonlyArray<FrameInput | undefined>) {}

  private frame(i: number): FrameInput {
    const f = this.frames[i];
    if (!f) throw new EvalError(i < this.frames.length ? `frame ${i} belongs to a module that is not loaded` : `no frame ${i} (the thread has ${this.frames.length})`, 0);
    return f;
  }

  private typeBuilder(f: FrameInput): TypeBuilder {
    const key = f.dwarf ?? f.module;
    let t = this.types.get(key);
    if (!t) { t = new TypeBuilder(); this.types.set(key, t); }
    return t;
  }

  /** Reconstructed shadow-stack data of each frame (for frame bases without recorded locals). */
  stackInfo(i: number): FrameStack | undefined {
    this.stacks ??= reconstructStack(this.frames);
    return this.stacks[i];
  }

  state(i: number): FrameState {
    let s = this.states.get(i);
    if (!s) {
      const f = this.frame(i);
      s = new FrameState(f, () => this.stackInfo(i), this.typeBuilder(f));
      this.states.set(i, s);
    }
    return s;
  }

  /** The logical frame's DIE and its subprogram. */
  frameDies(i: number, sel: FrameSelector = {}): { frameDie: Die; subprogram: Die } | undefined {
    const f = this.frames[i];
    if (sel.frameDie) {
      const chain = inlineChain(sel.frameDie);
      return { frameDie: sel.frameDie, subprogram: chain[chain.length - 1] ?? sel.frameDie };
    }
    if (!f?.dwarf || f.pc === undefined) return undefined;
    const s = scopeAt(f.dwarf, f.pc, sel.inlineDepth ?? 0);
    return s ? { frameDie: s.frameDie, subprogram: s.subprogram } : undefined;
  }

  scopes(i: number, sel: FrameSelector = {}, o: FormatOptions = {}): Scope[] {
    const dies = this.frameDies(i, sel);
    if (!dies) return [];
    const st = this.state(i).forSubprogram(dies.subprogram);
    const vars = labelShadowed(frameVariables(dies.frameDie, this.frame(i).pc));
    const make = (kind: string) => () => vars.filter((v) => v.kind === kind)
      .map((v) => toVariable(v.label, st.variable(v.die), v.shadowed ? undefined : v.name, o));
    const out: Scope[] = [
      { name: 'Arguments', presentationHint: 'arguments', expensive: false, variables: make('argument') },
      { name: 'Locals', presentationHint: 'locals', expensive: false, variables: make('local') },
    ];
    if (vars.some((v) => v.kind === 'static')) out.push({ name: 'Statics', expensive: false, variables: make('static') });
    out.push({
      name: 'Globals', expensive: true,
      variables: () => unitGlobals(dies.frameDie.unit).map((g) => toVariable(g.name, st.variable(g.die), g.name, o)),
    });
    return out;
  }

  /** Evaluate an expression in physical frame i (logical frame chosen by `sel`). */
  evaluate(i: number, expr: string, sel: FrameSelector = {}, o: FormatOptions = {}): Variable {
    const v = evaluateExpression(expr, this.env(i, sel));
    return toVariable(expr, v, expr, o);
  }

  /** The evaluated value (for tests and the CLI). */
  evaluateValue(i: number, expr: string, sel: FrameSelector = {}): Value {
    return evaluateExpression(expr, this.env(i, sel));
  }

  env(i: number, sel: FrameSelector = {}): EvalEnv {
    const f = this.frame(i);
    const dies = this.frameDies(i, sel);
    const st = this.state(i).forSubprogram(dies?.subprogram);
    const tb = this.typeBuilder(f);
    let scoped: ReturnType<typeof labelShadowed> | undefined;
    return {
      ctx: st,
      lookupName: (name) => {
        if (dies) {
          scoped ??= labelShadowed(frameVariables(dies.frameDie, f.pc));
          const hit = scoped.find((v) => v.name === name && !v.shadowed);
          if (hit) return st.variable(hit.die);
        }
        // C++ methods: members of `*this` by their bare names, as gdb resolves them
        const self = scoped?.find((v) => v.name === 'this' && v.kind === 'argument');
        if (self) {
          const member = memberOfThis(st.variable(self.die), name);
          if (member) return member;
        }
        if (!f.dwarf) return undefined;
        const g = findGlobal(f.dwarf, name, dies?.frameDie.unit);
        return g ? st.variable(g) : undefined;
      },
      lookupWasm: (name) => this.wasmName(i, st, name),
      findType: (name) => {
        if (wasmTypes[name]) return wasmTypes[name];
        const d = f.dwarf ? findTypeDie(f.dwarf, name, dies?.frameDie.unit) : undefined;
        return d ? tb.fromDie(d) : builtinType(name, st.addressSize);
      },
    };
  }

  private wasmName(i: number, st: FrameState, raw: string): Value | undefined {
    const f = this.frame(i);
    const name = raw.slice(1);
    const wrap = (v: WasmValue | undefined, what: string): Value => {
      const t = v && v.type !== 'missing' ? wasmTypes[v.type] : wasmTypes.i32;
      const bytes = v ? wasmValueBytes(v) : undefined;
      if (!bytes) return { type: t, loc: { kind: 'unavailable', reason: v ? `${what} marked missing by the producer` : `${what} not recorded in the core dump` }, ctx: st };
      return immediate(t, bytes, st, what);
    };
    let m = /^local(\d+)$/.exec(name);
    if (m) return wrap(st.local(Number(m[1])), `Wasm local ${m[1]}`);
    m = /^global(\d+)$/.exec(name);
    if (m) return wrap(f.global(Number(m[1])), `Wasm global ${m[1]}`);
    m = /^stack(\d+)$/.exec(name);
    if (m) return wrap(st.operand(Number(m[1])), `operand stack entry ${m[1]}`);
    if (name === '__stack_pointer' || name === 'sp') {
      const g = findStackPointerGlobal(f.module);
      if (g !== undefined) return wrap(f.global(g), `Wasm global ${g}`);
    }
    for (const [gi, n] of f.module.names.globals) if (n === name) return wrap(f.global(gi), `Wasm global ${gi}`);
    const locals = f.module.names.locals.get(f.funcIndex);
    if (locals) for (const [li, n] of locals) if (n === name) return wrap(st.local(li), `Wasm local ${li}`);
    return undefined;
  }
}

/** C/Rust scalar types usable in casts even when the program's DWARF does not mention them. */
function builtinType(name: string, addressSize: number): BaseType | undefined {
  const n = name.replace(/\s+/g, ' ').trim();
  const table: Record<string, [number, BaseType['encoding']]> = {
    char: [1, 'signed-char'], 'signed char': [1, 'signed-char'], 'unsigned char': [1, 'unsigned-char'],
    short: [2, 'signed'], 'unsigned short': [2, 'unsigned'], int: [4, 'signed'], unsigned: [4, 'unsigned'], 'unsigned int': [4, 'unsigned'],
    long: [addressSize, 'signed'], 'unsigned long': [addressSize, 'unsigned'], 'long long': [8, 'signed'], 'unsigned long long': [8, 'unsigned'],
    float: [4, 'float'], double: [8, 'float'], _Bool: [1, 'bool'], bool: [1, 'bool'],
    i8: [1, 'signed'], u8: [1, 'unsigned'], i16: [2, 'signed'], u16: [2, 'unsigned'], i32: [4, 'signed'], u32: [4, 'unsigned'],
    i64: [8, 'signed'], u64: [8, 'unsigned'], isize: [addressSize, 'signed'], usize: [addressSize, 'unsigned'], f32: [4, 'float'], f64: [8, 'float'],
  };
  const e = table[n];
  return e ? { kind: 'base', name: n === 'unsigned' ? 'unsigned int' : n, size: e[0], encoding: e[1] } : undefined;
}

function memberOfThis(self: Value, name: string): Value | undefined {
  const p = strip(self.type);
  if (p.kind !== 'pointer') return undefined;
  const t = strip(p.target);
  if (t.kind !== 'composite') return undefined;
  const m = t.members.find((x) => x.name === name);
  return m ? memberValue(derefPointer(self), m) : undefined;
}

/** Name of a variable DIE as shown (for tests / listings). */
export function dieName(d: Die): string | undefined { return d.inheritedStr(C.DW_AT_name); }

export type { Type };
