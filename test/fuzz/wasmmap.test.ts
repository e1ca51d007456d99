/**
 * Property test: mutated Wasm source maps (the fixtures' real maps truncated,
 * with seeded character flips in `mappings`, and with fields of the wrong
 * type) either decode, and then every lookup answers a source of the map or
 * nothing, or fail with a typed WasmCoreError naming the file.
 * Deterministic (fixed seeds).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WasmSourceMap } from '../../src/wasmmap/decode';
import { WasmCoreError } from '../../src/util/errors';
import { prng } from '../prng';

const ROOT = 'test/fixtures/_sourcemap';
const maps = fs.existsSync(ROOT) ? fs.readdirSync(ROOT).sort().map((d) => path.join(ROOT, d, 'prog.wasm.map')).filter((f) => fs.existsSync(f)) : [];


const CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/,;!=gf/';

function tryParse(text: string, file: string): 'ok' | 'error' {
  let m: WasmSourceMap;
  try {
    m = WasmSourceMap.parse(text, file);
  } catch (e) {
    assert.ok(e instanceof WasmCoreError, `not a typed error: ${(e as Error).stack}`);
    assert.ok(e.message.includes(file), `error does not name the file: ${e.message}`);
    return 'error';
  }
  let last = -1;
  for (const x of m.mappings()) {
    assert.ok(x.generated >= last, 'mappings sorted by offset');
    last = x.generated;
    const p = m.lookup(x.generated);
    if (p) assert.ok(m.sources.includes(p.source) && p.line >= 1 && p.column >= 0);
  }
  return 'ok';
}

test('mutated source maps decode or fail with a typed error naming the file', (t) => {
  if (maps.length === 0) { t.skip('no source map fixtures (run npm run fixtures)'); return; }
  for (const file of maps) {
    const text = fs.readFileSync(file, 'utf8');
    const json = JSON.parse(text) as Record<string, unknown>;
    const mappings = json.mappings as string;
    const rnd = prng(0x5eed + text.length);
    const counts = { ok: 0, error: 0 };
    // truncation of the file text and of the mappings string
    for (let k = 1; k <= 32; k++) counts[tryParse(text.slice(0, Math.floor((text.length * k) / 33)), file)]++;
    for (let k = 1; k <= 64; k++) counts[tryParse(JSON.stringify({ ...json, mappings: mappings.slice(0, Math.floor((mappings.length * k) / 65)) }), file)]++;
    // character flips in mappings
    for (let i = 0; i < 400; i++) {
      const chars = mappings.split('');
      for (let j = 1 + Math.floor(rnd() * 4); j > 0; j--) chars[Math.floor(rnd() * chars.length)] = CHARS[Math.floor(rnd() * CHARS.length)];
      counts[tryParse(JSON.stringify({ ...json, mappings: chars.join('') }), file)]++;
    }
    // fields of the wrong type or missing
    for (const patch of [{ sources: 'x' }, { sources: [1, null] }, { names: 7 }, { names: [null] }, { sourcesContent: [3] }, { sourceRoot: 5 }, { version: '3' }, { mappings: 12 }, { sections: [] }, { sources: [] }]) {
      counts[tryParse(JSON.stringify({ ...json, ...patch }), file)]++;
    }
    t.diagnostic(`${path.basename(path.dirname(file))}: ${counts.ok} decoded, ${counts.error} typed errors`);
    assert.ok(counts.ok > 0 && counts.error > 0);
  }
});
