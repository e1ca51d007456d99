/**
 * `npm run bench`: runs every compiled bench module (out/bench/*.js) that
 * exports `async function bench(): Promise<void>`; each prints its figures.
 * Usage: node out/bench/main.js [name-filter ...]
 */
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { cpus } from 'node:os';

async function main(): Promise<number> {
  const filters = process.argv.slice(2);
  const files = readdirSync(__dirname).filter((f) => f.endsWith('.js') && f !== 'main.js').sort()
    .filter((f) => !filters.length || filters.some((s) => f.includes(s)));
  console.log(`wasm-coredump-debugger benchmarks: node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${new Date().toISOString()}`);
  let failed = 0;
  for (const f of files) {
    let mod: { bench?: () => Promise<void> };
    try { mod = require(join(__dirname, f)); } catch (e) {
      console.log(`\n== ${basename(f, '.js')}: cannot load: ${e instanceof Error ? e.message : String(e)}`); failed++; continue;
    }
    if (typeof mod.bench !== 'function') continue;
    console.log(`\n== ${basename(f, '.js')}`);
    try { await mod.bench(); } catch (e) {
      console.log(`   FAILED: ${e instanceof Error ? e.stack : String(e)}`); failed++;
    }
  }
  return failed ? 1 : 0;
}

main().then((c) => { process.exitCode = c; });
