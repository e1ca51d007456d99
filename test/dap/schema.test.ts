/**
 * One launch schema (adapter/launchSchema.json) for the code, package.json
 * (contributes.debuggers[].configurationAttributes) and the documentation
 * (adapter/README.md): they must agree.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { JsonSchema, launchSchema, parseLaunchArgs } from '../../adapter/launchArgs';
import { ErrorId } from '../../adapter/errorIds';

const props = launchSchema.properties ?? {};

test('package.json configurationAttributes carry exactly the schema properties', () => {
  const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8'));
  const dbg = (pkg.contributes?.debuggers ?? []).find((d: { type: string }) => d.type === 'wasm-coredump');
  assert.ok(dbg, 'package.json has no wasm-coredump debugger contribution');
  for (const req of Object.keys(dbg.configurationAttributes ?? {})) {
    const attrs = dbg.configurationAttributes[req] as JsonSchema;
    assert.deepEqual(attrs.properties, props, `configurationAttributes.${req}.properties differ from adapter/launchSchema.json`);
  }
  assert.ok(dbg.configurationAttributes.launch, 'no launch attributes');
});

test('adapter/README.md documents exactly the schema properties, with their types', () => {
  const md = fs.readFileSync('adapter/README.md', 'utf8');
  const section = md.slice(md.indexOf('## Launch configuration'), md.indexOf('## What a session shows'));
  // cells may contain escaped pipes (`"auto"` \| `"leb"`)
  const rows = [...section.matchAll(/^\| `(\w+)` \| ((?:[^|\\]|\\\|)+) \|/gm)].map((m) => ({ name: m[1], type: m[2].replace(/`/g, '').trim() }));
  assert.deepEqual(rows.map((r) => r.name).sort(), Object.keys(props).sort());
  for (const r of rows) {
    const p = props[r.name];
    const want = p.enum ? p.enum.map((e) => `"${e}"`).join(' \\| ') : p.type === 'array' ? `${p.items?.type}[]` : p.type;
    assert.ok(r.type.startsWith(want as string), `${r.name}: README says '${r.type}', schema says ${want}`);
    if (launchSchema.required?.includes(r.name)) assert.match(r.type, /required/, `${r.name} is required`);
  }
});

test('the code accepts every schema property and rejects wrong types with a stable id', () => {
  const sample: Record<string, unknown> = {};
  for (const [k, p] of Object.entries(props)) {
    sample[k] = p.enum ? p.enum[0] : p.type === 'string' ? 'x' : p.type === 'boolean' ? true : p.type === 'array' ? ['x'] : p.type === 'object' ? { a: 'b' } : 1;
  }
  const cfg = parseLaunchArgs(sample, '/tmp');
  assert.deepEqual(cfg.unknownKeys, []);
  assert.equal(cfg.coreDump, '/tmp/x/x'); // cwd 'x' is relative to the process's, coreDump to cwd
  for (const [k, p] of Object.entries(props)) {
    const bad = { ...sample, [k]: p.type === 'string' ? 7 : 'wrong' };
    assert.throws(() => parseLaunchArgs(bad, '/tmp'), (e: { id: number; message: string }) => e.id === ErrorId.LaunchArguments && e.message.includes(k), k);
  }
  assert.deepEqual(parseLaunchArgs({ coreDump: 'c', typo: 1, __sessionId: 'x', name: 'n', type: 't', request: 'launch' }, '/').unknownKeys, ['typo']);
});
