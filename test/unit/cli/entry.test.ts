/**
 * The `wasm-coredump` executable (cli/main.ts): the bundle run with a code
 * cache gives exactly what the compiled modules give; a corrupt, truncated,
 * foreign or concurrently written cache file is tolerated and rewritten; a
 * stale or broken bundle is never run.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const CLI = path.resolve('out/cli/main.js');
const BUNDLE = path.resolve('out/cli/bundle/wasm-coredump.js');
const FIXTURE = 'test/fixtures/c-clang19-O0-dwarf4';
const CORE = `${FIXTURE}/prog.coredump`;

interface Run { code: number | null; stdout: string; stderr: string }
const run = (args: string[], env: NodeJS.ProcessEnv = {}, cli = CLI): Run => {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const runAsync = (args: string[], env: NodeJS.ProcessEnv): Promise<Run> => new Promise((resolve, reject) => {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '', stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  child.on('error', reject);
  child.on('close', (code) => resolve({ code, stdout, stderr }));
});
const tmpDirs: string[] = [];
const tmpDir = (): string => { const d = fs.mkdtempSync(path.join(os.tmpdir(), 'wcd-entry-test-')); tmpDirs.push(d); return d; };
after(() => { for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true }); });
const unbundled = { WASM_COREDUMP_NO_BUNDLE: '1' };
const cacheFiles = (dir: string): string[] => fs.readdirSync(dir).filter((f) => f.endsWith('.cache'));

/** Why the built bundle cannot be tested (missing, or a source changed since `npm run build`), or undefined. */
function bundleProblem(): string | undefined {
  if (!fs.existsSync(CLI) || !fs.existsSync(BUNDLE)) return 'CLI bundle not built (npm run build)';
  const text = fs.readFileSync(BUNDLE, 'utf8');
  const meta = JSON.parse(text.slice(text.indexOf('{'), text.indexOf('\n'))) as { inputs: Array<[string, number, number]> };
  const changed = meta.inputs.find(([p, size, mtime]) => {
    const st = fs.statSync(p, { throwIfNoEntry: false });
    return !st || st.size !== size || st.mtimeMs !== mtime;
  });
  return changed ? `CLI bundle is stale (${changed[0]} changed since npm run build)` : undefined;
}

test('the bundle with its code cache and the compiled modules give the same output, stderr and exit code', (t) => {
  const why = bundleProblem();
  if (why) { t.skip(why); return; }
  const cache = tmpDir();
  const cases = [
    ['bt', CORE], ['bt', CORE, '--json', '--full'], ['info', CORE], ['symbolize', `${FIXTURE}/prog.wasm`, '0x577', '0x3e7'],
    ['print', CORE, '--frame', '2', 'depth'], ['--help'], [], ['nosuchcommand'], ['symbolize', '/nonexistent', '0x1'],
  ];
  for (const args of cases) {
    const want = run(args, unbundled);
    for (const pass of ['writes the cache', 'reads the cache']) {
      const got = run(args, { WASM_COREDUMP_CACHE_DIR: cache });
      assert.deepEqual(got, want, `${args.join(' ')} (${pass})`);
    }
  }
  assert.equal(run(['symbolize', '/nonexistent', '0x1']).code, 1);
  assert.match(run(['symbolize', '/nonexistent', '0x1']).stderr, /^wasm-coredump: error: /);
  // The cache was written, so the bundle really ran; it names the commands it has seen succeed.
  const [file] = cacheFiles(cache);
  assert.ok(file, 'no code cache written: the bundle did not run');
  const header = fs.readFileSync(path.join(cache, file), 'latin1').split('\n')[0].split(' ');
  assert.deepEqual(header.slice(0, 3), ['wcdc1', process.version, process.arch]);
  assert.deepEqual(header[3].split(',').sort(), ['-', 'bt', 'info', 'print', 'symbolize']);
});

test('a corrupt, truncated, foreign or empty code cache is ignored and rewritten', (t) => {
  const why = bundleProblem();
  if (why) { t.skip(why); return; }
  const want = run(['bt', CORE], unbundled);
  const cache = tmpDir();
  const env = { WASM_COREDUMP_CACHE_DIR: cache };
  assert.deepEqual(run(['bt', CORE], env), want);
  const [name] = cacheFiles(cache);
  const file = path.join(cache, name);
  const good = fs.readFileSync(file);
  const eol = good.indexOf(10);
  const flipped = Buffer.from(good);
  for (let i = eol + 64; i < flipped.length; i += 997) flipped[i] ^= 0x5a; // valid header, damaged V8 data
  const corruptions: Record<string, Buffer> = {
    flipped,
    truncated: good.subarray(0, eol + 1 + ((good.length - eol) >> 1)),
    'header only': good.subarray(0, eol + 1),
    empty: Buffer.alloc(0),
    garbage: Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) & 255)),
    'other node': Buffer.concat([Buffer.from(`wcdc1 v0.0.1 ${process.arch} bt\n`), good.subarray(eol + 1)]),
    'no newline': Buffer.from('wcdc1'),
  };
  for (const [what, bytes] of Object.entries(corruptions)) {
    fs.writeFileSync(file, bytes);
    assert.deepEqual(run(['bt', CORE], env), want, what);
    const now = fs.readFileSync(file);
    assert.ok(now.subarray(0, now.indexOf(10)).toString() === `wcdc1 ${process.version} ${process.arch} bt`, `${what}: not rewritten`);
    assert.ok(now.length > 1000 && !now.equals(bytes), `${what}: not rewritten`);
  }
  // A cache directory that cannot be created only costs the cache.
  assert.deepEqual(run(['bt', CORE], { WASM_COREDUMP_CACHE_DIR: path.join(file, 'sub') }), want);
});

test('concurrent runs share one cache directory without corrupting it', async (t) => {
  const why = bundleProblem();
  if (why) { t.skip(why); return; }
  const want = run(['bt', CORE], unbundled);
  const cache = tmpDir();
  const runs = await Promise.all(Array.from({ length: 6 }, () => runAsync(['bt', CORE], { WASM_COREDUMP_CACHE_DIR: cache })));
  for (const r of runs) assert.deepEqual(r, want);
  assert.equal(cacheFiles(cache).length, 1);
  assert.deepEqual(fs.readdirSync(cache).filter((f) => f.endsWith('.tmp')), []);
  assert.deepEqual(run(['bt', CORE], { WASM_COREDUMP_CACHE_DIR: cache }), want);
});

test('a stale, headerless or broken bundle is not run: the compiled modules are', (t) => {
  if (!fs.existsSync(CLI)) { t.skip('CLI not built'); return; }
  // A small tree shaped like the real one: ROOT/out/cli/{main.js,run.js,bundle/}, ROOT/src/x.ts.
  const root = tmpDir();
  const cli = path.join(root, 'out', 'cli');
  fs.mkdirSync(path.join(cli, 'bundle'), { recursive: true });
  fs.mkdirSync(path.join(root, 'src'));
  fs.copyFileSync(CLI, path.join(cli, 'main.js'));
  fs.writeFileSync(path.join(cli, 'run.js'), 'console.log("modules");\n');
  const src = path.join(root, 'src', 'x.ts');
  fs.writeFileSync(src, 'export const x = 1;\n');
  const writeBundle = (body: string, header = true): void => {
    const st = fs.statSync(src);
    const meta = { id: '0123456789abcdef', inputs: [['src/x.ts', st.size, st.mtimeMs]] };
    fs.writeFileSync(path.join(cli, 'bundle', 'wasm-coredump.js'), `${header ? `// wasm-coredump-bundle ${JSON.stringify(meta)}\n` : ''}${body}\n`);
  };
  const main = path.join(cli, 'main.js');
  const out = (): string => run([], {}, main).stdout.trim();
  writeBundle('"use strict";\nconsole.log("bundle", typeof require, path());\nfunction path() { return require("node:path").relative(__dirname, __filename); }');
  assert.equal(out(), 'bundle function wasm-coredump.js');
  assert.ok(cacheFiles(path.join(cli, 'bundle')).length === 1, 'cache written next to a writable bundle');
  fs.appendFileSync(src, '// edited\n');
  assert.equal(out(), 'modules', 'stale bundle');
  writeBundle('console.log("bundle")', false);
  assert.equal(out(), 'modules', 'bundle without header');
  writeBundle('console.log("bundle"');
  assert.equal(out(), 'modules', 'bundle that does not compile');
  fs.rmSync(path.join(cli, 'bundle'), { recursive: true });
  assert.equal(out(), 'modules', 'no bundle');
});
