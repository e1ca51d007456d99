/**
 * The WAT TextMate grammar: every regex compiles, and a small single-line
 * tokenizer that follows TextMate's rule (earliest match wins, ties go to the
 * first rule) gives the expected scopes on real WAT (wasm2wat style).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

interface Rule { name?: string; match?: string; begin?: string; end?: string; include?: string; patterns?: Rule[] }
const grammar = JSON.parse(readFileSync('syntaxes/wat.tmLanguage.json', 'utf8')) as { scopeName: string; patterns: Rule[]; repository: Record<string, Rule> };

function flatten(rules: Rule[], seen = new Set<string>()): Rule[] {
  const out: Rule[] = [];
  for (const r of rules) {
    if (r.include) {
      const key = r.include.replace(/^#/, '');
      if (seen.has(key)) continue;
      const target = grammar.repository[key];
      assert.ok(target, `include ${r.include} has no repository entry`);
      out.push(...flatten(target.match || target.begin ? [target] : target.patterns ?? [], new Set([...seen, key])));
    } else out.push(r);
  }
  return out;
}

const rules = flatten(grammar.patterns);
const compiled = rules.map((r) => ({ rule: r, re: new RegExp(r.match ?? r.begin!, 'gu') }));

/** Tokens of one line as [text, scope] (unscoped text skipped); begin/end rules span to their end on the same line. */
function tokenize(line: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  let pos = 0;
  while (pos < line.length) {
    let best: { idx: number; len: number; rule: Rule } | undefined;
    for (const { rule, re } of compiled) {
      re.lastIndex = pos;
      const m = re.exec(line);
      if (m && m[0].length > 0 && (!best || m.index < best.idx)) best = { idx: m.index, len: m[0].length, rule };
    }
    if (!best) break;
    let end = best.idx + best.len;
    if (best.rule.begin) {
      const endRe = new RegExp(best.rule.end!, 'gu');
      endRe.lastIndex = end;
      const m = endRe.exec(line);
      end = m ? m.index + m[0].length : line.length;
    }
    out.push([line.slice(best.idx, end), best.rule.name ?? '']);
    pos = end;
  }
  return out.filter(([, s]) => s !== '' && !s.startsWith('punctuation.section.parens'));
}

const scopeOf = (line: string, text: string): string | undefined => tokenize(line).find(([t]) => t === text)?.[1];

test('every rule compiles and the repository has no dangling include', () => {
  assert.equal(grammar.scopeName, 'source.wat');
  assert.ok(rules.length >= 15);
  for (const r of Object.values(grammar.repository)) if (r.end) new RegExp(r.end, 'u');
});

test('module fields, types, instructions, ids and numbers get their scopes', () => {
  const line = '  (func $crash_now (type 1) (param i32 i64) (result f32) (local $p i32)';
  assert.equal(scopeOf(line, 'func'), 'storage.type.module-field.wat');
  assert.equal(scopeOf(line, '$crash_now'), 'variable.other.wat');
  assert.equal(scopeOf(line, 'i64'), 'storage.type.wat');
  assert.equal(scopeOf(line, '1'), 'constant.numeric.decimal.wat');
  const body = '    local.get $p i32.load offset=8 align=2 call $recurse i32.const -0x1F f64.const 1.5e+3 unreachable';
  assert.equal(scopeOf(body, 'local.get'), 'keyword.operator.variable.wat');
  assert.equal(scopeOf(body, 'i32.load'), 'keyword.operator.memory.wat');
  assert.equal(scopeOf(body, 'offset='), 'entity.other.attribute-name.wat');
  assert.equal(scopeOf(body, 'call'), 'keyword.control.wat');
  assert.equal(scopeOf(body, 'i32.const'), 'keyword.operator.numeric.wat');
  assert.equal(scopeOf(body, '-0x1F'), 'constant.numeric.hex.wat');
  assert.equal(scopeOf(body, '1.5e+3'), 'constant.numeric.decimal.wat');
  assert.equal(scopeOf(body, 'unreachable'), 'keyword.control.wat');
  assert.equal(scopeOf('f32.const nan:0x200000 f64.const -inf', 'nan:0x200000'), 'constant.numeric.float.wat');
});

test('strings and comments swallow what is inside them', () => {
  assert.deepEqual(tokenize('(data (i32.const 16) "a\\00(func) ;; x")'), [
    ['data', 'storage.type.module-field.wat'], ['i32.const', 'keyword.operator.numeric.wat'],
    ['16', 'constant.numeric.decimal.wat'], ['"a\\00(func) ;; x"', 'string.quoted.double.wat'],
  ]);
  assert.deepEqual(tokenize('i32.add ;; (func $x) 42'), [['i32.add', 'keyword.operator.numeric.wat'], [';; (func $x) 42', 'comment.line.double-semicolon.wat']]);
  assert.deepEqual(tokenize('(; block i32 ;) drop'), [['(; block i32 ;)', 'comment.block.wat'], ['drop', 'keyword.operator.variable.wat']]);
});

test('digits inside identifiers and instruction names are not numbers', () => {
  assert.equal(scopeOf('global.get $g2', '2'), undefined);
  assert.equal(scopeOf('i64.extend_i32_s', '32'), undefined);
  assert.equal(scopeOf('i64.extend_i32_s', 'i64.extend_i32_s'), 'keyword.operator.numeric.wat');
});
