/** Tokens of the gdb/lldb-style expression language. */
import { EvalError } from './errors';

export type Token =
  | { t: 'num'; text: string; pos: number; int?: bigint; float?: number; unsigned: boolean; long: boolean; isFloat32: boolean }
  | { t: 'char'; value: number; pos: number; text: string }
  | { t: 'ident'; text: string; pos: number }
  | { t: 'wasm'; text: string; pos: number }
  | { t: 'punct'; text: string; pos: number }
  | { t: 'eof'; pos: number; text: '' };

const PUNCT = ['->', '::', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||',
  '.', '[', ']', '(', ')', '*', '&', '+', '-', '!', '~', '/', '%', '<', '>', '^', '|', '?', ':', ','];

const ESC: Record<string, number> = { n: 10, t: 9, r: 13, '0': 0, '\\': 92, "'": 39, '"': 34, a: 7, b: 8, f: 12, v: 11 };

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) { i++; continue; }
    const start = i;
    const prev = out[out.length - 1];
    const afterDot = prev?.t === 'punct' && (prev.text === '.' || prev.text === '->');
    if (afterDot && /[0-9]/.test(c)) {
      // tuple field `t.0`: digits only
      while (i < src.length && /[0-9]/.test(src[i])) i++;
      out.push({ t: 'ident', text: src.slice(start, i), pos: start });
      continue;
    }
    const operandBefore = prev !== undefined && (prev.t === 'ident' || prev.t === 'wasm' || (prev.t === 'punct' && (prev.text === ')' || prev.text === ']')));
    if (/[0-9]/.test(c) || (c === '.' && !operandBefore && /[0-9]/.test(src[i + 1] ?? ''))) { out.push(number(src, start)); i = start + out[out.length - 1].text.length; continue; }
    if (/[A-Za-z_]/.test(c)) {
      while (i < src.length && /[A-Za-z0-9_]/.test(src[i])) i++;
      out.push({ t: 'ident', text: src.slice(start, i), pos: start });
      continue;
    }
    if (c === '$') {
      i++;
      while (i < src.length && /[A-Za-z0-9_.]/.test(src[i])) i++;
      if (i === start + 1) throw new EvalError('expected a name after `$`', start);
      out.push({ t: 'wasm', text: src.slice(start, i), pos: start });
      continue;
    }
    if (c === "'") {
      let v: number;
      i++;
      if (src[i] === '\\') {
        const e = src[i + 1];
        if (e === 'x') {
          const m = /^[0-9a-fA-F]+/.exec(src.slice(i + 2));
          if (!m) throw new EvalError('bad \\x escape in character literal', i);
          v = parseInt(m[0], 16); i += 2 + m[0].length;
        } else if (e !== undefined && e in ESC) { v = ESC[e]; i += 2; } else throw new EvalError(`unknown escape \\${e ?? ''}`, i);
      } else {
        const cp = src.codePointAt(i);
        if (cp === undefined || src[i] === "'") throw new EvalError('empty character literal', start);
        v = cp; i += cp > 0xffff ? 2 : 1;
      }
      if (src[i] !== "'") throw new EvalError('unterminated character literal', start);
      i++;
      out.push({ t: 'char', value: v, pos: start, text: src.slice(start, i) });
      continue;
    }
    const p = PUNCT.find((s) => src.startsWith(s, i));
    if (!p) throw new EvalError(`unexpected character \`${c}\``, i);
    out.push({ t: 'punct', text: p, pos: i });
    i += p.length;
  }
  out.push({ t: 'eof', pos: src.length, text: '' });
  return out;
}

function number(src: string, start: number): Extract<Token, { t: 'num' }> {
  const rest = src.slice(start);
  let m = /^0[xX][0-9a-fA-F]+/.exec(rest) ?? /^0[bB][01]+/.exec(rest);
  let isFloat = false;
  if (!m) {
    m = /^([0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)([eE][+-]?[0-9]+)?/.exec(rest);
    if (!m) throw new EvalError('bad number', start);
    isFloat = m[0].includes('.') || /[eE]/.test(m[0]);
  }
  const body = m[0];
  const sfx = /^[uUlLfF]*/.exec(rest.slice(body.length))![0];
  const text = body + sfx;
  const after = rest[text.length];
  if (after !== undefined && /[A-Za-z0-9_]/.test(after)) throw new EvalError(`bad suffix on number \`${text}${after}\``, start + text.length);
  const s = sfx.toLowerCase();
  const unsigned = s.includes('u');
  const long = s.includes('l');
  const isFloat32 = s.includes('f');
  if (isFloat32 && !isFloat && !/^0[xXbB]/.test(body)) isFloat = true;
  if (isFloat) {
    if (unsigned) throw new EvalError(`bad suffix on floating literal \`${text}\``, start);
    return { t: 'num', text, pos: start, float: Number(body), unsigned: false, long, isFloat32 };
  }
  if (isFloat32) throw new EvalError(`bad suffix on integer literal \`${text}\``, start);
  let int: bigint;
  if (/^0[0-7]+$/.test(body)) int = BigInt('0o' + body.slice(1));
  else if (/^0[0-9]+$/.test(body)) throw new EvalError(`bad octal literal \`${body}\``, start);
  else int = BigInt(body);
  if (int >= 1n << 64n) throw new EvalError(`integer literal \`${body}\` does not fit in 64 bits`, start);
  return { t: 'num', text, pos: start, int, unsigned, long, isFloat32: false };
}
