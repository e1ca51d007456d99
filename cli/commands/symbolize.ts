/**
 * `wasm-coredump symbolize MODULE.wasm ADDR...`: function, inline chain and
 * file:line:column for code-section-relative addresses (or module file
 * offsets with --file-offsets, as browsers and V8 print them).
 */
import { WasmCoreError } from '../../src/util/errors';
import { WasmModule } from '../../src/wasm/module';
import { CodeAddr, codeAddr, fileOffset, hex } from '../../src/util/offsets';
import { Symbolizer, SymFrame } from '../../src/symbols/symbolizer';
import { SourcePathMap } from '../../src/symbols/sourcemap';
import { openLazy } from '../../host/lazyFile';
import { findDebugInfo } from '../../host/debugfiles';
import { findWasmSourceMap } from '../../host/wasmmap';
import { Options, runCommand } from '../options';

export const usage = `symbolize MODULE.wasm ADDR... [--file-offsets] [--json] [--debug-file F] [--debug-dir D ...] [--source-map FROM=TO ...] [--source-map-file MAP] [--stats]
  Print function, inline chain and file:line:column for each address.
  ADDR               code-section-relative address (hex 0x... or decimal), as in DWARF
  --file-offsets     ADDRs are module file offsets (as printed by browsers / V8 / chicory)
  --json             machine-readable output
  --debug-file F     read DWARF from F (a debug file or .dwp) instead of the module
  --debug-dir D      search D for a debug file matching the module's build id (repeatable)
  --source-map F=T   rewrite source path prefix F to T (repeatable; longest prefix wins)
  --source-map-file MAP  Wasm source map (JSON) for a module without DWARF (default: its
                     sourceMappingURL section, then MODULE.wasm.map)
  --stats            timings and bytes read (stderr; a "stats" object with --json)`;

interface Args { module: string; addrs: string[]; fileOffsets: boolean; json: boolean; stats: boolean; debugFile?: string; debugDirs: string[]; sourceMap: string[]; sourceMapFile?: string }

function parseArgs(argv: string[]): Args {
  const a: Args = { module: '', addrs: [], fileOffsets: false, json: false, stats: false, debugDirs: [], sourceMap: [] };
  const o = new Options(argv);
  while (o.next()) {
    if (o.arg === '--json') a.json = true;
    else if (o.arg === '--file-offsets') a.fileOffsets = true;
    else if (o.arg === '--stats') a.stats = true;
    else if (o.opt === '--debug-file') a.debugFile = o.value();
    else if (o.opt === '--debug-dir') a.debugDirs.push(o.value());
    else if (o.opt === '--source-map') a.sourceMap.push(o.value());
    else if (o.opt === '--source-map-file') a.sourceMapFile = o.value();
    else if (o.isOption() && !/^-?\d/.test(o.arg)) o.unknown();
    else if (!a.module) a.module = o.arg;
    else a.addrs.push(o.arg);
  }
  if (!a.module) throw new WasmCoreError('E_ARGUMENT', 'missing MODULE.wasm');
  if (a.addrs.length === 0) throw new WasmCoreError('E_ARGUMENT', 'missing ADDR');
  return a;
}

export function parseAddr(s: string): number {
  const t = s.trim().toLowerCase();
  const n = /^0x[0-9a-f]+$/.test(t) ? parseInt(t.slice(2), 16) : /^\d+$/.test(t) ? parseInt(t, 10) : NaN;
  if (!Number.isSafeInteger(n) || n < 0) throw new WasmCoreError('E_ARGUMENT', `'${s}' is not an address (use 0x... hex or decimal)`);
  return n;
}

/** `name [inlined] at file:line:col` (or `?? ` parts when unknown). */
export function frameText(f: SymFrame, map?: SourcePathMap): string {
  const where = f.file !== undefined ? `${map ? map.map(f.file) : f.file}:${f.line}${f.column ? `:${f.column}` : ''}` : '??:0';
  return `${f.name}${f.inlined ? ' [inlined]' : ''} at ${where}`;
}

export function frameJson(f: SymFrame, map?: SourcePathMap): unknown {
  return {
    function: f.name, linkageName: f.linkageName ?? null, inlined: f.inlined,
    file: f.file !== undefined ? (map ? map.map(f.file) : f.file) : null, line: f.line || null, column: f.column || null,
    funcIndex: f.funcIndex ?? null, nameSource: f.nameSource, noLineInfo: f.noLineInfo ?? null,
    callSite: f.callSite ? { file: f.callSite.file ?? null, line: f.callSite.line || null, column: f.callSite.column || null } : null,
  };
}

export function run(argv: string[]): Promise<number> {
  return runCommand('symbolize', usage, argv, parseArgs, symbolize);
}

async function symbolize(a: Args): Promise<number> {
  let map: SourcePathMap;
  try { map = SourcePathMap.parse(a.sourceMap); } catch (e) { console.error(`wasm-coredump symbolize: ${(e as Error).message}`); return 2; }
  const t0 = performance.now();
  const file = openLazy(a.module);
  const m = new WasmModule(file.bytes, a.module);
  const dbg = findDebugInfo(m, a.module, { debugFile: a.debugFile, debugDirs: a.debugDirs });
  const wm = findWasmSourceMap(m, a.module, { explicit: a.sourceMapFile, hasDwarf: !!dbg.sections?.hasDebugInfo });
  const sym = new Symbolizer(m, dbg.sections ?? undefined, wm.map);
  const t1 = performance.now();
  let tFirst = 0;
  const results: Array<{ input: string; addr?: CodeAddr; frames: SymFrame[]; error?: string }> = [];
  for (const s of a.addrs) {
    let n: number;
    try { n = parseAddr(s); } catch (e) { results.push({ input: s, frames: [], error: (e as Error).message }); continue; }
    let addr: CodeAddr;
    try { addr = a.fileOffsets ? m.toCodeAddr(fileOffset(n)) : codeAddr(n); } catch (e) { results.push({ input: s, frames: [], error: (e as Error).message }); continue; }
    const size = m.section(10) ? m.section(10)!.end - m.section(10)!.payloadStart : 0;
    if (addr < 0 || addr >= size) { results.push({ input: s, addr, frames: [], error: `address ${hex(addr)} is outside the code section (size ${hex(size)})${a.fileOffsets ? '' : '; for module file offsets use --file-offsets'}` }); continue; }
    results.push({ input: s, addr, frames: sym.symbolize(addr) });
    tFirst ||= performance.now();
  }
  const t2 = performance.now();
  const stats = a.stats ? {
    openMs: round(t1 - t0), firstAddressMs: round((tFirst || t2) - t1), symbolizeMs: round(t2 - t1), workMs: round(t2 - t0),
    /** since the process started: Node's own start-up and loading this program come before `t0` */
    processMs: round(t2), addresses: a.addrs.length, units: sym.dwarf?.units().length ?? 0,
    moduleBytes: file.bytes.length, bytesRead: file.loaded(),
  } : undefined;
  if (a.json) {
    console.log(JSON.stringify({
      module: a.module, debugInfo: { origin: dbg.origin, path: dbg.path ?? null, dwp: dbg.dwpPath ?? null, notes: dbg.notes },
      sourceMap: wm.map || wm.notes.length ? { origin: wm.origin ?? null, notes: [...wm.notes, ...(wm.map?.warnings ?? [])] } : null,
      addresses: results.map((r) => ({ input: r.input, codeAddr: r.addr ?? null, fileOffset: r.addr !== undefined ? m.toFileOffset(r.addr) : null, error: r.error ?? null, frames: r.frames.map((f) => frameJson(f, map)) })),
      diagnostics: sym.diagnostics,
      ...(stats ? { stats } : {}),
    }, null, 2));
  } else {
    if (!sym.hasDwarf) console.error(`note: ${dbg.notes.join('; ') || 'no DWARF found'}${wm.map ? `; lines from ${wm.origin}` : ''}`);
    for (const n of [...wm.notes, ...(wm.map?.warnings ?? [])]) console.error(`note: ${n}`);
    for (const r of results) {
      if (r.error) { console.log(`${r.input}: error: ${r.error}`); continue; }
      const head = `${hex(r.addr!)}${a.fileOffsets ? ` (file offset ${r.input})` : ''}`;
      if (r.frames.length === 1) console.log(`${head}: ${frameText(r.frames[0], map)}`);
      else { console.log(`${head}:`); for (const f of r.frames) console.log(`    ${frameText(f, map)}`); }
    }
    for (const d of sym.diagnostics.slice(0, 10)) console.error(`warning: ${d}`);
    if (stats) {
      console.error(`stats: module and DWARF opened in ${stats.openMs} ms; first address ${stats.firstAddressMs} ms, all ${stats.addresses} in ${stats.symbolizeMs} ms (${stats.units} units); ` +
        `${(stats.bytesRead / 1048576).toFixed(1)} MB of ${(stats.moduleBytes / 1048576).toFixed(1)} MB read; ${stats.processMs} ms since the process started`);
    }
  }
  return results.some((r) => r.error) ? 1 : 0;
}

const round = (ms: number): number => Math.round(ms * 10) / 10;
