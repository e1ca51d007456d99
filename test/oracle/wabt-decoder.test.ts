/**
 * Oracle: our module index and instruction decoder against wabt's
 * wasm-objdump on every module of the shared corpus and test/fixtures.
 * Checks, per file: section list (kind, payload start, end, custom names),
 * import and function counts, and for every function the offset of every
 * instruction, its mnemonic and most immediates (`wasm-objdump -d`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { WasmModule } from '../../src/wasm/module';
import { SectionId } from '../../src/wasm/sections';
import { Instr, decodeFunction, instructionBoundaries } from '../../src/wasm/decoder';
import { findTool, TOOLS } from '../tools';

const ROOTS = ['../shared/corpus', 'test/fixtures'];
const EXT = /\.(wasm|o|coredump|dwp)$/;

function walk(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (EXT.test(name)) out.push(p);
  }
  return out;
}

function objdump(args: string[], file: string): { ok: boolean; out: string; err: string } {
  const r = spawnSync('wasm-objdump', [...args, file], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  return { ok: r.status === 0, out: r.stdout ?? '', err: (r.stderr ?? '').trim() };
}

const objdumpTool = findTool(TOOLS.wasmObjdump);
const haveObjdump = objdumpTool.bin !== undefined;
const files = ROOTS.flatMap((r) => walk(r));

/** objdump section kind names, indexed by section id. */
const OBJDUMP_KIND = ['Custom', 'Type', 'Import', 'Function', 'Table', 'Memory', 'Global', 'Export', 'Start', 'Elem', 'Code', 'Data', 'DataCount', 'Tag'];

interface DumpedFunc { header: number; instrs: number[]; texts: string[] }

/** Parse `wasm-objdump -d`: function header offsets and instruction start offsets (continuation lines skipped). */
function parseDisassembly(text: string): Map<number, DumpedFunc> {
  const funcs = new Map<number, DumpedFunc>();
  let cur: DumpedFunc | undefined;
  for (const line of text.split('\n')) {
    const h = /^([0-9a-f]+) func\[(\d+)\]/.exec(line);
    if (h) { cur = { header: parseInt(h[1], 16), instrs: [], texts: [] }; funcs.set(Number(h[2]), cur); continue; }
    const m = /^ ([0-9a-f]+): [0-9a-f ]*\| (.*)$/.exec(line);
    if (!m || !cur) continue;
    const text = m[2].trim();
    if (text === '' || text.startsWith('local[')) continue; // continuation bytes / locals declaration
    cur.instrs.push(parseInt(m[1], 16));
    cur.texts.push(text);
  }
  return funcs;
}

/**
 * The immediates as wasm-objdump 1.0.32 prints them, for the kinds whose
 * text is unambiguous (floats are printed as hex floats and block types
 * differently, so those are left to the unit tests); undefined = not compared.
 */
function objdumpImm(i: Instr): string | undefined {
  const imm = i.imm;
  switch (imm.kind) {
    case 'none': return '';
    case 'label': return String(imm.label);
    case 'index': return imm.space === 'mem' ? undefined : String(imm.index);
    case 'i32': return String(imm.value >>> 0);
    case 'i64': return imm.value.toString();
    case 'memarg': return imm.memory === 0 && imm.lane === undefined ? `${imm.align} ${imm.offset}` : undefined;
    case 'br_table': return [...imm.labels, imm.default].join(' ');
    case 'index2': return i.name === 'call_indirect' ? `${imm.indices[1]} (type ${imm.indices[0]})` : undefined;
    default: return undefined;
  }
}

/** wasm-objdump's text without `<symbol>` annotations. */
function stripSymbols(text: string): string {
  // the symbol runs to the end of the line (or to call_indirect's type); names may contain '<' and '>'
  return text.replace(/ <.*>( \(type \d+\))?$/, '$1').trim();
}

if (!haveObjdump) {
  test('wabt oracle', (t) => { t.skip(objdumpTool.missing); });
} else {
  test('corpus files were found', () => {
    assert.ok(files.length > 20, `expected the shared corpus at ../shared/corpus, found ${files.length} files`);
  });

  for (const file of files) {
    test(`wabt agrees: ${file}`, (t) => {
      const h = objdump(['-h'], file);
      if (!h.ok) {
        // wabt 1.0.32 rejects GC types and 64-bit tables (wasm64 .o files); we read them, wabt cannot be the oracle.
        t.skip(`wasm-objdump cannot read this file: ${h.err.split('\n')[0]}`);
        return;
      }
      const m = new WasmModule(new Uint8Array(readFileSync(file)), file);

      // sections
      const dumped = [...h.out.matchAll(/^\s*(\w+) start=0x([0-9a-f]+) end=0x([0-9a-f]+) \(size=0x[0-9a-f]+\)(?: count: \d+)?(?: "(.*)")?/gm)]
        .map((x) => ({ kind: x[1], start: parseInt(x[2], 16), end: parseInt(x[3], 16), name: x[4] }));
      const ours = m.sections.map((s) => ({
        kind: OBJDUMP_KIND[s.id], start: s.payloadStart as number, end: s.end as number,
        name: s.id === SectionId.Custom ? s.customName : undefined,
      }));
      assert.deepEqual(ours, dumped, 'section list');

      // counts and custom section names
      const x = objdump(['-x'], file);
      if (x.ok) {
        const count = (kind: string) => { const c = new RegExp(`^${kind}\\[(\\d+)\\]:`, 'm').exec(x.out); return c ? Number(c[1]) : 0; };
        assert.equal(m.imports.length, count('Import'), 'import count');
        assert.equal(m.functionTypeIndices.length, count('Function'), 'function count');
        assert.equal(m.bodies.length, count('Code'), 'code body count');
        const importedFuncs = [...x.out.matchAll(/^ - func\[\d+\] sig=\d+.* <- /gm)].length;
        assert.equal(m.importedFunctionCount, importedFuncs, 'imported function count');
        assert.equal(m.memories.length, count('Memory'), 'memory count');
        assert.equal(m.globals.length, count('Global'), 'global count');
        assert.equal(m.exports.length, count('Export'), 'export count');
        const block = (kind: string) => new RegExp(`^${kind}\\[\\d+\\]:\n((?: - .*\n)*)`, 'm').exec(x.out)?.[1] ?? '';
        assert.deepEqual(m.imports.map((i) => `${i.module}.${i.field}`), [...block('Import').matchAll(/ <- (.*)$/gm)].map((g) => g[1]), 'import names');
        assert.deepEqual(m.exports.map((e) => e.name), [...block('Export').matchAll(/ -> "(.*)"$/gm)].map((g) => g[1]), 'export names');
        const mems = [...block('Memory').matchAll(/pages: initial=(\d+)(?: max=(\d+))?/g)].map((g) => `${g[1]}/${g[2] ?? '-'}`);
        assert.deepEqual(m.memories.map((mm) => `${mm.min}/${mm.max ?? '-'}`), mems, 'memory limits');
        const globals = [...block('Global').matchAll(/^ - global\[\d+\] (\S+) mutable=(\d)/gm)].map((g) => `${g[1]} ${g[2]}`);
        assert.deepEqual(m.globals.map((g) => `${g.type} ${g.mutable ? 1 : 0}`), globals, 'global types');
      }
      assert.deepEqual(m.customSectionNames, dumped.filter((d) => d.kind === 'Custom').map((d) => d.name), 'custom section names');

      // instruction offsets of every function
      if (m.bodies.length === 0) return;
      const d = objdump(['-d'], file);
      if (!d.ok) { t.skip(`wasm-objdump -d failed: ${d.err.split('\n')[0]}`); return; }
      const funcs = parseDisassembly(d.out);
      assert.equal(funcs.size, m.bodies.length, 'disassembled function count');
      const base = m.codeSectionStart as number;
      for (const body of m.bodies) {
        const want = funcs.get(body.index);
        assert.ok(want, `objdump has no func[${body.index}]`);
        assert.equal(body.bodyStart, want.header, `func[${body.index}] body start`);
        const got = Array.from(instructionBoundaries(m, body.index), (a) => a + base);
        if (got.length !== want.instrs.length || got.some((v, i) => v !== want.instrs[i])) {
          const i = got.findIndex((v, k) => v !== want.instrs[k]);
          assert.fail(`func[${body.index}]: first differing instruction #${i}: ours 0x${got[i]?.toString(16)}, wabt 0x${want.instrs[i]?.toString(16)} (${got.length} vs ${want.instrs.length} instructions)`);
        }
        // mnemonics of every instruction, immediates where wabt's text is unambiguous
        let k = 0;
        for (const instr of decodeFunction(m, body.index)) {
          const theirs = stripSymbols(want.texts[k++]);
          const sp = theirs.indexOf(' ');
          const name = sp < 0 ? theirs : theirs.slice(0, sp);
          if (name !== instr.name) assert.fail(`func[${body.index}] @0x${instr.offset.toString(16)}: ours ${instr.name}, wabt ${theirs}`);
          const imm = objdumpImm(instr);
          if (imm !== undefined && imm !== (sp < 0 ? '' : theirs.slice(sp + 1))) {
            assert.fail(`func[${body.index}] @0x${instr.offset.toString(16)} ${instr.name}: ours '${imm}', wabt '${theirs}'`);
          }
        }
      }
    });
  }
}
