/** Rust v0 demangler: see demangle-rust.ts. */
class V0 {
  pos = 0;
  depth = 0;
  constructor(readonly s: string) {}
  peek(): string { return this.s[this.pos] ?? ''; }
  eat(c: string): boolean { if (this.s[this.pos] === c) { this.pos++; return true; } return false; }
  fail(): never { throw new Error('bad v0 symbol'); }
  enter(): void { if (++this.depth > 200) this.fail(); }

  base62(): number {
    if (this.eat('_')) return 0;
    let n = 0;
    for (;;) {
      const c = this.s[this.pos++];
      if (c === undefined) this.fail();
      if (c === '_') return n + 1;
      const d = c >= '0' && c <= '9' ? c.charCodeAt(0) - 48 : c >= 'a' && c <= 'z' ? c.charCodeAt(0) - 87 : c >= 'A' && c <= 'Z' ? c.charCodeAt(0) - 29 : -1;
      if (d < 0) this.fail();
      n = n * 62 + d;
    }
  }
  optDisamb(): void { if (this.eat('s')) this.base62(); }
  decimal(): number {
    const st = this.pos;
    while (this.peek() >= '0' && this.peek() <= '9') this.pos++;
    if (st === this.pos) this.fail();
    return parseInt(this.s.slice(st, this.pos), 10);
  }
  ident(): string {
    const punycode = this.eat('u');
    const n = this.decimal();
    this.eat('_');
    const id = this.s.slice(this.pos, this.pos + n);
    if (id.length !== n) this.fail();
    this.pos += n;
    return punycode ? `{punycode:${id}}` : id;
  }
  backref<T>(f: () => T): T {
    const target = this.base62() + 2; // positions count from after the `_R` prefix
    if (target >= this.pos) this.fail();
    const save = this.pos;
    this.pos = target;
    try { return f(); } finally { this.pos = save; }
  }

  path(): string {
    this.enter();
    try {
      const c = this.s[this.pos++];
      switch (c) {
        case 'C': { this.optDisamb(); return this.ident(); }
        case 'M': { this.implPath(); const t = this.type(); return `<${t}>`; }
        case 'X': { this.implPath(); const t = this.type(); const tr = this.path(); return `<${t} as ${tr}>`; }
        case 'Y': { const t = this.type(); const tr = this.path(); return `<${t} as ${tr}>`; }
        case 'N': {
          const ns = this.s[this.pos++];
          const parent = this.path();
          this.optDisamb();
          const id = this.ident();
          if (ns >= 'A' && ns <= 'Z') {
            const kind = ns === 'C' ? 'closure' : ns === 'S' ? 'shim' : ns;
            return `${parent}::{${kind}${id ? `:${id}` : ''}#0}`;
          }
          return id ? `${parent}::${id}` : parent;
        }
        case 'I': {
          const p = this.path();
          const args: string[] = [];
          while (!this.eat('E')) args.push(this.genericArg());
          return `${p}::<${args.join(', ')}>`;
        }
        case 'B': return this.backref(() => this.path());
        default: return this.fail();
      }
    } finally { this.depth--; }
  }
  implPath(): void { this.optDisamb(); this.path(); }
  genericArg(): string {
    if (this.eat('L')) { this.base62(); return "'_"; }
    if (this.eat('K')) return this.constVal();
    return this.type();
  }
  constVal(): string {
    if (this.eat('p')) return '_';
    if (this.eat('B')) return this.backref(() => this.constVal());
    const t = this.s[this.pos++];
    const neg = this.eat('n');
    const st = this.pos;
    while (this.peek() !== '_' && this.peek() !== '') this.pos++;
    const hex = this.s.slice(st, this.pos);
    this.eat('_');
    if (t === 'b') return hex === '1' ? 'true' : 'false';
    if (t === 'c') return `'${String.fromCodePoint(parseInt(hex || '0', 16))}'`;
    const v = hex === '' ? 0n : BigInt('0x' + hex);
    return (neg ? '-' : '') + v.toString();
  }
  type(): string {
    this.enter();
    try {
      const c = this.s[this.pos++];
      const basic: Record<string, string> = { a: 'i8', b: 'bool', c: 'char', d: 'f64', e: 'str', f: 'f32', h: 'u8', i: 'isize', j: 'usize', l: 'i32', m: 'u32', n: 'i128', o: 'u128', s: 'i16', t: 'u16', u: '()', v: '...', x: 'i64', y: 'u64', z: '!', p: '_' };
      if (c in basic) return basic[c];
      switch (c) {
        case 'R': case 'Q': { if (this.peek() === 'L') { this.pos++; this.base62(); } return `&${c === 'Q' ? 'mut ' : ''}${this.type()}`; }
        case 'P': return `*const ${this.type()}`;
        case 'O': return `*mut ${this.type()}`;
        case 'S': return `[${this.type()}]`;
        case 'A': { const t = this.type(); const n = this.constVal(); return `[${t}; ${n}]`; }
        case 'T': { const ts: string[] = []; while (!this.eat('E')) ts.push(this.type()); return ts.length === 1 ? `(${ts[0]},)` : `(${ts.join(', ')})`; }
        case 'B': return this.backref(() => this.type());
        case 'F': {
          if (this.eat('G')) this.base62();
          let unsafe = '';
          if (this.eat('U')) unsafe = 'unsafe ';
          if (this.eat('K')) { if (!this.eat('C')) this.ident(); }
          const args: string[] = [];
          while (!this.eat('E')) args.push(this.type());
          const ret = this.type();
          return `${unsafe}fn(${args.join(', ')})${ret === '()' ? '' : ` -> ${ret}`}`;
        }
        case 'D': {
          if (this.eat('G')) this.base62();
          const bounds: string[] = [];
          while (!this.eat('E')) {
            let p = this.path();
            const assoc: string[] = [];
            while (this.eat('p')) { const n = this.ident(); assoc.push(`${n} = ${this.type()}`); }
            if (assoc.length) p = p.endsWith('>') ? `${p.slice(0, -1)}, ${assoc.join(', ')}>` : `${p}<${assoc.join(', ')}>`;
            bounds.push(p);
          }
          if (this.eat('L')) this.base62();
          return `dyn ${bounds.join(' + ')}`;
        }
        default: this.pos--; return this.path();
      }
    } finally { this.depth--; }
  }
}

export function demangleRustV0(sym: string): string | undefined {
  if (!sym.startsWith('_R')) return undefined;
  const p = new V0(sym);
  p.pos = 2;
  try {
    if (p.peek() >= '0' && p.peek() <= '9') p.decimal();
    const out = p.path();
    // an instantiating crate path may follow; vendor suffixes (.llvm.N) are ignored
    return out;
  } catch {
    return undefined;
  }
}
