/**
 * `wasm-coredump print CORE --frame N EXPR`: evaluate a gdb-style expression
 * in a frame of the crash (frame numbers as printed by `bt`, inlined frames
 * counted). Also hosts the frame-variables listing used by `bt --full`.
 */
import { WasmCoreError } from '../../src/util/errors';
import { CoreDump } from '../../src/coredump/reader';
import { BtThread } from '../../src/symbols/backtrace';
import { ThreadValues, Variable, EvalError } from '../../src/values';
import { parseModuleOverrides } from '../../host/modules';
import { openCrash } from '../../host/openCrash';
import { Options, runCommand } from '../options';

export const usage = `print CORE [--frame N] [--thread T] EXPR [--module NAME=PATH ...] [--debug-file N=PATH] [--debug-dir DIR] [--format x] [--depth D] [--json]
  Evaluate EXPR (C-like: names, . -> * & [] casts arithmetic sizeof $local3 $global0 $__stack_pointer)
  in frame N (as numbered by \`bt\`, default 0) and print its value, expanding aggregates D levels (default 1).
  --format x   integers in hexadecimal`;

interface Args {
  core: string; expr: string; frame: number; thread: number; modules: string[]; debugFiles: string[]; debugDirs: string[];
  hex: boolean; depth: number; json: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { core: '', expr: '', frame: 0, thread: 0, modules: [], debugFiles: [], debugDirs: [], hex: false, depth: 1, json: false };
  const rest: string[] = [];
  const o = new Options(argv);
  while (o.next()) {
    if (o.opt === '--frame' || o.opt === '-f') a.frame = o.int();
    else if (o.opt === '--thread' || o.opt === '-t') a.thread = o.int();
    else if (o.opt === '--module' || o.opt === '-m') a.modules.push(o.value());
    else if (o.opt === '--debug-file') a.debugFiles.push(o.value());
    else if (o.opt === '--debug-dir') a.debugDirs.push(o.value());
    else if (o.opt === '--depth') a.depth = o.int();
    else if (o.opt === '--format') a.hex = o.choice(['x', 'd'] as const) === 'x';
    else if (o.arg === '--json') a.json = true;
    else if (o.arg === '--') rest.push(...o.rest());
    else if (o.arg.startsWith('--')) o.unknown();
    else rest.push(o.arg);
  }
  if (rest.length === 0) throw new WasmCoreError('E_ARGUMENT', 'missing CORE file');
  a.core = rest[0];
  a.expr = rest.slice(1).join(' ');
  if (!a.expr) throw new WasmCoreError('E_ARGUMENT', 'missing EXPR');
  return a;
}

export interface OpenedValues { core: CoreDump; threads: BtThread[]; notes: string[]; values(thread: number): ThreadValues }

/** Open a core dump with its modules and DWARF for variables (used by `print`; host/openCrash.ts, as `bt`). */
export function openValues(corePath: string, opts: { modules?: string[]; debugFiles?: string[]; debugDirs?: string[] } = {}): OpenedValues {
  const c = openCrash({ corePath, modules: parseModuleOverrides(opts.modules ?? []), debugFiles: parseModuleOverrides(opts.debugFiles ?? []), debugDirs: opts.debugDirs });
  const notes: string[] = [...c.core.warnings];
  for (const r of c.resolved) {
    if (r.error) notes.push(r.error.message);
    if (!r.module || !r.path) { if (!r.error) notes.push(`module ${r.name} not found (tried ${r.tried.join(', ')})`); continue; }
    // print refuses a debug file of another build (bt reports it and goes on)
    const refused = c.debugErrors.get(r.index);
    if (refused) throw refused;
    const d = c.debug[r.index];
    if (d && !d.sections) notes.push(`module ${r.name}: ${d.notes.join('; ')}`);
  }
  return { core: c.core, threads: c.backtrace(), notes, values: (t) => c.values(t) };
}

/** Lines for a variable and its children down to `depth` levels (arrays: first 20 elements). */
export function variableLines(v: Variable, depth: number, indent = ''): string[] {
  const type = v.type ? ` (${v.type})` : '';
  const out = [`${indent}${v.name}${type} = ${v.value}`];
  if (depth <= 0 || !v.hasChildren) return out;
  const named = v.namedCount ?? 0;
  const total = named + Math.min(v.indexedCount ?? 0, 20);
  for (const c of v.children(0, total)) out.push(...variableLines(c, depth - 1, indent + '  '));
  if ((v.indexedCount ?? 0) > 20) out.push(`${indent}  ... ${(v.indexedCount ?? 0) - 20} more elements`);
  return out;
}

export function run(argv: string[]): Promise<number> {
  return runCommand('print', usage, argv, parseArgs, printCommand);
}

async function printCommand(a: Args): Promise<number> {
  const o = openValues(a.core, { modules: a.modules, debugFiles: a.debugFiles, debugDirs: a.debugDirs });
  for (const n of o.notes) console.error(`note: ${n}`);
  const t = o.threads[a.thread];
  if (!t) { console.error(`wasm-coredump print: no thread ${a.thread} (the core dump has ${o.threads.length})`); return 2; }
  const f = t.frames[a.frame];
  if (!f) { console.error(`wasm-coredump print: no frame ${a.frame} (thread ${a.thread} has ${t.frames.length}; see \`bt\`)`); return 2; }
  let v: Variable;
  try {
    v = o.values(a.thread).evaluate(f.coreFrame.index, a.expr, { frameDie: f.sym?.die }, { hex: a.hex });
  } catch (e) {
    if (e instanceof EvalError) {
      console.error(`wasm-coredump print: ${a.expr}\n${' '.repeat(21 + e.position)}^ ${e.reason}`);
      return 1;
    }
    throw e;
  }
  if (a.json) {
    const node = (x: Variable, d: number): unknown => ({
      name: x.name, value: x.value, type: x.type, memory: x.memory ?? null,
      children: d > 0 && x.hasChildren ? x.children(0, (x.namedCount ?? 0) + Math.min(x.indexedCount ?? 0, 100)).map((c) => node(c, d - 1)) : undefined,
    });
    console.log(JSON.stringify({ frame: a.frame, function: f.name, expr: a.expr, result: node(v, a.depth) }, null, 2));
    return 0;
  }
  for (const line of variableLines(v, a.depth)) console.log(line);
  return 0;
}

/** For `bt --full`: a frame's arguments (one line, for the header) and its locals (indented lines). */
export function frameSummary(o: Pick<OpenedValues, 'values'>, thread: number, f: BtThread['frames'][number]): { args: string; locals: string[] } {
  try {
    const scopes = o.values(thread).scopes(f.coreFrame.index, { frameDie: f.sym?.die });
    const args = scopes.find((s) => s.name === 'Arguments')?.variables().map((v) => `${v.name}=${v.value}`).join(', ') ?? '';
    const locals: string[] = [];
    for (const s of scopes) {
      if (s.name !== 'Locals' && s.name !== 'Statics') continue;
      for (const v of s.variables()) locals.push(`        ${v.name} = ${v.value}${s.name === 'Statics' ? ' (static)' : ''}`);
    }
    return { args, locals };
  } catch (e) {
    return { args: '', locals: [`        <variables unavailable: ${e instanceof Error ? e.message : String(e)}>`] };
  }
}
