/**
 * Rust's `Display` / `Debug` text of primitive values, exactly as core::fmt
 * writes them without format flags (width, precision, `#`...).
 * Floats: the shortest digits that round-trip (as Grisu/Dragon in core::fmt
 * and ECMAScript's Number::toString both produce), laid out the Rust way.
 */

/** Shortest round-trip decimal digits and exponent of a finite positive number: value = 0.d1d2... × 10^exp. */
function shortestDigits(x: number, f32: boolean): { digits: string; exp: number } {
  let s: string;
  if (f32) {
    s = '';
    for (let p = 1; p <= 9; p++) {
      const cand = x.toPrecision(p);
      if (Math.fround(Number(cand)) === x) { s = cand; break; }
    }
    if (!s) s = x.toPrecision(9);
    s = Number(s).toExponential(); // normalise: d.ddde±N
  } else {
    s = x.toExponential();
  }
  const m = /^(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) throw new Error(`unexpected number text ${s}`);
  const digits = (m[1] + (m[2] ?? '')).replace(/0+$/, '') || '0';
  return { digits, exp: Number(m[3]) + 1 };
}

/** Digits laid out without an exponent, at least `minFrac` fractional digits. */
function plain(digits: string, exp: number, minFrac: number): string {
  let int: string, frac: string;
  if (exp <= 0) { int = '0'; frac = '0'.repeat(-exp) + digits; }
  else if (exp >= digits.length) { int = digits + '0'.repeat(exp - digits.length); frac = ''; }
  else { int = digits.slice(0, exp); frac = digits.slice(exp); }
  if (frac.length < minFrac) frac += '0'.repeat(minFrac - frac.length);
  return frac ? `${int}.${frac}` : int;
}

function special(x: number): string | undefined {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return undefined;
}

/** `{}` of an f32/f64. */
export function floatDisplay(x: number, f32: boolean): string {
  const sp = special(x);
  if (sp) return sp;
  const neg = x < 0 || Object.is(x, -0);
  const a = Math.abs(x);
  if (a === 0) return neg ? '-0' : '0';
  const { digits, exp } = shortestDigits(a, f32);
  return (neg ? '-' : '') + plain(digits, exp, 0);
}

/** `{:?}` of an f32/f64 (core::fmt::float::float_to_general_debug). */
export function floatDebug(x: number, f32: boolean): string {
  const sp = special(x);
  if (sp) return sp;
  const neg = x < 0 || Object.is(x, -0);
  const a = Math.abs(x);
  const sign = neg ? '-' : '';
  if (a === 0) return `${sign}0.0`;
  // the bounds are literals of the float's own type
  if (a >= (f32 ? Math.fround(1e-4) : 1e-4) && a < (f32 ? Math.fround(1e16) : 1e16)) {
    const { digits, exp } = shortestDigits(a, f32);
    return sign + plain(digits, exp, 1);
  }
  const { digits, exp } = shortestDigits(a, f32);
  const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign}${mant}e${exp - 1}`;
}

/** `{:?}` of a char / str: core's escape_debug for ASCII; undefined when a non-ASCII character would need Unicode tables. */
export function escapeDebug(s: string, quote: '"' | '\''): string | undefined {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c === 0) out += '\\0';
    else if (ch === quote) out += `\\${quote}`;
    else if (c >= 0x20 && c < 0x7f) out += ch;
    else if (c < 0x20 || c === 0x7f) out += `\\u{${c.toString(16)}}`;
    else return undefined; // printable or not, grapheme-extend or not: needs core's Unicode tables
  }
  return out;
}
