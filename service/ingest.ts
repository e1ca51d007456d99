/**
 * What happens to an upload once its body is complete in a temporary file of
 * the store (service/http.ts receiveBody): check it (a WebAssembly file; a
 * core dump the reader accepts, or a module / debug file), symbolicate a
 * crash (service/symbolicate.ts: the same openCrash path as `bt`), then
 * store it: the blob first (atomic rename), the index record after (one
 * fsync'd journal line, or a transaction), so a crash listed in the index
 * always has its dump. A refused upload stores nothing.
 */
import * as fs from 'node:fs';
import { createHash, randomUUID } from 'node:crypto';
import { isWasmCoreError } from '../src/util/errors';
import { WasmModule } from '../src/wasm/module';
import { CoreDump } from '../src/coredump/reader';
import { readFileBytes, readModuleBytes } from '../host/modules';
import { ModuleCache, readDump } from '../host/openCrash';
import { BlobStore, CrashMeta, CrashRecord, DebugFileRecord, GroupRecord, IndexStore } from './store/types';
import { HttpError } from './http';
import { openStoredCrash, plainName, summarize, Symbolicated, logLine } from './symbolicate';

export interface IngestContext {
  index: IndexStore;
  blobs: BlobStore;
  debugDirs: string[];
  /** Parsed modules and DWARF indexes kept between crashes (host/openCrash.ts). */
  cache?: ModuleCache;
  /** Bounds how many crashes are symbolicated at once (memory: each holds its dump). */
  slots?: Slots;
  /** One line per crash (stdout by default). */
  log: (line: string) => void;
  /** Called after a crash is recorded (Sentry forwarding); never awaited by the upload. */
  onCrash?: (crash: CrashRecord, group: GroupRecord, isNew: boolean) => void;
}

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

function checkMagic(bytes: Uint8Array, what: string): void {
  const head = [...bytes.subarray(0, 4)];
  if (head.length < 4 || head.some((b, i) => b !== WASM_MAGIC[i])) {
    const seen = head.map((b) => b.toString(16).padStart(2, '0')).join(' ') || 'nothing';
    throw new HttpError(400, 'not_wasm', `${what} is not a WebAssembly file: offset 0x0 holds ${seen}, expected the magic 00 61 73 6d`);
  }
}

/** Metadata of an upload: `X-Crash-Meta: <json object of strings>` and/or query parameters. */
export function parseMeta(header: string | string[] | undefined, query: URLSearchParams): CrashMeta {
  const meta: CrashMeta = {};
  const h = Array.isArray(header) ? header[0] : header;
  if (h !== undefined && h !== '') {
    let o: unknown;
    try { o = JSON.parse(h); } catch { throw new HttpError(400, 'bad_meta', 'X-Crash-Meta is not JSON (expected an object of strings, e.g. {"app":"shop","version":"1.2.0"})'); }
    if (!o || typeof o !== 'object' || Array.isArray(o)) throw new HttpError(400, 'bad_meta', 'X-Crash-Meta must be a JSON object of strings');
    for (const [k, v] of Object.entries(o as Record<string, unknown>)) {
      if (v === null || v === undefined) continue;
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') throw new HttpError(400, 'bad_meta', `X-Crash-Meta field '${k}' must be a string`);
      meta[k] = String(v);
    }
  }
  const q: Record<string, string> = { app: 'app', version: 'version', environment: 'environment', request_id: 'requestId', requestId: 'requestId' };
  for (const [param, field] of Object.entries(q)) { const v = query.get(param); if (v !== null) meta[field] = v; }
  for (const [k, v] of Object.entries(meta)) {
    if (k.length > 64 || (v ?? '').length > 1024) throw new HttpError(400, 'bad_meta', `metadata field '${k.slice(0, 64)}' is too long (names up to 64, values up to 1024 characters)`);
  }
  return meta;
}

/** The first `n` bytes of a file (a module or debug file may be large: only its magic is needed before the lazy read). */
function readHead(file: string, n: number): Uint8Array {
  const fd = fs.openSync(file, 'r');
  try {
    const b = Buffer.alloc(n);
    const got = fs.readSync(fd, b, 0, n, 0);
    return new Uint8Array(b.buffer, b.byteOffset, got);
  } finally { fs.closeSync(fd); }
}

function validateDump(file: string): CoreDump {
  const bytes = readFileBytes(file);
  checkMagic(bytes, 'the upload');
  try {
    return readDump({ corePath: 'upload', coreBytes: bytes });
  } catch (e) {
    if (isWasmCoreError(e)) throw new HttpError(400, 'not_a_core_dump', `not a readable WebAssembly core dump: ${e.message}`);
    throw e;
  }
}

/** A summary from the dump alone, when symbolication itself failed (the crash is still recorded). */
function rawSummary(core: CoreDump, why: string): Symbolicated {
  const frames = (core.threads[0]?.frames ?? []).map((f, i) => ({
    number: i, module: core.modules[core.instances[f.instanceIndex]?.moduleIndex ?? 0] ?? null, funcIndex: f.funcIndex,
    codeAddr: null, function: null, file: null, line: null, column: null, inlined: false,
  }));
  return {
    summary: { trap: 'crash', threads: [{ name: core.threads[0]?.name, frames }], variables: [], modules: core.modules.map((name) => ({ name })), notes: [`symbolication failed: ${why}`] },
    fingerprint: createHash('sha256').update(['unsymbolicated', ...frames.slice(0, 5).map((f) => `${f.module}\tfunc[${f.funcIndex}]`)].join('\n')).digest('hex'),
    title: 'crash (not symbolicated)', top: frames.slice(0, 5).map((f) => `${f.module ?? '?'}!func[${f.funcIndex}]`),
  };
}

export interface IngestedCrash { crash: CrashRecord; group: GroupRecord; isNew: boolean }

/** Check, symbolicate and store an uploaded core dump (`file` is removed or moved by the caller's cleanup). */
export async function ingestCrash(ctx: IngestContext, body: { file: string; key: string; size: number }, meta: CrashMeta): Promise<IngestedCrash> {
  await ctx.slots?.acquire();
  try { return await ingestCrashNow(ctx, body, meta); } finally { ctx.slots?.release(); }
}

/**
 * A counting semaphore: at most `n` crashes are checked and symbolicated at
 * once (each holds its dump in memory meanwhile); the others wait with their
 * bodies on disk.
 */
export class Slots {
  private free: number;
  private readonly waiting: Array<() => void> = [];
  constructor(n: number) { this.free = Math.max(1, n); }
  acquire(): Promise<void> {
    if (this.free > 0) { this.free--; return Promise.resolve(); }
    return new Promise((r) => this.waiting.push(r));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next(); else this.free++;
  }
}

async function ingestCrashNow(ctx: IngestContext, body: { file: string; key: string; size: number }, meta: CrashMeta): Promise<IngestedCrash> {
  const core = validateDump(body.file);
  let s: Symbolicated;
  try {
    const { crash, modules } = await openStoredCrash(ctx, body.file, core);
    s = summarize(crash, modules);
  } catch (e) {
    s = rawSummary(core, e instanceof Error ? e.message : String(e));
  }
  await ctx.blobs.putFile('dump', body.key, body.file);
  const rec: CrashRecord = {
    id: randomUUID(), receivedAt: new Date().toISOString(), dumpKey: body.key, dumpSize: body.size,
    fingerprint: s.fingerprint, title: s.title, meta, summary: s.summary,
  };
  const { group, isNew } = await ctx.index.addCrash(rec);
  ctx.log(logLine(rec.id, rec.fingerprint, isNew, s));
  try { ctx.onCrash?.(rec, group, isNew); } catch { /* forwarding never fails an upload */ }
  return { crash: rec, group, isNew };
}

/**
 * A module (found by its file name, as coremodules names it) or a separate
 * debug file (found by build id): as the uploader says (`?kind=`), else a
 * debug file when it has no code or is named like one (.debug.wasm, .dwp,
 * .debug), else a module. An unstripped module is a module; its DWARF is
 * found in it.
 */
function classify(m: WasmModule, name: string, asked?: string): 'module' | 'debug' {
  if (asked === 'module' || asked === 'debug') return asked;
  if (m.bodies.length === 0 || /\.(debug\.wasm|dwp|debug)$/i.test(name)) return 'debug';
  return 'module';
}

/** Check and store an uploaded module or debug file; `name` is the file name it is found by (basename only). */
export async function ingestDebugFile(ctx: IngestContext, body: { file: string; key: string; size: number }, name: string, askedKind?: string): Promise<DebugFileRecord> {
  if (askedKind !== undefined && askedKind !== 'module' && askedKind !== 'debug') throw new HttpError(400, 'bad_kind', `kind must be 'module' or 'debug' (got ${JSON.stringify(askedKind.slice(0, 40))})`);
  if (!plainName(name) || name.length > 255) {
    throw new HttpError(400, 'bad_name', `name must be a plain file name (no directories), e.g. ?name=prog.wasm; got ${JSON.stringify(name.slice(0, 100))}`);
  }
  checkMagic(readHead(body.file, 4), `${name}`);
  let m: WasmModule;
  let kind: 'module' | 'debug';
  let buildId: string | undefined;
  try {
    m = new WasmModule(readModuleBytes(body.file), name);
    if (m.customSections('corestack').length || m.customSectionNames.includes('core')) throw new HttpError(400, 'is_core_dump', `${name} is a core dump: upload it to POST /v1/crashes`);
    kind = classify(m, name, askedKind);
    buildId = m.buildId;
  } catch (e) {
    if (e instanceof HttpError) throw e;
    if (isWasmCoreError(e)) throw new HttpError(400, 'bad_module', `not a readable WebAssembly module or debug file: ${e.message}`);
    throw e;
  }
  await ctx.blobs.putFile(kind, body.key, body.file);
  const rec: DebugFileRecord = { key: body.key, kind, name, buildId, size: body.size, uploadedAt: new Date().toISOString() };
  await ctx.index.addDebugFile(rec);
  return (await ctx.index.findDebugFiles(buildId !== undefined ? { buildId } : { name })).find((r) => r.key === body.key) ?? rec;
}
