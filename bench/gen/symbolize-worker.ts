/**
 * Benchmark worker (run in its own process so its peak RSS is its own):
 *   node out/bench/gen/symbolize-worker.js FILE.wasm 0xADDR,0xADDR,...
 * Opens the module (read on demand, as the CLI does), builds a Symbolizer and symbolizes every address;
 * prints one JSON line with timings (ms) and peak RSS (bytes).
 */
import { readFileSync } from 'node:fs';
import { openLazy } from '../../host/lazyFile';
import { WasmModule } from '../../src/wasm/module';
import { Symbolizer } from '../../src/symbols/symbolizer';
import { codeAddr } from '../../src/util/offsets';

/**
 * Peak RSS of this process. Linux's VmHWM is this process image's own high
 * water mark; getrusage's maxrss also counts the parent's memory at fork
 * (the bench parent may hold a whole module), so it is only the fallback.
 */
function peakRss(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch { /* not Linux */ }
  return process.resourceUsage().maxRSS * 1024;
}

function main(): void {
  const [file, list] = process.argv.slice(2);
  const addrs = list.split(',').map((s) => parseInt(s, 16));
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const lf = openLazy(file);
  const bytes = lf.bytes;
  const m = new WasmModule(bytes, file);
  const t1 = process.hrtime.bigint();
  const sym = new Symbolizer(m);
  const first = sym.symbolize(codeAddr(addrs[0]));
  const t2 = process.hrtime.bigint();
  let frames = first.length, withLine = first[0].line > 0 ? 1 : 0;
  for (const a of addrs.slice(1)) { const f = sym.symbolize(codeAddr(a)); frames += f.length; if (f[0].line > 0) withLine++; }
  const t3 = process.hrtime.bigint();
  const ms = (a: bigint, z: bigint): number => Number(z - a) / 1e6;
  const units = sym.dwarf?.units() ?? [];
  console.log(JSON.stringify({
    readMs: ms(t0, t1), firstMs: ms(t1, t2), allMs: ms(t1, t3), totalMs: ms(t0, t3),
    frames, withLine, addresses: addrs.length, fileBytes: bytes.length, loadedBytes: lf.loaded(), units: units.length,
    unitsParsed: units.filter((u) => (u as unknown as { _dies?: unknown })._dies !== undefined).length,
    maxRss: peakRss(),
    /** CPU time (user + system) of the read + index + symbolize part: robust when the machine is loaded */
    cpuMs: ((u) => (u.user + u.system) / 1000)(process.cpuUsage(c0)),
  }));
}
main();
