/**
 * package.json's extension manifest must follow the one launch schema
 * (adapter/launchSchema.json) and extension/contributes.json; regenerate with
 * `node extension/sync-contributes.mjs` when this fails.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const read = (p: string): Json => JSON.parse(readFileSync(p, 'utf8'));
const pkg = read('package.json');
const schema = read('adapter/launchSchema.json');
const template = read('extension/contributes.json');
const dbg = pkg.contributes?.debuggers?.find((d: Json) => d.type === 'wasm-coredump');

test('the wasm-coredump debugger is contributed with the schema\'s launch attributes', () => {
  assert.ok(dbg, 'contributes.debuggers has no wasm-coredump entry');
  assert.equal(dbg.label, 'Wasm Core Dump');
  const launch = dbg.configurationAttributes.launch;
  assert.deepEqual(launch.properties, schema.properties, 'launch properties differ from adapter/launchSchema.json');
  const { required: _r, ...schemaRest } = schema;
  const { required: _l, ...launchRest } = launch;
  assert.deepEqual(launchRest, schemaRest);
  // Pickers fill in a missing coreDump/program, so launch.json must not flag them as missing.
  assert.equal(launch.required, undefined);
});

test('package.json activationEvents and contributes match extension/contributes.json', () => {
  assert.deepEqual(pkg.activationEvents, template.activationEvents);
  const { debuggers: _d, ...restPkg } = pkg.contributes;
  const { debuggers: _t, ...restTpl } = template.contributes;
  assert.deepEqual(restPkg, restTpl);
  const strip = (d: Json): Json => { const { configurationAttributes: _c, ...r } = d; return r; };
  assert.deepEqual(pkg.contributes.debuggers.map(strip), template.contributes.debuggers.map(strip));
});

test('activation happens only on the debugger and command events, and on vscode:// links (Open in VS Code)', () => {
  assert.deepEqual([...pkg.activationEvents].sort(), [
    'onCommand:wasmCoredump.open', 'onCommand:wasmCoredump.pickCoreDump', 'onCommand:wasmCoredump.pickModule',
    'onDebugDynamicConfigurations:wasm-coredump', 'onDebugResolve:wasm-coredump', 'onUri',
  ]);
});

test('initial configurations and snippets only use attributes the schema knows', () => {
  const known = new Set([...Object.keys(schema.properties), 'type', 'request', 'name', 'debugServer']);
  const configs = [...dbg.initialConfigurations, ...dbg.configurationSnippets.map((s: Json) => s.body)];
  assert.ok(configs.length >= 2);
  for (const c of configs) {
    assert.equal(c.type, 'wasm-coredump');
    assert.equal(c.request, 'launch');
    for (const k of Object.keys(c)) assert.ok(known.has(k), `unknown launch attribute '${k}'`);
  }
});

test('every file the manifest points at exists', () => {
  const files = [
    pkg.icon,
    ...pkg.contributes.grammars.map((g: Json) => g.path),
    ...pkg.contributes.languages.map((l: Json) => l.configuration),
    'extension/README.md', 'CHANGELOG.md', 'LICENSE',
  ];
  for (const f of files) assert.ok(existsSync(f.replace(/^\.\//, '')), `${f} is missing`);
  assert.equal(pkg.main, 'dist/extension.js');
  assert.match(pkg.engines.vscode, /^\^1\.(\d+)\./);
  assert.ok(Number(/^\^1\.(\d+)\./.exec(pkg.engines.vscode)![1]) <= 90, 'engines.vscode must stay <= 1.90 for code-server 4.100.3');
});

test('the icon is a 128x128 PNG', () => {
  const b = readFileSync(pkg.icon);
  assert.deepEqual([...b.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.equal(b.readUInt32BE(16), 128);
  assert.equal(b.readUInt32BE(20), 128);
});
