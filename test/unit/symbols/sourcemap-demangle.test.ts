import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SourcePathMap, missingSources } from '../../../src/symbols/sourcemap';
import { demangle, stripRustHash } from '../../../src/symbols/demangle';
import { displaySymbol, stripParams } from '../../../src/symbols/names';

test('source map: longest prefix wins, whole path components only', () => {
  const m = SourcePathMap.parse(['/src=/home/me/proj', '/src/vendor=/opt/vendor', 'C:\\build=/mnt/build']);
  assert.equal(m.map('/src/prog.c'), '/home/me/proj/prog.c');
  assert.equal(m.map('/src/vendor/lib.c'), '/opt/vendor/lib.c');
  assert.equal(m.map('/srcx/prog.c'), '/srcx/prog.c');
  assert.equal(m.map('C:\\build\\a\\b.c'), '/mnt/build/a/b.c');
  assert.equal(m.map('/other/x.c'), '/other/x.c');
  assert.throws(() => SourcePathMap.parse(['nonsense']));
});

test('missing sources are reported once each, after mapping', () => {
  const m = SourcePathMap.parse(['/src=/local']);
  const have = new Set(['/local/a.c']);
  assert.deepEqual(missingSources(['/src/a.c', '/src/b.c', '/src/b.c', '/x/c.c'], m, (p) => have.has(p)),
    [{ path: '/src/b.c', mapped: '/local/b.c' }, { path: '/x/c.c', mapped: '/x/c.c' }]);
});

test('Itanium C++ demangling', () => {
  const cases: Array<[string, string]> = [
    ['_ZN4Calc3addEii', 'Calc::add(int, int)'],
    ['_ZN6orders5checkEPKc', 'orders::check(char const*)'],
    ['_Z3fooiPKc', 'foo(int, char const*)'],
    ['_ZNSt3__16vectorIiNS_9allocatorIiEEE9push_backERKi', 'std::__1::vector<int, std::__1::allocator<int>>::push_back(int const&)'],
    ['_ZN1A1BC2Ev', 'A::B::B()'],
    ['_ZN1AD1Ev', 'A::~A()'],
    ['_ZNK3Foo3barEv', 'Foo::bar() const'],
    ['_ZL8helper_fv', 'helper_f()'],
    ['_Z1fIiEvT_', 'f<int>(int)'],
    ['_ZN12_GLOBAL__N_13fooEv', '(anonymous namespace)::foo()'],
    ['_ZplRK1AS1_', 'operator+(A const&, A const&)'],
  ];
  for (const [m, d] of cases) assert.equal(demangle(m), d, m);
  assert.equal(demangle('main'), undefined);
  assert.equal(demangle('_Z'), undefined);
});

test('Rust legacy and v0 demangling', () => {
  assert.equal(demangle('_ZN12count_vowels12count_vowels17h0123456789abcdefE'), 'count_vowels::count_vowels::h0123456789abcdef');
  assert.equal(stripRustHash(demangle('_ZN42_$LT$$RF$T$u20$as$u20$core..fmt..Debug$GT$3fmt17hb6b2657026c553b6E')!), '<&T as core::fmt::Debug>::fmt');
  assert.equal(demangle('_RNvCs1234_7mycrate3foo'), 'mycrate::foo');
  assert.equal(demangle('_RNvNtCs1234_7mycrate6module3bar'), 'mycrate::module::bar');
  assert.equal(demangle('_RNCNvCs1234_7mycrate4main0B3_'), 'mycrate::main::{closure#0}');
  assert.equal(demangle('_RINvCs1234_7mycrate3foolEB2_'), 'mycrate::foo::<i32>');
  assert.equal(demangle('_RNvMCs1234_7mycrateNtB2_4Calc3add'), '<mycrate::Calc>::add');
});

test('display names drop C++ parameter lists and Rust hashes', () => {
  assert.equal(displaySymbol('_ZN4Calc3addEii'), 'Calc::add');
  assert.equal(displaySymbol('_ZNK3Foo3barEv'), 'Foo::bar');
  assert.equal(displaySymbol('_ZN12count_vowels12count_vowels17h0123456789abcdefE'), 'count_vowels::count_vowels');
  assert.equal(displaySymbol('plain_c'), 'plain_c');
  assert.equal(stripParams('operator()'), 'operator()');
});
