import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WasmSourceMap } from '../../../src/wasmmap/decode';
import { decodeDataUrl, sourceMappingURL } from '../../../src/wasmmap/url';
import { FormatError } from '../../../src/util/errors';
import { Symbolizer } from '../../../src/symbols/symbolizer';
import { codeAddr } from '../../../src/util/offsets';
import { buildModule, section, str } from '../wasm/builder';

// VLQ by hand: 'A' 0, 'C' 1, 'D' -1, 'E' 2, 'gB' 16, '2H' 123 ('2' = 54 = continue + 22, 'H' = 7 → 22 + 7·32 = 246 → +123)
const map = (mappings: string, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ version: 3, sources: ['a.ts', 'b.ts'], names: ['f', 'g'], mappings, ...extra });

test('decodes VLQ deltas; lookup takes the greatest mapping at or before the offset', () => {
  const m = WasmSourceMap.parse(map('2HAAA,EAAC,ECgBD,EDACA'), 'x.map');
  assert.equal(m.mappingCount, 4);
  assert.deepEqual([...m.mappings()].map((x) => [x.generated, x.source, x.line, x.column, x.name]),
    [[123, 0, 0, 0, -1], [125, 0, 0, 1, -1], [127, 1, 16, 0, -1], [129, 0, 16, 1, 0]]);
  assert.equal(m.lookup(122), undefined);
  assert.deepEqual(m.lookup(123), { source: 'a.ts', line: 1, column: 0, name: undefined, generated: 123 });
  assert.deepEqual(m.lookup(124), { source: 'a.ts', line: 1, column: 0, name: undefined, generated: 123 });
  assert.deepEqual(m.lookup(128), { source: 'b.ts', line: 17, column: 0, name: undefined, generated: 127 });
  assert.deepEqual(m.lookup(10_000), { source: 'a.ts', line: 17, column: 1, name: 'f', generated: 129 });
});

test('a one-field segment ends the mapped range; sourceRoot and sourcesContent', () => {
  const m = WasmSourceMap.parse(map('2HAAA,E', { sourceRoot: '/src', sourcesContent: ['let a = 1;\n', null] }), 'x.map');
  assert.equal(m.lookup(124)?.source, '/src/a.ts');
  assert.equal(m.lookup(125), undefined);
  assert.equal(m.contentOf('/src/a.ts'), 'let a = 1;\n');
  assert.equal(m.contentOf('/src/b.ts'), undefined);
});

test('out-of-order segments are sorted; a second generated line is a warning and ignored', () => {
  const m = WasmSourceMap.parse(map('2HAAA,DAAC;AAAA'), 'x.map');
  assert.deepEqual([...m.mappings()].map((x) => x.generated), [122, 123]);
  assert.equal(m.lookup(122)?.column, 1);
  assert.match(m.warnings[0], /2 generated lines/);
});

test('bad input: typed errors naming the file and the segment', () => {
  const bad = (text: string, re: RegExp): void => {
    assert.throws(() => WasmSourceMap.parse(text, 'prog.wasm.map'), (e: unknown) => e instanceof FormatError && /prog\.wasm\.map/.test(e.message) && re.test(e.message));
  };
  bad('{', /not JSON/);
  bad('[]', /not a JSON object/);
  bad(JSON.stringify({ version: 2, sources: [], mappings: '' }), /version 2/);
  bad(JSON.stringify({ version: 3, mappings: '' }), /"sources"/);
  bad(map('AAAA,A!AA'), /invalid Base64 character "!" in mapping segment 1/);
  bad(map('AAAA,AC'), /2 fields .* segment 1/);
  bad(map('AEAA'), /source index 2 out of range \(2 sources\)/);
  bad(map('AAAAE'), /name index 2 out of range/);
  bad(map('AADA'), /negative original line/);
  bad(map('AAA'), /3 fields/);
  bad(map('AAAg'), /runs past the end/);
  bad(map('AAAg,A'), /continuation digit/);
  bad(map('gggggggggA'), /longer than 32 bits/);
});

test('data: URLs (base64 and percent-encoded)', () => {
  const json = map('AAAA');
  assert.equal(decodeDataUrl(`data:application/json;base64,${Buffer.from(json).toString('base64')}`, 'm.wasm'), json);
  assert.equal(decodeDataUrl(`data:application/json;charset=utf-8;base64,${Buffer.from('{"é":1}').toString('base64')}`, 'm.wasm'), '{"é":1}');
  assert.equal(decodeDataUrl(`data:application/json,${encodeURIComponent(json)}`, 'm.wasm'), json);
  assert.throws(() => decodeDataUrl('data:application/json;base64,AB*C', 'm.wasm'), /m\.wasm.*invalid base64 character/);
});

test('symbolizer: a module without DWARF takes lines from its map, names from the map or the name section', () => {
  const b = buildModule({
    funcs: [{ type: 0, code: [0x01, 0x01, 0x0b] }, { type: 0, code: [0x01, 0x00, 0x0b] }],
    names: { funcs: { 0: 'first', 1: '_ZN1a1bEv' } },
    extra: [section(0, [...str('sourceMappingURL'), ...str('prog.wasm.map')])],
  });
  assert.equal(sourceMappingURL(b.module), 'prog.wasm.map');
  const f0 = b.firstInstr[0], f1 = b.firstInstr[1];
  // mapping at f0 (a.ts:3:5), at f1+1 (b.ts:8:1, name 'g'); nothing at f1
  const vlq = (n: number): string => { // encoder for the test's own offsets, checked against the hand values above
    let v = n < 0 ? (-n << 1) | 1 : n << 1, s = '';
    do { let d = v & 31; v >>>= 5; if (v) d |= 32; s += 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'[d]; } while (v);
    return s;
  };
  assert.equal(vlq(123), '2H');
  const sm = WasmSourceMap.parse(map(`${vlq(f0)}AEI,${vlq(f1 + 1 - f0)}CKHC`), 'prog.wasm.map');
  const s = new Symbolizer(b.module, undefined, sm);
  assert.ok(s.usesSourceMap);
  const at = (off: number) => s.symbolize(codeAddr(off - b.codeStart))[0];
  assert.deepEqual([at(f0 + 1).name, at(f0 + 1).file, at(f0 + 1).line, at(f0 + 1).column, at(f0 + 1).nameSource], ['first', 'a.ts', 3, 5, 'name-section']);
  // f1's first instruction: the last mapping before it is in function 0, so no line (not a wrong one)
  assert.equal(at(f1).line, 0);
  assert.match(at(f1).noLineInfo ?? '', /no source map mapping/);
  assert.deepEqual([at(f1 + 1).name, at(f1 + 1).linkageName, at(f1 + 1).file, at(f1 + 1).line, at(f1 + 1).nameSource], ['g', '_ZN1a1bEv', 'b.ts', 8, 'source-map']);
});
