/**
 * The Rust trap backtrace recorded by Chicory (dylibso/chicory at 7ef57c4,
 * EXPECTED-backtrace.txt: module file offsets, function, file:line:col per
 * frame, re-checked with llvm-dwarfdump --lookup) reproduced by `symbolize`
 * with --file-offsets semantics.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { WasmModule } from '../../src/wasm/module';
import { Symbolizer } from '../../src/symbols/symbolizer';
import { fileOffset } from '../../src/util/offsets';

const DIR = '../shared/corpus/chicory/at-7ef57c4';

test('chicory EXPECTED-backtrace.txt is reproduced', (t) => {
  if (!existsSync(`${DIR}/EXPECTED-backtrace.txt`)) { t.skip('corpus not available'); return; }
  const rows = readFileSync(`${DIR}/EXPECTED-backtrace.txt`, 'utf8').split('\n')
    .map((l) => /^\s*#(\d+)\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(.*?)\s+(\S+):(\d+):(\d+)\s*$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null);
  assert.equal(rows.length, 6);
  const m = new WasmModule(new Uint8Array(readFileSync(`${DIR}/count_vowels.rs.wasm`)), 'count_vowels.rs.wasm');
  const sym = new Symbolizer(m);
  for (const [, n, off, rel, fn, file, line, col] of rows) {
    const addr = m.toCodeAddr(fileOffset(parseInt(off, 16)));
    assert.equal(addr, parseInt(rel, 16), `#${n}: file offset → code address`);
    const frames = sym.symbolize(addr);
    const inner = frames[0];
    const ctx = `#${n} ${fn}: got ${frames.map((f) => `${f.name} ${f.file}:${f.line}:${f.column}`).join(' | ')}`;
    // "func_30 = precondition_check (DWARF name)" → precondition_check; "x (inlined ...)" → x
    const want = (fn.includes('=') ? fn.split('=')[1] : fn).trim().split(/\s+/)[0].replace(/<.*$/, '');
    assert.ok(frames.some((f) => f.name.split('::').some((p) => p.replace(/<.*$/, '') === want)), `function ${want}: ${ctx}`);
    assert.ok(inner.file?.endsWith(file.replace(/^\.\.\.\//, '/')), `file ${file}: ${ctx}`);
    assert.equal(inner.line, Number(line), `line: ${ctx}`);
    assert.equal(inner.column, Number(col), `column: ${ctx}`);
  }
});
