/**
 * Recursive-descent parser with C precedence for the expression subset
 * users type in gdb/lldb. Casts need to know which names are types: the
 * caller passes `isType` (the program's type names).
 */
import { EvalError } from './errors';
import { Token, tokenize } from './lexer';

export type Expr =
  | { k: 'int'; value: bigint; unsigned: boolean; long: boolean; pos: number }
  | { k: 'float'; value: number; f32: boolean; pos: number }
  | { k: 'char'; value: number; pos: number }
  | { k: 'name'; name: string; pos: number }
  | { k: 'wasm'; name: string; pos: number }
  | { k: 'member'; obj: Expr; name: string; arrow: boolean; pos: number }
  | { k: 'index'; obj: Expr; index: Expr; pos: number }
  | { k: 'unary'; op: '-' | '+' | '!' | '~' | '*' | '&'; e: Expr; pos: number }
  | { k: 'binary'; op: string; l: Expr; r: Expr; pos: number }
  | { k: 'cond'; c: Expr; t: Expr; f: Expr; pos: number }
  | { k: 'cast'; type: TypeName; e: Expr; pos: number }
  | { k: 'sizeof'; type?: TypeName; e?: Expr; pos: number };

/** A type as written: a base name plus pointer levels (`struct Item **` → base 'struct Item', pointers 2). */
export interface TypeName { base: string; pointers: number; pos: number }

const BINARY: Array<string[]> = [
  ['||'], ['&&'], ['|'], ['^'], ['&'], ['==', '!='], ['<', '<=', '>', '>='], ['<<', '>>'], ['+', '-'], ['*', '/', '%'],
];

const TYPE_KEYWORDS = new Set(['struct', 'union', 'enum', 'class', 'const', 'volatile', 'unsigned', 'signed',
  'int', 'char', 'short', 'long', 'float', 'double', 'void', 'bool', '_Bool']);

export function parseExpression(src: string, isType: (name: string) => boolean = () => false): Expr {
  const p = new Parser(tokenize(src), isType);
  if (p.peek().t === 'eof') throw new EvalError('empty expression', 0);
  const e = p.conditional();
  const t = p.peek();
  if (t.t !== 'eof') throw new EvalError(`unexpected \`${t.text}\``, t.pos);
  return e;
}

class Parser {
  private i = 0;
  constructor(private readonly toks: Token[], private readonly isType: (name: string) => boolean) {}

  peek(o = 0): Token { return this.toks[Math.min(this.i + o, this.toks.length - 1)]; }
  next(): Token { return this.toks[this.i < this.toks.length - 1 ? this.i++ : this.i]; }
  isP(text: string, o = 0): boolean { const t = this.peek(o); return t.t === 'punct' && t.text === text; }
  expect(text: string): Token {
    const t = this.peek();
    if (!(t.t === 'punct' && t.text === text)) throw new EvalError(t.t === 'eof' ? `expected \`${text}\` at end of expression` : `expected \`${text}\`, found \`${t.text}\``, t.pos);
    return this.next();
  }

  conditional(): Expr {
    const c = this.binary(0);
    if (!this.isP('?')) return c;
    const pos = this.next().pos;
    const t = this.conditional();
    this.expect(':');
    const f = this.conditional();
    return { k: 'cond', c, t, f, pos };
  }

  binary(level: number): Expr {
    if (level >= BINARY.length) return this.unary();
    let l = this.binary(level + 1);
    for (;;) {
      const t = this.peek();
      if (t.t !== 'punct' || !BINARY[level].includes(t.text)) return l;
      this.next();
      const r = this.binary(level + 1);
      l = { k: 'binary', op: t.text, l, r, pos: t.pos };
    }
  }

  unary(): Expr {
    const t = this.peek();
    if (t.t === 'punct' && ['-', '+', '!', '~', '*', '&'].includes(t.text)) {
      this.next();
      return { k: 'unary', op: t.text as '-', e: this.unary(), pos: t.pos };
    }
    if (t.t === 'ident' && t.text === 'sizeof') {
      this.next();
      if (this.isP('(')) {
        const ty = this.tryTypeInParens();
        if (ty) return { k: 'sizeof', type: ty, pos: t.pos };
      }
      return { k: 'sizeof', e: this.unary(), pos: t.pos };
    }
    if (this.isP('(')) {
      const ty = this.tryTypeInParens();
      if (ty) return { k: 'cast', type: ty, e: this.unary(), pos: t.pos };
    }
    return this.postfix(this.primary());
  }

  /** At `(`: if the parenthesised tokens spell a type, consume them and return it. */
  tryTypeInParens(): TypeName | undefined {
    const open = this.peek();
    let j = 1, depth = 0;
    const parts: Token[] = [];
    for (;;) {
      const t = this.peek(j);
      if (t.t === 'eof') return undefined;
      if (t.t === 'punct' && (t.text === '<' || t.text === '(' || t.text === '[')) depth++;
      if (t.t === 'punct' && (t.text === '>' || t.text === ']')) depth--;
      if (t.t === 'punct' && t.text === ')') { if (depth === 0) break; depth--; }
      if (t.t === 'punct' && t.text === '>>') depth -= 2;
      parts.push(t); j++;
    }
    if (parts.length === 0 || parts[0].t !== 'ident') return undefined;
    let pointers = 0;
    let end = parts.length;
    while (end > 0 && parts[end - 1].t === 'punct' && (parts[end - 1].text === '*' || parts[end - 1].text === '&')) {
      if (parts[end - 1].text === '*') pointers++;
      end--;
    }
    if (end === 0) return undefined;
    const base = joinTypeTokens(parts.slice(0, end));
    const keyword = TYPE_KEYWORDS.has(parts[0].text);
    if (!keyword && !this.isType(base)) return undefined;
    this.i += j + 1;
    return { base, pointers, pos: open.pos + 1 };
  }

  postfix(e: Expr): Expr {
    for (;;) {
      const t = this.peek();
      if (t.t !== 'punct') return e;
      if (t.text === '.' || t.text === '->') {
        this.next();
        const n = this.peek();
        if (n.t !== 'ident') throw new EvalError(`expected a member name after \`${t.text}\``, n.pos);
        this.next();
        const name = n.text;
        e = { k: 'member', obj: e, name, arrow: t.text === '->', pos: t.pos };
      } else if (t.text === '[') {
        this.next();
        const index = this.conditional();
        this.expect(']');
        e = { k: 'index', obj: e, index, pos: t.pos };
      } else return e;
    }
  }

  primary(): Expr {
    const t = this.next();
    switch (t.t) {
      case 'num':
        if (t.float !== undefined) return { k: 'float', value: t.float, f32: t.isFloat32, pos: t.pos };
        return { k: 'int', value: t.int!, unsigned: t.unsigned, long: t.long, pos: t.pos };
      case 'char': return { k: 'char', value: t.value, pos: t.pos };
      case 'wasm': return { k: 'wasm', name: t.text, pos: t.pos };
      case 'ident': {
        let name = t.text;
        while (this.isP('::') && this.peek(1).t === 'ident') { this.next(); name += '::' + this.next().text; }
        if (name === 'true' || name === 'false') return { k: 'int', value: name === 'true' ? 1n : 0n, unsigned: false, long: false, pos: t.pos };
        return { k: 'name', name, pos: t.pos };
      }
      case 'punct':
        if (t.text === '::' && this.peek().t === 'ident') return this.primary();
        if (t.text === '(') { const e = this.conditional(); this.expect(')'); return e; }
        throw new EvalError(`unexpected \`${t.text}\``, t.pos);
      case 'eof': throw new EvalError('unexpected end of expression', t.pos);
    }
  }
}

function joinTypeTokens(ts: Token[]): string {
  let s = '';
  for (const t of ts) {
    const word = t.t === 'ident' || t.t === 'num';
    if (s && word && /[A-Za-z0-9_]$/.test(s)) s += ' ';
    s += t.text;
    if (t.t === 'punct' && t.text === ',') s += ' ';
  }
  return s;
}
