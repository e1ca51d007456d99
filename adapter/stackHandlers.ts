/** threads, stackTrace, scopes, variables, exceptionInfo. Thin: parse arguments, ask the target, convert. */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { FrameInfo, ValueNode } from '../src/target/model';
import { SessionContext, argObject, intArg } from './context';
import { DapError, ErrorId } from './errorIds';
import { codeRef, column, line, sourceOf, variableOf } from './toDap';
import { machineryLabel } from '../src/reason';

/** Thread ids are 1-based thread indices. */
export function threadIndex(ctx: SessionContext, id: number, command: string): number {
  const n = ctx.requireTarget().threads().length;
  if (!Number.isInteger(id) || id < 1 || id > n) throw new DapError(ErrorId.StaleReference, `${command}: no thread ${id} (the core dump has ${n})`);
  return id - 1;
}

export function frameOf(ctx: SessionContext, frameId: number, command: string): FrameInfo {
  const t = ctx.requireTarget();
  const f = ctx.ids.frame(frameId);
  if (!f) throw new DapError(ErrorId.StaleReference, `${command}: no frame with id ${frameId}`);
  return t.frame(f.thread, f.level);
}

export function threads(ctx: SessionContext): DebugProtocol.ThreadsResponse['body'] {
  const t = ctx.requireTarget();
  return { threads: t.threads().map((th) => ({ id: th.index + 1, name: th.name })) };
}

export function toStackFrame(ctx: SessionContext, f: FrameInfo): DebugProtocol.StackFrame {
  const sf: DebugProtocol.StackFrame = {
    id: ctx.ids.frameId(f.threadIndex, f.level),
    name: f.functionName,
    line: 0,
    column: 0,
  };
  if (f.location && f.location.line > 0) {
    const onDisk = ctx.fileExists(f.location.path);
    sf.source = sourceOf(f.location, onDisk, ctx.ids, !onDisk && !!ctx.target?.frameHasEmbeddedSource?.(f));
    sf.line = line(f.location.line, ctx.base);
    sf.column = column(f.location.column, ctx.base);
  } else if (f.moduleIndex !== undefined && ctx.target?.modules[f.moduleIndex]) {
    const wat = ctx.target.watLine?.(f);
    if (wat) {
      sf.source = {
        name: `${f.functionName}.wat`,
        sourceReference: ctx.ids.sourceReference({ kind: 'wat', moduleIndex: f.moduleIndex, funcIndex: f.funcIndex, name: f.functionName }),
        presentationHint: 'deemphasize',
        origin: 'disassembled from the module (no debug info)',
      };
      sf.line = line(wat, ctx.base);
      sf.column = column(0, ctx.base);
    }
  }
  if (f.moduleOffset !== undefined && f.moduleIndex !== undefined) sf.instructionPointerReference = codeRef(f.moduleIndex, f.moduleOffset);
  if (f.moduleIndex !== undefined) sf.moduleId = f.moduleIndex;
  // VS Code focuses the first frame that is not deemphasized, reading the frame's hint before
  // its source's (isFrameDeemphasized: frame.presentationHint ?? source.presentationHint): a
  // frame hint on a frame whose source is not on disk would make it the focused frame.
  // The panic/abort machinery above the user's code is subtle too, so VS Code (which skips
  // subtle frames when it picks the frame to show on an exception stop) selects the user's frame.
  if (!f.hasDebugInfo || ctx.reason(f.threadIndex)?.machineryFrames.includes(f.level)) sf.presentationHint = 'subtle';
  else if (f.inlined && sf.source?.presentationHint !== 'deemphasize') sf.presentationHint = 'normal';
  return sf;
}

const MAX_LEVELS = 100_000;

export function stackTrace(ctx: SessionContext, raw: unknown): DebugProtocol.StackTraceResponse['body'] {
  const a = argObject(raw, 'stackTrace');
  const ti = threadIndex(ctx, intArg(a, 'threadId', 'stackTrace', { required: true }), 'stackTrace');
  const start = intArg(a, 'startFrame', 'stackTrace', { min: 0 });
  const levels = intArg(a, 'levels', 'stackTrace', { min: 0 });
  // levels 0 = all; a page only symbolizes the frames it needs (totalFrames is then a lower bound, which clients re-ask)
  const page = ctx.requireTarget().framePage(ti, start, levels > 0 ? Math.min(levels, MAX_LEVELS) : Infinity);
  return { stackFrames: page.frames.map((f) => toStackFrame(ctx, f)), totalFrames: page.total };
}

export function scopes(ctx: SessionContext, raw: unknown): DebugProtocol.ScopesResponse['body'] {
  const a = argObject(raw, 'scopes');
  const f = frameOf(ctx, intArg(a, 'frameId', 'scopes', { required: true }), 'scopes');
  const list = ctx.requireTarget().scopes(f.threadIndex, f.level);
  return {
    scopes: list.map((s) => {
      const sc: DebugProtocol.Scope = {
        name: s.name,
        variablesReference: ctx.store.add({ kind: 'scope', frameKey: `${f.threadIndex}:${f.level}`, fetch: s.variables }),
        expensive: s.expensive,
      };
      if (s.name === 'Arguments') sc.presentationHint = 'arguments';
      else if (s.name === 'Locals') sc.presentationHint = 'locals';
      else if (s.name === 'Wasm') sc.presentationHint = 'registers';
      if (s.count !== undefined) sc.namedVariables = s.count;
      return sc;
    }),
  };
}

const MAX_PAGE = 10_000;

export function variables(ctx: SessionContext, raw: unknown): DebugProtocol.VariablesResponse['body'] {
  const a = argObject(raw, 'variables');
  const ref = intArg(a, 'variablesReference', 'variables', { required: true });
  const c = ctx.store.get(ref);
  if (!c) throw new DapError(ErrorId.StaleReference, `variables: no container with variablesReference ${ref}`);
  const start = intArg(a, 'start', 'variables', { min: 0 });
  const count = intArg(a, 'count', 'variables', { min: 0 });
  const filter = a.filter === 'indexed' || a.filter === 'named' ? a.filter : undefined;
  if (a.filter !== undefined && filter === undefined) throw new DapError(ErrorId.BadArguments, 'variables: "filter" must be "indexed" or "named"');
  let nodes: ValueNode[];
  const want = count > 0 ? Math.min(count, MAX_PAGE) : MAX_PAGE;
  if (c.kind === 'scope') nodes = c.fetch().slice(start, start + want);
  else {
    const n = c.node;
    if (!n.children) nodes = [];
    else if (filter === 'named' && n.indexedCount !== undefined && n.namedCount === undefined) nodes = [];
    else nodes = n.children(start, want, filter);
  }
  return { variables: nodes.map((n) => variableOf(n, ctx.store)) };
}

const KIND_TITLE: Record<string, string> = {
  'rust-panic': 'Rust panic', 'assert': 'assertion failed', 'abort': 'abort()', 'cxx-exception': 'uncaught C++ exception', 'trap': 'Wasm trap',
};

export function exceptionInfo(ctx: SessionContext, raw: unknown): DebugProtocol.ExceptionInfoResponse['body'] {
  const a = argObject(raw, 'exceptionInfo');
  const ti = threadIndex(ctx, intArg(a, 'threadId', 'exceptionInfo', { required: true }), 'exceptionInfo');
  const t = ctx.requireTarget();
  const trap = t.trap(ti);
  const r = ctx.reason(ti);
  const frames = t.framePage(ti, 0, 50).frames;
  const machinery = new Set(r?.machineryFrames ?? []);
  // in source terms, the user's frames first: the machinery is one line
  const shown = frames.filter((f) => !machinery.has(f.level));
  const stack = shown.map((f) => `  at ${f.functionName}${f.location ? ` (${f.location.path}:${f.location.line}${f.location.column ? `:${f.location.column}` : ''})` : ` (${t.where(f)})`}`);
  if (r && machinery.size) stack.unshift(`  (${machineryLabel(r)} above)`);
  const notes = r?.notes?.length ? `\n${r.incomplete ? 'incomplete: ' : 'note: '}${r.notes.join('; ')}` : '';
  return {
    exceptionId: r && r.kind !== 'trap' ? r.kind : trap.kind,
    description: r?.message ?? trap.description,
    breakMode: 'always',
    details: {
      message: r?.message ?? trap.title,
      typeName: r && r.kind !== 'trap' ? KIND_TITLE[r.kind] ?? r.kind : trap.kind,
      fullTypeName: `wasm trap: ${trap.kind}`,
      stackTrace: `${stack.join('\n')}\n${trap.description} (${trap.evidence})${notes}`,
    },
  };
}
