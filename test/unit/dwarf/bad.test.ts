/** Bad DWARF never crashes: the frame loses source info and a diagnostic says why. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WasmModule } from '../../../src/wasm/module';
import { Symbolizer } from '../../../src/symbols/symbolizer';
import { codeAddr } from '../../../src/util/offsets';
import { buildModule, F, FUNCS } from '../symbols/dwarfmodule';

const mk = (bytes: Uint8Array): Symbolizer => new Symbolizer(new WasmModule(bytes, 'bad.wasm'));

test('truncated unit: frames fall back to the name section, diagnostic names the unit', () => {
  const s = mk(buildModule({ truncateUnit: true }));
  const f = s.symbolize(codeAddr(F[1] + 1));
  assert.equal(f[0].name, 'Calc::add'); // demangled name-section name
  assert.equal(f[0].nameSource, 'name-section');
  assert.match(s.diagnostics.join('\n'), /unit header at 0x0: .*runs past the end/);
});

test('abbreviation code that does not exist: DIEs after it are ignored, earlier ones still work', () => {
  const s = mk(buildModule({ corruptAbbrevCode: true }));
  assert.equal(s.symbolize(codeAddr(F[0] + 1))[0].name, 'orders::check');
  const f = s.symbolize(codeAddr(F[1] + 1));
  assert.equal(f[0].nameSource, 'name-section');
  assert.equal(f[0].line, 30); // the line table is intact
  assert.match(s.diagnostics.join('\n'), /abbreviation code 77 does not exist/);
});

test('cyclic abstract_origin / specification references terminate', () => {
  const s = mk(buildModule({ cyclicOrigin: true }));
  const f = s.symbolize(codeAddr(F[0] + 9));
  assert.equal(f.length, 2);
  assert.equal(f[1].name, 'orders::check');
  const g = s.symbolize(codeAddr(F[2] + 1));
  assert.equal(g.length, 1); // the self-referencing subprogram: no name in DWARF → name section
  assert.equal(g[0].name, 'third');
});

test('a form running past the end of the unit', () => {
  const s = mk(buildModule({ blockPastEnd: true }));
  const f = s.symbolize(codeAddr(F[0] + 9));
  assert.ok(f.length >= 1);
  assert.match(s.diagnostics.join('\n'), /block of 200 bytes runs past the end of the unit|unexpected end/);
});

test('no line table: frames say so', () => {
  const s = mk(buildModule({ noLineTable: true }));
  const f = s.symbolize(codeAddr(F[0] + 1));
  assert.equal(f[0].name, 'orders::check');
  assert.equal(f[0].line, 0);
  assert.equal(f[0].noLineInfo, 'unit has no line table');
});

test('random corruption of the DWARF sections never throws', () => {
  const good = buildModule();
  const m = new WasmModule(good, 'x');
  const dwarfRanges = m.sections.filter((s) => s.customName?.startsWith('.debug_')).map((s) => [s.contentStart as number, s.end as number]);
  let seed = 12345;
  const rnd = (n: number): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
  for (let iter = 0; iter < 400; iter++) {
    const b = good.slice();
    for (let k = 0; k < 1 + rnd(4); k++) {
      const [s, e] = dwarfRanges[rnd(dwarfRanges.length)];
      b[s + rnd(e - s)] = rnd(256);
    }
    const sym = mk(b);
    for (const a of [F[0], F[0] + 9, F[1] + 3, F[2] + 1, 0, FUNCS.length * 100]) {
      const fr = sym.symbolize(codeAddr(a));
      assert.ok(fr.length >= 1);
    }
  }
});
