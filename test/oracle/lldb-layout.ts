/**
 * Helpers for the LLDB layout oracle (lldb-layout.test.ts): the same
 * struct/class/union/enum layouts, once as LLDB's Python API sees them
 * (static, no process: LLDB's `expr` cannot run on Wasm) and once as our
 * TypeBuilder builds them, both as plain records that compare with JSON.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as C from '../../src/dwarf/constants';
import type { Die } from '../../src/dwarf/die';
import type { Dwarf } from '../../src/dwarf/dwarf';
import { TypeBuilder } from '../../src/types/build';
import { strip, Type } from '../../src/types/model';
import { findTool, TOOLS } from '../tools';

export const LLDB = 'lldb-19';

/** One type's layout. Offsets in bits; bit-field width 0 for ordinary members. */
export interface Layout {
  cu: string;
  name: string;
  cls: string;
  size: number | null;
  complete?: boolean;
  /** [name, bit offset, bit-field width, array dims like "[3][4]" or null] */
  fields?: Array<[string, number, number, string | null]>;
  /** [type name, byte offset] */
  bases?: Array<[string, number]>;
  /** [name, value as a decimal string] */
  enums?: Array<[string, string]>;
}

/** Compile units of the fixture's own source: prog.c, prog.cpp, Rust's prog.<hash>-cgu.N, Zig's prog. */
export const USER_CU = /^prog(\.c|\.cpp|\.[0-9a-f]+-cgu\.\d+)?$/;

const SCRIPT = String.raw`
import lldb, json, re
target = lldb.debugger.GetSelectedTarget()
want = re.compile(CU_PATTERN)
CLS = {lldb.eTypeClassStruct: 'struct', lldb.eTypeClassClass: 'class', lldb.eTypeClassUnion: 'union', lldb.eTypeClassEnumeration: 'enum'}
mask = lldb.eTypeClassStruct | lldb.eTypeClassClass | lldb.eTypeClassUnion | lldb.eTypeClassEnumeration
for cu in target.modules[0].compile_units:
    fname = cu.GetFileSpec().GetFilename() or ''
    if not want.search(fname): continue
    tl = cu.GetTypes(mask)
    for i in range(tl.GetSize()):
        t = tl.GetTypeAtIndex(i)
        rec = {'cu': fname, 'name': t.GetName(), 'cls': CLS.get(t.GetTypeClass(), str(t.GetTypeClass())), 'size': t.GetByteSize(), 'complete': t.IsTypeComplete()}
        if rec['cls'] == 'enum':
            signed = (t.GetEnumerationIntegerType().GetTypeFlags() & lldb.eTypeIsSigned) != 0
            rec['enums'] = [[m.GetName(), str(m.GetValueAsSigned() if signed else m.GetValueAsUnsigned())] for m in t.get_enum_members_array()]
        else:
            fields = []
            for f in t.get_fields_array():
                ft = f.GetType().GetCanonicalType()
                dims = ''.join(re.findall(r'\[\d*\]', ft.GetName())) if ft.IsArrayType() else None
                fields.append([f.GetName() or '', f.GetOffsetInBits(), f.GetBitfieldSizeInBits(), dims])
            rec['fields'] = fields
            rec['bases'] = [[b.GetType().GetName(), b.GetOffsetInBytes()] for b in t.get_bases_array()]
        print('@@LAYOUT ' + json.dumps(rec))
print('@@DONE')
`;

/** Whether lldb-19 runs and has its Python scripting (Debian: python3-lldb-19, a dependency of lldb-19). */
export function lldbPythonMissing(): string | undefined {
  const pinned = findTool(TOOLS.lldb19);
  if (pinned.missing) return pinned.missing;
  if (pinned.bin !== LLDB) return `${LLDB} not installed (found ${pinned.bin})`;
  const r = spawnSync(LLDB, ['-b', '--no-lldbinit', '-o', 'script print("@@PY", 6*7)'], { encoding: 'utf8', timeout: 30_000 });
  if (r.error || r.status !== 0) return `${LLDB} does not run`;
  if (!/@@PY 42/.test(r.stdout ?? '')) return `${LLDB} Python scripting (python3-lldb-19) not installed`;
  return undefined;
}

/** All layouts of the user compile units' types, as LLDB sees them (one lldb process). */
export function lldbLayouts(wasm: string): Layout[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lldb-layout-'));
  try {
    const script = path.join(dir, 'layouts.py');
    fs.writeFileSync(script, `CU_PATTERN = ${JSON.stringify(USER_CU.source)}\n${SCRIPT}`);
    const r = spawnSync(LLDB, ['-b', '--no-lldbinit', wasm, '-o', `command script import ${script}`],
      { encoding: 'utf8', timeout: 120_000, maxBuffer: 256 << 20 });
    const out = r.stdout ?? '';
    if (!out.includes('@@DONE')) throw new Error(`${LLDB} failed on ${wasm}: ${r.error?.message ?? ''}\n${out.slice(-2000)}\n${(r.stderr ?? '').slice(-2000)}`);
    return out.split('\n').filter((l) => l.startsWith('@@LAYOUT ')).map((l) => JSON.parse(l.slice(9)) as Layout);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const COMPOSITE = new Set([C.DW_TAG_structure_type, C.DW_TAG_class_type, C.DW_TAG_union_type, C.DW_TAG_enumeration_type]);
const SCOPES = new Set([C.DW_TAG_namespace, C.DW_TAG_structure_type, C.DW_TAG_class_type, C.DW_TAG_union_type, C.DW_TAG_enumeration_type]);

/** The name LLDB gives a type DIE: enclosing namespaces and types joined by `::`. */
function scopedName(d: Die): string {
  const parts = [d.name ?? anonymous(d)];
  for (let p = d.parent; p && SCOPES.has(p.tag); p = p.parent) parts.unshift(p.name ?? anonymous(p));
  return parts.join('::');
}

function anonymous(d: Die): string {
  if (d.tag === C.DW_TAG_namespace) return '(anonymous namespace)';
  return `(unnamed ${d.tag === C.DW_TAG_enumeration_type ? 'enum' : d.tag === C.DW_TAG_union_type ? 'union' : d.tag === C.DW_TAG_class_type ? 'class' : 'struct'})`;
}

/** Array dimensions of a member's type (typedefs and qualifiers stripped), as C writes them. */
function dims(t: Type): string | null {
  let s = strip(t);
  if (s.kind !== 'array') return null;
  let out = '';
  for (let k = 0; k < 16 && s.kind === 'array'; k++) {
    // LLDB makes a zero-length array (`char __padding_[0]`) an incomplete one (`char[]`): both print as `[]`
    out += s.counts.map((c) => `[${c || ''}]`).join('');
    s = strip(s.element);
  }
  return out;
}

/**
 * The same records from our DWARF reader and TypeBuilder, for the definitions in the user compile units;
 * declarations (DW_AT_declaration) appear as records of class 'declaration' with nothing else.
 */
export function ourLayouts(dwarf: Dwarf): Layout[] {
  const tb = new TypeBuilder();
  const out: Layout[] = [];
  for (const u of dwarf.units()) {
    const cu = (u.name ?? '').split('/').pop() ?? '';
    if (!USER_CU.test(cu)) continue;
    for (const d of u.parseTree()) {
      if (!COMPOSITE.has(d.tag)) continue;
      if (d.flag(C.DW_AT_declaration)) { out.push({ cu, name: scopedName(d), cls: 'declaration', size: null }); continue; }
      const t = tb.fromDie(d);
      if (t.kind === 'enum') {
        out.push({ cu, name: scopedName(d), cls: 'enum', size: t.size ?? null, enums: t.enumerators.map((e) => [e.name, e.value.toString()]) });
      } else if (t.kind === 'composite') {
        // LLDB leaves out the artificial vtable pointer (`_vptr$Shape`): clang's AST it builds has its own
        const fields: Array<[string, number, number, string | null]> = t.members.filter((m) => !m.isBase && !(m.artificial && m.name?.startsWith('_vptr')))
          .map((m) => [m.name ?? '', m.bitOffset ?? (m.byteOffset ?? NaN) * 8, m.bitSize ?? 0, dims(m.type)]);
        // LLDB models a Rust DW_TAG_variant_part as one member `$variants$` at offset 0 (after the struct's own members)
        if (t.variantPart) fields.push(['$variants$', 0, 0, null]);
        const bases: Array<[string, number]> = t.members.filter((m) => m.isBase).map((m) => [m.type.name, m.byteOffset ?? NaN]);
        out.push({ cu, name: scopedName(d), cls: t.tag, size: t.size ?? null, fields, bases });
      } else {
        out.push({ cu, name: scopedName(d), cls: `not built: ${t.kind} ${t.kind === 'unknown' ? t.reason : ''}`, size: null });
      }
    }
  }
  return out;
}

/** Remove template/generic argument lists (`Vec<T, A>` → `Vec`): LLDB rebuilds them in its own spelling. */
export function stripArgs(name: string): string {
  let out = '';
  let depth = 0;
  for (let i = 0; i < name.length; i++) {
    const ch = name[i];
    // `operator<`-style names do not occur in type names; `->` does not either
    if (ch === '<') depth++;
    else if (ch === '>' && depth > 0) depth--;
    else if (depth === 0) out += ch;
  }
  return out.replace(/\s+/g, ' ').trim();
}
