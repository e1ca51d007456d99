/**
 * Small crashing programs for capture tests, built with the test module
 * builder, with the facts a correct core dump must show.
 */
import { FuncDef, ModuleDef, OP, T, buildModule, imm, localsDeclLength } from './wasm-builder';

export const NAN_BITS = 0x7ff8000000000123n;
export const F32_BITS = 0xc0200000; // -2.5

/** WASI command: _start -> inner(42) which sets locals and hits `unreachable` with [7, 42] on the stack. */
export function wasiTrapProgram(): { bytes: Uint8Array; trapOffset: number; callOffset: number } {
  const inner: FuncDef = {
    type: 1,
    locals: [[1, T.i64], [1, T.f32], [1, T.f64]],
    code: [
      OP.i64Const, ...imm.s64(1234567890123n), OP.localSet, 1,
      OP.f32Const, ...imm.f32bits(F32_BITS), OP.localSet, 2,
      OP.f64Const, ...imm.f64bits(NAN_BITS), OP.localSet, 3,
      OP.i32Const, 7, OP.localGet, 0,
      OP.unreachable,
    ],
  };
  const start: FuncDef = { type: 2, export: '_start', code: [OP.i32Const, ...imm.s32(42), OP.call, 1, OP.drop] };
  const m: ModuleDef = {
    types: [{ params: [T.i32], results: [] }, { params: [T.i32], results: [T.i32] }, { params: [], results: [] }],
    imports: [{ module: 'wasi_snapshot_preview1', field: 'proc_exit', type: 0 }],
    funcs: [inner, start],
    memoryPages: 2,
    exportMemory: true,
    globals: [
      { type: T.i32, mutable: true, init: [OP.i32Const, ...imm.s32(66560)] },      // like __stack_pointer: not exported
      { type: T.i64, mutable: false, init: [OP.i64Const, ...imm.s64(-5n)] },
      { type: T.f32, mutable: true, init: [OP.f32Const, ...imm.f32bits(0x3fc00000)] }, // 1.5
      { type: T.f64, mutable: true, init: [OP.f64Const, ...imm.f64bits(NAN_BITS)] },
    ],
    data: [{ offset: 100, bytes: [...Buffer.from('hello')] }, { offset: 70000, bytes: [...Buffer.from('world')] }],
  };
  return {
    bytes: buildModule(m),
    trapOffset: localsDeclLength(inner) + inner.code.indexOf(OP.unreachable, inner.code.length - 1),
    callOffset: localsDeclLength(start) + start.code.indexOf(OP.call),
  };
}

/** WASI command that exits with code 3 through proc_exit: no trap. */
export function wasiExitProgram(): Uint8Array {
  return buildModule({
    types: [{ params: [T.i32], results: [] }, { params: [], results: [] }],
    imports: [{ module: 'wasi_snapshot_preview1', field: 'proc_exit', type: 0 }],
    funcs: [{ type: 1, export: '_start', code: [OP.i32Const, 3, OP.call, 0] }],
    memoryPages: 1,
    exportMemory: true,
  });
}

/**
 * WASI command that records what it was given, then traps: at address 0 the
 * number of environment variables, at 4 their total size, at 8 the errno of
 * fd_prestat_get(3) (0 when a directory was preopened).
 */
export function wasiEnvProgram(): Uint8Array {
  return buildModule({
    types: [{ params: [T.i32, T.i32], results: [T.i32] }, { params: [], results: [] }],
    imports: [
      { module: 'wasi_snapshot_preview1', field: 'environ_sizes_get', type: 0 },
      { module: 'wasi_snapshot_preview1', field: 'fd_prestat_get', type: 0 },
    ],
    funcs: [{
      type: 1, export: '_start',
      code: [
        OP.i32Const, 0, OP.i32Const, 4, OP.call, 0, OP.drop,
        OP.i32Const, 8, OP.i32Const, 3, OP.i32Const, 16, OP.call, 1, OP.i32Store, 2, 0,
        OP.unreachable,
      ],
    }],
    memoryPages: 1,
    exportMemory: true,
  });
}

/** Module A: exports memory and run(x) which calls the imported env.cb(x + 0). */
export function moduleA(): Uint8Array {
  return buildModule({
    types: [{ params: [T.i32], results: [T.i32] }],
    imports: [{ module: 'env', field: 'cb', type: 0 }],
    funcs: [{ type: 0, export: 'run', locals: [[1, T.i32]], code: [OP.i32Const, 5, OP.localSet, 1, OP.localGet, 0, OP.call, 0] }],
    memoryPages: 1,
    exportMemory: true,
    globals: [{ type: T.i32, mutable: true, init: [OP.i32Const, ...imm.s32(1000)] }],
    data: [{ offset: 8, bytes: [0xde, 0xad] }],
  });
}

/** Module B: boom(x) = 100 / x (traps for x = 0), no memory of its own. */
export function moduleB(): Uint8Array {
  return buildModule({
    types: [{ params: [T.i32], results: [T.i32] }],
    funcs: [{ type: 0, export: 'boom', code: [OP.i32Const, 100, OP.localGet, 0, OP.i32DivS] }],
    globals: [{ type: T.i64, mutable: true, init: [OP.i64Const, ...imm.s64(-77n)] }],
  });
}

/** A Node script: A.run(0) -> JS cb -> B.boom(0) traps (integer divide by zero). */
export function twoModuleScript(aFile: string, bFile: string, mode: 'once' | 'loop' | 'three-caught'): string {
  return `
import { readFileSync } from 'node:fs';
const b = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(${JSON.stringify(bFile)})), {});
const a = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(${JSON.stringify(aFile)})), { env: { cb: (x) => b.exports.boom(x) } });
${mode === 'once' ? 'console.log("before trap"); a.exports.run(0);'
    : mode === 'three-caught' ? 'for (let i = 0; i < 3; i++) { try { a.exports.run(0); } catch { console.log("caught", i); } }'
    : 'const t = setInterval(() => { try { a.exports.run(0); } catch { /* keep going */ } }, 100); setTimeout(() => clearInterval(t), 30000);'}
`;
}

/** WASI command: rec(n) = n == depth ? unreachable : rec(n + 1), called as rec(0): depth + 2 Wasm frames. */
export function wasiDeepProgram(depth: number): Uint8Array {
  const rec = [OP.localGet, 0, OP.i32Const, ...imm.s32(depth), 0x46 /* i32.eq */, 0x04, 0x40 /* if */, OP.unreachable, OP.end,
    OP.localGet, 0, OP.i32Const, 1, 0x6a /* i32.add */, OP.call, 1];
  return buildModule({
    types: [{ params: [T.i32], results: [] }, { params: [], results: [] }, { params: [T.i32], results: [T.i32] }],
    imports: [{ module: 'wasi_snapshot_preview1', field: 'proc_exit', type: 0 }],
    memoryPages: 1, exportMemory: true,
    funcs: [{ type: 2, code: rec, locals: [[2, T.i64]] }, { type: 1, export: '_start', code: [OP.i32Const, 0, OP.call, 1, OP.drop] }],
  });
}
