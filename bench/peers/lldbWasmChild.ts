/**
 * One measured run of "open the crash → frames → the crashed frame's
 * variables" in a fresh process, by one tool, printed as one JSON line:
 *
 *   node out/bench/peers/lldbWasmChild.js ours|lldb CORE MODULE [FUNCTION]
 *
 * - ours: PostMortemTarget from the dump's bytes and the module read on
 *   demand (as `bt` opens it), every frame (inlined ones
 *   included) with its source line, and in the crashed frame (the first
 *   frame of FUNCTION, by default the innermost) every argument and local
 *   with its value text.
 * - lldb: LLDB compiled to Wasm (`@vscode/dwarf-debugging`, what js-debug
 *   uses for Wasm DWARF in VS Code), driven through its own worker API as
 *   js-debug drives it: spawn, hello, addRawModule, then per frame
 *   getFunctionInfo + rawLocationToSourceLocation for each inline level,
 *   and for the same crashed frame listVariablesInScope + evaluate of each
 *   variable. Its host interface reads the same core dump (memory, locals,
 *   globals) through our reader, so both tools see the same state.
 *
 * `workMs` excludes Node's start-up and module loading; `warmMs` for LLDB
 * excludes the worker's start (compiling its 58 MB of Wasm), which a
 * running js-debug pays once; peak RSS includes the worker thread.
 */
import * as fs from 'node:fs';
import { PostMortemTarget } from '../../src/target/target';
import { CoreDump } from '../../src/coredump/reader';
import { WasmValue as CoreValue } from '../../src/coredump/model';
import { openLazy } from '../../host/lazyFile';

interface Result { tool: string; workMs: number; warmMs: number; frames: number; variables: number; maxRssKb: number; names: string[]; error?: string }

type HostValue = { type: 'i32' | 'f32' | 'f64'; value: number } | { type: 'i64'; value: bigint };

/** A dump value for the peer; an unrecorded one as i32 0 (the worker's RPC has no way to say "unavailable"). */
function hostValue(v: CoreValue | undefined): HostValue {
  if (!v || v.type === 'missing') return { type: 'i32', value: 0 };
  return v.type === 'i64' ? { type: 'i64', value: v.value } : { type: v.type, value: v.value };
}

const LOCAL_SCOPES = new Set(['Arguments', 'Locals']);

function ours(core: Uint8Array, file: string, fn?: string): Omit<Result, 'maxRssKb' | 'tool'> {
  const t0 = performance.now();
  // the module as `bt` and `symbolize` open it: read on demand (host/lazyFile.ts)
  const wasm = openLazy(file).bytes;
  const tg = PostMortemTarget.fromBytes({ coreDump: { bytes: core, file: 'crash.coredump' }, modules: [{ bytes: wasm, file }] });
  const frames = tg.frames(0);
  const names = frames.map((f) => `${f.functionName}:${f.location?.line ?? '?'}`);
  let variables = 0;
  const crashed = frames.find((f) => fn === undefined || f.functionName === fn);
  if (crashed) {
    for (const s of tg.scopes(0, crashed.level)) {
      if (!LOCAL_SCOPES.has(s.name)) continue;
      for (const v of s.variables()) { variables++; void v.value; }
    }
  }
  const ms = performance.now() - t0;
  return { workMs: ms, warmMs: ms, frames: frames.length, variables, names };
}

async function lldb(coreBytes: Uint8Array, wasm: Uint8Array, file: string, fn?: string): Promise<Omit<Result, 'maxRssKb' | 'tool'>> {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { spawn } = require('@vscode/dwarf-debugging') as typeof import('@vscode/dwarf-debugging');
  const t0 = performance.now();
  const tg = PostMortemTarget.fromBytes({ coreDump: { bytes: coreBytes, file: 'crash.coredump' }, modules: [{ bytes: wasm, file }] });
  const core: CoreDump = tg.core;
  const phys = core.threads[0].frames;
  const stopFrame = (stopId: unknown): number => Number(stopId);
  const worker = spawn({
    getWasmLinearMemory: async (offset: number, length: number) => {
      // (its RPC cannot carry an error: a read past what the dump recorded comes back as zeros, for the peer only)
      const r = tg.readMemory({ instance: 0, memory: 0, address: offset }, length);
      const b = new ArrayBuffer(length);
      new Uint8Array(b).set(r.data);
      return b;
    },
    getWasmLocal: async (local: number, stopId: unknown) => {
      const l = phys[stopFrame(stopId)].locals;
      return hostValue(l.recorded ? l.values[local] : undefined) as never;
    },
    getWasmGlobal: async (global: number) => hostValue(core.globals[global]?.value) as never,
    getWasmOp: async (op: number, stopId: unknown) => {
      const s = phys[stopFrame(stopId)].stack;
      return hostValue(s.recorded ? s.values[s.values.length - 1 - op] : undefined) as never;
    },
  });
  try {
    await worker.rpc.sendMessage('hello', [], false);
    const tWarm = performance.now();
    const code = wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer;
    const added = await worker.rpc.sendMessage('addRawModule', 'm0', undefined, { url: `file://${file}`, code });
    if (!Array.isArray(added)) throw new Error(`addRawModule: missing ${JSON.stringify(added)}`);
    const names: string[] = [];
    let crashed: { codeOffset: number; inline: number; physical: number } | undefined;
    let variables = 0;
    for (const f of phys) {
      const codeOffset = f.codeAddr;
      if (codeOffset === undefined) { names.push(`func[${f.funcIndex}]:?`); continue; }
      const raw = { rawModuleId: 'm0', codeOffset, inlineFrameIndex: 0 };
      const info = await worker.rpc.sendMessage('getFunctionInfo', raw);
      const chain = 'frames' in info ? info.frames : [];
      if (!chain.length) { names.push(`func[${f.funcIndex}]:?`); continue; }
      for (let i = 0; i < chain.length; i++) {
        const loc = await worker.rpc.sendMessage('rawLocationToSourceLocation', { ...raw, inlineFrameIndex: i });
        names.push(`${chain[i].name}:${loc[0]?.lineNumber !== undefined ? loc[0].lineNumber + 1 : '?'}`);
        // LLDB names are linkage-flavoured (`prog.crash`, `check(orders::Order const&, ...)`): match the source name inside
        if (!crashed && (fn === undefined || chain[i].name.includes(fn.split('::').pop() as string))) crashed = { codeOffset, inline: i, physical: f.index };
      }
    }
    if (crashed) {
      const at = { rawModuleId: 'm0', codeOffset: crashed.codeOffset, inlineFrameIndex: crashed.inline };
      const vars = await worker.rpc.sendMessage('listVariablesInScope', at);
      for (const v of vars) {
        if (v.scope === 'GLOBAL') continue;
        variables++;
        try { await worker.rpc.sendMessage('evaluate', v.name, at, crashed.physical); } catch { /* counted: LLDB listed it */ }
      }
    }
    const t1 = performance.now();
    return { workMs: t1 - t0, warmMs: t1 - tWarm, frames: names.length, variables, names };
  } finally {
    await worker.dispose();
  }
}

/**
 * Peak RSS of this process in KiB: VmHWM of the process's own address space
 * (getrusage's maxrss can carry the parent's high-water mark across fork on
 * Linux, so a child of a big bench process would report the parent's).
 */
function peakRssKb(): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]);
  } catch { /* not Linux */ }
  return process.resourceUsage().maxRSS;
}

async function main(): Promise<void> {
  const [tool, corePath, wasmPath, fn] = process.argv.slice(2);
  const core = new Uint8Array(fs.readFileSync(corePath));
  let r: Result;
  try {
    // LLDB's API takes the whole module as an ArrayBuffer
    const x = tool === 'lldb' ? await lldb(core, new Uint8Array(fs.readFileSync(wasmPath)), wasmPath, fn) : ours(core, wasmPath, fn);
    r = { tool, ...x, maxRssKb: peakRssKb() };
  } catch (e) {
    r = { tool, workMs: NaN, warmMs: NaN, frames: 0, variables: 0, names: [], maxRssKb: peakRssKb(), error: e instanceof Error ? e.message : String(e) };
  }
  process.stdout.write(JSON.stringify(r) + '\n');
}

if (require.main === module) main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
