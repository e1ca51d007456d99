/**
 * Itanium C++ ABI demangler for the common cases: nested and local names,
 * namespaces (St), substitutions, templates and template parameters,
 * constructors/destructors, operators, builtin/qualified/pointer/reference/
 * array/function types and literals. Output follows llvm-cxxfilt's spelling
 * (`ns::Calc::add(int, char const*)`). Unknown constructs → undefined.
 */

const BUILTIN: Record<string, string> = {
  v: 'void', w: 'wchar_t', b: 'bool', c: 'char', a: 'signed char', h: 'unsigned char', s: 'short', t: 'unsigned short',
  i: 'int', j: 'unsigned int', l: 'long', m: 'unsigned long', x: 'long long', y: 'unsigned long long', n: '__int128',
  o: 'unsigned __int128', f: 'float', d: 'double', e: 'long double', g: '__float128', z: '...',
};
const BUILTIN_D: Record<string, string> = { n: 'std::nullptr_t', s: 'char16_t', i: 'char32_t', u: 'char8_t', a: 'auto', c: 'decltype(auto)', h: 'half', f: 'decimal32', d: 'decimal64' };
const OPS: Record<string, string> = {
  nw: 'new', na: 'new[]', dl: 'delete', da: 'delete[]', ps: '+', ng: '-', ad: '&', de: '*', co: '~', pl: '+', mi: '-', ml: '*',
  dv: '/', rm: '%', an: '&', or: '|', eo: '^', aS: '=', pL: '+=', mI: '-=', mL: '*=', dV: '/=', rM: '%=', aN: '&=', oR: '|=',
  eO: '^=', ls: '<<', rs: '>>', lS: '<<=', rS: '>>=', eq: '==', ne: '!=', lt: '<', gt: '>', le: '<=', ge: '>=', ss: '<=>',
  nt: '!', aa: '&&', oo: '||', pp: '++', mm: '--', cm: ',', pm: '->*', pt: '->', cl: '()', ix: '[]', qu: '?',
};
const STD_SUBS: Record<string, string> = {
  a: 'std::allocator', b: 'std::basic_string', s: 'std::string', i: 'std::istream', o: 'std::ostream', d: 'std::iostream',
};

interface Name { ctorDtor?: boolean; quals?: string; text: string; /** last unqualified component (for ctor/dtor names) */ last: string; isTemplate: boolean }

class Itanium {
  pos = 0;
  depth = 0;
  subs: string[] = [];
  tparams: string[] = [];
  /** Set when the last unqualified name read was a constructor or destructor (no return type in templates). */
  ctorDtor = false;
  constructor(readonly s: string) {}
  peek(o = 0): string { return this.s[this.pos + o] ?? ''; }
  eat(c: string): boolean { if (this.s.startsWith(c, this.pos)) { this.pos += c.length; return true; } return false; }
  fail(): never { throw new Error('unsupported mangling'); }
  enter(): void { if (++this.depth > 300) this.fail(); }
  number(): number {
    const st = this.pos;
    if (this.peek() === 'n') this.pos++;
    while (this.peek() >= '0' && this.peek() <= '9') this.pos++;
    if (this.pos === st) this.fail();
    const t = this.s.slice(st, this.pos);
    return t[0] === 'n' ? -parseInt(t.slice(1), 10) : parseInt(t, 10);
  }
  seqId(): number {
    if (this.eat('_')) return 0;
    let n = 0;
    for (;;) {
      const c = this.s[this.pos++];
      if (c === '_') return n + 1;
      const d = c >= '0' && c <= '9' ? c.charCodeAt(0) - 48 : c >= 'A' && c <= 'Z' ? c.charCodeAt(0) - 55 : -1;
      if (d < 0) this.fail();
      n = n * 36 + d;
    }
  }

  encoding(): string {
    const name = this.name();
    if (this.pos >= this.s.length || this.peek() === 'E' || this.peek() === '.') return name.text;
    // template functions encode the return type first (not constructors/destructors)
    if (name.isTemplate && !name.ctorDtor) this.type();
    const params = this.bareFunctionType();
    return `${name.text}(${params})${name.quals ?? ''}`;
  }
  bareFunctionType(): string {
    const ps: string[] = [];
    while (this.pos < this.s.length && this.peek() !== 'E' && this.peek() !== '.') ps.push(this.type());
    return ps.length === 1 && ps[0] === 'void' ? '' : ps.join(', ');
  }

  name(): Name {
    this.enter();
    try {
      const c = this.peek();
      if (c === 'N') return this.nested();
      if (c === 'Z') return this.local();
      let n: Name;
      if (this.eat('St')) { const u = this.unqualified(''); n = { text: `std::${u}`, last: u, isTemplate: false }; }
      else if (c === 'S') { const t = this.substitution(); n = { text: t, last: t, isTemplate: false }; if (this.peek() !== 'I') return n; }
      else { const u = this.unqualified(''); n = { text: u, last: u, isTemplate: false }; }
      if (this.peek() === 'I') {
        this.subs.push(n.text);
        const args = this.templateArgs();
        return { text: n.text + args, last: n.last, isTemplate: true };
      }
      return n;
    } finally { this.depth--; }
  }

  nested(): Name {
    this.pos++; // N
    let quals = '';
    while ('rVK'.includes(this.peek()) && this.peek() !== '') quals += this.s[this.pos++];
    if (this.eat('R') || this.eat('O')) { /* ref-qualifier */ }
    let text = '', last = '', isTemplate = false, lastCtor = false;
    while (!this.eat('E')) {
      if (this.pos >= this.s.length) this.fail();
      const c = this.peek();
      if (c === 'S' && text === '') {
        if (this.eat('St')) { text = 'std'; continue; }
        text = this.substitution(); last = text; isTemplate = false; continue;
      }
      if (c === 'I') {
        if (text === '') this.fail();
        text += this.templateArgs(); isTemplate = true;
        if (this.peek() !== 'E') this.subs.push(text);
        continue;
      }
      if (c === 'T') { text = this.templateParam(); last = text; this.subs.push(text); continue; }
      if (c === 'D' && (this.peek(1) === 't' || this.peek(1) === 'T')) this.fail();
      if (c === 'M') { this.pos++; continue; }
      const u = this.unqualified(last);
      lastCtor = this.ctorDtor;
      text = text ? `${text}::${u}` : u;
      last = u; isTemplate = false;
      if (this.peek() !== 'E') this.subs.push(text);
    }
    return { text, last, isTemplate, quals: quals.includes('K') ? ' const' : '', ctorDtor: lastCtor };
  }

  local(): Name {
    this.pos++; // Z
    const fn = this.encoding();
    if (!this.eat('E')) this.fail();
    if (this.eat('s')) { this.discriminator(); return { text: `${fn}::string literal`, last: 'string literal', isTemplate: false }; }
    const n = this.name();
    this.discriminator();
    return { text: `${fn}::${n.text}`, last: n.last, isTemplate: n.isTemplate };
  }
  discriminator(): void { if (this.eat('_')) { if (this.eat('_')) { this.number(); this.eat('_'); } else this.number(); } }

  unqualified(prevLast: string): string {
    this.ctorDtor = false;
    const u = this.unqualifiedBase(prevLast);
    let tags = '';
    while (this.peek() === 'B') { this.pos++; tags += `[abi:${this.sourceName()}]`; }
    return u + tags;
  }

  private unqualifiedBase(prevLast: string): string {
    const c = this.peek();
    if (c >= '0' && c <= '9') return this.sourceName();
    if (c === 'C' && '12345I'.includes(this.peek(1))) { this.ctorDtor = true; this.pos += 2; if (this.s[this.pos - 1] === 'I') { this.pos++; this.type(); } return baseName(prevLast); }
    if (c === 'D' && '0125'.includes(this.peek(1))) { this.ctorDtor = true; this.pos += 2; return `~${baseName(prevLast)}`; }
    if (c === 'U' && this.peek(1) === 't') { this.pos += 2; const n = this.peek() === '_' ? 1 : this.number() + 2; this.eat('_'); return `{unnamed type#${n}}`; }
    if (c === 'U' && this.peek(1) === 'l') {
      this.pos += 2;
      const ps = this.bareFunctionType();
      if (!this.eat('E')) this.fail();
      const n = this.peek() === '_' ? 1 : this.number() + 2;
      this.eat('_');
      return `{lambda(${ps})#${n}}`;
    }
    if (c === 'L') { this.pos++; const n = this.sourceName(); this.discriminator(); return n; }
    return this.operatorName();
  }
  sourceName(): string {
    const n = this.number();
    if (n <= 0 || this.pos + n > this.s.length) this.fail();
    const id = this.s.slice(this.pos, this.pos + n);
    this.pos += n;
    return id.startsWith('_GLOBAL__N') ? '(anonymous namespace)' : id;
  }
  operatorName(): string {
    const code = this.s.slice(this.pos, this.pos + 2);
    if (code === 'cv') { this.pos += 2; return `operator ${this.type()}`; }
    if (code === 'li') { this.pos += 2; return `operator"" ${this.sourceName()}`; }
    if (code[0] === 'v' && code[1] >= '0' && code[1] <= '9') { this.pos += 2; return `operator ${this.sourceName()}`; }
    const op = OPS[code];
    if (!op) this.fail();
    this.pos += 2;
    return /^[a-z]/.test(op) ? `operator ${op}` : `operator${op}`;
  }

  substitution(): string {
    this.pos++; // S
    const c = this.peek();
    if (c in STD_SUBS && c !== '') { this.pos++; return STD_SUBS[c]; }
    const i = this.seqId();
    if (i >= this.subs.length) this.fail();
    return this.subs[i];
  }
  templateParam(): string {
    this.pos++; // T
    const i = this.seqId();
    return this.tparams[i] ?? `T${i}`;
  }
  templateArgs(): string {
    this.pos++; // I
    const args: string[] = [];
    while (!this.eat('E')) {
      if (this.pos >= this.s.length) this.fail();
      args.push(this.templateArg());
    }
    this.tparams = args;
    const j = args.join(', ');
    return `<${j}>`;
  }
  templateArg(): string {
    const c = this.peek();
    if (c === 'L') return this.literal();
    if (c === 'J') { this.pos++; const a: string[] = []; while (!this.eat('E')) a.push(this.templateArg()); return a.join(', '); }
    if (c === 'X') this.fail();
    return this.type();
  }
  literal(): string {
    this.pos++; // L
    if (this.eat('_Z')) { const e = this.encoding(); this.eat('E'); return e; }
    const t = this.type();
    const st = this.pos;
    while (this.peek() !== 'E' && this.peek() !== '') this.pos++;
    let v = this.s.slice(st, this.pos);
    if (!this.eat('E')) this.fail();
    if (v.startsWith('n')) v = '-' + v.slice(1);
    if (t === 'bool') return v === '0' ? 'false' : 'true';
    if (t === 'int') return v;
    if (t === 'unsigned int') return v + 'u';
    if (t === 'long') return v + 'l';
    if (t === 'unsigned long') return v + 'ul';
    if (t === 'long long') return v + 'll';
    if (t === 'unsigned long long') return v + 'ull';
    return `(${t})${v}`;
  }

  type(): string {
    this.enter();
    try {
      const c = this.peek();
      if (c in BUILTIN && c !== '') { this.pos++; return BUILTIN[c]; }
      switch (c) {
        case 'D': {
          const d = this.peek(1);
          if (d in BUILTIN_D) { this.pos += 2; return BUILTIN_D[d]; }
          if (d === 'p') { this.pos += 2; return this.type(); } // pack expansion: shown as its pattern
          if (d === 'x') { this.pos += 2; return this.type(); } // noexcept etc. approximated
          return this.fail();
        }
        case 'P': { this.pos++; const t = this.type(); return this.sub(ptr(t, '*')); }
        case 'R': { this.pos++; const t = this.type(); return this.sub(ptr(t, '&')); }
        case 'O': { this.pos++; const t = this.type(); return this.sub(ptr(t, '&&')); }
        case 'r': case 'V': case 'K': {
          let q = '';
          while ('rVK'.includes(this.peek()) && this.peek() !== '') { const x = this.s[this.pos++]; q = (x === 'K' ? ' const' : x === 'V' ? ' volatile' : ' restrict') + q; }
          const t = this.type();
          return this.sub(t.includes('(*)') || t.includes('(&)') ? t : t + q);
        }
        case 'F': {
          this.pos++;
          this.eat('Y');
          const ret = this.type();
          const ps = this.bareFunctionType();
          this.eat('R'); this.eat('O');
          if (!this.eat('E')) this.fail();
          return this.sub(`${ret} (${ps})`);
        }
        case 'A': {
          this.pos++;
          let dim = '';
          if (this.peek() >= '0' && this.peek() <= '9') dim = String(this.number());
          if (!this.eat('_')) this.fail();
          return this.sub(`${this.type()} [${dim}]`);
        }
        case 'M': { this.pos++; const cls = this.type(); const m = this.type(); return this.sub(m.includes('(') ? m.replace(' (', ` (${cls}::*)(`) + ')' : `${m} ${cls}::*`); }
        case 'T': { const t = this.templateParam(); this.subs.push(t); if (this.peek() === 'I') { const a = t + this.templateArgs(); return this.sub(a); } return t; }
        case 'S': {
          if (this.peek(1) === 't') { this.pos += 2; const u = this.unqualified(''); let t = `std::${u}`; this.subs.push(t); if (this.peek() === 'I') t = this.sub(t + this.templateArgs()); return t; }
          const t = this.substitution();
          if (this.peek() === 'I') return this.sub(t + this.templateArgs());
          return t;
        }
        case 'u': { this.pos++; return this.sub(this.sourceName()); }
        case 'N': case 'Z': { const n = this.name(); return this.sub(n.text); }
        default: {
          if (c >= '0' && c <= '9') {
            let t = this.sourceName();
            this.subs.push(t);
            if (this.peek() === 'I') t = this.sub(t + this.templateArgs());
            return t;
          }
          return this.fail();
        }
      }
    } finally { this.depth--; }
  }
  sub(t: string): string { this.subs.push(t); return t; }
}

function ptr(t: string, p: string): string {
  const i = t.indexOf(' (');
  if (i >= 0 && t.endsWith(')') && !t.includes('(*') ) return `${t.slice(0, i)} (${p})${t.slice(i + 1)}`;
  return `${t}${p}`;
}
function baseName(last: string): string { const i = last.indexOf('<'); return i > 0 ? last.slice(0, i) : last; }

export function demangleItanium(sym: string): string | undefined {
  if (!sym.startsWith('_Z')) return undefined;
  const p = new Itanium(sym);
  p.pos = 2;
  try {
    const out = p.encoding();
    if (p.pos < sym.length && sym[p.pos] !== '.') return undefined;
    return out;
  } catch {
    return undefined;
  }
}
