import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WasmModule } from '../../../src/wasm/module';
import { Symbolizer } from '../../../src/symbols/symbolizer';
import { codeAddr } from '../../../src/util/offsets';
import * as C from '../../../src/dwarf/constants';
import { buildModule, F, FUNCS, Options } from './dwarfmodule';

function sym(o: Options = {}): Symbolizer {
  return new Symbolizer(new WasmModule(buildModule(o), 'test.wasm'));
}
const brief = (s: Symbolizer, a: number): string[] => s.symbolize(codeAddr(a)).map((f) => `${f.name}${f.inlined ? '[i]' : ''} ${f.file ?? '??'}:${f.line}:${f.column}`);

test('frames: qualified names, inline chain with call site, line rows', () => {
  const s = sym();
  assert.deepEqual(brief(s, F[0]), ['orders::check /build/prog.cc:10:0']);
  assert.deepEqual(brief(s, F[0] + 9), ['orders::helper[i] /build/util.h:3:5', 'orders::check /build/prog.cc:11:3']);
  assert.deepEqual(brief(s, F[0] + 15), ['orders::check /build/prog.cc:12:0']);
  assert.deepEqual(brief(s, F[1] + 3), ['Calc::add /build/prog.cc:30:0']);
  const fr = s.symbolize(codeAddr(F[0] + 9));
  assert.equal(fr[0].die?.tag, C.DW_TAG_inlined_subroutine);
  assert.equal(fr[1].die?.tag, C.DW_TAG_subprogram);
  assert.deepEqual(fr[0].callSite, { file: '/build/prog.cc', line: 11, column: 3 });
  assert.equal(fr[1].linkageName, '_ZN6orders5checkEv');
  assert.deepEqual(s.diagnostics, []);
});

test('no DWARF subprogram: name-section name (demangled), then func[N]', () => {
  const s = sym();
  const f = s.symbolize(codeAddr(F[2] + 2));
  assert.equal(f.length, 1);
  assert.equal(f[0].name, 'third');
  assert.equal(f[0].nameSource, 'name-section');
  assert.equal(f[0].line, 0);
  assert.ok(f[0].noLineInfo);
});

test('Rust units qualify through namespaces as well', () => {
  const s = sym({ language: C.DW_LANG_Rust });
  assert.equal(s.symbolize(codeAddr(F[0] + 1))[0].name, 'orders::check');
});

test('lookups are lazy: nothing is parsed before the first symbolize', () => {
  const s = sym();
  assert.equal((s as unknown as { _index?: unknown })._index, undefined);
  s.symbolize(codeAddr(F[0]));
  assert.ok(s.index!.size > 0);
  assert.equal(FUNCS.length, 3);
});
