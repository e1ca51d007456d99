import { ByteReader } from '../util/reader';
import { FormatError } from '../util/errors';
import { fileOffset } from '../util/offsets';
import { WasmModule, readValType, skipConstExpr } from '../wasm/module';
import { SectionHeader, SectionId, requireEnd, sectionReader } from '../wasm/sections';
import { LinearMemory, RawSegment, WASM_PAGE } from './memory';
import { f32, f64, readThreads, version0 } from './stack';
import { ProducerInfo, readProducer } from './producer';
import {
  CoreDumpModel, CoreGlobal, Frame, FrameLayout, Instance, Thread, ValueEncoding, WasmValue,
} from './model';

export interface ReadCoreDumpOptions {
  /** 'auto' (default): try both encodings and keep the one that parses every corestack exactly. */
  valueEncoding?: 'auto' | ValueEncoding;
}

const MAX_MEMORY32_PAGES = 65536;

/** A parsed core dump. Memory segments are views into `bytes`. */
export class CoreDump implements CoreDumpModel {
  constructor(
    readonly bytes: Uint8Array,
    readonly file: string,
    readonly executableName: string | undefined,
    readonly modules: string[],
    readonly instances: Instance[],
    readonly instancesSynthesized: boolean,
    readonly threads: Thread[],
    readonly memories: LinearMemory[],
    readonly globals: CoreGlobal[],
    readonly dataSegmentCount: number,
    readonly valueEncoding: ValueEncoding,
    readonly frameLayout: FrameLayout,
    readonly warnings: string[],
  ) {}

  /** Who wrote the dump (producers section, runtime note), if it says. */
  producer?: ProducerInfo;

  /** Memory `memIdx` of instance `instanceIdx` (its index space, not the core dump's). */
  instanceMemory(instanceIdx: number, memIdxInInstance = 0): LinearMemory | undefined {
    const g = this.instances[instanceIdx]?.memories[memIdxInInstance];
    return g === undefined ? undefined : this.memories[g];
  }

  /** Global `globalIdx` of instance `instanceIdx` (its index space), with its value at crash time. */
  instanceGlobal(instanceIdx: number, globalIdxInInstance: number): CoreGlobal | undefined {
    const g = this.instances[instanceIdx]?.globals[globalIdxInInstance];
    return g === undefined ? undefined : this.globals[g];
  }

  /** Every frame of every thread. */
  get allFrames(): Frame[] { return this.threads.flatMap((t) => t.frames); }
}

/**
 * Read a core dump (Coredump.md of WebAssembly/tool-conventions, plus the
 * real-world variants: fixed-width values, frames without instance index).
 * Throws a FormatError (file, section, offset) for malformed input.
 */
export function readCoreDump(bytes: Uint8Array, file: string, opts: ReadCoreDumpOptions = {}): CoreDump {
  const mod = new WasmModule(bytes, file);
  const warnings: string[] = [];
  const custom = (name: string): SectionHeader[] => mod.customSections(name);
  const stacks = custom('corestack');
  const coreSecs = custom('core');
  if (stacks.length === 0 && coreSecs.length === 0) {
    throw new FormatError('not a core dump: no `core` or `corestack` custom section (is this the program module?)', { file, section: 'header', offset: 0 });
  }
  const seen = new Set<number>();
  for (const s of mod.sections) {
    if (s.id === SectionId.Custom) continue;
    if (seen.has(s.id)) warnings.push(`duplicate ${s.label} section at 0x${s.headerStart.toString(16)} ignored (the first one is used)`);
    seen.add(s.id);
  }
  const once = (name: string): SectionHeader | undefined => {
    const s = custom(name);
    if (s.length > 1) warnings.push(`${s.length} \`${name}\` sections; using the first (offset 0x${s[0].headerStart.toString(16)})`);
    return s[0];
  };

  let executableName: string | undefined;
  const core = once('core');
  if (core) {
    const r = sectionReader(bytes, file, core);
    version0(r, 'process-info');
    executableName = r.name();
    requireEnd(r);
  } else warnings.push('no `core` section: executable name unavailable');

  const modules: string[] = [];
  const cm = once('coremodules');
  if (cm) {
    const r = sectionReader(bytes, file, cm);
    const n = r.count('module', 2);
    for (let i = 0; i < n; i++) { version0(r, 'module'); modules.push(r.name()); }
    requireEnd(r);
  }

  const { memories, dataSegmentCount } = readMemories(mod, bytes, file, warnings);
  const globals = readGlobals(mod, bytes, file, warnings);
  const producer = readProducer(mod, bytes, file, warnings);
  for (const [i, why] of producer?.unrecordedGlobals ?? []) {
    if (globals[i] && globals[i].value === undefined) globals[i].unavailable = `not recorded: ${why}`;
  }

  let instances: Instance[] = [];
  let instancesSynthesized = false;
  const ci = once('coreinstances');
  if (ci) {
    const r = sectionReader(bytes, file, ci);
    const n = r.count('instance', 4);
    for (let i = 0; i < n; i++) {
      version0(r, 'instance');
      const moduleIndex = r.uleb32();
      const nm = r.count('instance memory', 1);
      const mems: number[] = [];
      for (let j = 0; j < nm; j++) mems.push(r.uleb32());
      const ng = r.count('instance global', 1);
      const globs: number[] = [];
      for (let j = 0; j < ng; j++) globs.push(r.uleb32());
      if (modules.length && moduleIndex >= modules.length) warnings.push(`instance ${i} names module ${moduleIndex}, but only ${modules.length} modules are listed`);
      for (const m of mems) if (m >= memories.length) warnings.push(`instance ${i} names memory ${m}, but the core dump has ${memories.length} memories`);
      for (const g of globs) if (g >= globals.length) warnings.push(`instance ${i} names global ${g}, but the core dump has ${globals.length} globals`);
      instances.push({ moduleIndex, memories: mems, globals: globs });
    }
    requireEnd(r);
  } else {
    instancesSynthesized = true;
    instances = [{ moduleIndex: 0, memories: memories.map((_, i) => i), globals: globals.map((_, i) => i) }];
    warnings.push('no `coreinstances` section: assuming one instance of module 0 owning all memories and globals');
  }

  const { threads, encoding, layout } = readThreads(bytes, file, stacks, instances, instancesSynthesized, opts.valueEncoding ?? 'auto', warnings);
  const dump = new CoreDump(bytes, file, executableName, modules, instances, instancesSynthesized, threads, memories, globals, dataSegmentCount, encoding, layout, warnings);
  dump.producer = producer;
  return dump;
}

function readMemories(mod: WasmModule, bytes: Uint8Array, file: string, warnings: string[]): { memories: LinearMemory[]; dataSegmentCount: number } {
  if (mod.importedMemoryCount > 0) warnings.push(`${mod.importedMemoryCount} imported memories ignored (a core dump should define its memories)`);
  const s = mod.section(SectionId.Memory);
  const types = mod.memories;
  const raw: RawSegment[][] = types.map(() => []);
  const data = mod.section(SectionId.Data);
  let n = 0;
  if (data) {
    const r = sectionReader(bytes, file, data);
    n = r.count('data segment', 2);
    for (let i = 0; i < n; i++) {
      const at = r.pos;
      const flags = r.uleb32();
      let memIdx = 0;
      if (flags === 1) { r.skip(r.count('passive data byte', 1, Number.MAX_SAFE_INTEGER)); continue; }
      if (flags === 2) memIdx = r.uleb32();
      else if (flags !== 0) r.fail(`data segment ${i}: unknown flags ${flags}`, at);
      const start = readOffsetExpr(r, i, warnings);
      const len = r.count('data segment byte', 1, Number.MAX_SAFE_INTEGER);
      const fo = r.pos;
      const view = r.bytesView(len);
      if (memIdx >= types.length) r.fail(`data segment ${i} targets memory ${memIdx}, but there are ${types.length} memories`, at);
      if (start === undefined) continue;
      raw[memIdx].push({ start, data: view, fileOffset: fileOffset(fo) });
    }
    requireEnd(r);
  }
  const memories = types.map((t, i) => {
    const where = { file, section: 'memory', offset: s?.payloadStart };
    if (!t.memory64 && t.min > MAX_MEMORY32_PAGES) throw new FormatError(`memory ${i}: ${t.min} pages exceeds the 4 GiB limit of a 32-bit memory`, where, 'E_LIMIT');
    const size = t.min * WASM_PAGE;
    if (!Number.isSafeInteger(size)) throw new FormatError(`memory ${i}: ${t.min} pages is beyond what we can address`, where, 'E_LIMIT');
    for (const seg of raw[i]) {
      if (seg.start + seg.data.length > size) warnings.push(`memory ${i}: data segment at 0x${seg.start.toString(16)} (+${seg.data.length}) runs past the memory size 0x${size.toString(16)}`);
    }
    return new LinearMemory(i, size, t.min, t.memory64, t.max, raw[i]);
  });
  return { memories, dataSegmentCount: n };
}

/** An active segment's offset: i32.const / i64.const. Other expressions → undefined with a warning. */
function readOffsetExpr(r: ByteReader, seg: number, warnings: string[]): number | undefined {
  const at = r.pos;
  const op = r.u8();
  let v: number | undefined;
  if (op === 0x41) v = r.sleb32() >>> 0;
  else if (op === 0x42) {
    const b = BigInt.asUintN(64, r.sleb64());
    if (b > BigInt(Number.MAX_SAFE_INTEGER)) r.fail(`data segment ${seg}: offset ${b} too large`, at, 'E_LIMIT');
    v = Number(b);
  } else {
    r.pos = at;
    skipConstExpr(r);
    warnings.push(`data segment ${seg} at 0x${at.toString(16)}: offset is not a constant; segment ignored`);
    return undefined;
  }
  const e = r.u8();
  if (e !== 0x0b) r.fail(`data segment ${seg}: expected end (0x0b) after the offset, got 0x${e.toString(16)}`, r.pos - 1);
  return v;
}

function readGlobals(mod: WasmModule, bytes: Uint8Array, file: string, warnings: string[]): CoreGlobal[] {
  const out: CoreGlobal[] = [];
  const s = mod.section(SectionId.Global);
  if (!s) return out;
  const r = sectionReader(bytes, file, s);
  const n = r.count('global', 3);
  for (let i = 0; i < n; i++) {
    const at = r.pos;
    const type = readValType(r);
    const m = r.u8();
    if (m > 1) r.fail(`global ${i}: bad mutability 0x${m.toString(16)}`, r.pos - 1);
    const g: CoreGlobal = { index: i, type, mutable: m === 1, fileOffset: fileOffset(at) };
    const exprAt = r.pos;
    const op = r.u8();
    let value: WasmValue | undefined;
    switch (op) {
      case 0x41: value = { type: 'i32', value: r.sleb32() }; break;
      case 0x42: value = { type: 'i64', value: r.sleb64() }; break;
      case 0x43: value = f32(r.u32()); break;
      case 0x44: value = f64(r.u64()); break;
    }
    if (value && r.peekU8() === 0x0b) {
      r.u8();
      g.value = value;
      if (value.type !== type) warnings.push(`global ${i}: declared ${type} but initialised with ${value.type}.const`);
    } else {
      r.pos = exprAt;
      skipConstExpr(r);
      g.unavailable = type === 'v128' ? 'v128 values are not supported' : 'init expression is not a numeric constant';
    }
    out.push(g);
  }
  requireEnd(r);
  return out;
}

