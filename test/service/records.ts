/**
 * CrashRecords built from the real fixtures for the service tests: the dump is
 * read and symbolicated with the library (as `wasm-coredump bt` does), the
 * trapped frame's variables come from its scopes (as `bt --full`), the trap
 * from the fixture's facts.json. Only the id, times and metadata are chosen by
 * the test.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openValues } from '../../cli/commands/print';
import { WasmModule } from '../../src/wasm/module';
import type { CrashMeta, CrashRecord, CrashSummary, StoredFrame } from '../../service/store/types';

export const FIXTURES = resolve(process.cwd(), 'test/fixtures');

export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** The summary of `test/fixtures/<fixture>/<dump>` (module prog.wasm beside it). */
export function summaryFromFixture(fixture: string, dump = 'prog.coredump'): CrashSummary {
  const dir = join(FIXTURES, fixture);
  const facts = JSON.parse(readFileSync(join(dir, 'facts.json'), 'utf8')) as { coreDumps: Record<string, { full: string; trap?: string }> };
  const trap = Object.values(facts.coreDumps).find((c) => c.full === dump)?.trap ?? 'unavailable';
  const o = openValues(join(dir, dump));
  const threads = o.threads.map((t) => ({
    ...(t.name ? { name: t.name } : {}),
    frames: t.frames.map((f): StoredFrame => ({
      number: f.number, module: f.moduleIndex !== undefined ? 'prog.wasm' : null, funcIndex: f.coreFrame.funcIndex,
      codeAddr: f.codeAddr ?? null, function: f.name, file: f.file ?? null, line: f.line || null, column: f.column || null,
      inlined: f.inlined,
    })),
  }));
  const variables: CrashSummary['variables'] = [];
  const top = o.threads[0]?.frames[0];
  if (top) {
    for (const s of o.values(0).scopes(top.coreFrame.index, { frameDie: top.sym?.die })) {
      if (s.name !== 'Arguments' && s.name !== 'Locals') continue;
      for (const v of s.variables()) variables.push({ name: v.name, type: v.type ?? 'unavailable', value: v.value });
    }
  }
  const wasm = join(dir, 'prog.wasm');
  const buildId = new WasmModule(readFileSync(wasm), wasm).buildId;
  // through JSON, as every store keeps it (no undefined members)
  return JSON.parse(JSON.stringify({
    trap, threads, variables, notes: o.notes,
    modules: [{ name: 'prog.wasm', buildId, moduleKey: sha256File(wasm) }],
  })) as CrashSummary;
}

export function crashRecord(summary: CrashSummary, o: { id: string; fingerprint: string; receivedAt: string; meta?: CrashMeta; dumpKey?: string; dumpSize?: number; title?: string }): CrashRecord {
  summary = structuredClone(summary); // each record its own, so a test may change it
  const top = summary.threads[0]?.frames[0];
  return {
    id: o.id, receivedAt: o.receivedAt, fingerprint: o.fingerprint,
    dumpKey: o.dumpKey ?? createHash('sha256').update(o.id).digest('hex'), dumpSize: o.dumpSize ?? 1234,
    title: o.title ?? `${summary.trap} in ${top?.function ?? 'unknown function'}`,
    meta: o.meta ?? {}, summary,
  };
}
