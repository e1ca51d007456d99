/**
 * Differential test against LLDB (lldb-19) on variables and locations in
 * EVERY function of the fixtures' own compile units (lldb.test.ts covers
 * only the frames of the core dumps). Probe addresses: the first address of
 * each range of every subprogram, lexical block and inlined subroutine in
 * the user units (so every nested scope and, at -O2, location-list entries
 * at those points are visited). At each, LLDB's `image lookup -v -a ADDR`
 * (one lldb process per module, driven by a Python script) lists the
 * variables in scope with DIE, type and location expression; ours come
 * from src/values (frameVariables + FrameState.variable) on a synthetic
 * frame whose Wasm locals and globals hold known values and whose memory is
 * absent, so that locations (frame-base offsets, addresses, Wasm locals,
 * optimized out) can be compared without a core dump. Comparison rules are
 * the ones of lldb.test.ts (lldb-vars.ts), plus two explained classes:
 *  - LLDB lists parameters without a name (`(null)`: C++ tag parameters,
 *    Rust's `_`); we do not show what cannot be named. Skipped only where
 *    the DIE really has no DW_AT_name.
 *  - A linkonce function (libc++ `__throw_length_error`) kept once by the
 *    linker is claimed by two units' DWARF at the same address; LLDB
 *    resolves the address to the other unit. Such probes are counted and
 *    skipped (LLDB's `CompileUnit:` is not the unit we used).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadAllFixtures, fixturePath } from '../fixtures/facts';
import { WasmModule } from '../../src/wasm/module';
import { Symbolizer } from '../../src/symbols/symbolizer';
import * as C from '../../src/dwarf/constants';
import { ThreadValues } from '../../src/values';
import type { FrameInput } from '../../src/values/frame';
import { frameVariables, scopeAt } from '../../src/values/scopes';
import { inlineChain } from '../../src/symbols/funcindex';
import { codeAddr } from '../../src/util/offsets';
import type { WasmValue } from '../../src/coredump/model';
import { LLDB, USER_CU, lldbPythonMissing } from './lldb-layout';
import { compareVars, parseVars, MyVar } from './lldb-vars';

const missing = lldbPythonMissing();
const SCOPE_TAGS = new Set([C.DW_TAG_subprogram, C.DW_TAG_lexical_block, C.DW_TAG_inlined_subroutine]);

const SCRIPT = String.raw`
import lldb, json
ci = lldb.debugger.GetCommandInterpreter()
for a in open(ADDRS).read().split():
    res = lldb.SBCommandReturnObject()
    ci.HandleCommand('image lookup -v -a ' + a, res)
    print('@@LOOKUP ' + json.dumps([a, res.GetOutput() or '']))
print('@@DONE')
`;

function lookups(wasm: string, addrs: number[]): Map<number, string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lldb-functions-'));
  try {
    const list = path.join(dir, 'addrs.txt');
    const script = path.join(dir, 'lookup.py');
    fs.writeFileSync(list, addrs.map((a) => `0x${a.toString(16)}`).join('\n'));
    fs.writeFileSync(script, `ADDRS = ${JSON.stringify(list)}\n${SCRIPT}`);
    const r = spawnSync(LLDB, ['-b', '--no-lldbinit', wasm, '-o', `command script import ${script}`],
      { encoding: 'utf8', timeout: 120_000, maxBuffer: 512 << 20 });
    const out = r.stdout ?? '';
    if (!out.includes('@@DONE')) throw new Error(`${LLDB} failed on ${wasm}: ${r.error?.message ?? ''}\n${out.slice(-2000)}\n${(r.stderr ?? '').slice(-2000)}`);
    const m = new Map<number, string>();
    for (const l of out.split('\n')) {
      if (!l.startsWith('@@LOOKUP ')) continue;
      const [a, text] = JSON.parse(l.slice(9)) as [string, string];
      m.set(parseInt(a, 16), text);
    }
    return m;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Recognisable values: Wasm local i holds 0x100000 + 16 i (so a frame base in a local is known), globals 0x200000 + 16 i. */
const LOCALS: WasmValue[] = Array.from({ length: 4096 }, (_, i) => ({ type: 'i32', value: 0x100000 + 16 * i }));

for (const fx of loadAllFixtures()) {
  test(`lldb agrees on variables and locations in every function: ${fx.facts.id}`, (t) => {
    if (missing) { t.skip(missing); return; }
    const wasm = fixturePath(fx, fx.facts.module);
    const module = new WasmModule(new Uint8Array(fs.readFileSync(wasm)), wasm);
    const dwarf = new Symbolizer(module).dwarf;
    assert.ok(dwarf, 'no DWARF');
    const addrs = new Set<number>();
    let functions = 0;
    for (const u of dwarf.units()) {
      if (!USER_CU.test((u.name ?? '').split('/').pop() ?? '')) continue;
      for (const d of u.parseTree()) {
        if (!SCOPE_TAGS.has(d.tag)) continue;
        const ranges = d.ranges();
        if (d.tag === C.DW_TAG_subprogram && ranges.length) functions++;
        for (const r of ranges) addrs.add(r.begin);
      }
    }
    const probes = [...addrs].filter((a) => module.functionAt(codeAddr(a)) !== undefined).sort((a, b) => a - b);
    assert.ok(probes.length > 0, 'no functions with code in the user units');
    const inputs: FrameInput[] = probes.map((pc) => ({
      module, dwarf, pc, funcIndex: module.functionAt(codeAddr(pc))!.index,
      locals: { recorded: true, values: LOCALS }, stack: { recorded: true, values: [] }, instance: {},
      global: (i) => ({ type: 'i32', value: 0x200000 + 16 * i }), memory: () => undefined,
    }));
    const tv = new ThreadValues(inputs);
    const theirs = lookups(wasm, probes);
    const problems: string[] = [];
    let compared = 0, scopes = 0, unnamed = 0, otherUnit = 0;
    const types = fx.facts.language === 'c' || fx.facts.language === 'cpp';
    probes.forEach((pc, i) => {
      const s = scopeAt(dwarf, pc, 0);
      if (!s) { problems.push(`0x${pc.toString(16)}: no function of ours`); return; }
      const chain = inlineChain(s.frameDie);
      const st = tv.state(i).forSubprogram(s.subprogram);
      const mine: MyVar[] = chain.flatMap((d) => frameVariables(d, pc))
        .map((v) => ({ die: v.die.offset, name: v.name, value: st.variable(v.die), frameBase: st.frameBase() }));
      const text = theirs.get(pc);
      if (text === undefined) { problems.push(`0x${pc.toString(16)}: no lldb output`); return; }
      const lldbUnit = /CompileUnit: id = \{0x[0-9a-f]+\}, file = "([^"]*)"/.exec(text)?.[1].split('/').pop();
      if (lldbUnit !== (s.unit.name ?? '').split('/').pop()) { otherUnit++; return; }
      scopes++;
      const vars = parseVars(text).filter((lv) => {
        const nameless = lv.name === '(null)' && dwarf.dieAtOffset('.debug_info', lv.die)?.name === undefined;
        if (nameless) unnamed++;
        return !nameless;
      });
      compared += compareVars(`${s.frameDie.name ?? '?'} @0x${pc.toString(16)}`, vars, mine, types, problems);
    });
    t.diagnostic(`${fx.facts.id}: ${functions} functions, ${scopes} probe addresses, ${compared} variables compared; ${unnamed} unnamed parameters and ${otherUnit} addresses LLDB gives to another unit skipped; ${problems.length} problems`);
    assert.deepEqual(problems.slice(0, 40), []);
    assert.ok(compared > 0, 'nothing compared');
  });
}
