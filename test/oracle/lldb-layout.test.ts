/**
 * Differential test against LLDB (lldb-19) on type layouts. LLDB's `expr`
 * crashes on Wasm, so its Python API is used statically (one lldb process
 * per module, script in lldb-layout.ts): for every struct/class/union/enum
 * defined in the fixture's own compile units (prog.c, prog.cpp, Rust's
 * prog.<hash>-cgu.N, Zig's prog — which includes the parts of libc++ / std
 * those units instantiate), we compare byte size, each field's name, bit
 * offset, bit-field width and array dimensions, base classes with their
 * offsets, and enumerator values (with LLDB's signedness), against our
 * TypeBuilder (src/types/build.ts).
 *
 * Types are matched by compile unit and name with template arguments
 * removed (LLDB re-spells them, see below); inside such a group, each of our
 * layouts must equal a distinct one of LLDB's, and every LLDB layout must be
 * matched by one of ours.
 *
 * Known LLDB quirks, normalised here (each one explained):
 *  - Template/generic argument lists are rebuilt by LLDB from
 *    DW_TAG_template_type_parameter in C++ spelling (`NonNull<u8>` →
 *    `NonNull<unsigned char>`, Rust variant structs gain their enum's
 *    parameters: `Option<&Line>::Some<prog::Line *>`): names are compared
 *    without argument lists (stripArgs).
 *  - A Rust DW_TAG_variant_part is one LLDB field `$variants$` at offset 0
 *    (ourLayouts adds it where our type has a variant part).
 *  - Anonymous types are `(unnamed struct|union|enum)` and anonymous
 *    namespaces `(anonymous namespace)` in LLDB's names (ourLayouts names
 *    them so).
 *  - An unnamed struct or union that is an anonymous member (older libc++'s
 *    `__rep { union { __l; __s; __r; }; }`, Emscripten 3.1's std::__2) is
 *    `(anonymous union)` in LLDB, an unnamed type with a declarator
 *    `(unnamed union)`: keys treat both spellings as one.
 *  - LLDB lists the types a unit only declares (`struct _IO_FILE;` in
 *    prog.cpp via <cstdio>) too, completed from another unit's definition
 *    where there is one: LLDB types left over in a group where the unit has
 *    a declaration of that name are counted as declarations, not compared.
 *  - LLDB drops the artificial vtable pointer member (`_vptr$Shape`) and
 *    spells zero-length arrays as incomplete ones (`char[]`): see
 *    ourLayouts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { loadAllFixtures, fixturePath } from '../fixtures/facts';
import { WasmModule } from '../../src/wasm/module';
import { Symbolizer } from '../../src/symbols/symbolizer';
import { Layout, lldbLayouts, lldbPythonMissing, ourLayouts, stripArgs } from './lldb-layout';

const missing = lldbPythonMissing();

function signature(l: Layout): string {
  return JSON.stringify([l.cls, l.size, l.fields ?? null, (l.bases ?? []).map(([n, o]) => [stripArgs(n), o]), l.enums ?? null]);
}

for (const fx of loadAllFixtures()) {
  test(`lldb agrees on type layouts: ${fx.facts.id}`, (t) => {
    if (missing) { t.skip(missing); return; }
    const wasm = fixturePath(fx, fx.facts.module);
    const module = new WasmModule(new Uint8Array(fs.readFileSync(wasm)), wasm);
    const dwarf = new Symbolizer(module).dwarf;
    assert.ok(dwarf, 'no DWARF');
    const theirs = lldbLayouts(wasm);
    const ours = ourLayouts(dwarf);
    const key = (l: Layout) => `${l.cu}|${stripArgs(l.name).replace(/\(anonymous (struct|union|class|enum)\)/g, '(unnamed $1)')}`;
    const groups = new Map<string, { ours: Layout[]; theirs: Layout[] }>();
    const group = (k: string) => groups.get(k) ?? (groups.set(k, { ours: [], theirs: [] }), groups.get(k)!);
    const declared = new Set<string>();
    const declCount = ours.filter((l) => l.cls === 'declaration').length;
    for (const l of ours) {
      if (l.cls === 'declaration') declared.add(key(l));
      else group(key(l)).ours.push(l);
    }
    for (const l of theirs) group(key(l)).theirs.push(l);
    const problems: string[] = [];
    let agreed = 0, fields = 0, enumerators = 0, bases = 0, declarations = 0;
    for (const [k, g] of groups) {
      const left = g.theirs.map(signature);
      const unmatched: Layout[] = [];
      for (const l of g.ours) {
        const i = left.indexOf(signature(l));
        if (i < 0) { unmatched.push(l); continue; }
        left.splice(i, 1);
        agreed++;
        fields += l.fields?.length ?? 0; enumerators += l.enums?.length ?? 0; bases += l.bases?.length ?? 0;
      }
      if (declared.has(k)) { declarations += left.length; left.length = 0; }
      if (unmatched.length || left.length) {
        problems.push(`${k}:\n  ours ${unmatched.map(signature).join('\n       ') || '-'}\n  lldb ${left.join('\n       ') || '-'}`);
      }
    }
    t.diagnostic(`${fx.facts.id}: ${agreed} types agree (${fields} fields, ${bases} base classes, ${enumerators} enumerators), ${declarations} LLDB types only declared in the unit; ours ${ours.length - declCount} definitions, lldb ${theirs.length}; ${problems.length} groups disagree`);
    assert.ok(agreed > 0, 'nothing compared');
    assert.deepEqual(problems, []);
  });
}
