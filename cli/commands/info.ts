/**
 * `wasm-coredump info CORE`: what a core dump contains (threads, frames,
 * modules, instances, memories, globals), with each frame's raw and
 * normalised code offset and the interpretation used.
 */
import { CoreDump } from '../../src/coredump/reader';
import { NormalisationReport } from '../../src/coredump/normalise';
import { RecordedValues, WasmValue } from '../../src/coredump/model';
import { WasmCoreError } from '../../src/util/errors';
import { WasmModule } from '../../src/wasm/module';
import { hex } from '../../src/util/offsets';
import { parseModuleOverrides, ResolvedModule } from '../../host/modules';
import { Options, runCommand } from '../options';
import { reasonsOf, reasonJson } from './reason';
import { openCrash } from '../../host/openCrash';

export const usage = `info CORE [--module NAME=PATH ...] [--json] [--value-encoding auto|leb|fixed]
  Show a core dump's threads and frames, modules, instances, memories and globals.
  --module NAME=PATH   use PATH for the module named NAME in \`coremodules\` (repeatable;
                       a bare PATH applies to a single-module core dump)
  --json               stable machine-readable output
  --value-encoding E   how i32/i64 values are encoded (default auto: detected per file)`;

interface Args { core: string; modules: string[]; json: boolean; enc: 'auto' | 'leb' | 'fixed' }

function parseArgs(argv: string[]): Args {
  const a: Args = { core: '', modules: [], json: false, enc: 'auto' };
  const o = new Options(argv);
  while (o.next()) {
    if (o.arg === '--json') a.json = true;
    else if (o.opt === '--module' || o.opt === '-m') a.modules.push(o.value());
    else if (o.opt === '--value-encoding') a.enc = o.choice(['auto', 'leb', 'fixed'] as const);
    else if (o.isOption()) o.unknown();
    else if (!a.core) a.core = o.arg;
    else throw new WasmCoreError('E_ARGUMENT', `unexpected argument '${o.arg}'`);
  }
  if (!a.core) throw new WasmCoreError('E_ARGUMENT', 'missing CORE file');
  return a;
}

export function valueText(v: WasmValue): string {
  switch (v.type) {
    case 'missing': return '<missing>';
    case 'i32': return `${v.value}`;
    case 'i64': return `${v.value}`;
    case 'f32': case 'f64': return `${v.value}`;
  }
}
const countOf = (r: RecordedValues): number | null => (r.recorded ? r.values.length : null);

/** The stable JSON shape of `info --json`. */
export function infoJson(core: CoreDump, resolved: ResolvedModule[], norm: NormalisationReport): unknown {
  const byModule = new Map(norm.modules.map((m) => [m.moduleIndex, m]));
  const modFor = (inst: number): WasmModule | undefined => resolved[core.instances[inst]?.moduleIndex ?? -1]?.module;
  return {
    file: core.file,
    executableName: core.executableName ?? null,
    valueEncoding: core.valueEncoding,
    frameLayout: core.frameLayout,
    modules: resolved.map((r) => {
      const n = byModule.get(r.index);
      return {
        index: r.index, name: r.name, path: r.path ?? null, matchedBy: r.matchedBy ?? null,
        error: r.error?.message ?? null, offsetBase: n?.base ?? null, offsetCallSite: n?.callSite ?? null,
        offsetReason: n?.reason ?? null, suspect: n?.suspect ?? null,
      };
    }),
    instances: core.instances.map((i, index) => ({ index, module: i.moduleIndex, memories: i.memories, globals: i.globals })),
    instancesSynthesized: core.instancesSynthesized,
    threads: core.threads.map((t) => ({
      name: t.name,
      frames: t.frames.map((f) => {
        const moduleIndex = core.instances[f.instanceIndex]?.moduleIndex;
        const mod = modFor(f.instanceIndex);
        return {
          index: f.index, instance: f.instanceIndex, module: moduleIndex ?? null,
          funcIndex: f.funcIndex, funcName: safe(() => mod?.functionName(f.funcIndex)) ?? null,
          rawCodeOffset: f.rawCodeOffset, codeAddr: f.codeAddr ?? null,
          offsetBase: moduleIndex !== undefined ? byModule.get(moduleIndex)?.base ?? null : null,
          locals: countOf(f.locals), stack: countOf(f.stack),
        };
      }),
    })),
    memories: core.memories.map((m) => ({
      index: m.index, pages: m.pages, size: m.size, memory64: m.memory64, maxPages: m.maxPages ?? null,
      segments: m.segments.length, coveredBytes: m.coveredBytes, coveredRanges: m.coveredRanges(),
    })),
    globals: core.globals.map((g) => ({
      index: g.index, type: g.type, mutable: g.mutable,
      value: g.value ? valueText(g.value) : null, unavailable: g.unavailable ?? null,
    })),
    producer: core.producer ? {
      name: core.producer.name ?? null, engine: core.producer.engine ?? null, error: core.producer.error ?? null,
      truncated: core.producer.truncated ?? false, stackTraceLimit: core.producer.stackTraceLimit ?? null,
    } : null,
    warnings: core.warnings,
  };
}

function safe<T>(f: () => T): T | undefined {
  try { return f(); } catch { return undefined; }
}

const MAX_RANGES = 16;

export function infoText(j: ReturnType<typeof infoJson>): string {
  const d = j as any; // the shape built by infoJson
  const out: string[] = [];
  out.push(`core dump: ${d.file}`);
  out.push(`executable: ${d.executableName ?? '(unknown: no core section)'}`);
  const p = d.producer;
  out.push(`producer: ${p?.name ?? '(not named: no producers section or runtime note)'}${p?.engine ? ` in ${p.engine}` : ''}`);
  if (p?.error) out.push(`captured error: ${p.error}`);
  if (p?.truncated) out.push(`frames cut at Error.stackTraceLimit = ${p.stackTraceLimit}: older frames are missing`);
  out.push(`value encoding: ${d.valueEncoding === 'leb' ? 'LEB128 (spec)' : 'fixed-width little-endian'}; frame layout: ${d.frameLayout}`);
  if (d.reason) out.push(`reason: ${d.reason.message}${d.reason.incomplete ? ' [incomplete]' : ''}`);
  out.push('', 'modules:');
  for (const m of d.modules) {
    out.push(`  [${m.index}] ${m.name}: ${m.error ? `${m.path ? m.path + ': ' : ''}${m.error}` : `${m.path} (matched by ${m.matchedBy})`}`);
    if (m.suspect && m.offsetBase) out.push(`      WARNING: this module does not fit the frames well (wrong file? pass --module NAME=PATH)`);
    if (m.offsetBase) out.push(`      code offsets relative to ${m.offsetBase}: ${m.offsetReason}`);
    else if (m.offsetReason) out.push(`      code offsets not normalised: ${m.offsetReason}`);
  }
  out.push('', `instances:${d.instancesSynthesized ? ' (assumed: no coreinstances section)' : ''}`);
  for (const i of d.instances) out.push(`  [${i.index}] module ${i.module}, memories [${i.memories.join(', ')}], globals [${i.globals.join(', ')}]`);
  for (const t of d.threads) {
    out.push('', `thread '${t.name}': ${t.frames.length} frame${t.frames.length === 1 ? '' : 's'} (youngest first)`);
    for (const f of t.frames) {
      const name = f.funcName ? ` ${f.funcName}` : '';
      const addr = f.codeAddr !== null ? ` -> code ${hex(f.codeAddr)} (${f.offsetBase})` : ' (not normalised)';
      const vals = (n: number | null, w: string): string => (n === null ? `${w} not recorded` : `${n} ${w}`);
      out.push(`  #${f.index} instance ${f.instance} func ${f.funcIndex}${name} offset ${hex(f.rawCodeOffset)}${addr}; ${vals(f.locals, 'locals')}, ${vals(f.stack, 'stack values')}`);
    }
  }
  out.push('', 'memories:');
  if (d.memories.length === 0) out.push('  (none)');
  for (const m of d.memories) {
    out.push(`  [${m.index}] ${m.pages} pages (${m.size} bytes${m.memory64 ? ', memory64' : ''}), ${m.segments} segments covering ${m.coveredBytes} bytes`);
    for (const [s, e] of m.coveredRanges.slice(0, MAX_RANGES)) out.push(`      ${hex(s)}..${hex(e)}`);
    if (m.coveredRanges.length > MAX_RANGES) out.push(`      ... ${m.coveredRanges.length - MAX_RANGES} more ranges (see --json)`);
  }
  out.push('', 'globals:');
  if (d.globals.length === 0) out.push('  (none)');
  for (const g of d.globals) out.push(`  [${g.index}] ${g.mutable ? 'mut ' : ''}${g.type} = ${g.value ?? `unavailable (${g.unavailable})`}`);
  if (d.warnings.length) { out.push('', 'warnings:'); for (const w of d.warnings) out.push(`  ${w}`); }
  return out.join('\n');
}

export function run(argv: string[]): Promise<number> {
  return runCommand('info', usage, argv, parseArgs, info);
}

async function info(a: Args): Promise<number> {
  const overrides = parseModuleOverrides(a.modules);
  // the same path as bt, print, the adapter and the service (host/openCrash.ts)
  const crash = openCrash({ corePath: a.core, modules: overrides, valueEncoding: a.enc });
  const { core, resolved } = crash;
  for (const key of Object.keys(overrides)) {
    if (!resolved.some((r) => r.matchedBy === 'override' && (key === '*' || key === r.name || key === String(r.index) || r.name.endsWith('/' + key)))) {
      console.error(`wasm-coredump info: warning: --module ${key === '*' ? overrides[key] : key + '=' + overrides[key]} matches no module of the core dump (modules: ${resolved.map((r) => r.name).join(', ')})`);
    }
  }
  const j = infoJson(core, resolved, crash.normalisation) as Record<string, unknown>;
  const reasons = reasonsOf(crash);
  j.reason = reasonJson(reasons.of(0));
  if (reasons.error) j.reasonError = reasons.error;
  console.log(a.json ? JSON.stringify(j, null, 2) : infoText(j));
  return 0;
}
