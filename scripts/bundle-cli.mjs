#!/usr/bin/env node
// Bundles the `wasm-coredump` CLI (cli/run.ts and everything it imports) into
// one file, out/cli/bundle/wasm-coredump.js, which out/cli/main.js runs (with a
// V8 code cache) instead of loading ~40 compiled modules one by one. Part of
// `npm run build`, after tsc (`--verbose` prints what was written).
//
// The first line of the bundle is a comment with its id (a hash of the code,
// which names its code cache files) and its inputs with their size and mtime
// as read here; main.js uses the bundle only while every input still has that
// size and mtime, and otherwise loads the compiled modules (so a source edited
// and recompiled with a bare `tsc` never runs from a stale bundle).
// The bundle sits two folders below out/, like out/cli/commands/*.js, so the
// `__dirname`-relative paths of the commands (out/host/capture, the demo's
// out/adapter/main.js) resolve the same in both.
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'out', 'cli', 'bundle');
const outFile = join(outDir, 'wasm-coredump.js');
const HEADER = '// wasm-coredump-bundle ';

const started = Date.now();
const r = await esbuild.build({
  entryPoints: ['cli/run.ts'], bundle: true, platform: 'node', format: 'cjs', target: 'node20',
  absWorkingDir: root, write: false, metafile: true, logLevel: 'warning', outfile: outFile,
});
const code = r.outputFiles[0].text;
// An input modified while esbuild ran may not be what was bundled: record an
// impossible mtime for it, so the bundle is stale until the next build (20 ms
// of margin: file times come from a coarser clock than Date.now()).
const stats = Object.keys(r.metafile.inputs).sort().map((p) => [p, statSync(join(root, p))]);
const ended = Date.now();
const inputs = stats.map(([p, st]) => [p, st.size, st.mtimeMs >= started - 20 && st.mtimeMs <= ended + 20 ? -1 : st.mtimeMs]);
const id = createHash('sha256').update(code).digest('hex').slice(0, 16);

mkdirSync(outDir, { recursive: true });
// Code caches of earlier bundles (and their temporary files), not a concurrent build's bundle.
for (const f of readdirSync(outDir)) if (f.startsWith('wasm-coredump-')) try { unlinkSync(join(outDir, f)); } catch { /* another build */ }
const tmp = `${outFile}.${process.pid}.tmp`;
writeFileSync(tmp, `${HEADER}${JSON.stringify({ id, inputs })}\n${code}`);
renameSync(tmp, outFile);
if (process.argv.includes('--verbose')) console.log(`bundle-cli: ${outFile.slice(root.length + 1)} (${inputs.length} inputs, ${(code.length / 1024).toFixed(0)} KiB)`);
