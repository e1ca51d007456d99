/**
 * Turns a V8 `Debugger.paused` event on a Wasm trap into a core dump model.
 * Written as a generator of protocol requests so that the same logic runs
 * synchronously (an in-process `node:inspector` session, where the pause ends
 * as soon as the event handler returns) and asynchronously (a remote
 * inspector over WebSocket). Drivers: `runSync`, `runAsync`.
 */
import { CoreDumpInput, FrameInput, GlobalInput, MemoryInput, Segment, CHUNK_SIZE, PAGE_SIZE, chunkMemory } from '../../src/coredump/writer';
import { WasmValue, Instance } from '../../src/coredump/model';
import { CallFrame, PausedEvent, Request, isWasmFrame } from './protocol';
import { CLEANUP_FN, EncodedValue, FRAMES_FN, FramesReply, MEMORY_FN, MemoryReply, STASH_FN, STASH_KEY } from './debuggee';
import { WasmModule, readModule } from '../../src/wasm/module';

export interface CollectOptions {
  /** Write empty locals/stack vectors (as wasmtime does). */
  noLocals?: boolean;
  /** The `core` section's executable name. */
  executableName?: string;
  /** Thread name in `corestack`. Default "main". */
  threadName?: string;
  /** Name for the module behind a Wasm script id (default: script URL if known, else `wasm-module-<scriptId>`). */
  moduleName?: (scriptId: string) => string | undefined;
  /** The module bytes behind a script id, if the caller has them (else fetched with Debugger.getScriptSource). */
  moduleBytes?: (scriptId: string) => Uint8Array | undefined;
  /**
   * The debuggee runs in this very isolate (a synchronous in-process
   * session): memory is then read directly, without base64 over the protocol.
   */
  inProcess?: boolean;
  /** Frames per protocol call (bounds argument list size). */
  framesPerCall?: number;
  /** Memory bytes scanned per protocol call. */
  memoryWindow?: number;
}

/** The model plus each module's bytes (index = module index), when V8 or the caller had them. */
export interface Collected extends CoreDumpInput { moduleBytes: Array<Uint8Array | undefined> }

export type Collector = Generator<Request, Collected, unknown>;

/** The result of `Runtime.callFunctionOn` with returnByValue: our helpers return a JSON string. */
function jsonResult<T>(res: unknown, what: string): T {
  const r = res as { result?: { value?: unknown }; exceptionDetails?: { text?: string; exception?: { description?: string } } };
  if (r.exceptionDetails) {
    throw new Error(`${what} failed in the debuggee: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
  }
  if (typeof r.result?.value !== 'string') throw new Error(`${what}: unexpected reply ${JSON.stringify(res).slice(0, 200)}`);
  return JSON.parse(r.result.value) as T;
}

function objectId(f: CallFrame, type: string): string | undefined {
  return f.scopeChain.find((s) => s.type === type)?.object.objectId;
}

export function decodeValue(e: EncodedValue): WasmValue {
  const [t, v] = e;
  switch (t) {
    case 'i32': return { type: 'i32', value: Number(v) | 0 };
    case 'i64': return { type: 'i64', value: BigInt.asIntN(64, BigInt(v as string)) };
    case 'f32': {
      const bits = Number(v) >>> 0;
      const dv = new DataView(new ArrayBuffer(4)); dv.setUint32(0, bits, true);
      return { type: 'f32', value: dv.getFloat32(0, true), bits };
    }
    case 'f64': {
      const bits = BigInt.asUintN(64, BigInt(v as string));
      const dv = new DataView(new ArrayBuffer(8)); dv.setBigUint64(0, bits, true);
      return { type: 'f64', value: dv.getFloat64(0, true), bits };
    }
    default: return { type: 'missing' };
  }
}

/** V8 describes a v128 as e.g. "i32x4 0x00000001 0x00000002 0x00000003 0x00000004". */
function decodeV128(desc: string): Uint8Array | undefined {
  const m = /^i32x4 (0x[0-9a-f]{8}) (0x[0-9a-f]{8}) (0x[0-9a-f]{8}) (0x[0-9a-f]{8})$/i.exec(desc.trim());
  if (!m) return undefined;
  const out = new Uint8Array(16);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < 4; i++) dv.setUint32(i * 4, parseInt(m[i + 1], 16), true);
  return out;
}

function decodeGlobal(e: EncodedValue): GlobalInput {
  const v = decodeValue(e);
  if (v.type !== 'missing') return { value: v };
  if (e[0] === 'v128') {
    const bytes = decodeV128(String(e[1] ?? ''));
    if (bytes) return { value: { type: 'v128', bytes } };
  }
  // Reference globals (and anything unreadable) become a null reference: "unavailable".
  return { value: { type: e[0] === 'externref' ? 'externref' : 'funcref' } };
}

function b64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const callFn = (thisId: string, fn: string, args: Array<{ value: unknown } | { objectId: string }>): Request => ({
  method: 'Runtime.callFunctionOn',
  params: { objectId: thisId, functionDeclaration: fn, arguments: args, returnByValue: true, silent: true },
});

/** Collect the core dump model for one pause. Only Wasm frames are recorded (JS frames are skipped). */
export function* collectCoreDump(paused: PausedEvent, opts: CollectOptions = {}): Collector {
  const wasmFrames = paused.callFrames.filter(isWasmFrame);
  const perCall = opts.framesPerCall ?? 200;
  if (wasmFrames.length === 0) throw new Error('no Wasm frames in this pause');
  const thisId = objectId(wasmFrames[0], 'module');
  if (!thisId) throw new Error('the Wasm frame has no module scope');
  // Frames in batches; instances and memories are told apart by object
  // identity in the debuggee (a registry kept there until the cleanup call).
  let reply: FramesReply = { frames: [], instances: [], memories: [] };
  const frameInfo: FramesReply['frames'] = [];
  try {
    for (let i = 0; i < wasmFrames.length; i += perCall) {
      const args: Array<{ value: unknown } | { objectId: string }> = [{ value: JSON.stringify({ noLocals: !!opts.noLocals }) }];
      for (const f of wasmFrames.slice(i, i + perCall)) {
        args.push({ objectId: objectId(f, 'local') ?? thisId }, { objectId: objectId(f, 'wasm-expression-stack') ?? thisId }, { objectId: objectId(f, 'module') ?? thisId });
      }
      reply = jsonResult<FramesReply>(yield callFn(thisId, FRAMES_FN, args), 'reading frames');
      frameInfo.push(...reply.frames);
    }
  } finally {
    try { yield callFn(thisId, CLEANUP_FN, []); } catch { /* the target is gone: nothing to clean */ }
  }
  reply.frames = frameInfo;

  // The module bytes give exact function indices (V8 names frames, it does
  // not number them) and global mutability.
  const parsed = new Map<string, WasmModule | undefined>();
  for (const sid of new Set(wasmFrames.map((f) => f.location.scriptId))) {
    let bytes = opts.moduleBytes?.(sid);
    if (!bytes) {
      const src = (yield { method: 'Debugger.getScriptSource', params: { scriptId: sid } }) as { bytecode?: string };
      if (src.bytecode) bytes = b64(src.bytecode);
    }
    let mod: WasmModule | undefined;
    try { mod = bytes ? readModule(bytes, `wasm script ${sid}`) : undefined; void mod?.bodies; } catch { mod = undefined; }
    parsed.set(sid, mod);
  }

  // Modules: distinct script ids, in order of first instance use.
  const scriptOfInstance: string[] = [];
  reply.frames.forEach((f, i) => { scriptOfInstance[f.instance] ??= wasmFrames[i].location.scriptId; });
  const moduleScripts: string[] = [];
  const instances: Instance[] = [];
  const globals: GlobalInput[] = [];
  reply.instances.forEach((inst, ii) => {
    const sid = scriptOfInstance[ii];
    let mi = moduleScripts.indexOf(sid);
    if (mi < 0) mi = moduleScripts.push(sid) - 1;
    const gidx: number[] = [];
    const mod = parsed.get(sid);
    const nImp = mod ? mod.importedGlobalCount : 0;
    inst.globals.forEach((g, k) => {
      const gi = decodeGlobal(g);
      const t = mod && k >= nImp ? mod.globals[k - nImp] : undefined;
      if (t) gi.mutable = t.mutable;
      gidx.push(globals.push(gi) - 1);
    });
    instances.push({ moduleIndex: mi, memories: inst.memories, globals: gidx });
  });

  // Memories: read each through the first frame whose instance has it.
  const window = opts.memoryWindow ?? 16 * 1024 * 1024;
  const memories: MemoryInput[] = [];
  for (let m = 0; m < reply.memories.length; m++) {
    const ii = reply.instances.findIndex((x) => x.memories.includes(m));
    const local = reply.instances[ii].memories.indexOf(m);
    const fi = reply.frames.findIndex((f) => f.instance === ii);
    const modId = objectId(wasmFrames[fi], 'module') ?? thisId;
    const size = reply.memories[m].bytes;
    const segments: Segment[] = [];
    if (opts.inProcess) {
      const key = Symbol.for(STASH_KEY);
      const g = globalThis as unknown as Record<symbol, unknown>;
      jsonResult<object>(yield callFn(modId, STASH_FN, [{ value: local }]), `reading memory ${m}`);
      const view = g[key];
      delete g[key];
      if (view instanceof Uint8Array) {
        memories.push({ pages: Math.floor(view.length / PAGE_SIZE), segments: chunkMemory(view) });
        continue;
      }
      // The program runs in another realm (e.g. a vm context): fall back to the protocol.
    }
    for (let from = 0; from < size; from += window) {
      const r = jsonResult<MemoryReply>(yield callFn(modId, MEMORY_FN, [{ value: local }, { value: from }, { value: Math.min(from + window, size) }, { value: CHUNK_SIZE }]), `reading memory ${m}`);
      for (const [addr, data] of r.segs) segments.push({ offset: addr, bytes: b64(data) });
    }
    memories.push({ pages: Math.floor(size / PAGE_SIZE), segments });
  }

  const frames: FrameInput[] = wasmFrames.map((f, i) => {
    const col = f.location.columnNumber ?? 0;
    // V8's functionLocation of a Wasm frame is the function's body start
    // (the byte after the body-size LEB), like wasmtime's code offsets.
    const base = f.functionLocation?.columnNumber ?? 0;
    const mod = parsed.get(f.location.scriptId);
    const fr: FrameInput = { instanceIndex: reply!.frames[i].instance, funcIndex: funcIndexOf(f, mod), codeOffset: col - base };
    if (!opts.noLocals) {
      fr.locals = (frameInfo[i].locals ?? []).map(decodeValue);
      fr.stack = (frameInfo[i].stack ?? []).map(decodeValue);
    }
    return fr;
  });

  const modules = moduleScripts.map((sid) => opts.moduleName?.(sid) ?? `wasm-module-${sid}`);
  return {
    executableName: opts.executableName ?? modules[0] ?? 'wasm',
    modules,
    instances,
    threads: [{ name: opts.threadName ?? 'main', frames }],
    memories,
    globals,
    moduleBytes: moduleScripts.map((sid) => parsed.get(sid)?.bytes),
  };
}

/**
 * V8 names Wasm frames `$name` (name section) or `$func<N>`, and gives the
 * function's body start as `functionLocation`: with the module's bytes the
 * body start identifies the function exactly.
 */
function funcIndexOf(f: CallFrame, mod: WasmModule | undefined): number {
  const start = f.functionLocation?.columnNumber;
  if (mod && start !== undefined) {
    const b = mod.bodies;
    let lo = 0, hi = b.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (b[mid].bodyStart === start) return b[mid].index;
      if (b[mid].bodyStart < start) lo = mid + 1; else hi = mid - 1;
    }
  }
  const m = /^\$func(\d+)$/.exec(f.functionName);
  if (m) return Number(m[1]);
  throw new Error(`cannot tell the function index of Wasm frame '${f.functionName}' (module bytes unavailable)`);
}

/** Drive a collector with a synchronous session. */
export function runSync<T>(gen: Generator<Request, T, unknown>, post: (r: Request) => unknown): T {
  let step = gen.next();
  while (!step.done) {
    let res: unknown;
    try { res = post(step.value); } catch (e) { step = gen.throw(e); continue; } // lets the collector clean up
    step = gen.next(res);
  }
  return step.value;
}

/** Drive a collector with an asynchronous session. */
export async function runAsync<T>(gen: Generator<Request, T, unknown>, post: (r: Request) => Promise<unknown>): Promise<T> {
  let step = gen.next();
  while (!step.done) {
    let res: unknown;
    try { res = await post(step.value); } catch (e) { step = gen.throw(e); continue; }
    step = gen.next(res);
  }
  return step.value;
}
