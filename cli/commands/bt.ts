/**
 * `wasm-coredump bt CORE`: the crash's call stack in source terms, like
 * gdb's `bt`: frame numbers across inlined frames, function names as in
 * source, file:line:column, `[inlined]` markers.
 */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { WasmCoreError } from '../../src/util/errors';
import { Symbolizer } from '../../src/symbols/symbolizer';
import { SourcePathMap, missingSources } from '../../src/symbols/sourcemap';
import { BtFrame, BtThread, formatFrameHeader } from '../../src/symbols/backtrace';
import { parseModuleOverrides } from '../../host/modules';
import { DebugInfo } from '../../host/debugfiles';
import { openCrash, OpenedCrash } from '../../host/openCrash';
import { frameSummary } from './print';
import { Options, runCommand } from '../options';
import { reasonsOf, reasonJson } from './reason';
import { machineryLabel } from '../../src/reason';

export const usage = `bt CORE [--module NAME=PATH ...] [--debug-dir DIR ...] [--debug-file NAME=PATH ...] [--source-map FROM=TO ...] [--source-map-file NAME=MAP ...] [--json]
  Print each thread's backtrace with function names, source file:line:column and inlined frames.
  --module NAME=PATH   use PATH for module NAME of \`coremodules\` (default: found next to CORE)
  --debug-dir DIR      search DIR for debug files by build id (repeatable)
  --debug-file N=PATH  DWARF for module N from PATH (a bare PATH applies to a single-module dump)
  --source-map F=T     rewrite source path prefix F to T (repeatable; longest prefix wins)
  --source-map-file N=MAP  Wasm source map for module N without DWARF (a bare MAP applies to a
                       single-module dump; default: the sourceMappingURL section, then MODULE.wasm.map)
  --full               also print each frame's arguments and local variables
  --all                also print the panic/abort machinery frames (folded into one line by default)
  --json               machine-readable output (with the crash \`reason\`)
  The first line says why the program died: the Rust panic message, the failed assertion, abort()'s caller or the trap.`;

interface Args { core: string; modules: string[]; debugDirs: string[]; debugFiles: string[]; sourceMap: string[]; sourceMapFiles: string[]; json: boolean; full?: boolean; all?: boolean }

function parseArgs(argv: string[]): Args {
  const a: Args = { core: '', modules: [], debugDirs: [], debugFiles: [], sourceMap: [], sourceMapFiles: [], json: false };
  const o = new Options(argv);
  while (o.next()) {
    if (o.arg === '--json') a.json = true;
    else if (o.arg === '--full') a.full = true;
    else if (o.arg === '--all') a.all = true;
    else if (o.opt === '--module' || o.opt === '-m') a.modules.push(o.value());
    else if (o.opt === '--debug-dir') a.debugDirs.push(o.value());
    else if (o.opt === '--debug-file') a.debugFiles.push(o.value());
    else if (o.opt === '--source-map') a.sourceMap.push(o.value());
    else if (o.opt === '--source-map-file') a.sourceMapFiles.push(o.value());
    else if (o.isOption()) o.unknown();
    else if (!a.core) a.core = o.arg;
    else throw new WasmCoreError('E_ARGUMENT', `unexpected argument '${o.arg}'`);
  }
  if (!a.core) throw new WasmCoreError('E_ARGUMENT', 'missing CORE file');
  return a;
}

export interface BacktraceResult { threads: BtThread[]; notes: string[]; /** Problems the user must see (e.g. a debug file of another build); the exit code is 1. */ errors: string[]; /** Module names from coremodules, by index. */ moduleNames: string[]; debug: Map<number, DebugInfo>; symbolizers: Map<number, Symbolizer>; /** The crash as opened (values of its frames for `--full`). */ crash: OpenedCrash }

/** Load a core dump, its modules and their DWARF (host/openCrash.ts), and build the backtrace (shared with `print --full`). */
export function loadBacktrace(corePath: string, opts: { modules?: string[]; debugDirs?: string[]; debugFiles?: string[]; sourceMapFiles?: string[] } = {}): BacktraceResult {
  return backtraceOf(openCrash({
    corePath, modules: parseModuleOverrides(opts.modules ?? []), debugFiles: parseModuleOverrides(opts.debugFiles ?? []), debugDirs: opts.debugDirs,
    sourceMapFiles: parseModuleOverrides(opts.sourceMapFiles ?? []),
  }));
}

/** The CLI's view of an opened crash: notes for what was not found, errors for debug files refused. */
export function backtraceOf(c: OpenedCrash): BacktraceResult {
  const notes: string[] = [...c.core.warnings];
  const errors: string[] = [];
  const debug = new Map<number, DebugInfo>();
  for (const r of c.resolved) {
    if (r.error) notes.push(r.error.message);
    const d = c.debug[r.index];
    if (!r.module || !r.path || !d) continue;
    // a debug file of another build: refused loudly, the frames keep the name section's names
    const refused = c.debugErrors.get(r.index);
    if (refused) errors.push(`module ${r.name}: ${refused.message}`);
    debug.set(r.index, d);
    if (!d.sections && d.notes.length) notes.push(`module ${r.name}: ${d.notes.join('; ')}`);
    // a Wasm source map for a module without DWARF: what was tried, and a map named but unreadable as an error
    const wm = c.sourceMaps[r.index];
    for (const n of [...(wm?.notes ?? []), ...(wm?.map?.warnings ?? [])]) notes.push(`module ${r.name}: ${n}`);
    if (wm?.map) notes.push(`module ${r.name}: no DWARF; source lines from ${wm.origin}`);
    const mapError = c.sourceMapErrors.get(r.index);
    if (mapError) errors.push(`module ${r.name}: ${mapError.message}`);
  }
  for (const m of c.normalisation.modules) if (m.base === undefined) notes.push(`module ${m.moduleIndex}: code offsets not normalised: ${m.reason}`);
  return { threads: c.backtrace(), notes, errors, debug, symbolizers: c.symbolizers, moduleNames: c.resolved.map((r) => r.name), crash: c };
}

function frameJson(f: BtFrame, map: SourcePathMap): unknown {
  return {
    number: f.number, coreFrame: f.coreFrame.index, module: f.moduleIndex ?? null, funcIndex: f.coreFrame.funcIndex,
    codeAddr: f.codeAddr ?? null, function: f.name, linkageName: f.sym?.linkageName ?? null, inlined: f.inlined,
    file: f.file !== undefined ? map.map(f.file) : null, line: f.line || null, column: f.column || null, note: f.note ?? null,
  };
}

export function run(argv: string[]): Promise<number> {
  return runCommand('bt', usage, argv, parseArgs, backtrace);
}

function backtrace(a: Args): number {
  let map: SourcePathMap;
  try { map = SourcePathMap.parse(a.sourceMap); } catch (e) { console.error(`wasm-coredump bt: ${(e as Error).message}`); return 2; }
  const bt = loadBacktrace(a.core, { modules: a.modules, debugDirs: a.debugDirs, debugFiles: a.debugFiles, sourceMapFiles: a.sourceMapFiles });
  const files = bt.threads.flatMap((t) => t.frames.map((f) => f.file).filter((p): p is string => p !== undefined));
  const missing = missingSources(files, map, (p) => existsSync(p));
  const diags = [...bt.symbolizers.values()].flatMap((s) => s.diagnostics);
  const reasons = reasonsOf(bt.crash);
  if (a.json) {
    console.log(JSON.stringify({
      core: a.core,
      reason: reasonJson(reasons.of(0)),
      threads: bt.threads.map((t) => ({ name: t.name, frames: t.frames.map((f) => frameJson(f, map)) })),
      missingSources: missing.map((m) => m.mapped), notes: bt.notes, errors: bt.errors, diagnostics: diags,
    }, null, 2));
    return bt.errors.length ? 1 : 0;
  }
  // like gdb's bt: arguments in every frame header; --full adds the locals
  const values = bt.errors.length ? undefined : bt.crash;
  const first = reasons.of(0);
  if (first) console.log(`${first.message}${first.incomplete ? ' [incomplete]' : ''}`);
  const dim = process.stdout.isTTY ? (s: string) => `\x1b[2m${s}\x1b[0m` : (s: string) => s;
  bt.threads.forEach((t, i) => {
    if (bt.threads.length > 1 || t.name) console.log(`${i ? '\n' : ''}Thread ${i + 1}${t.name ? ` '${t.name}'` : ''}:`);
    const r = reasons.of(i);
    const machinery = new Set(r?.machineryFrames ?? []);
    if (r && machinery.size && !a.all) {
      const n = machinery.size;
      console.log(dim(`#0${n > 1 ? `-#${n - 1}` : ''} ${machineryLabel(r)} (--all shows them)`));
    }
    for (const f of t.frames) {
      if (machinery.has(f.number) && !a.all) continue;
      const v = values ? frameSummary(values, i, f) : undefined;
      const module = bt.moduleNames.length > 1 && f.moduleIndex !== undefined ? basename(bt.moduleNames[f.moduleIndex] ?? `module ${f.moduleIndex}`) : undefined;
      const header = formatFrameHeader(f, { map, args: v?.args, module });
      console.log(machinery.has(f.number) ? dim(header) : header);
      if (v && a.full) for (const l of v.locals) console.log(l);
    }
  });
  for (const n of bt.notes) console.error(`note: ${n}`);
  if (missing.length) {
    console.error(`note: ${missing.length} source file${missing.length > 1 ? 's' : ''} not found locally${map.size ? '' : ' (use --source-map FROM=TO)'}:`);
    for (const m of missing.slice(0, 10)) console.error(`  ${m.mapped}${m.mapped !== m.path ? ` (from ${m.path})` : ''}`);
  }
  for (const d of diags.slice(0, 10)) console.error(`warning: ${d}`);
  for (const n of first?.notes ?? []) console.error(`note: reason: ${n}`);
  if (reasons.error) console.error(`note: crash reason unavailable: ${reasons.error}`);
  for (const e of bt.errors) console.error(`error: ${e}`);
  return bt.errors.length ? 1 : 0;
}
