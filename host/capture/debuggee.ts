/**
 * JavaScript functions that run INSIDE the paused program (through
 * `Runtime.callFunctionOn`), so that one protocol round trip gathers what
 * would otherwise take thousands of `Runtime.getProperties` calls. They only
 * read: no state is left behind in the debuggee.
 *
 * V8 exposes each Wasm frame's scopes as plain objects: `local` maps local
 * names to `{type, value}` (in local index order), `wasm-expression-stack` has
 * `stack` = {0: {type, value}, 1: ...} bottom first, and `module` has
 * `instance`, `module`, `globals` (all globals, in index order, exported or
 * not) and `memories` (WebAssembly.Memory objects, in index order).
 * i64 values arrive as BigInt, f32/f64 as Numbers (their bits are taken with
 * a DataView; a NaN payload survives as far as V8 keeps it in the Number).
 */

/** Encoded value as it crosses the protocol: [type, payload?]. */
export type EncodedValue = [string] | [string, number | string];

export interface FramesReply {
  /** Per requested frame: index into `instances`, and its locals/stack (absent with noLocals). */
  frames: Array<{ instance: number; locals?: EncodedValue[]; stack?: EncodedValue[] }>;
  /** Distinct instances in first-seen order: their memories (indices into `memories`) and global values. */
  instances: Array<{ memories: number[]; globals: EncodedValue[] }>;
  /** Distinct memories: size in bytes. */
  memories: Array<{ bytes: number }>;
}

const ENCODE = `
  const dv = new DataView(new ArrayBuffer(16));
  function enc(w) {
    if (!w || typeof w !== 'object') return ['missing'];
    const t = w.type, v = w.value;
    if (t === 'i32') return ['i32', Number(v) | 0];
    if (t === 'i64') return ['i64', String(v)];
    if (t === 'f32') { dv.setFloat32(0, Number(v), true); return ['f32', dv.getUint32(0, true)]; }
    if (t === 'f64') { dv.setFloat64(0, Number(v), true); return ['f64', String(dv.getBigUint64(0, true))]; }
    if (t === 'v128') return ['v128', String(v)];
    return [String(t)];
  }
  function vals(o) { return o && typeof o === 'object' ? Object.keys(o).map((k) => enc(o[k])) : []; }
`;

/**
 * Where FRAMES_FN keeps the instances and memories it has seen, so that
 * identity holds across calls (frames are read in batches: a pause deep in
 * recursion leaves little native stack for a call with thousands of
 * arguments). Deleted by CLEANUP_FN when the capture ends.
 */
export const REGISTRY_KEY = 'wasm-coredump.capture.registry';

/**
 * `this` is ignored; arguments: a JSON options string, then for a batch of
 * Wasm frames three scope objects each (local, wasm-expression-stack, module).
 * Returns a JSON string (FramesReply; instances/memories: all seen so far).
 */
export const FRAMES_FN = `function(optsJson, ...scopes) {
  ${ENCODE}
  const opts = JSON.parse(optsJson);
  const key = Symbol.for(${JSON.stringify(REGISTRY_KEY)});
  const reg = globalThis[key] || (globalThis[key] = { instances: [], instInfo: [], memories: [], memInfo: [] });
  const { instances, instInfo, memories, memInfo } = reg;
  const frames = [];
  for (let i = 0; i + 2 < scopes.length; i += 3) {
    const local = scopes[i], stack = scopes[i + 1], mod = scopes[i + 2];
    let ii = instances.indexOf(mod.instance);
    if (ii < 0) {
      ii = instances.push(mod.instance) - 1;
      const mems = [];
      const ms = mod.memories || {};
      for (const k of Object.keys(ms)) {
        let mi = memories.indexOf(ms[k]);
        if (mi < 0) { mi = memories.push(ms[k]) - 1; memInfo.push({ bytes: ms[k].buffer.byteLength }); }
        mems.push(mi);
      }
      instInfo.push({ memories: mems, globals: vals(mod.globals) });
    }
    const f = { instance: ii };
    if (!opts.noLocals) { f.locals = vals(local); f.stack = vals(stack && stack.stack); }
    frames.push(f);
  }
  return JSON.stringify({ frames, instances: instInfo, memories: memInfo });
}`;

export const CLEANUP_FN = `function() { delete globalThis[Symbol.for(${JSON.stringify(REGISTRY_KEY)})]; return '{}'; }`;

export interface MemoryReply { bytes: number; segs: Array<[number, string]> }

/**
 * `this` is a frame's module scope; arguments: memory index within that
 * instance, start address, end address, chunk size. Returns a JSON string
 * (MemoryReply): non-zero chunks trimmed of leading/trailing zeros, base64.
 */
export const MEMORY_FN = `function(memIndex, from, to, chunk) {
  const ms = this.memories || {};
  const mem = ms[Object.keys(ms)[memIndex]];
  const u8 = new Uint8Array(mem.buffer);
  const end = Math.min(to, u8.length);
  const segs = [];
  for (let s = from; s < end; s += chunk) {
    const e = Math.min(s + chunk, end);
    let a = s; while (a < e && u8[a] === 0) a++;
    if (a === e) continue;
    let b = e; while (u8[b - 1] === 0) b--;
    let bin = '';
    for (let p = a; p < b; p += 4096) bin += String.fromCharCode.apply(null, u8.subarray(p, Math.min(p + 4096, b)));
    segs.push([a, btoa(bin)]);
  }
  return JSON.stringify({ bytes: u8.length, segs });
}`;

/** Key under which STASH_FN leaves a memory's bytes for an in-process collector (removed right after). */
export const STASH_KEY = 'wasm-coredump.capture.memory';

/**
 * In-process only: `this` is a frame's module scope; puts a Uint8Array view
 * of memory `memIndex` on globalThis[Symbol.for(STASH_KEY)] so the collector,
 * running in the same isolate, reads it without any copy or encoding.
 */
export const STASH_FN = `function(memIndex) {
  const ms = this.memories || {};
  globalThis[Symbol.for(${JSON.stringify(STASH_KEY)})] = new Uint8Array(ms[Object.keys(ms)[memIndex]].buffer);
  return '{}';
}`;
