/**
 * A crash in source terms, for the service: opens the dump with
 * host/openCrash.ts (the path `bt` and the debug adapter use), finds its
 * modules and debug files in the stores (by coremodules name and build id)
 * and in the `--debug-dir` directories, and turns the result into a
 * CrashSummary, a fingerprint (the group), a title and the log line.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { WasmModule } from '../src/wasm/module';
import { CoreDump } from '../src/coredump/reader';
import { normaliseFrames } from '../src/coredump/normalise';
import { BtFrame } from '../src/symbols/backtrace';
import { moduleNames, readModuleBytes } from '../host/modules';
import { ModuleCache, openCrash, OpenedCrash } from '../host/openCrash';
import { BlobKey, BlobStore, CrashSummary, IndexStore, StoredFrame } from './store/types';
import { CrashReason, crashReason } from '../src/reason';

/** Frames that make the fingerprint. */
export const FINGERPRINT_FRAMES = 5;
const MAX_FRAMES = 256;
const MAX_VARIABLES = 64;

export interface SymbolicateContext { index: IndexStore; blobs: BlobStore; debugDirs: string[]; /** Parsed modules and DWARF indexes kept between crashes. */ cache?: ModuleCache }

export interface Symbolicated {
  summary: CrashSummary;
  fingerprint: string;
  title: string;
  /** Top frames in source terms, `fn (file:line)`, innermost first (for the log line). */
  top: string[];
}

/** Paths of the runtime and the standard libraries: frames there are not the program's own. */
const RUNTIME_PATH = /(^|\/)(rustc\/[0-9a-f]+|rustc-[0-9.]+\/library|\.cargo\/registry|\.rustup|wasi-libc|libc-top-half|libc-bottom-half|lib\/std|lib\/zig|emscripten|system\/lib)\//;

export function isUserFrame(f: StoredFrame): boolean {
  return f.function !== null && f.file !== null && !RUNTIME_PATH.test(f.file);
}

function sourceTerm(f: StoredFrame): string {
  if (f.file !== null && f.function !== null) return `${f.function} (${path.basename(f.file)}${f.line !== null ? `:${f.line}` : ''})`;
  return `${f.module ?? '?'}!${f.function ?? `func[${f.funcIndex}]`}`;
}

/** Is `p` a plain file name (no directory part, no '..')? */
export function plainName(p: string): boolean { return p.length > 0 && !/[/\\\0]/.test(p) && p !== '.' && p !== '..'; }

function load(ctx: SymbolicateContext, file: string): WasmModule {
  return ctx.cache ? ctx.cache.load(file) : new WasmModule(readModuleBytes(file), file);
}

function hasDwarf(ctx: SymbolicateContext, file: string): boolean {
  try { return load(ctx, file).customSectionNames.includes('.debug_info'); } catch { return false; }
}

/** Candidate module files for one coremodules name: uploads of that file name (newest first), then the debug dirs. */
async function moduleCandidates(ctx: SymbolicateContext, name: string): Promise<Array<{ path: string; key?: BlobKey }>> {
  const base = path.basename(name.replace(/\\/g, '/'));
  const names = base.endsWith('.wasm') ? [base] : [base, `${base}.wasm`];
  const out: Array<{ path: string; key?: BlobKey }> = [];
  for (const n of names) {
    if (!plainName(n)) continue;
    for (const r of (await ctx.index.findDebugFiles({ name: n, kind: 'module' })).slice(0, 8)) {
      const p = await ctx.blobs.localPath('module', r.key);
      if (p) out.push({ path: p, key: r.key });
    }
    for (const d of ctx.debugDirs) {
      const p = path.join(d, n);
      try { if (fs.statSync(p).isFile()) out.push({ path: p }); } catch { /* not there */ }
    }
  }
  return out;
}

/** The candidate whose code the dump's frames fit (all frames on plausible instructions); none when no stored file fits. */
function pickModule(ctx: SymbolicateContext, core: CoreDump, index: number, cands: Array<{ path: string; key?: BlobKey }>): { path: string; key?: BlobKey; module: WasmModule } | undefined {
  for (const c of cands) {
    let m: WasmModule;
    try { m = load(ctx, c.path); if (m.customSections('corestack').length) continue; } catch { continue; }
    // only a module the frames fit: another build under the same name would give wrong names, not none
    const rep = normaliseFrames(core, new Map([[index, m]])).modules[0];
    if (!rep || (rep.normalised === rep.frames && !rep.suspect)) return { ...c, module: m };
  }
  return undefined;
}

/** Open an uploaded dump (already parsed) with its modules and debug files from the stores. */
export async function openStoredCrash(ctx: SymbolicateContext, dumpFile: string, core: CoreDump): Promise<{ crash: OpenedCrash; modules: CrashSummary['modules'] }> {
  const names = moduleNames(core);
  const overrides: Record<string, string> = {};
  const debugFiles: Record<string, string> = {};
  const modules: CrashSummary['modules'] = [];
  for (let i = 0; i < names.length; i++) {
    const entry: CrashSummary['modules'][number] = { name: names[i] };
    modules.push(entry);
    const picked = pickModule(ctx, core, i, await moduleCandidates(ctx, names[i]));
    if (!picked) continue;
    overrides[String(i)] = picked.path;
    entry.moduleKey = picked.key;
    let id: string | undefined;
    try { id = picked.module.buildId; } catch { /* unreadable build_id: noted by findDebugInfo */ }
    if (id === undefined) continue;
    entry.buildId = id;
    if (picked.module.customSectionNames.includes('.debug_info')) continue;
    // a stripped module: its debug file by build id (a separate debug file, or the unstripped module)
    const recs = (await ctx.index.findDebugFiles({ buildId: id })).filter((r) => r.key !== picked.key);
    recs.sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'debug' ? -1 : 1));
    for (const r of recs) {
      const p = await ctx.blobs.localPath(r.kind, r.key);
      if (p && hasDwarf(ctx, p)) { debugFiles[String(i)] = p; entry.debugKey = r.key; break; }
    }
  }
  const crash = openCrash({
    corePath: dumpFile, core, modules: overrides, modulesNextToCore: false, debugFiles,
    debugDirs: ctx.debugDirs, followExternalDebugInfo: false, cache: ctx.cache,
  });
  return { crash, modules };
}

function storedFrame(f: BtFrame, names: string[], modules: Array<WasmModule | undefined>): StoredFrame {
  let cs: number | undefined;
  try { cs = f.moduleIndex !== undefined ? modules[f.moduleIndex]?.codeSectionStart : undefined; } catch { cs = undefined; }
  return {
    number: f.number, module: f.moduleIndex !== undefined ? names[f.moduleIndex] ?? null : null, funcIndex: f.coreFrame.funcIndex,
    codeAddr: f.codeAddr ?? null, moduleOffset: f.codeAddr !== undefined && cs !== undefined ? f.codeAddr + cs : null,
    function: f.name || null, file: f.file ?? null,
    line: f.line || null, column: f.column || null, inlined: f.inlined,
  };
}

/** The CrashSummary, fingerprint and title of an opened crash. */
export function summarize(crash: OpenedCrash, modules: CrashSummary['modules']): Symbolicated {
  const notes: string[] = [...crash.core.warnings];
  const names = crash.resolved.map((r) => r.name);
  for (const r of crash.resolved) {
    if (!r.module) notes.push(`module ${r.index} '${r.name}': no stored module of that name fits this dump's frames (not uploaded yet, or only other builds): upload it to POST /v1/debug-files (its frames show function indices only)`);
    const refused = crash.debugErrors.get(r.index);
    if (refused) notes.push(`module ${r.name}: ${refused.message}`);
    const d = crash.debug[r.index];
    if (r.module && d && !d.sections && d.notes.length) notes.push(`module ${r.name}: ${d.notes.join('; ')}`);
  }
  for (const m of crash.normalisation.modules) if (m.base === undefined || m.suspect) notes.push(`module ${m.moduleIndex}: ${m.reason}`);
  let trapKind = 'unknown', trapTitle = 'crash', trapWhere: string | undefined;
  let reason: CrashReason | undefined;
  try {
    const target = crash.target();
    const t = target.trap(0);
    trapKind = t.kind; trapTitle = t.title; trapWhere = t.description;
    // why it died in source terms (src/reason: a panic message, a failed assertion, the trap in words), as bt and the adapter say it
    try { reason = crashReason(target, 0); } catch (e) { notes.push(`crash reason unavailable: ${e instanceof Error ? e.message : String(e)}`); }
  } catch (e) {
    notes.push(`trap not inferred: ${e instanceof Error ? e.message : String(e)}`);
  }
  for (const n of reason?.notes ?? []) notes.push(`reason: ${n}`);
  const bt = crash.backtrace();
  const threads = bt.map((t) => ({ name: t.name || undefined, frames: t.frames.slice(0, MAX_FRAMES).map((f) => storedFrame(f, names, crash.modules)) }));
  for (const t of bt) if (t.frames.length > MAX_FRAMES) notes.push(`thread '${t.name}': ${t.frames.length - MAX_FRAMES} outer frames not stored`);
  // the trapped frame's variables: the innermost frame with DWARF (what `bt --full` prints for it)
  const variables: CrashSummary['variables'] = [];
  const frames0 = bt[0]?.frames ?? [];
  const vf = frames0.find((f) => f.sym?.die);
  if (vf) {
    try {
      for (const s of crash.values(0).scopes(vf.coreFrame.index, { frameDie: vf.sym?.die })) {
        if (s.name !== 'Arguments' && s.name !== 'Locals') continue;
        for (const v of s.variables()) if (variables.length < MAX_VARIABLES) variables.push({ name: v.name, type: v.type ?? '', value: v.value });
      }
      notes.push(`variables of frame #${vf.number} ${vf.name}`);
    } catch (e) {
      notes.push(`variables unavailable: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const main = threads[0]?.frames ?? [];
  // the program's own frames: not the runtime's, not the panic/abort machinery the reason found
  const machinery = new Set(reason?.machineryFrames ?? []);
  const user = main.filter((f) => isUserFrame(f) && !machinery.has(f.number)).slice(0, FINGERPRINT_FRAMES);
  const basis = user.length
    ? user.map((f) => `${f.function}\t${path.basename(f.file ?? '')}`)
    : main.slice(0, FINGERPRINT_FRAMES).map((f) => `${path.basename(f.module ?? '?')}\tfunc[${f.funcIndex}]`);
  // a panic, an assertion and an abort are one kind each whatever trap ends them (Rust's and libc's end in `unreachable`)
  const kind = reason && reason.kind !== 'trap' ? reason.kind : trapKind;
  const fingerprint = createHash('sha256').update([kind, ...basis].join('\n')).digest('hex');
  const topFrame = user[0] ?? main[0];
  const title = reason ? `${reason.message}${reason.incomplete ? ' [incomplete]' : ''}` : topFrame ? `${trapTitle} in ${sourceTerm(topFrame)}` : trapTitle;
  const top = (user.length ? user : main.slice(0, FINGERPRINT_FRAMES)).map(sourceTerm);
  return {
    summary: {
      trap: trapTitle,
      reason: reason
        ? { kind, message: reason.message, location: reason.location ? `${reason.location.file}:${reason.location.line}${reason.location.column ? `:${reason.location.column}` : ''}` : trapWhere }
        : { kind: trapKind, message: trapTitle, location: trapWhere },
      threads, variables, modules, notes,
    },
    fingerprint, title, top,
  };
}

/** The log line of one crash: `crash <id> group <fp8> [new] <trap>: f (file:line) < g (file:line) ...`. */
export function logLine(id: string, fingerprint: string, isNew: boolean, s: Symbolicated): string {
  return `crash ${id} group ${fingerprint.slice(0, 8)}${isNew ? ' new' : ''} ${s.summary.reason?.kind ?? s.summary.trap}: ${s.top.join(' < ') || '<no frames>'}`;
}
