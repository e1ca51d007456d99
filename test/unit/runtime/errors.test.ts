/**
 * The runtime module's edges, in this process: errors that are not Wasm
 * crashes give no dump; unusable arguments are a typed CoreDumpError; a
 * stack cut by Error.stackTraceLimit is recorded as cut; a module that was
 * not instrumented still gives a dump whose missing __stack_pointer the
 * debugger explains; a JS exception thrown by an import through Wasm frames
 * is captured; Firefox's stack form and several modules matched by URL.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WASI } from 'node:wasi';
import { instrumentFile } from '../../../cli/commands/instrument';
import { readCoreDump } from '../../../src/coredump/reader';
import { openDumpWith, loadModule } from '../values/load';

/* eslint-disable @typescript-eslint/no-explicit-any */
const WA = (globalThis as any).WebAssembly;
// the compiled tests are CommonJS: load the ES module with a real import()
const importEsm = new Function('u', 'return import(u)') as (u: string) => Promise<any>;
let rt: any;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wcd-runtime-errors-'));
const C = 'test/fixtures/c-clang19-O0-dwarf4';
const instrumented = path.join(tmp, 'prog.wasm');
let bytes: Uint8Array, plain: Uint8Array;

before(async () => {
  rt = await importEsm(new URL(`file://${path.resolve('runtime/index.mjs')}`).href);
  instrumentFile(`${C}/prog.wasm`, instrumented);
  bytes = new Uint8Array(fs.readFileSync(instrumented));
  plain = new Uint8Array(fs.readFileSync(`${C}/prog.wasm`));
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function instantiate(b: Uint8Array, patch: (imports: any) => void = () => {}): { instance: any; start: () => void } {
  const wasi = new WASI({ version: 'preview1', args: ['prog.wasm'], env: {}, returnOnExit: true });
  const imports: any = wasi.getImportObject();
  patch(imports);
  const instance = new WA.Instance(new WA.Module(b), imports);
  return { instance, start: () => wasi.start(instance) };
}

/** Run the program's `_start` under wrap(); returns the dump and the error. */
function trap(b: Uint8Array, opts: Record<string, unknown> = {}, patch?: (imports: any) => void): { dump?: Uint8Array; error: any; instance: any } {
  const { instance, start } = instantiate(b, patch);
  let dump: Uint8Array | undefined;
  const fn = rt.wrap(start, (d: Uint8Array) => { dump = d; }, { instance, moduleBytes: b, name: 'prog.wasm', ...opts });
  try { fn(); } catch (e) { return { dump, error: e, instance }; }
  assert.fail('the program did not trap');
}

const write = (name: string, d: Uint8Array): string => { const f = path.join(tmp, name); fs.writeFileSync(f, d); return f; };

test('runtime: an error that is not a Wasm crash gives no dump', () => {
  const { instance } = instantiate(bytes);
  assert.equal(rt.captureCoreDump(new Error('plain JS'), instance, { moduleBytes: bytes }), null);
  assert.equal(rt.captureCoreDump(42, instance, { moduleBytes: bytes }), null);
  assert.equal(rt.captureCoreDump(undefined, instance, { moduleBytes: bytes }), null);
  assert.equal(rt.captureCoreDump({ stack: 'Error: x\n    at f (file:///a.js:1:2)\n    at g (file:///a.js:3:4)' }, instance, { moduleBytes: bytes }), null);
  // the wrapper rethrows and calls nobody
  let called = false;
  const f = rt.wrap(() => { throw new TypeError('not wasm'); }, () => { called = true; }, { instance, moduleBytes: bytes });
  assert.throws(() => f(), /not wasm/);
  assert.equal(called, false);
});

test('runtime: unusable arguments are a typed CoreDumpError', () => {
  const { error, instance } = trap(bytes);
  const code = (c: string, re: RegExp) => (e: any) => e instanceof rt.CoreDumpError && e.code === c && re.test(e.message);
  assert.throws(() => rt.captureCoreDump(error, instance, {}), code('E_ARGUMENT', /moduleBytes are needed .*Code section/));
  assert.throws(() => rt.captureCoreDump(error, undefined, { moduleBytes: bytes }), code('E_ARGUMENT', /an instance/));
  assert.throws(() => rt.captureCoreDump(error, instance, { moduleBytes: new TextEncoder().encode('not a module at all') }), code('E_MODULE', /bad magic at offset 0x0/));
  assert.throws(() => rt.captureCoreDump(error, instance, { moduleBytes: bytes.subarray(0, 200) }), code('E_MODULE', /offset 0x[0-9a-f]+/));
  assert.throws(() => rt.withCoreDump(instance, 'no_such_export', [], () => {}), code('E_ARGUMENT', /no exported function 'no_such_export'/));
  // a failing capture never hides the program's own error
  const seen: unknown[] = [];
  const f = rt.wrap(() => { throw error; }, () => assert.fail('no dump expected'), { instance, moduleBytes: new Uint8Array(4), onCaptureError: (e: unknown) => seen.push(e) });
  assert.throws(() => f(), (e: unknown) => e === error);
  assert.equal(seen.length, 1);
});

test('runtime: the wrapper raises Error.stackTraceLimit while it runs and restores it; a lower limit is recorded as a cut stack', () => {
  const saved = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = 7;
    const full = trap(bytes);
    assert.equal(Error.stackTraceLimit, 7, 'restored');
    const core = readCoreDump(full.dump!, 'full');
    const fixture = readCoreDump(new Uint8Array(fs.readFileSync(`${C}/prog.nolocals.coredump`)), 'fixture');
    assert.equal(core.threads[0].frames.length, fixture.threads[0].frames.length, 'every frame (more than 7)');
    assert.ok(core.threads[0].frames.length > 7);
    assert.equal(core.producer?.truncated, false);

    const cut = trap(bytes, { stackTraceLimit: 4 });
    assert.equal(Error.stackTraceLimit, 7);
    const c = readCoreDump(cut.dump!, 'cut');
    assert.ok(c.threads[0].frames.length <= 4);
    assert.equal(c.producer?.truncated, true);
    assert.ok(c.warnings.some((w) => /frames were cut: .*Error\.stackTraceLimit \(4\)/.test(w)), c.warnings.join('\n'));
    assert.deepEqual(c.threads[0].frames.map((f) => [f.funcIndex, f.rawCodeOffset]), core.threads[0].frames.slice(0, c.threads[0].frames.length).map((f) => [f.funcIndex, f.rawCodeOffset]));
  } finally { Error.stackTraceLimit = saved; }
});

test('runtime: a module that was not instrumented still gives a dump; the debugger says why frame variables cannot be recovered', () => {
  const { dump } = trap(plain);
  const file = write('plain.coredump', dump!);
  const core = readCoreDump(dump!, file);
  assert.equal(core.globals[0].value, undefined);
  assert.match(core.globals[0].unavailable ?? '', /not recorded: not exported \(run `wasm-coredump instrument` on the module\)/);
  assert.ok(core.memories[0].size > 0, 'the exported memory is recorded');
  const o = openDumpWith(file, [loadModule(`${C}/prog.wasm`)]);
  assert.equal(o.logical[0].name, 'validate_item');
  const v = o.tv.evaluate(o.logical[0].physical, 'item', { frameDie: o.logical[0].die }).value;
  assert.match(v, /^<unavailable: .*shadow stack cannot be rebuilt: stack-pointer global 0 \(__stack_pointer\) not recorded: not exported \(run `wasm-coredump instrument` on the module\)>$/);
  // a global the program keeps in memory is still there
  const calls = o.tv.evaluate(o.logical[1].physical, 'calls', { frameDie: o.logical[1].die }).value;
  assert.equal(calls, '1');
});

test('runtime: a JS exception thrown by an import through Wasm frames is captured', () => {
  const { dump, error } = trap(bytes, {}, (imports) => {
    imports.wasi_snapshot_preview1.args_sizes_get = () => { throw new Error('host refused'); };
  });
  assert.equal(error.message, 'host refused');
  const core = readCoreDump(dump!, 'import');
  assert.ok(core.threads[0].frames.length >= 2, 'the Wasm frames below the import');
  assert.match(core.producer?.error ?? '', /^Error: host refused$/);
});

test('runtime: stack forms: V8 and Firefox lines; several modules matched by URL', () => {
  const v8 = rt.wasmFramesOf({ stack: 'RuntimeError: unreachable\n    at prog.wasm.f (wasm://wasm/prog.wasm-0006f2ee:wasm-function[12]:0x577)\n    at wasm://wasm/0006f2ee:wasm-function[3]:0x1a\n    at run (file:///x.mjs:1:1)' });
  assert.equal(v8.total, 3);
  assert.deepEqual(v8.frames.map((f: any) => [f.funcIndex, f.fileOffset, f.url]), [[12, 0x577, 'wasm://wasm/prog.wasm-0006f2ee'], [3, 0x1a, 'wasm://wasm/0006f2ee']]);
  const ff = rt.wasmFramesOf({ stack: 'f@https://example.com/app/prog.wasm:wasm-function[12]:0x577\n@https://example.com/app/main.js line 2 > WebAssembly.instantiate:wasm-function[4]:0x2b0\nrun@https://example.com/app/main.js:9:3\n' });
  assert.equal(ff.total, 3);
  assert.deepEqual(ff.frames.map((f: any) => [f.funcIndex, f.fileOffset, f.url]), [[12, 0x577, 'https://example.com/app/prog.wasm'], [4, 0x2b0, 'https://example.com/app/main.js']]);

  // two instances: frames go to the module whose url they carry
  const { error, instance } = trap(bytes);
  const frames = rt.wasmFramesOf(error).frames;
  const lines = frames.map((f: any, i: number) => `    at f (https://cdn/${i % 2 ? 'b' : 'a'}.wasm:wasm-function[${f.funcIndex}]:0x${f.fileOffset.toString(16)})`);
  const other = instantiate(bytes).instance;
  const d = rt.captureCoreDump({ stack: `RuntimeError: x\n${lines.join('\n')}`, message: 'x', name: 'RuntimeError' }, undefined, {
    modules: [{ instance, moduleBytes: bytes, name: 'a.wasm', url: 'https://cdn/a.wasm' }, { instance: other, moduleBytes: bytes, name: 'b.wasm', url: /\/b\.wasm$/ }],
  });
  const core = readCoreDump(d, 'multi');
  assert.deepEqual(core.modules, ['a.wasm', 'b.wasm']);
  assert.equal(core.instances.length, 2);
  assert.deepEqual(core.threads[0].frames.map((f) => f.instanceIndex), frames.map((_: unknown, i: number) => i % 2));
  // a frame of a URL no module claims is left out and said so
  const lost = rt.captureCoreDump({ stack: `RuntimeError: x\n${lines[0]}\n    at f (https://elsewhere/c.wasm:wasm-function[1]:0x10)` }, undefined, {
    modules: [{ instance, moduleBytes: bytes, name: 'a.wasm', url: 'https://cdn/a.wasm' }, { instance: other, moduleBytes: bytes, name: 'b.wasm', url: 'https://cdn/b.wasm' }],
  });
  const lc = readCoreDump(lost, 'lost');
  assert.equal(lc.threads[0].frames.length, 1);
  assert.ok(lc.warnings.some((w) => /stack line not recorded: .*no module given for URL https:\/\/elsewhere\/c\.wasm/.test(w)), lc.warnings.join('\n'));
});

test('runtime: one dependency-free ES module (no imports at all, so no node: ones), exported as wasm-coredump-debugger/runtime', () => {
  const src = fs.readFileSync('runtime/index.mjs', 'utf8');
  assert.doesNotMatch(src, /^\s*import\s|\bimport\(|\brequire\(/m);
  const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8'));
  assert.deepEqual(pkg.exports['./runtime'], { types: './runtime/index.d.ts', default: './runtime/index.mjs' });
  for (const name of ['captureCoreDump', 'wrap', 'withCoreDump', 'wasmFramesOf', 'CoreDumpError']) {
    assert.equal(typeof rt[name], 'function', name);
    assert.match(fs.readFileSync('runtime/index.d.ts', 'utf8'), new RegExp(`export declare (function|class) ${name}\\b`));
  }
});
