/**
 * The `corestack` sections: threads, frames and recorded values, read under
 * each (value encoding, frame layout) candidate until one parses exactly.
 */
import { ByteReader } from '../util/reader';
import { FormatError } from '../util/errors';
import { fileOffset, funcOffset } from '../util/offsets';
import { SectionHeader, requireEnd, sectionReader } from '../wasm/sections';
import { Frame, FrameLayout, Instance, RecordedValues, Thread, ValueEncoding, WasmValue } from './model';

const MAX_VALUES = 1_000_000;

export function version0(r: ByteReader, what: string): void {
  const at = r.pos;
  const v = r.u8();
  if (v !== 0) r.fail(`${what}: unknown version/kind byte 0x${v.toString(16)} (expected 0x00)`, at);
}

export function f32(bits: number): WasmValue {
  const dv = new DataView(new ArrayBuffer(4));
  dv.setUint32(0, bits, true);
  return { type: 'f32', value: dv.getFloat32(0, true), bits };
}
export function f64(bits: bigint): WasmValue {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setBigUint64(0, bits, true);
  return { type: 'f64', value: dv.getFloat64(0, true), bits };
}

function readValue(r: ByteReader, enc: ValueEncoding): WasmValue {
  const at = r.pos;
  const tag = r.u8();
  switch (tag) {
    case 0x01: return { type: 'missing' };
    case 0x7f: return { type: 'i32', value: enc === 'leb' ? r.sleb32() : r.i32() };
    case 0x7e: return { type: 'i64', value: enc === 'leb' ? r.sleb64() : r.i64() };
    case 0x7d: return f32(r.u32());
    case 0x7c: return f64(r.u64());
    default: return r.fail(`unknown value type 0x${tag.toString(16)}`, at);
  }
}

function readValues(r: ByteReader, enc: ValueEncoding, what: string): RecordedValues {
  const n = r.count(what, 1, MAX_VALUES);
  if (n === 0) return { recorded: false };
  const values: WasmValue[] = [];
  for (let i = 0; i < n; i++) values.push(readValue(r, enc));
  return { recorded: true, values };
}

function readThread(bytes: Uint8Array, file: string, s: SectionHeader, enc: ValueEncoding, layout: FrameLayout): Thread {
  const r = sectionReader(bytes, file, s);
  version0(r, 'thread-info');
  const name = r.name();
  const n = r.count('frame', layout === 'standard' ? 6 : 5);
  const frames: Frame[] = [];
  for (let i = 0; i < n; i++) {
    const at = r.pos;
    version0(r, `frame ${i}`);
    const instanceIndex = layout === 'standard' ? r.uleb32() : 0;
    const funcIndex = r.uleb32();
    const rawCodeOffset = funcOffset(r.uleb32());
    const locals = readValues(r, enc, 'local');
    const stack = readValues(r, enc, 'stack value');
    frames.push({ index: i, instanceIndex, funcIndex, rawCodeOffset, locals, stack, fileOffset: fileOffset(at) });
  }
  requireEnd(r);
  return { name, frames, sectionOffset: s.headerStart };
}

interface Attempt { enc: ValueEncoding; layout: FrameLayout; threads?: Thread[]; error?: FormatError }

/**
 * Parse every corestack under each (encoding, layout) candidate and keep the
 * first that parses exactly (and whose instance indices exist). Preference:
 * spec first (LEB, standard frames); without `coreinstances` the old
 * instance-less layout first.
 */
export function readThreads(
  bytes: Uint8Array, file: string, stacks: SectionHeader[], instances: Instance[], synthesized: boolean,
  want: 'auto' | ValueEncoding, warnings: string[],
): { threads: Thread[]; encoding: ValueEncoding; layout: FrameLayout } {
  const encs: ValueEncoding[] = want === 'auto' ? ['leb', 'fixed'] : [want];
  const layouts: FrameLayout[] = synthesized ? ['no-instance', 'standard'] : ['standard', 'no-instance'];
  const attempts: Attempt[] = [];
  const inRange = (t: Thread[]): boolean => t.every((th) => th.frames.every((f) => f.instanceIndex < instances.length));
  for (const layout of layouts) {
    for (const enc of encs) {
      const a: Attempt = { enc, layout };
      try { a.threads = stacks.map((s) => readThread(bytes, file, s, enc, layout)); } catch (e) {
        if (!(e instanceof FormatError)) throw e;
        a.error = e;
      }
      attempts.push(a);
    }
    // a layout that parses with in-range instances wins; the later (less preferred) layouts are not tried
    if (attempts.some((a) => a.layout === layout && a.threads && inRange(a.threads))) break;
  }
  const ok = attempts.filter((a) => a.threads);
  const best = ok.find((a) => inRange(a.threads as Thread[])) ?? ok[0];
  if (!best) {
    // report the attempt that got furthest: most likely the right interpretation
    const errs = attempts.map((a) => a.error as FormatError);
    errs.sort((x, y) => (y.where.offset ?? 0) - (x.where.offset ?? 0));
    const e = errs[0];
    throw new FormatError(`${e.detail} (no value encoding/frame layout parses this corestack exactly)`, e.where, e.code);
  }
  const threads = best.threads as Thread[];
  if (!inRange(threads)) warnings.push(`some frames name an instance that does not exist (${instances.length} instances)`);
  const other = ok.find((a) => a !== best && a.layout === best.layout && a.enc !== best.enc);
  if (other && !sameValues(other.threads as Thread[], threads)) {
    warnings.push(`value encoding is ambiguous: both LEB128 and fixed-width parse exactly; using ${best.enc}`);
  }
  if (best.layout === 'no-instance') warnings.push('frames have no instance index (original wasmgdb format); instance 0 assumed');
  return { threads, encoding: best.enc, layout: best.layout };
}

/** Do two parses of the same frames (same layout) give the same recorded values? */
function sameValues(a: Thread[], b: Thread[]): boolean {
  const sameVec = (x: RecordedValues, y: RecordedValues): boolean => {
    if (!x.recorded || !y.recorded) return x.recorded === y.recorded;
    if (x.values.length !== y.values.length) return false;
    for (let i = 0; i < x.values.length; i++) {
      const p = x.values[i], q = y.values[i];
      if (p.type !== q.type || ('value' in p && 'value' in q && !Object.is(p.value, q.value))) return false;
    }
    return true;
  };
  return a.length === b.length && a.every((t, i) => t.frames.length === b[i].frames.length &&
    t.frames.every((f, j) => { const g = b[i].frames[j]; return f.funcIndex === g.funcIndex && f.rawCodeOffset === g.rawCodeOffset && sameVec(f.locals, g.locals) && sameVec(f.stack, g.stack); }));
}

