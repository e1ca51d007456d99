// wasm-coredump-debugger/runtime: write a standard WebAssembly core dump
// (tool-conventions Coredump.md) from inside any JavaScript host (Node, Deno,
// browsers, workerd) when a Wasm call throws, without an inspector.
//
// Dependency-free ES module; no `node:` imports. The JS APIs it uses:
//   Error.prototype.stack, Error.stackTraceLimit (read/written by the wrappers),
//   WebAssembly.Global#value, WebAssembly.Memory#buffer, instance.exports,
//   Uint8Array, DataView, TextEncoder, JSON, BigInt; nothing else.
//
// What goes into the dump:
//   - frames: the Wasm frames of error.stack (V8: `wasm-function[IDX]:0xOFFSET`
//     with a wasm:// or module URL; Firefox: the same after `@`), youngest
//     first, offsets converted from module-file offsets to the spec's
//     function-body-relative offsets using the module's bytes (engines print
//     file offsets; the Code section's place in the file is known only from
//     the bytes). No locals or operand stack (empty vectors, as wasmtime).
//   - globals: through the reserved exports `__wcd_global_<i>` that
//     `wasm-coredump instrument` adds, or any export of that global; an
//     immutable global with a constant initialiser from the bytes; anything
//     else is written as unavailable (a null funcref, the convention of our
//     reader) and the reason goes into the note.
//   - memories: `__wcd_memory_<i>` or any export of that memory.
//   - a `producers` section (processed-by "wasm-coredump runtime") and a
//     `wasm-coredump-runtime` section: a JSON note with the producer, the
//     engine, frames skipped or cut by Error.stackTraceLimit, and why each
//     unrecorded global / memory is missing. `wasm-coredump info` shows it.

export const PRODUCER = 'wasm-coredump runtime';
export const VERSION = '0.1.0';
export const NOTE_SECTION = 'wasm-coredump-runtime';
/** Error.stackTraceLimit while a wrapped call runs (see wrap). */
export const STACK_TRACE_LIMIT = 1e9;

/** A capture that cannot be done (bad arguments, bytes that are not a module). `code` says which. */
export class CoreDumpError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'CoreDumpError';
    this.code = code;
  }
}

// ---------------------------------------------------------------- bytes in

class Reader {
  constructor(bytes, pos = 0, end = bytes.length) { this.b = bytes; this.pos = pos; this.end = end; }
  u8() {
    if (this.pos >= this.end) throw new CoreDumpError('E_MODULE', `module bytes end early at offset 0x${this.pos.toString(16)}`);
    return this.b[this.pos++];
  }
  uleb() {
    let r = 0, shift = 0, b;
    do { b = this.u8(); r += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
    return r;
  }
  sleb() {
    let r = 0n, shift = 0n, b;
    do { b = this.u8(); r |= BigInt(b & 0x7f) << shift; shift += 7n; } while (b & 0x80);
    if (b & 0x40) r -= 1n << shift;
    return r;
  }
  bytes(n) { const s = this.pos; this.pos += n; if (this.pos > this.end) throw new CoreDumpError('E_MODULE', `module bytes end early at offset 0x${s.toString(16)}`); return this.b.subarray(s, this.pos); }
  name() { return new TextDecoder().decode(this.bytes(this.uleb())); }
}

const VALTYPES = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128', 0x70: 'funcref', 0x6f: 'externref' };

function valType(r) {
  const b = r.u8();
  if (b === 0x63 || b === 0x64) { r.sleb(); return 'ref'; } // (ref null? ht)
  return VALTYPES[b] ?? `0x${b.toString(16)}`;
}

function limits(r) {
  const flags = r.u8();
  const m64 = (flags & 4) !== 0;
  r.uleb(); if (flags & 1) r.uleb();
  if (flags & 8) r.uleb();
  return { memory64: m64 };
}

/** Constant initialiser of a global: a value, or undefined when it is not a plain constant. */
function constInit(r) {
  const start = r.pos;
  const op = r.u8();
  let v;
  if (op === 0x41) v = { type: 'i32', value: Number(BigInt.asIntN(32, r.sleb())) };
  else if (op === 0x42) v = { type: 'i64', value: BigInt.asIntN(64, r.sleb()) };
  else if (op === 0x43) { const b = r.bytes(4); v = { type: 'f32', bits: new DataView(b.buffer, b.byteOffset, 4).getUint32(0, true) }; }
  else if (op === 0x44) { const b = r.bytes(8); v = { type: 'f64', bits: new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true) }; }
  if (v && r.b[r.pos] === 0x0b) { r.pos++; return v; }
  // skip to the `end` of the expression (good enough for the few opcodes const exprs use)
  r.pos = start;
  skipConstExpr(r);
  return undefined;
}

function skipConstExpr(r) {
  for (;;) {
    const op = r.u8();
    if (op === 0x0b) return;
    if (op === 0x41 || op === 0x42) r.sleb();
    else if (op === 0x43) r.bytes(4);
    else if (op === 0x44) r.bytes(8);
    else if (op === 0x23 || op === 0xd2) r.uleb();
    else if (op === 0xd0) r.sleb();
    else if (op === 0xfd) { r.uleb(); r.bytes(16); }
    else if (op === 0xfb) { r.uleb(); r.uleb(); }
    // i32/i64 add/sub/mul (extended-const) take no immediates
  }
}

/** What the runtime needs from a module's bytes: functions, globals, memories, exports, Code section. */
export function parseModule(input) {
  const bytes = toBytes(input);
  if (!bytes) throw new CoreDumpError('E_ARGUMENT', 'moduleBytes must be a Uint8Array, an ArrayBuffer or an ArrayBufferView of the module');
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    throw new CoreDumpError('E_MODULE', 'moduleBytes are not a WebAssembly module (bad magic at offset 0x0)');
  }
  const m = { importedFuncs: 0, globals: [], memories: [], exports: [], bodies: [], codeStart: undefined, buildId: undefined };
  const r = new Reader(bytes, 8);
  while (r.pos < bytes.length) {
    const at = r.pos;
    const id = r.u8();
    const size = r.uleb();
    const start = r.pos, end = start + size;
    if (end > bytes.length) throw new CoreDumpError('E_MODULE', `module section ${id} at offset 0x${at.toString(16)} runs past the end of the bytes`);
    const s = new Reader(bytes, start, end);
    if (id === 0) {
      const name = s.name();
      if (name === 'build_id') m.buildId = hex(bytes.subarray(s.pos, end));
    } else if (id === 2) {
      for (let n = s.uleb(); n > 0; n--) {
        s.name(); s.name();
        const kind = s.u8();
        if (kind === 0) { s.uleb(); m.importedFuncs++; }
        else if (kind === 1) { valType(s); limits(s); }
        else if (kind === 2) m.memories.push({ ...limits(s), imported: true });
        else if (kind === 3) { const type = valType(s); m.globals.push({ type, mutable: s.u8() === 1, imported: true }); }
        else if (kind === 4) { s.u8(); s.uleb(); }
        else throw new CoreDumpError('E_MODULE', `unknown import kind ${kind} at offset 0x${(s.pos - 1).toString(16)}`);
      }
    } else if (id === 5) {
      for (let n = s.uleb(); n > 0; n--) m.memories.push({ ...limits(s), imported: false });
    } else if (id === 6) {
      for (let n = s.uleb(); n > 0; n--) {
        const type = valType(s);
        const mutable = s.u8() === 1;
        m.globals.push({ type, mutable, imported: false, init: constInit(s) });
      }
    } else if (id === 7) {
      for (let n = s.uleb(); n > 0; n--) m.exports.push({ name: s.name(), kind: s.u8(), index: s.uleb() });
    } else if (id === 10) {
      m.codeStart = start;
      for (let n = s.uleb(); n > 0; n--) {
        const len = s.uleb();
        m.bodies.push({ start: s.pos, end: s.pos + len });
        s.pos += len;
      }
    }
    r.pos = end;
  }
  if (m.buildId) { // BuildId.md: a length-prefixed vector
    const b = hexBytes(m.buildId), l = new Reader(b);
    try { const n = l.uleb(); if (n === b.length - l.pos) m.buildId = hex(b.subarray(l.pos)); } catch { /* raw id */ }
  }
  return m;
}

function toBytes(x) {
  if (x instanceof Uint8Array) return x;
  if (x instanceof ArrayBuffer) return new Uint8Array(x);
  if (ArrayBuffer.isView(x)) return new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
  return undefined;
}

const hex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const hexBytes = (h) => Uint8Array.from(h.match(/../g) ?? [], (x) => parseInt(x, 16));

// ---------------------------------------------------------------- the stack

const WASM_FRAME = /wasm-function\[(\d+)\]:0x([0-9a-fA-F]+)/;

/**
 * The Wasm frames of an error's stack, youngest first: { funcIndex,
 * fileOffset, url, line }. `total` counts every frame line (JS ones too), to
 * tell whether Error.stackTraceLimit cut the stack.
 */
export function wasmFramesOf(error) {
  const stack = error !== null && typeof error === 'object' && typeof error.stack === 'string' ? error.stack : '';
  const frames = [];
  let total = 0;
  for (const line of stack.split('\n')) {
    const v8 = /^\s+at\s/.test(line);
    const ff = !v8 && /@/.test(line); // Firefox / Safari: name@url:line:col
    if (v8 || ff) total++;
    const m = WASM_FRAME.exec(line);
    if (!m) continue;
    let url = line.slice(0, m.index).replace(/:$/, '');
    if (v8) { url = url.replace(/^\s+at\s+/, ''); const p = url.lastIndexOf('('); if (p >= 0) url = url.slice(p + 1); }
    else { const p = url.lastIndexOf('@'); if (p >= 0) url = url.slice(p + 1); url = url.replace(/ line \d+ > WebAssembly\.\w+$/, ''); }
    frames.push({ funcIndex: Number(m[1]), fileOffset: parseInt(m[2], 16), url: url.trim(), line: line.trim() });
  }
  return { frames, total };
}

// ---------------------------------------------------------------- capture

function exportFor(parsed, instance, kind, index) {
  const reserved = `__wcd_${kind === 3 ? 'global' : 'memory'}_${index}`;
  const ex = instance.exports ?? {};
  if (ex[reserved] !== undefined) return ex[reserved];
  for (const e of parsed.exports) if (e.kind === kind && e.index === index && ex[e.name] !== undefined) return ex[e.name];
  return undefined;
}

function globalValue(g, obj) {
  if (obj !== undefined) {
    let v;
    try { v = obj.value; } catch (e) { return { why: `its value cannot be read from JavaScript (${g.type}: ${e && e.message})` }; }
    const dv = new DataView(new ArrayBuffer(8));
    switch (g.type) {
      case 'i32': return { value: { type: 'i32', value: v | 0 } };
      case 'i64': return { value: { type: 'i64', value: BigInt.asIntN(64, BigInt(v)) } };
      case 'f32': dv.setFloat32(0, v, true); return { value: { type: 'f32', bits: dv.getUint32(0, true) } };
      case 'f64': dv.setFloat64(0, v, true); return { value: { type: 'f64', bits: dv.getBigUint64(0, true) } };
      default: return { why: `${g.type} values cannot be written as a core dump global` };
    }
  }
  if (!g.mutable && g.init) return { value: g.init };
  return { why: g.imported ? 'imported and not exported (export it, or run `wasm-coredump instrument` on the module)' : `not exported${g.mutable ? '' : ' and its initialiser is not a constant'} (run \`wasm-coredump instrument\` on the module)` };
}

/** One entry of `modules`: which instance, its module's bytes, its name in the dump and the URL its frames carry. */
function entriesOf(instance, options) {
  const list = options.modules ?? [{ instance, moduleBytes: options.moduleBytes ?? options.module, name: options.name, url: options.url }];
  return list.map((e, i) => {
    if (!e || !e.instance || typeof e.instance.exports !== 'object') throw new CoreDumpError('E_ARGUMENT', `module ${i}: an instance (with .exports) is needed`);
    const bytes = toBytes(e.moduleBytes);
    if (!bytes) throw new CoreDumpError('E_ARGUMENT', `module ${i}: moduleBytes are needed (the module's own bytes, as instantiated; a WebAssembly.Module does not give them back): engines print module-file offsets, and only the bytes say where the Code section starts`);
    return { instance: e.instance, parsed: parseModule(bytes), name: e.name ?? `module${i}.wasm`, url: e.url };
  });
}

function entryForFrame(entries, f) {
  if (entries.length === 1) return 0;
  for (const [i, e] of entries.entries()) {
    if (e.url instanceof RegExp ? e.url.test(f.url) : typeof e.url === 'string' && e.url !== '' && f.url.includes(e.url)) return i;
  }
  return -1;
}

/**
 * Build a core dump from `error` (thrown by or through a Wasm call) and the
 * instance it ran in. Returns the dump's bytes, or null when the error holds
 * no Wasm frame (not a Wasm crash: nothing to dump). Throws CoreDumpError
 * for unusable arguments (no instance, no module bytes, bytes that are not a
 * module).
 *
 * options: moduleBytes (required, or `module` given as bytes), name (the
 * module's name in `coremodules`, default "module0.wasm": use the file name
 * you will open it with), executableName, stackTraceLimit (the limit in force
 * when the error was created: the wrappers pass theirs), modules (several:
 * [{ instance, moduleBytes, name, url }], frames matched by url), engine
 * (free text for the note).
 */
export function captureCoreDump(error, instance, options = {}) {
  const { frames: raw, total } = wasmFramesOf(error);
  if (raw.length === 0) return null;
  const entries = entriesOf(instance, options);
  const note = {
    producer: PRODUCER, version: VERSION, engine: options.engine ?? engineName(),
    error: String(error && error.message !== undefined ? `${error.name}: ${error.message}` : error).slice(0, 500),
    framesRecorded: 0, framesSkipped: [], truncated: false, stackTraceLimit: null,
    unrecordedGlobals: [], unrecordedMemories: [],
  };
  const limit = options.stackTraceLimit ?? (typeof Error.stackTraceLimit === 'number' ? Error.stackTraceLimit : undefined);
  if (limit !== undefined && Number.isFinite(limit)) {
    note.stackTraceLimit = limit;
    if (total >= limit) note.truncated = true;
  } else if (limit !== undefined) note.stackTraceLimit = 'Infinity';

  const frames = [];
  for (const f of raw) {
    const ei = entryForFrame(entries, f);
    if (ei < 0) { note.framesSkipped.push(`${f.line}: no module given for URL ${f.url}`); continue; }
    const p = entries[ei].parsed;
    const body = p.bodies[f.funcIndex - p.importedFuncs];
    if (!body || f.fileOffset < body.start || f.fileOffset >= body.end) {
      note.framesSkipped.push(`${f.line}: offset 0x${f.fileOffset.toString(16)} is not in function ${f.funcIndex}'s body of module ${entries[ei].name} (other bytes than the ones instantiated?)`);
      continue;
    }
    frames.push({ instance: ei, funcIndex: f.funcIndex, codeOffset: f.fileOffset - body.start });
  }
  note.framesRecorded = frames.length;

  const memories = [], globals = [], instances = [];
  for (const [ei, e] of entries.entries()) {
    const inst = { module: ei, memories: [], globals: [] };
    e.parsed.memories.forEach((mt, i) => {
      const mem = exportFor(e.parsed, e.instance, 2, i);
      let buf;
      try { buf = mem && mem.buffer; } catch { buf = undefined; }
      inst.memories.push(memories.length);
      if (!buf) {
        note.unrecordedMemories.push({ module: ei, index: i, reason: mt.imported ? 'imported and not exported (export it, or run `wasm-coredump instrument` on the module)' : 'not exported (run `wasm-coredump instrument` on the module)' });
        memories.push({ pages: 0, memory64: mt.memory64, data: new Uint8Array(0) });
      } else memories.push({ pages: Math.ceil(buf.byteLength / 65536), memory64: mt.memory64, data: new Uint8Array(buf) });
    });
    e.parsed.globals.forEach((g, i) => {
      const r = globalValue(g, exportFor(e.parsed, e.instance, 3, i));
      inst.globals.push(globals.length);
      if (r.value) globals.push({ value: r.value, mutable: g.mutable });
      else { note.unrecordedGlobals.push({ module: ei, index: i, dumpIndex: globals.length, type: g.type, reason: r.why }); globals.push({ value: undefined, mutable: g.mutable }); }
    });
    instances.push(inst);
  }
  return encodeDump({
    executableName: options.executableName ?? entries[0].name,
    modules: entries.map((e) => e.name), instances, frames, memories, globals, note,
  });
}

function engineName() {
  const g = globalThis;
  if (g.navigator && typeof g.navigator.userAgent === 'string') return g.navigator.userAgent;
  if (g.process && g.process.versions && g.process.versions.node) return `Node.js ${g.process.versions.node}`;
  return 'unknown';
}

// ---------------------------------------------------------------- bytes out

class Encoder {
  constructor() { this.parts = []; this.cur = []; this.len = 0; }
  get length() { return this.len + this.cur.length; }
  byte(b) { this.cur.push(b & 0xff); return this; }
  u32(n) { do { let b = n % 128; n = Math.floor(n / 128); if (n) b |= 0x80; this.cur.push(b); } while (n); return this; }
  s64(n) {
    n = BigInt.asIntN(64, BigInt(n));
    for (;;) {
      const b = Number(n & 0x7fn); n >>= 7n;
      if ((n === 0n && !(b & 0x40)) || (n === -1n && (b & 0x40))) { this.cur.push(b); return this; }
      this.cur.push(b | 0x80);
    }
  }
  fixed32(v) { v >>>= 0; return this.byte(v).byte(v >>> 8).byte(v >>> 16).byte(v >>> 24); }
  fixed64(v) { v = BigInt.asUintN(64, v); for (let i = 0n; i < 64n; i += 8n) this.byte(Number((v >> i) & 0xffn)); return this; }
  raw(u8) { this.flush(); this.parts.push(u8); this.len += u8.length; return this; }
  name(s) { const b = new TextEncoder().encode(s); this.u32(b.length); return b.length > 256 ? this.raw(b) : (b.forEach((x) => this.cur.push(x)), this); }
  flush() { if (this.cur.length) { this.parts.push(Uint8Array.from(this.cur)); this.len += this.cur.length; this.cur = []; } }
  append(e) { e.flush(); this.flush(); for (const p of e.parts) { this.parts.push(p); this.len += p.length; } return this; }
  section(id, payload) { return this.byte(id).u32(payload.length).append(payload); }
  custom(name, payload) { return this.section(0, new Encoder().name(name).append(payload)); }
  finish() {
    this.flush();
    const out = new Uint8Array(this.len);
    let o = 0;
    for (const p of this.parts) { out.set(p, o); o += p.length; }
    return out;
  }
}

const CHUNK = 4096;

/** The memory as data segments the way wasmtime writes them: 4 KiB chunks, zero chunks dropped, zero ends trimmed. */
function segments(data) {
  const out = [];
  for (let s = 0; s < data.length; s += CHUNK) {
    const e = Math.min(s + CHUNK, data.length);
    let a = s; while (a < e && data[a] === 0) a++;
    if (a === e) continue;
    let b = e; while (data[b - 1] === 0) b--;
    out.push({ offset: a, bytes: data.slice(a, b) }); // a copy: the memory may change after we return
  }
  return out;
}

function encodeDump(d) {
  const out = new Encoder();
  [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00].forEach((b) => out.byte(b));
  out.custom('core', new Encoder().byte(0).name(d.executableName));
  const mods = new Encoder().u32(d.modules.length);
  for (const n of d.modules) mods.byte(0).name(n);
  out.custom('coremodules', mods);
  const insts = new Encoder().u32(d.instances.length);
  for (const i of d.instances) {
    insts.byte(0).u32(i.module).u32(i.memories.length);
    i.memories.forEach((x) => insts.u32(x));
    insts.u32(i.globals.length);
    i.globals.forEach((x) => insts.u32(x));
  }
  out.custom('coreinstances', insts);
  const st = new Encoder().byte(0).name('main').u32(d.frames.length);
  for (const f of d.frames) st.byte(0).u32(f.instance).u32(f.funcIndex).u32(f.codeOffset).u32(0).u32(0); // no locals, no stack
  out.custom('corestack', st);
  if (d.memories.length) {
    const mem = new Encoder().u32(d.memories.length);
    for (const m of d.memories) mem.byte(m.memory64 ? 0x04 : 0).u32(m.pages);
    out.section(5, mem);
  }
  if (d.globals.length) {
    const gl = new Encoder().u32(d.globals.length);
    for (const g of d.globals) {
      const mut = g.mutable ? 1 : 0, v = g.value;
      if (!v) gl.byte(0x70).byte(mut).byte(0xd0).byte(0x70); // unavailable: ref.null func
      else if (v.type === 'i32') gl.byte(0x7f).byte(mut).byte(0x41).s64(v.value);
      else if (v.type === 'i64') gl.byte(0x7e).byte(mut).byte(0x42).s64(v.value);
      else if (v.type === 'f32') gl.byte(0x7d).byte(mut).byte(0x43).fixed32(v.bits);
      else gl.byte(0x7c).byte(mut).byte(0x44).fixed64(v.bits);
      gl.byte(0x0b);
    }
    out.section(6, gl);
  }
  const segs = [];
  d.memories.forEach((m, i) => { for (const s of segments(m.data)) segs.push({ mem: i, m64: m.memory64, s }); });
  if (segs.length) {
    const data = new Encoder().u32(segs.length);
    for (const { mem, m64, s } of segs) {
      if (mem === 0) data.byte(0); else data.byte(2).u32(mem);
      data.byte(m64 ? 0x42 : 0x41).s64(s.offset).byte(0x0b).u32(s.bytes.length).raw(s.bytes);
    }
    out.section(11, data);
  }
  // tool-conventions producers section: processed-by = this runtime
  out.custom('producers', new Encoder().u32(1).name('processed-by').u32(1).name(PRODUCER).name(VERSION));
  out.custom(NOTE_SECTION, new Encoder().name(JSON.stringify(d.note)));
  return out.finish();
}

// ---------------------------------------------------------------- wrappers

/**
 * `fn` (an export of `options.instance`, or any function that calls into it)
 * wrapped so that an exception passing through Wasm frames produces a core
 * dump: `onDump(bytes, error)` is called, then the exception is rethrown
 * unchanged. While `fn` runs, Error.stackTraceLimit is raised to
 * `options.stackTraceLimit` (default STACK_TRACE_LIMIT = 1e9: no real stack
 * is that deep, and unlike Infinity it is a small integer to V8, which makes
 * the two writes per call ~5 ns instead of ~30) so no frame is cut; it is
 * restored afterwards. The non-throwing path does nothing else.
 * A capture that fails calls `options.onCaptureError(e)` (default: ignored)
 * and never hides the original exception.
 */
export function wrap(fn, onDump, options = {}) {
  if (typeof fn !== 'function') throw new CoreDumpError('E_ARGUMENT', 'wrap: fn must be a function');
  const instance = options.instance;
  const limit = options.stackTraceLimit ?? STACK_TRACE_LIMIT;
  return function wasmCoreDumpWrapped(...args) {
    const saved = Error.stackTraceLimit;
    Error.stackTraceLimit = limit;
    try {
      return fn.apply(this, args);
    } catch (e) {
      Error.stackTraceLimit = saved;
      let dump = null;
      try { dump = captureCoreDump(e, instance, { ...options, stackTraceLimit: limit }); } catch (ce) { if (options.onCaptureError) options.onCaptureError(ce); }
      if (dump) onDump(dump, e);
      throw e;
    } finally {
      Error.stackTraceLimit = saved;
    }
  };
}

/** Call `instance.exports[exportName](...args)` under `wrap`. */
export function withCoreDump(instance, exportName, args, onDump, options = {}) {
  const fn = instance && instance.exports && instance.exports[exportName];
  if (typeof fn !== 'function') throw new CoreDumpError('E_ARGUMENT', `withCoreDump: the instance has no exported function '${exportName}'`);
  return wrap(fn, onDump, { ...options, instance })(...(args ?? []));
}
