/**
 * Differential test against LLDB (lldb-19): for every user frame of every
 * fixture's default core dump, `image lookup -v -a PC` lists the variables
 * in scope with their DIE, type and location. We must agree on which
 * variables exist at that address, their types (C/C++), and where they are
 * (frame-base offsets, addresses, Wasm locals, optimized out). For the C
 * fixtures, `type lookup` member lists (names, types, bit-field widths) must
 * match our struct layouts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadAllFixtures, fixturePath } from '../fixtures/facts';
import { openDump } from '../unit/values/load';
import { frameVariables } from '../../src/values/scopes';
import { inlineChain } from '../../src/symbols/funcindex';
import { strip, CompositeType, Type } from '../../src/types/model';
import type { Die } from '../../src/dwarf/die';
import { compareVars, normType, parseVars } from './lldb-vars';
import { findTool, TOOLS } from '../tools';

const LLDB = 'lldb-19';
const lldbTool = findTool(TOOLS.lldb19);
const hasLldb = lldbTool.bin === LLDB;

function runLldb(wasm: string, cmds: string[]): string {
  const args = ['-b', '--no-lldbinit', path.basename(wasm), ...cmds.flatMap((c) => ['-o', c])];
  const r = spawnSync(LLDB, args, { cwd: path.dirname(wasm), encoding: 'utf8', timeout: 120_000 });
  return r.stdout ?? '';
}

/** Split LLDB batch output into the output of each command. */
function perCommand(out: string): string[] {
  return out.split(/^\(lldb\) /m).slice(2);
}

for (const fx of loadAllFixtures()) {
  test(`lldb agrees on variables, types and locations: ${fx.facts.id}`, (t) => {
    if (!hasLldb) { t.skip(lldbTool.missing ?? `${LLDB} not installed (found ${lldbTool.bin})`); return; }
    const wasm = fixturePath(fx, fx.facts.module);
    const dump = fixturePath(fx, fx.facts.coreDumps.default.full);
    const o = openDump(wasm, dump);
    const cOrCpp = fx.facts.language === 'c' || fx.facts.language === 'cpp';
    // physical frames in the program's own source (the fixture's files)
    const frames = o.core.threads[0].frames.filter((f) => {
      const lf = o.logical.find((l) => l.physical === f.index);
      return f.codeAddr !== undefined && lf?.die && fx.facts.frames.some((ff) => ff.function === lf.name);
    });
    assert.ok(frames.length > 0, 'no user frames');
    const structs = new Map<string, CompositeType>();
    const cmds = frames.map((f) => `image lookup -v -a 0x${f.codeAddr!.toString(16)}`);
    const mine = frames.map((f) => {
      const lf = o.logical.find((l) => l.physical === f.index)!;
      const chain = inlineChain(lf.die as Die);
      const st = o.tv.state(f.index).forSubprogram(chain[chain.length - 1]);
      const vars = chain.flatMap((d) => frameVariables(d, f.codeAddr));
      return vars.map((v) => {
        const value = st.variable(v.die);
        const s = strip(value.type);
        let inner: Type = s;
        for (let k = 0; k < 4 && (inner.kind === 'pointer' || inner.kind === 'array'); k++) inner = strip(inner.kind === 'pointer' ? inner.target : inner.element);
        if (inner.kind === 'composite' && inner.tag !== 'class' && inner.baseName && !inner.incomplete) structs.set(inner.baseName, inner);
        return { die: v.die.offset, name: v.name, value, frameBase: st.frameBase() };
      });
    });
    const structNames = fx.facts.language === 'c' ? [...structs.keys()].sort() : [];
    const out = perCommand(runLldb(wasm, [...cmds, ...structNames.map((n) => `type lookup ${n}`)]));
    assert.equal(out.length, cmds.length + structNames.length, `lldb output:\n${out.join('\n')}`);
    const problems: string[] = [];
    let compared = 0;
    frames.forEach((f, i) => {
      const where = `frame ${f.index} @0x${f.codeAddr!.toString(16)}`;
      compared += compareVars(where, parseVars(out[i]), mine[i], cOrCpp, problems);
    });
    structNames.forEach((n, k) => {
      const text = out[cmds.length + k];
      const members = [...text.matchAll(/^\s+(.*?[\s*&])(\w+)(\[[\d\]\[]+\])?(?: : (\d+))?;$/gm)].map((m) => ({ type: m[1].trim() + (m[3] ?? ''), name: m[2], bits: m[4] ? Number(m[4]) : undefined }));
      const ours = structs.get(n)!.members.map((m) => ({ type: m.type.name, name: m.name ?? '', bits: m.bitSize }));
      const a = JSON.stringify(ours.map((m) => [m.name, normType(m.type), m.bits]));
      const b = JSON.stringify(members.map((m) => [m.name, normType(m.type), m.bits]));
      if (a !== b) problems.push(`type ${n}: ours ${a}\n  lldb ${b}`);
      compared++;
    });
    assert.deepEqual(problems, []);
    assert.ok(compared > 0, 'nothing compared');
  });
}

void fs;
