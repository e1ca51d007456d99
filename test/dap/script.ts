/**
 * The scripted post-mortem session every transcript test runs: what an
 * editor does when it opens a core dump (initialize, launch, configurationDone,
 * threads, stack, scopes, variables, hover, REPL, memory, disassembly,
 * source, modules) plus the refusals (continue, setVariable).
 */
import * as path from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { FIXTURES, REPO, request, stabilise } from './harness';
import { RawClient } from './rawClient';

export interface Driver {
  send(command: string, args?: unknown): Promise<any>;
  /** Events received since the last call, in arrival order. */
  takeEvents(): any[];
  waitEvent(name: string): Promise<unknown>;
}

const EVENT_NAMES = ['initialized', 'stopped', 'output', 'terminated', 'exited', 'module', 'loadedSource', 'thread', 'memory', 'invalidated', 'continued', 'capabilities'];

export function debugClientDriver(dc: DebugClient): Driver {
  const pending: any[] = [];
  const seen = new Set<string>();
  const waiters: Array<{ name: string; resolve: (e: unknown) => void }> = [];
  for (const n of EVENT_NAMES) {
    dc.on(n, (e: any) => {
      pending.push(e);
      seen.add(n);
      for (let i = waiters.length - 1; i >= 0; i--) if (waiters[i].name === n) waiters.splice(i, 1)[0].resolve(e);
    });
  }
  return {
    send: (c, a) => request(dc, c, a),
    takeEvents: () => pending.splice(0),
    // DebugClient.waitForEvent misses an event that arrived in the same chunk as the preceding response
    waitEvent: (n) => (seen.has(n) ? Promise.resolve(undefined) : new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no '${n}' event within 20 s`)), 20_000);
      waiters.push({ name: n, resolve: (e) => { clearTimeout(t); resolve(e); } });
    })),
  };
}

export function rawDriver(rc: RawClient): Driver {
  let taken = 0;
  return {
    send: (c, a) => rc.request(c, a),
    takeEvents: () => { const e = rc.events.slice(taken); taken = rc.events.length; return e; },
    waitEvent: (n) => rc.waitEvent(n),
  };
}

export interface SessionSpec { fixture: string; coreDump: string; values?: Array<{ frame: string; expr: string; frameIndex?: number }> }

export function launchArgsFor(spec: SessionSpec): Record<string, unknown> {
  if (spec.fixture === 'thesis-sk-machine') {
    // the real wasmtime dump from the corpus; its module was never published
    return { type: 'wasm-coredump', request: 'launch', name: 'thesis', coreDump: '../shared/corpus/thesis-sk-machine/trap.coredump' };
  }
  const dir = path.join('test/fixtures', spec.fixture);
  return {
    type: 'wasm-coredump', request: 'launch', name: spec.fixture,
    coreDump: path.join(dir, spec.coreDump),
    program: path.join(dir, 'prog.wasm'),
    sourceMap: { '/src': path.join(REPO, dir) },
  };
}

function clean(m: any): unknown {
  const { seq: _s, request_seq: _r, type: _t, ...rest } = m;
  return rest;
}

/** Run the script; returns the stabilised transcript. */
export async function runSession(d: Driver, spec: SessionSpec): Promise<unknown[]> {
  const log: unknown[] = [];
  const send = async (command: string, args?: unknown): Promise<any> => {
    const before = d.takeEvents(); // events that arrived after the previous response was logged
    for (const e of before) log.push({ event: e.event, body: e.body });
    const r = await d.send(command, args);
    log.push({ request: command, args, response: clean(r) });
    // An event sent just before this response may be drained now or with the next request's:
    // either way it lands between this response and the next request, so the transcript is stable.
    const after = d.takeEvents();
    for (const e of after) log.push({ event: e.event, body: e.body });
    return r;
  };
  await send('initialize', { clientID: 'transcript', adapterID: 'wasm-coredump', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path', supportsMemoryReferences: true });
  await d.waitEvent('initialized');
  const launch = await send('launch', launchArgsFor(spec));
  await send('setExceptionBreakpoints', { filters: [] });
  await send('configurationDone');
  if (launch.success) {
    await d.waitEvent('stopped');
    const threads = (await send('threads')).body?.threads ?? [];
    for (const th of threads.slice(0, 4)) {
      await send('exceptionInfo', { threadId: th.id });
      await send('stackTrace', { threadId: th.id, startFrame: 0, levels: 1 });
      const st = await send('stackTrace', { threadId: th.id, startFrame: 0, levels: 20 });
      const frames: any[] = st.body?.stackFrames ?? [];
      for (const f of frames.slice(0, 2)) {
        const sc = await send('scopes', { frameId: f.id });
        for (const s of sc.body?.scopes ?? []) {
          if (s.expensive) continue;
          const vars = await send('variables', { variablesReference: s.variablesReference });
          const first = (vars.body?.variables ?? []).find((v: any) => v.variablesReference > 0);
          if (first) await send('variables', { variablesReference: first.variablesReference, start: 0, count: 8 });
        }
      }
      const top = frames[0];
      if (top) {
        if (top.source?.sourceReference) await send('source', { source: top.source, sourceReference: top.source.sourceReference });
        if (top.instructionPointerReference) {
          await send('disassemble', { memoryReference: top.instructionPointerReference, instructionOffset: -4, instructionCount: 8, resolveSymbols: true });
        }
        await send('evaluate', { expression: 'info frame', context: 'repl', frameId: top.id });
        await send('evaluate', { expression: '$global0', context: 'hover', frameId: top.id });
        // source-level expressions from the fixture's facts (watch), when the frame is theirs
        for (const v of (spec.values ?? []).filter((x) => x.frameIndex === 0 && x.frame === top.name).slice(0, 4)) {
          await send('evaluate', { expression: v.expr, context: 'watch', frameId: top.id });
        }
      }
    }
    await send('evaluate', { expression: 'bt', context: 'repl' });
    await send('evaluate', { expression: 'info trap', context: 'repl' });
    await send('readMemory', { memoryReference: '0x10000', offset: 0, count: 32 });
    await send('readMemory', { memoryReference: '0x0', offset: -16, count: 8 });
    await send('modules', {});
    await send('continue', { threadId: 1 });
    await send('setVariable', { variablesReference: 1, name: 'x', value: '1' });
  }
  await send('disconnect', {});
  return stabilise(log);
}

export const FIXTURE_DIR = FIXTURES;
