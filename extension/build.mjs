// Bundles the extension and the stand-alone adapter with esbuild so the .vsix
// runs without node_modules: dist/extension.js (VS Code's `main`, `vscode`
// external) and dist/adapter.js (the `wasm-coredump-dap` stdio/TCP adapter).
//   node extension/build.mjs [--watch] [--minify]
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const minify = process.argv.includes('--minify');
const common = {
  bundle: true, platform: 'node', format: 'cjs', target: 'node18',
  sourcemap: minify ? false : 'linked', minify, logLevel: 'warning',
  absWorkingDir: root, external: ['vscode'],
};

// The adapter's executable entry point (written by the adapter's owner; its own shebang is kept).
const adapterEntry = ['adapter/main.ts', 'adapter/cli.ts', 'adapter/server.ts'].find((p) => existsSync(join(root, p)));
const builds = [{ ...common, entryPoints: ['extension/extension.ts'], outfile: 'dist/extension.js' }];
if (adapterEntry) builds.push({ ...common, entryPoints: [adapterEntry], outfile: 'dist/adapter.js' });
else console.warn('build: no adapter entry (adapter/main.ts) yet: dist/adapter.js not built, "executable" adapter mode unavailable');

if (process.argv.includes('--watch')) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  for (const b of builds) await esbuild.build(b);
  console.log(`build: ${builds.map((b) => b.outfile).join(', ')}`);
}
