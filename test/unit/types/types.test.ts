import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as C from '../../../src/dwarf/constants';
import { TypeBuilder } from '../../../src/types/build';
import { CompositeType, ArrayType, EnumType, Type, strip } from '../../../src/types/model';
import { findTypeDie } from '../../../src/types/lookup';
import { valueAt, ValueContext } from '../../../src/values/value';
import { formatValue } from '../../../src/values/format';
import { childrenOf } from '../../../src/values/children';
import { buildDwarf, DieDef } from './dies';

const T = (tag: number, label: string, attrs: DieDef['attrs'] = [], children?: DieDef[]): DieDef => ({ tag, label, attrs, children });
const name = (s: string): [number, { str: string }] => [C.DW_AT_name, { str: s }];
const type = (l: string): [number, { ref: string }] => [C.DW_AT_type, { ref: l }];
const size = (n: number): [number, { u: number }] => [C.DW_AT_byte_size, { u: n }];
const member = (n: string, t: string, off: number, extra: DieDef['attrs'] = []): DieDef => ({ tag: C.DW_TAG_member, attrs: [name(n), type(t), [C.DW_AT_data_member_location, { u: off }], ...extra] });

const cu = (children: DieDef[]): DieDef => ({ tag: C.DW_TAG_compile_unit, attrs: [name('t.c')], children });

function types(root: DieDef, lang?: number): { get(label: string): Type } {
  const dw = buildDwarf(root, lang);
  const tb = new TypeBuilder();
  const u = dw.units()[0];
  const all = u.parseTree();
  return {
    get(label: string): Type {
      // labels are assigned to DIEs in order; find by name or by index in the tree
      const d = all.find((x) => x.name === label);
      if (!d) throw new Error(`no DIE named ${label}`);
      return tb.fromDie(d);
    },
  };
}

const base = (n: string, enc: number, sz: number) => T(C.DW_TAG_base_type, n, [name(n), [C.DW_AT_encoding, { d1: enc }], size(sz)]);

test('base types, pointers, references, typedefs, qualifiers, function types', () => {
  const w = types(cu([
    base('int', C.DW_ATE_signed, 4), base('char', C.DW_ATE_signed_char, 1), base('__int128', C.DW_ATE_signed, 16),
    T(C.DW_TAG_pointer_type, 'pint', [type('int')]),
    T(C.DW_TAG_const_type, 'cchar', [type('char')]),
    T(C.DW_TAG_pointer_type, 'pcchar', [type('cchar')]),
    T(C.DW_TAG_typedef, 'string_t', [name('string_t'), type('pcchar')]),
    T(C.DW_TAG_reference_type, 'rint', [type('int')]),
    T(C.DW_TAG_rvalue_reference_type, 'rrint', [type('int')]),
    T(C.DW_TAG_volatile_type, 'vint', [type('int')]),
    T(C.DW_TAG_subroutine_type, 'fn', [type('int')], [{ tag: C.DW_TAG_formal_parameter, attrs: [type('pint')] }, { tag: C.DW_TAG_unspecified_parameters }]),
    T(C.DW_TAG_pointer_type, 'pfn', [type('fn')]),
    T(C.DW_TAG_typedef, 'cb_t', [name('cb_t'), type('pfn')]),
    T(C.DW_TAG_pointer_type, 'pvoid', []),
  ]));
  assert.equal(w.get('__int128').size, 16);
  const td = w.get('string_t');
  assert.equal(td.kind, 'typedef');
  const p = strip(td);
  assert.equal(p.kind === 'pointer' && p.target.name, 'const char');
  assert.equal(p.name, 'const char *');
  const cb = strip(w.get('cb_t'));
  assert.equal(cb.name, 'int (*)(int *, ...)');
});

test('struct members, DWARF 4 bit fields (bit_offset from the MSB) and DWARF 5 data_bit_offset agree', () => {
  const bits4 = (n: string, bs: number, bo: number): DieDef => member(n, 'unsigned int', 0, [[C.DW_AT_byte_size, { u: 4 }], [C.DW_AT_bit_size, { u: bs }], [C.DW_AT_bit_offset, { u: bo }]]);
  const bits5 = (n: string, bs: number, dbo: number): DieDef => ({ tag: C.DW_TAG_member, attrs: [name(n), type('unsigned int'), [C.DW_AT_bit_size, { u: bs }], [C.DW_AT_data_bit_offset, { u: dbo }]] });
  const w = types(cu([
    base('unsigned int', C.DW_ATE_unsigned, 4),
    T(C.DW_TAG_structure_type, 'B4', [name('B4'), size(4)], [bits4('a', 1, 31), bits4('b', 3, 28), bits4('c', 12, 16)]),
    T(C.DW_TAG_structure_type, 'B5', [name('B5'), size(4)], [bits5('a', 1, 0), bits5('b', 3, 1), bits5('c', 12, 4)]),
    T(C.DW_TAG_structure_type, 'P', [name('P'), size(8)], [
      member('x', 'unsigned int', 0),
      { tag: C.DW_TAG_member, attrs: [name('y'), type('unsigned int'), [C.DW_AT_data_member_location, { expr: [0x23, 4] }]] },
    ]),
  ]));
  const b4 = w.get('B4') as CompositeType, b5 = w.get('B5') as CompositeType;
  assert.deepEqual(b4.members.map((m) => [m.name, m.bitOffset, m.bitSize]), [['a', 0, 1], ['b', 1, 3], ['c', 4, 12]]);
  assert.deepEqual(b5.members.map((m) => [m.name, m.bitOffset, m.bitSize]), [['a', 0, 1], ['b', 1, 3], ['c', 4, 12]]);
  assert.deepEqual((w.get('P') as CompositeType).members.map((m) => m.byteOffset), [0, 4]);
  assert.equal(b4.name, 'struct B4');
});

test('arrays: count, upper/lower bounds, unknown bounds, several dimensions', () => {
  const sub = (attrs: DieDef['attrs']): DieDef => ({ tag: C.DW_TAG_subrange_type, attrs });
  const w = types(cu([
    base('int', C.DW_ATE_signed, 4),
    T(C.DW_TAG_array_type, 'a', [name('a'), type('int')], [sub([[C.DW_AT_count, { u: 4 }]])]),
    T(C.DW_TAG_array_type, 'b', [name('b'), type('int')], [sub([[C.DW_AT_upper_bound, { u: 2 }]]), sub([[C.DW_AT_lower_bound, { u: 1 }], [C.DW_AT_upper_bound, { u: 4 }]])]),
    T(C.DW_TAG_array_type, 'c', [name('c'), type('int')], [sub([])]),
    T(C.DW_TAG_array_type, 'd', [name('d'), type('int')], [sub([[C.DW_AT_upper_bound, { expr: [0x30] }]])]),
  ]));
  const a = w.get('a') as ArrayType, b = w.get('b') as ArrayType, c = w.get('c') as ArrayType, d = w.get('d') as ArrayType;
  assert.deepEqual([a.counts, a.size], [[4], 16]);
  assert.deepEqual([b.counts, b.size, b.name], [[3, 4], 48, 'int[3][4]']);
  assert.deepEqual([c.counts, c.size, c.name], [[undefined], undefined, 'int[]']);
  assert.deepEqual(d.counts, [undefined]);
});

test('enums: signed values sign-extended from fixed forms, flag enums shown as A | B', () => {
  const en = (n: string, v: number): DieDef => ({ tag: C.DW_TAG_enumerator, attrs: [name(n), [C.DW_AT_const_value, { d1: v }]] });
  const w = types(cu([
    base('int', C.DW_ATE_signed, 4),
    T(C.DW_TAG_enumeration_type, 'S', [name('S'), type('int'), size(4)], [en('NEG', 0xff), en('ZERO', 0)]),
    T(C.DW_TAG_enumeration_type, 'F', [name('F'), size(4)], [en('R', 1), en('W', 2), en('X', 4)]),
  ]));
  const s = w.get('S') as EnumType;
  assert.deepEqual(s.enumerators.map((e) => e.value), [-1n, 0n]);
  assert.equal(s.signed, true);
  const mem = new Uint8Array(16);
  new DataView(mem.buffer).setInt32(0, -1, true);
  new DataView(mem.buffer).setInt32(4, 5, true);
  new DataView(mem.buffer).setInt32(8, 9, true);
  const ctx = fakeCtx(mem);
  assert.equal(formatValue(valueAt(s, 0, ctx)), 'NEG');
  assert.equal(formatValue(valueAt(w.get('F'), 4, ctx)), 'R | X');
  assert.equal(formatValue(valueAt(w.get('F'), 8, ctx)), 'R | 8');
});

function fakeCtx(mem: Uint8Array): ValueContext {
  return {
    addressSize: 4, memoryIndex: 0, local: () => undefined, global: () => undefined, operand: () => undefined,
    readMemory: (a, n) => (a + n <= mem.length ? { bytes: mem.slice(a, a + n) } : { unreadable: 'past end' }),
  };
}

test('Rust enums: variant parts with discriminant values, niche layout with a default variant', () => {
  // enum Opt { None, Some(&u32) } with the null-pointer niche: discriminant = the pointer itself, 0 = None, default = Some
  const w = types(cu([
    base('u32', C.DW_ATE_unsigned, 4),
    T(C.DW_TAG_pointer_type, 'pu32', [name('&u32'), type('u32')]),
    T(C.DW_TAG_structure_type, 'None', [name('None'), size(4)], []),
    T(C.DW_TAG_structure_type, 'Some', [name('Some'), size(4)], [member('__0', 'pu32', 0)]),
    T(C.DW_TAG_structure_type, 'Opt', [name('Option<&u32>'), size(4)], [
      { tag: C.DW_TAG_variant_part, attrs: [[C.DW_AT_discr, { ref: 'disc' }]], children: [
        { tag: C.DW_TAG_member, label: 'disc', attrs: [type('u32'), [C.DW_AT_data_member_location, { u: 0 }], [C.DW_AT_artificial, { flag: true }]] },
        { tag: C.DW_TAG_variant, attrs: [[C.DW_AT_discr_value, { u: 0 }]], children: [member('None', 'None', 0)] },
        { tag: C.DW_TAG_variant, children: [member('Some', 'Some', 0)] },
      ] },
    ]),
    T(C.DW_TAG_structure_type, 'Tri', [name('Tri'), size(8)], [
      { tag: C.DW_TAG_variant_part, attrs: [[C.DW_AT_discr, { ref: 'tdisc' }]], children: [
        { tag: C.DW_TAG_member, label: 'tdisc', attrs: [type('u32'), [C.DW_AT_data_member_location, { u: 0 }]] },
        { tag: C.DW_TAG_variant, attrs: [[C.DW_AT_discr_value, { u: 0 }]], children: [member('A', 'None', 0)] },
        { tag: C.DW_TAG_variant, attrs: [[C.DW_AT_discr_list, { block: [1, 1, 3] }]], children: [member('BC', 'None', 0)] },
      ] },
    ]),
  ]), C.DW_LANG_Rust);
  const mem = new Uint8Array(64);
  const dv = new DataView(mem.buffer);
  dv.setUint32(0, 0, true); // None
  dv.setUint32(4, 32, true); dv.setUint32(32, 77, true); // Some(&77)
  dv.setUint32(8, 2, true); dv.setUint32(12, 9, true);
  const ctx = fakeCtx(mem);
  const opt = w.get('Option<&u32>');
  assert.equal(formatValue(valueAt(opt, 0, ctx)), 'None');
  assert.equal(formatValue(valueAt(opt, 4, ctx)), 'Some(0x00000020)');
  const kids = childrenOf(valueAt(opt, 4, ctx)).get(0, 10);
  assert.deepEqual(kids.map((k) => [k.name, formatValue(k.value)]), [['__0', '0x00000020']]);
  const tri = w.get('Tri');
  assert.equal(formatValue(valueAt(tri, 8, ctx)), 'BC');
  assert.match(formatValue(valueAt(tri, 12, ctx)), /discriminant 9 matches no variant/);
});

test('recursive types, type lookup by written name, declarations vs definitions', () => {
  const dw = buildDwarf(cu([
    base('int', C.DW_ATE_signed, 4),
    T(C.DW_TAG_structure_type, 'NodeDecl', [name('Node'), [C.DW_AT_declaration, { flag: true }]]),
    T(C.DW_TAG_structure_type, 'Node', [name('Node'), size(8)], [member('v', 'int', 0), member('next', 'pnode', 4)]),
    T(C.DW_TAG_pointer_type, 'pnode', [type('Node')]),
    T(C.DW_TAG_typedef, 'node_t', [name('node_t'), type('Node')]),
  ]));
  const tb = new TypeBuilder();
  const d = findTypeDie(dw, 'struct Node');
  assert.ok(d);
  const node = tb.fromDie(d) as CompositeType;
  assert.equal(node.incomplete, false);
  const next = strip(node.members[1].type);
  assert.equal(next.kind === 'pointer' && next.target, node); // cached: the same object
  assert.equal(next.name, 'struct Node *');
  assert.equal(findTypeDie(dw, 'union Node'), undefined);
  assert.ok(findTypeDie(dw, 'node_t'));
  assert.ok(findTypeDie(dw, 'int'));
  assert.equal(findTypeDie(dw, 'nope'), undefined);
});
