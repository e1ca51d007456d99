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
import { BtFrame, BtThread, buildBacktrace, formatFrameHeader } from '../../src/symbols/backtrace';
import { parseModuleOverrides } from '../../host/modules';
import { DebugInfo } from '../../host/debugfiles';
import { openCrash, OpenedCrash } from '../../host/openCrash';
import { frameSummary } from './print';
import { Options, runCommand } from '../options';

export const usage = `bt CORE [--module NAME=PATH ...] [--debug-dir DIR ...] [--debug-file NAME=PATH ...] [--source-map FROM=TO ...] [--json]
  Print each thread's backtrace with function names, source file:line:column and inlined frames.
  --module NAME=PATH   use PATH for module NAME of \`coremodules\` (default: found next to CORE)
  --debug-dir DIR      search DIR for debug files by build id (repeatable)
  --debug-file N=PATH  DWARF for module N from PATH (a bare PATH applies to a single-module dump)
  --source-map F=T     rewrite source path prefix F to T (repeatable; longest prefix wins)
  --full               also print each frame's arguments and local variables
  --json               machine-readable output`;

interface Args { core: string; modules: string[]; debugDirs: string[]; debugFiles: string[]; sourceMap: string[]; json: boolean; full?: boolean }

function parseArgs(argv: string[]): Args {
  const a: Args = { core: '', modules: [], debugDirs: [], debugFiles: [], sourceMap: [], json: false };
  const o = new Options(argv);
  while (o.next()) {
    if (o.arg === '--json') a.json = true;
    else if (o.arg === '--full') a.full = true;
    else if (o.opt === '--module' || o.opt === '-m') a.modules.push(o.value());
    else if (o.opt === '--debug-dir') a.debugDirs.push(o.value());
    else if (o.opt === '--debug-file') a.debugFiles.push(o.value());
    else if (o.opt === '--source-map') a.sourceMap.push(o.value());
    else if (o.isOption()) o.unknown();
    else if (!a.core) a.core = o.arg;
    else throw new WasmCoreError('E_ARGUMENT', `unexpected argument '${o.arg}'`);
  }
  if (!a.core) throw new WasmCoreError('E_ARGUMENT', 'missing CORE file');
  return a;
}

export interface BacktraceResult { threads: BtThread[]; notes: string[]; /** Problems the user must see (e.g. a debug file of another build); the exit code is 1. */ errors: string[]; /** Module names from coremodules, by index. */ moduleNames: string[]; debug: Map<number, DebugInfo>; symbolizers: Map<number, Symbolizer>; /** The crash as opened (values of its frames for `--full`). */ crash: OpenedCrash }

/** Load a core dump, its modules and their DWARF (host/openCrash.ts), and build the backtrace (shared with `print --full`). */
export function loadBacktrace(corePath: string, opts: { modules?: string[]; debugDirs?: string[]; debugFiles?: string[] } = {}): BacktraceResult {
  return backtraceOf(openCrash({
    corePath, modules: parseModuleOverrides(opts.modules ?? []), debugFiles: parseModuleOverrides(opts.debugFiles ?? []), debugDirs: opts.debugDirs,
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
  const bt = loadBacktrace(a.core, { modules: a.modules, debugDirs: a.debugDirs, debugFiles: a.debugFiles });
  const files = bt.threads.flatMap((t) => t.frames.map((f) => f.file).filter((p): p is string => p !== undefined));
  const missing = missingSources(files, map, (p) => existsSync(p));
  const diags = [...bt.symbolizers.values()].flatMap((s) => s.diagnostics);
  if (a.json) {
    console.log(JSON.stringify({
      core: a.core,
      threads: bt.threads.map((t) => ({ name: t.name, frames: t.frames.map((f) => frameJson(f, map)) })),
      missingSources: missing.map((m) => m.mapped), notes: bt.notes, errors: bt.errors, diagnostics: diags,
    }, null, 2));
    return bt.errors.length ? 1 : 0;
  }
  // like gdb's bt: arguments in every frame header; --full adds the locals
  const values = bt.errors.length ? undefined : bt.crash;
  bt.threads.forEach((t, i) => {
    if (bt.threads.length > 1 || t.name) console.log(`${i ? '\n' : ''}Thread ${i + 1}${t.name ? ` '${t.name}'` : ''}:`);
    for (const f of t.frames) {
      const v = values ? frameSummary(values, i, f) : undefined;
      const module = bt.moduleNames.length > 1 && f.moduleIndex !== undefined ? basename(bt.moduleNames[f.moduleIndex] ?? `module ${f.moduleIndex}`) : undefined;
      console.log(formatFrameHeader(f, { map, args: v?.args, module }));
      if (v && a.full) for (const l of v.locals) console.log(l);
    }
  });
  for (const n of bt.notes) console.error(`note: ${n}`);
  if (missing.length) {
    console.error(`note: ${missing.length} source file${missing.length > 1 ? 's' : ''} not found locally${map.size ? '' : ' (use --source-map FROM=TO)'}:`);
    for (const m of missing.slice(0, 10)) console.error(`  ${m.mapped}${m.mapped !== m.path ? ` (from ${m.path})` : ''}`);
  }
  for (const d of diags.slice(0, 10)) console.error(`warning: ${d}`);
  for (const e of bt.errors) console.error(`error: ${e}`);
  return bt.errors.length ? 1 : 0;
}
