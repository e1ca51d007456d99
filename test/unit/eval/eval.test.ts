import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateExpression } from '../../../src/eval/evaluate';
import { parseExpression } from '../../../src/eval/parser';
import { tokenize } from '../../../src/eval/lexer';
import { EvalError } from '../../../src/eval/errors';
import { formatValue } from '../../../src/values/format';
import { toVariable } from '../../../src/values/variable';
import { env } from './world';

const show = (e: string, hex = false) => formatValue(evaluateExpression(e, env), { hex });
function fails(e: string, re: RegExp, col?: number): void {
  assert.throws(() => evaluateExpression(e, env), (err: unknown) => {
    assert.ok(err instanceof EvalError, `expected EvalError for ${e}, got ${String(err)}`);
    assert.match(err.reason, re);
    if (col !== undefined) assert.equal(err.position, col, `position for ${e}`);
    return true;
  });
}

test('lexer: numbers with bases and suffixes, chars, punctuation, $names', () => {
  const t = tokenize("0x1F 017 0b101 10u 5ULL 1.5 2.5f 1e3 'a' '\\n' $local3 a->b <= ");
  assert.deepEqual(t.filter((x) => x.t === 'num').map((x) => (x as { int?: bigint; float?: number }).int ?? (x as { float?: number }).float), [31n, 15n, 5n, 10n, 5n, 1.5, 2.5, 1000]);
  assert.deepEqual(t.filter((x) => x.t === 'char').map((x) => (x as { value: number }).value), [97, 10]);
  assert.ok(t.some((x) => x.t === 'wasm' && x.text === '$local3'));
  assert.ok(t.some((x) => x.t === 'punct' && x.text === '->'));
  assert.throws(() => tokenize('0x'), EvalError);
  assert.throws(() => tokenize('12abc'), /bad suffix/);
  assert.throws(() => tokenize('1.5u'), /bad suffix/);
  assert.throws(() => tokenize('09'), /octal/);
  assert.throws(() => tokenize("'ab'"), /unterminated/);
  assert.throws(() => tokenize('a @ b'), /unexpected character `@`/);
  assert.throws(() => tokenize('$'), /expected a name/);
  assert.throws(() => tokenize('0x1ffffffffffffffff'), /64 bits/);
});

test('parser: precedence and associativity', () => {
  const p = (s: string) => JSON.stringify(parseExpression(s), (k, v) => (k === 'pos' ? undefined : typeof v === 'bigint' ? Number(v) : v));
  assert.equal(p('1+2*3'), p('1+(2*3)'));
  assert.equal(p('1-2-3'), p('(1-2)-3'));
  assert.equal(p('a||b&&c'), p('a||(b&&c)'));
  assert.equal(p('*a.b'), p('*(a.b)'));
  assert.equal(p('-a[1]'), p('-(a[1])'));
  assert.equal(p('a<b==c<d'), p('(a<b)==(c<d)'));
  assert.equal(p('a&b|c^d'), p('(a&b)|(c^d)'));
  assert.equal(p('1<<2+3'), p('1<<(2+3)'));
  assert.equal(p('a?b:c?d:e'), p('a?b:(c?d:e)'));
  assert.throws(() => parseExpression(''), /empty expression/);
  assert.throws(() => parseExpression('(1+2'), /expected `\)`/);
  assert.throws(() => parseExpression('1 2'), /unexpected `2`/);
  assert.throws(() => parseExpression('a.'), /member name/);
  assert.throws(() => parseExpression('a[1'), /expected `\]`/);
  assert.throws(() => parseExpression('1 +'), /unexpected end/);
});

test('names, members, pointers, arrays', () => {
  assert.equal(show('a.id'), '7');
  assert.equal(show('it->id'), '7');
  assert.equal(show('(*it).price'), '3.25');
  assert.equal(show('it->label'), '0x00000400 "apple"');
  assert.equal(show('it->next->label'), '0x00000408 "pear"');
  assert.equal(show('it->next->next'), '0x00000000');
  assert.equal(show('it->label[1]'), "112 'p'");
  assert.equal(show('*it->label'), "97 'a'");
  assert.equal(show('grid[1][2]'), '12');
  assert.equal(show('grid[1]'), '[3] {10, 11, 12}');
  assert.equal(show('*grid[1]'), '10');
  assert.equal(show('name'), '"abc"');
  assert.equal(show('&a'), '0x00000100');
  assert.equal(show('&a.price'), '0x00000108');
  assert.equal(show('*&a.id'), '7');
  assert.equal(show('it[0].id'), '7');
  assert.equal(show('a.next'), '0x00000200');
  assert.equal(show('a.next->price'), '0.1');
  assert.equal(show('$global0'), '32768');
});

test('scalars: bit fields, enums, flags, floats, bools, hex', () => {
  assert.equal(show('b.lo'), '5');
  assert.equal(show('b.mid'), '-3');
  assert.equal(show('b.hi'), '2748');
  assert.equal(show('b.hi', true), '0x00000abc');
  assert.equal(show('col'), 'GREEN');
  assert.equal(show('fl'), 'F_A | F_C');
  assert.equal(show('f'), '0.1');
  assert.equal(show('ok'), 'true');
  assert.equal(show('gone'), '<unavailable: optimized out>');
  assert.match(show('((struct Item *)0xfff8)->price'), /^<unavailable: 0x10000 is past the end of memory>$/);
  assert.match(show('((struct Item *)0xfff8)->label'), /^<unavailable: 0x10008 is past the end/);
});

test('arithmetic, comparisons, logic, casts, sizeof', () => {
  assert.equal(show('1 + 2 * 3'), '7');
  assert.equal(show('7 / 2'), '3');
  assert.equal(show('-7 % 3'), '-1');
  assert.equal(show('1 << 4 | 1'), '17');
  assert.equal(show('0xff & ~0xf'), '240');
  assert.equal(show('5 ^ 1'), '4');
  assert.equal(show('256 >> 4'), '16');
  assert.equal(show('a.id * 2 + 1'), '15');
  assert.equal(show('a.price * 2'), '6.5');
  assert.equal(show('1.5f + 1'), '2.5');
  assert.equal(show('a.id == 7 && a.price > 3'), '1');
  assert.equal(show('a.id != 7 || 0'), '0');
  assert.equal(show('!a.id'), '0');
  assert.equal(show('a.id < 3 ? 10 : 20'), '20');
  assert.equal(show('1 <= 1'), '1');
  assert.equal(show('2 >= 3'), '0');
  assert.equal(show('-1 < 0'), '1');
  assert.equal(show('0u - 1'), '4294967295');
  assert.equal(show('2147483647 + 1'), '-2147483648');
  assert.equal(show('5000000000'), '5000000000');
  assert.equal(show("'a' + 1"), '98');
  assert.equal(show('sizeof(struct Item)'), '24');
  assert.equal(show('sizeof a'), '24');
  assert.equal(show('sizeof(int*)'), '4');
  assert.equal(show('(char)65'), "65 'A'");
  assert.equal(show('(int)3.9'), '3');
  assert.equal(show('(double)1 / 4'), '0.25');
  assert.equal(show('(struct Item *)0x200'), '0x00000200');
  assert.equal(show('((struct Item *)0x200)->id'), '8');
  assert.equal(show('(Item*)256 + 1'), '0x00000118');
  assert.equal(show('it->next - it'), '10');
  assert.equal(show('(struct Item)*it').startsWith('{id=7'), true);
  assert.equal(show('(enum Color)1'), 'GREEN');
  assert.equal(show('it->next == 0x200'), '1');
});

test('error paths name the position and reason', () => {
  fails('nope', /no variable `nope`/, 0);
  fails('a.nope', /no member `nope` in `struct Item`/, 1);
  fails('a->id', /`->` needs a pointer/, 1);
  fails('a.id.x', /has no members/, 4);
  fails('*a', /cannot dereference `struct Item`/, 0);
  fails('a[0]', /cannot index/, 1);
  fails('grid[5]', /out of range/, 4);
  fails('1 / 0', /division by zero/, 2);
  fails('1 % 0', /division by zero/);
  fails('1 << 99', /out of range/);
  fails('a + 1', /is not a number/, 0);
  fails('1.5 & 1', /integer operands/);
  fails('~1.5', /needs an integer/);
  fails('&gone', /unavailable: optimized out/);
  fails('&1', /not in memory/);
  fails('gone + 1', /value unavailable: optimized out/);
  fails('(struct Nope *)0', /no type named `struct Nope`/, 1);
  fails('sizeof(struct Nope)', /no type named `struct Nope`/);
  fails('$local9', /no Wasm local/, 0);
  fails('it - a.id * 1.5', /pointer offset is not an integer/);
  fails('1 - it', /cannot subtract a pointer/);
  fails('it + it', /cannot add two pointers/);
  fails('it->next->next->id', /null pointer/, 14);
  fails('*it->next->next', /null pointer/, 0);
});

test('variables: lazy children, paging, evaluate names, memory references', () => {
  const v = toVariable('a', evaluateExpression('a', env), 'a');
  assert.equal(v.type, 'struct Item');
  assert.deepEqual(v.memory, { memoryIndex: 0, addr: 0x100, size: 24 });
  assert.equal(v.namedCount, 4);
  const kids = v.children();
  assert.deepEqual(kids.map((k) => k.name), ['id', 'price', 'label', 'next']);
  assert.deepEqual(kids.map((k) => k.evaluateName), ['a.id', 'a.price', 'a.label', 'a.next']);
  const next = kids[3];
  assert.equal(next.hasChildren, true);
  const pointee = next.children()[0];
  assert.equal(pointee.name, '*');
  assert.equal(pointee.evaluateName, '*a.next');
  assert.equal(pointee.children()[0].value, '8');
  const g = toVariable('grid', evaluateExpression('grid', env), 'grid');
  assert.equal(g.indexedCount, 2);
  assert.equal(g.children(1, 1)[0].children(2, 1)[0].value, '12');
  assert.equal(g.children(1, 1)[0].children(2, 1)[0].evaluateName, 'grid[1][2]');
  const h = toVariable('huge', evaluateExpression('huge', env), 'huge');
  assert.equal(h.indexedCount, 1_000_000);
  const page = h.children(999_990, 100);
  assert.equal(page.length, 10);
  assert.equal(page[9].name, '[999999]');
  const nul = toVariable('n', evaluateExpression('it->next->next', env), 'n');
  assert.equal(nul.hasChildren, false);
});

test('char arrays: only the shown prefix is read, long text is capped', () => {
  const long = { kind: 'array' as const, element: { kind: 'base' as const, name: 'char', size: 1, encoding: 'signed-char' as const }, counts: [1_000_000], size: 1_000_000, name: 'char[1000000]' };
  let read = 0;
  const c = { ...env.ctx, readMemory: (a: number, n: number) => { read += n; return { bytes: new Uint8Array(n).fill(0x61) }; } };
  const s = formatValue({ type: long, loc: { kind: 'memory', addr: 0 }, ctx: c }, { stringCap: 10 });
  assert.equal(s, '"aaaaaaaaaa"...');
  assert.ok(read <= 11, `read ${read} bytes`);
});
