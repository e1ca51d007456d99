import { ByteReader, utf8 } from '../util/reader';
import * as C from './constants';
import { DwarfSections } from './sections';
import { readForm, readOffset, readAddress, FormContext } from './form';
import type { Unit } from './unit';
import { isDiscardedStart } from './ranges';
import { withKernel, dropKernel } from './kernel';

export interface LineFile {
  /** Name as written in the table (may be relative). */
  name: string;
  dirIndex: number;
  /** Directory + name joined (relative to comp_dir when the directory is relative). */
  path: string;
  md5?: Uint8Array;
  /** DW_LNCT_LLVM_source (embedded source text), when present. */
  source?: string;
}

export interface LineSequence {
  begin: number;
  /** Address one past the sequence (the end_sequence row's address). */
  end: number;
  /** Row index range [firstRow, lastRow) in the program's row arrays; lastRow-1 is the end_sequence row. */
  firstRow: number;
  lastRow: number;
}

/** The row values `LineProgram.position` gives for an address. */
export interface LinePosition { file: number; line: number; column: number }

export interface LineRow { address: number; file: number; line: number; column: number; isStmt: boolean; endSequence: boolean }

/**
 * A decoded line program. Rows are kept in typed arrays (struct of arrays)
 * to stay small; sequences are sorted by end address (as LLVM does).
 */
export class LineProgram {
  version = 0;
  files: LineFile[] = [];
  /** Include directories as in the table; for DWARF 2-4 index 0 is the comp dir (implicit entry). */
  dirs: string[] = [];
  /** In DWARF 5 file indexes start at 0; before, at 1. */
  fileBase = 1;
  sequences: LineSequence[] = [];
  /** Sequences dropped because they start at a discarded-code address (0 or a tombstone); kept for diagnostics. */
  discarded: LineSequence[] = [];
  addr!: Float64Array;
  file!: Uint32Array;
  line!: Uint32Array;
  column!: Uint32Array;
  /** bit 0: is_stmt, bit 1: end_sequence, bit 2: prologue_end */
  flags!: Uint8Array;

  get rowCount(): number { return this.addr.length; }
  row(i: number): LineRow {
    return { address: this.addr[i], file: this.file[i], line: this.line[i], column: this.column[i], isStmt: (this.flags[i] & 1) !== 0, endSequence: (this.flags[i] & 2) !== 0 };
  }

  /** File entry for a file number as used in rows and DW_AT_decl_file/call_file. */
  fileEntry(n: number): LineFile | undefined {
    const i = n - this.fileBase;
    return i >= 0 && i < this.files.length ? this.files[i] : undefined;
  }

  /**
   * Row index describing `addr` as llvm-symbolizer picks it: sequences are
   * sorted by end address; the candidate is the first whose end is past
   * `addr` and it must contain `addr` (this makes discarded-code sequences
   * at address 0 lose against real code that ends later); the row is the
   * last one at or before `addr`. -1 if no sequence covers the address.
   */
  lookup(addr: number): number {
    const seqs = this.sequences;
    let lo = 0, hi = seqs.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (seqs[mid].end <= addr) lo = mid + 1; else hi = mid; }
    if (lo >= seqs.length) return -1;
    const s = seqs[lo];
    return s.begin <= addr ? this.rowInSequence(s, addr) : -1;
  }

  /** The row values `lookup` picks for `addr`, or undefined. */
  position(addr: number): LinePosition | undefined {
    const i = this.lookup(addr);
    return i < 0 ? undefined : { file: this.file[i], line: this.line[i], column: this.column[i] };
  }

  private rowInSequence(s: LineSequence, addr: number): number {
    // upper_bound over rows [firstRow+1, lastRow-1) then -1
    let lo = s.firstRow + 1, hi = s.lastRow - 1;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (this.addr[mid] <= addr) lo = mid + 1; else hi = mid; }
    return lo - 1;
  }
}

const MAX_ROWS = 50_000_000;

interface Fmt { type: number; form: number }

function lineFormCtx(version: number, addressSize: number, offsetSize: number, unit: Unit | undefined, secs: DwarfSections): FormContext {
  return {
    version, addressSize, offsetSize, offset: 0, dieSection: '.debug_info',
    readString(form: number, v: number): string {
      if (form === C.DW_FORM_line_strp) return secs.cstr('.debug_line_str', v);
      if (form === C.DW_FORM_strp) return secs.cstr('.debug_str', v);
      if (unit) return unit.readString(form, v);
      throw new Error(`string form ${C.formName(form)} needs a unit`);
    },
    readAddrIndex(i: number): number { if (unit) return unit.readAddrIndex(i); throw new Error('addrx needs a unit'); },
  };
}

/** Absolute on POSIX or Windows (as LLVM's isPathAbsoluteOnWindowsOrPosix: `/x`, `C:\\x`, `scheme://x`, `\\\\server`). */
export function isAbsolutePath(p: string): boolean {
  return p.startsWith('/') || /^[^\\/]*:[\\/]/.test(p) || /^[\\/]{2}/.test(p);
}

/** sys::path::append (POSIX host): join non-empty parts with '/' unless one already has a separator there. */
export function appendPath(...parts: string[]): string {
  let out = '';
  for (const p of parts) {
    if (p === '') continue;
    if (out === '' || out.endsWith('/') || p.startsWith('/')) out += p;
    else out += '/' + p;
  }
  return out;
}

/** The full path of a line-table file entry, built as llvm-symbolizer builds it (AbsoluteFilePath). */
function filePath(version: number, dirs: string[], dirIndex: number, name: string, compDir: string): string {
  if (isAbsolutePath(name)) return name;
  const includeDir = version >= 5 ? dirs[dirIndex] ?? '' : dirIndex > 0 ? dirs[dirIndex] ?? '' : '';
  const withCompDir = (version < 5 || dirIndex !== 0) && compDir !== '' && !isAbsolutePath(includeDir);
  return appendPath(withCompDir ? compDir : '', includeDir, name);
}

/** A file table entry; the full path is built on first use (file tables can be long). */
class FileEntry implements LineFile {
  private _path?: string;
  md5?: Uint8Array;
  source?: string;
  /** The name's bytes [start, end) in `from`, decoded on first use (DWARF 2-4 file tables list hundreds of files a lookup never shows). */
  private from?: Uint8Array;
  private start = 0;
  private end = 0;
  constructor(private _name: string, readonly dirIndex: number, private readonly version: number, private readonly dirs: string[], private readonly compDir: string) {}
  static lazy(bytes: Uint8Array, start: number, end: number, dirIndex: number, version: number, dirs: string[], compDir: string): FileEntry {
    const f = new FileEntry('', dirIndex, version, dirs, compDir);
    f.from = bytes; f.start = start; f.end = end;
    return f;
  }
  get name(): string {
    if (this.from) { this._name = utf8(this.from.subarray(this.start, this.end)); this.from = undefined; }
    return this._name;
  }
  get path(): string { return (this._path ??= filePath(this.version, this.dirs, this.dirIndex, this.name, this.compDir)); }
}

/** Parse the line program at a section-relative `.debug_line` offset. `unit` supplies comp_dir, address size and string bases. */
export function parseLineProgram(secs: DwarfSections, offset: number, unit?: Unit): LineProgram {
  const { lp, r, params } = parseHeader(secs, offset, unit);
  runProgram(r, lp, params);
  return lp;
}

function parseHeader(secs: DwarfSections, offset: number, unit?: Unit): { lp: LineProgram; r: ByteReader; params: Params } {
  const r = secs.reader('.debug_line', offset, 12);
  const at = r.pos;
  let len = r.u32(), offsetSize = 4;
  if (len === 0xffffffff) { len = r.u64n(); offsetSize = 8; }
  if (len > r.remaining) r.fail(`line program length 0x${len.toString(16)} runs past the end of .debug_line`, at);
  secs.reader('.debug_line', offset, r.pos - at + len); // load the program
  const pr = r.window(r.pos, r.pos + len);
  const lp = new LineProgram();
  const version = pr.u16();
  if (version < 2 || version > 5) pr.fail(`unsupported line table version ${version}`, pr.pos - 2);
  lp.version = version;
  let addressSize = unit?.addressSize ?? 4;
  if (version >= 5) { addressSize = pr.u8(); pr.u8(); }
  const headerLen = readOffset(pr, offsetSize);
  const progStart = pr.pos + headerLen;
  if (progStart > pr.end) pr.fail('line program header_length runs past the end of the program');
  const minInst = pr.u8();
  const maxOps = version >= 4 ? pr.u8() : 1;
  const defaultIsStmt = pr.u8() !== 0;
  const lineBase = (pr.u8() << 24) >> 24;
  const lineRange = pr.u8();
  const opcodeBase = pr.u8();
  const stdLens: number[] = [0];
  for (let i = 1; i < opcodeBase; i++) stdLens.push(pr.u8());
  void maxOps;
  const compDir = unit?.compDir ?? '';
  if (version >= 5) {
    const ctx = lineFormCtx(version, addressSize, offsetSize, unit, secs);
    lp.fileBase = 0;
    const dirFmt = readFormats(pr);
    const nd = pr.count('directory', 1, 1_000_000);
    for (let i = 0; i < nd; i++) {
      const e = readEntry(pr, dirFmt, ctx);
      lp.dirs.push(e.path ?? '');
    }
    const fileFmt = readFormats(pr);
    const nf = pr.count('file', 1, 10_000_000);
    for (let i = 0; i < nf; i++) {
      const e = readEntry(pr, fileFmt, ctx);
      const dirIndex = e.dir ?? 0;
      const name = e.path ?? '';
      const f = new FileEntry(name, dirIndex, 5, lp.dirs, compDir);
      if (e.md5) f.md5 = e.md5;
      if (e.source !== undefined) f.source = e.source;
      lp.files.push(f);
    }
  } else {
    lp.dirs.push(compDir);
    for (;;) { const d = cstr(pr); if (d === '') break; lp.dirs.push(d); }
    const b = pr.bytes;
    for (;;) {
      const at = pr.pos, z = b.indexOf(0, at);
      if (z < 0 || z >= pr.end) { cstr(pr); break; } // reports the unterminated name
      pr.pos = z + 1;
      if (z === at) break;
      const dirIndex = pr.ulebN(); pr.ulebN(); pr.ulebN();
      lp.files.push(FileEntry.lazy(b, at, z, dirIndex, version, lp.dirs, compDir));
    }
  }
  pr.seek(progStart);
  return { lp, r: pr, params: { minInst: minInst || 1, defaultIsStmt, lineBase, lineRange, opcodeBase, stdLens, addressSize, compDir, version } };
}

/** NUL-terminated string (the table's end is an empty one: no decoder call for it). */
function cstr(r: ByteReader): string {
  if (r.pos < r.end && r.bytes[r.pos] === 0) { r.pos++; return ''; }
  return r.cstr();
}

function readFormats(r: ByteReader): Fmt[] {
  const n = r.u8();
  const out: Fmt[] = [];
  for (let i = 0; i < n; i++) out.push({ type: r.ulebN(), form: r.ulebN() });
  return out;
}

function readEntry(r: ByteReader, fmts: Fmt[], ctx: FormContext): { path?: string; dir?: number; md5?: Uint8Array; source?: string } {
  const e: { path?: string; dir?: number; md5?: Uint8Array; source?: string } = {};
  for (const f of fmts) {
    const v = readForm(r, f.form, ctx);
    switch (f.type) {
      case C.DW_LNCT_path: if (v.kind === 'string') e.path = v.value; break;
      case C.DW_LNCT_directory_index: if (v.kind === 'const') e.dir = Number(v.value); break;
      case C.DW_LNCT_MD5: if (v.kind === 'data16') e.md5 = v.bytes; break;
      case C.DW_LNCT_LLVM_source: if (v.kind === 'string') e.source = v.value; break;
      default: break;
    }
  }
  return e;
}

interface Params { minInst: number; defaultIsStmt: boolean; lineBase: number; lineRange: number; opcodeBase: number; stdLens: number[]; addressSize: number; compDir: string; version: number }

/** Signed LEB128 as a number without BigInt (hot in line programs); values beyond 2^53 are clamped by precision. */
function sleb(r: ByteReader): number {
  const b = r.bytes, end = r.end;
  let p = r.pos, result = 0, mul = 1, byte = 0;
  for (let i = 0; i < 10; i++) {
    if (p >= end) r.fail('unexpected end of LEB128');
    byte = b[p++];
    result += (byte & 0x7f) * mul;
    mul *= 128;
    if ((byte & 0x80) === 0) {
      if (byte & 0x40) result -= mul;
      r.pos = p;
      return result;
    }
  }
  return r.fail('LEB128 too long');
}

/** Unsigned LEB128 as a number (fast path for one-byte values). */
function uleb(r: ByteReader): number {
  const p = r.pos;
  if (p < r.end && r.bytes[p] < 0x80) { r.pos = p + 1; return r.bytes[p]; }
  return r.ulebN();
}

/** Row arrays of a line program being decoded (struct of arrays; replaced by `grow`). */
class Rows {
  cap: number;
  A: Float64Array; F: Uint32Array; L: Uint32Array; Co: Uint32Array; Fl: Uint8Array;
  constructor(cap: number) {
    this.cap = cap;
    this.A = new Float64Array(cap); this.F = new Uint32Array(cap); this.L = new Uint32Array(cap); this.Co = new Uint32Array(cap); this.Fl = new Uint8Array(cap);
  }
  grow(): void {
    const cap = Math.min(MAX_ROWS, this.cap * 2);
    const a = new Float64Array(cap); a.set(this.A); this.A = a;
    const f = new Uint32Array(cap); f.set(this.F); this.F = f;
    const l = new Uint32Array(cap); l.set(this.L); this.L = l;
    const c = new Uint32Array(cap); c.set(this.Co); this.Co = c;
    const g = new Uint8Array(cap); g.set(this.Fl); this.Fl = g;
    this.cap = cap;
  }
}

/** Special-opcode advance tables by header values (opcode base, line range, min instruction length, line base). */
const advances = new Map<string, { addr: Float64Array; line: Int32Array }>();

/** Row arrays of the program being decoded, kept for the next one (decoding is never re-entered). */
let scratch: Rows | undefined;
/** Rows above which the scratch arrays are dropped after use (~21 bytes a row). */
const SCRATCH_KEEP = 1 << 20;

/**
 * Run the line-number state machine over the program in `r` and store its
 * rows and sequences in `lp`. One function with the state in locals and
 * rows written in place: a one-shot symbolization runs this cold, where
 * every call and property access per row counts. Row flags: bit 0
 * is_stmt, bit 1 end_sequence, bit 2 prologue_end.
 */
function runProgram(r: ByteReader, lp: LineProgram, p: Params): void {
  if (runInKernel(r, lp, p)) return;
  // rows are decoded into arrays reused from program to program, then copied out at their exact size
  const rows = (scratch ??= new Rows(4096));
  let A = rows.A, F = rows.F, L = rows.L, Co = rows.Co, Fl = rows.Fl, cap = rows.cap, n = 0;
  const ends: number[] = [];
  const lr = p.lineRange || 1, opBase = p.opcodeBase, minInst = p.minInst, lineBase = p.lineBase;
  const constAddPc = Math.floor((255 - opBase) / lr) * minInst;
  // special opcodes (most rows): their address and line advances, looked up (the tables are shared by programs with the same header values)
  const key = `${opBase},${lr},${minInst},${lineBase}`;
  let adv = advances.get(key);
  if (!adv) {
    adv = { addr: new Float64Array(256), line: new Int32Array(256) };
    for (let op = opBase; op < 256; op++) { const adj = op - opBase; adv.addr[op] = Math.floor(adj / lr) * minInst; adv.line[op] = lineBase + (adj % lr); }
    if (advances.size < 64) advances.set(key, adv);
  }
  const addrAdv = adv.addr, lineAdv = adv.line;
  const stmt0 = p.defaultIsStmt ? 1 : 0;
  const bytes = r.bytes, end = r.end;
  // `flags` holds the next row's is_stmt (bit 0) and prologue_end (bit 2)
  let address = 0, file = 1, line = 1, column = 0, flags = stmt0, pos = r.pos;
  while (pos < end) {
    const op = bytes[pos++];
    let endSeq = false;
    if (op >= opBase) {
      address += addrAdv[op];
      line += lineAdv[op];
      if (n !== cap) {
        A[n] = address; F[n] = file; L[n] = line < 0 ? 0 : line; Co[n] = column; Fl[n] = flags;
        n++;
        flags &= 1;
        continue;
      }
    } else {
      r.pos = pos;
      if (op === 0) {
        const len = uleb(r);
        const at = r.pos;
        if (len === 0 || len > r.remaining) r.fail(`bad extended opcode length ${len}`, at);
        const sub = r.u8();
        switch (sub) {
          case C.DW_LNE_end_sequence: endSeq = true; break;
          case C.DW_LNE_set_address: address = len - 1 >= 8 ? r.u64n() : readAddress(r, len - 1); break;
          case C.DW_LNE_define_file: {
            const name = r.cstr(); const dirIndex = r.ulebN(); r.ulebN(); r.ulebN();
            lp.files.push(new FileEntry(name, dirIndex, p.version, lp.dirs, p.compDir));
            break;
          }
          default: break; // set_discriminator and vendor opcodes: skipped by length
        }
        pos = at + len;
        if (!endSeq) continue;
      } else {
        let copy = false;
        switch (op) {
          case C.DW_LNS_copy: copy = true; break;
          case C.DW_LNS_advance_pc: address += uleb(r) * minInst; break;
          case C.DW_LNS_advance_line: line += sleb(r); break;
          case C.DW_LNS_set_file: file = uleb(r); break;
          case C.DW_LNS_set_column: column = uleb(r); break;
          case C.DW_LNS_negate_stmt: flags ^= 1; break;
          case C.DW_LNS_set_basic_block: break;
          case C.DW_LNS_const_add_pc: address += constAddPc; break;
          case C.DW_LNS_fixed_advance_pc: address += r.u16(); break;
          case C.DW_LNS_set_prologue_end: flags |= 4; break;
          case C.DW_LNS_set_epilogue_begin: break;
          case C.DW_LNS_set_isa: r.ulebN(); break;
          default: for (let i = 0; i < (p.stdLens[op] ?? 0); i++) r.ulebN(); break;
        }
        pos = r.pos;
        if (!copy) continue;
      }
    }
    // a row: copy, end_sequence, or a special opcode when the arrays are full
    if (n === cap) {
      if (n >= MAX_ROWS) { r.pos = pos; r.fail(`more than ${MAX_ROWS} line rows`, r.pos, 'E_LIMIT'); }
      rows.grow(); A = rows.A; F = rows.F; L = rows.L; Co = rows.Co; Fl = rows.Fl; cap = rows.cap;
    }
    A[n] = address; F[n] = file; L[n] = line < 0 ? 0 : line; Co[n] = column; Fl[n] = flags | (endSeq ? 2 : 0);
    n++;
    flags &= 1;
    if (endSeq) {
      ends.push(n - 1);
      address = 0; file = 1; line = 1; column = 0; flags = stmt0;
    }
  }
  r.pos = pos;
  lp.addr = A.slice(0, n); lp.file = F.slice(0, n); lp.line = L.slice(0, n); lp.column = Co.slice(0, n); lp.flags = Fl.slice(0, n);
  if (rows.cap > SCRATCH_KEEP) scratch = undefined; // do not hold on to a huge program's arrays
  setSequences(lp, ends, p.addressSize);
}

/**
 * The program's sequences from the indexes of its end_sequence rows: empty sequences are dropped, sequences of discarded
 * code (tombstone or 0 start, see isDiscardedStart) set aside, the rest
 * sorted by end address.
 */
function setSequences(lp: LineProgram, ends: ArrayLike<number>, addressSize: number): void {
  const seqs: LineSequence[] = [], discarded: LineSequence[] = [];
  const A = lp.addr;
  let first = 0;
  for (let i = 0; i < ends.length; i++) {
    const e = ends[i];
    let begin = A[first];
    const end = A[e];
    if (begin < 0x40000000) begin |= 0; // read from a Float64Array: make it a small integer again, not a boxed double
    if (end > begin) (isDiscardedStart(begin, addressSize) ? discarded : seqs).push({ begin, end, firstRow: first, lastRow: e + 1 });
    first = e + 1;
  }
  lp.discarded = discarded;
  seqs.sort((a, b) => a.end - b.end || a.begin - b.begin);
  lp.sequences = seqs;
}

// scratch layout of the line kernel from its base (bytes): state block, standard opcode lengths, program, rows, end rows
const LK_STD = 64, LK_PROG = LK_STD + 256;
const align8 = (x: number): number => (x + 7) & ~7;

/**
 * Run the program in the Wasm kernel (kernel/assembly/kernel.ts, `lines`):
 * the same state machine, compiled, with room for one row per program
 * byte. False when the kernel is unavailable or leaves the program to the
 * general code (define_file, a value it does not decode, a read past the
 * end: runProgram then reports it as before).
 */
function runInKernel(r: ByteReader, lp: LineProgram, p: Params): boolean {
  const pos = r.pos, len = r.end - pos;
  if (len <= 0 || len >= MAX_ROWS) return false;
  const rows = len + 1;
  const A = align8(LK_PROG + len), F = A + 8 * rows, L = F + 4 * rows, Co = L + 4 * rows, Fl = Co + 4 * rows, E = align8(Fl + rows);
  const size = E + 4 * (Math.floor(len / 3) + 2);
  return withKernel(size, (k) => {
    if (!k) return false;
    const B = k.base, buf = k.memory.buffer;
    new Uint8Array(buf, B + LK_PROG, len).set(r.bytes.subarray(pos, r.end));
    const std = new Uint8Array(buf, B + LK_STD, 256);
    std.fill(0);
    for (let i = 0; i < p.stdLens.length && i < 256; i++) std[i] = p.stdLens[i];
    const st = new Int32Array(buf, B, 16);
    st[0] = p.opcodeBase; st[1] = p.lineRange || 1; st[2] = p.minInst; st[3] = p.lineBase; st[4] = p.defaultIsStmt ? 1 : 0; st[5] = B + LK_STD;
    st[6] = B + A; st[7] = B + F; st[8] = B + L; st[9] = B + Co; st[10] = B + Fl; st[11] = B + E;
    let status: number;
    try { status = k.lines(B + LK_PROG, B + LK_PROG + len, B); } catch { dropKernel(); return false; }
    if (status !== 0) return false;
    const n = st[12], nseq = st[13];
    lp.addr = new Float64Array(buf, B + A, n).slice(); lp.file = new Uint32Array(buf, B + F, n).slice();
    lp.line = new Uint32Array(buf, B + L, n).slice(); lp.column = new Uint32Array(buf, B + Co, n).slice();
    lp.flags = new Uint8Array(buf, B + Fl, n).slice();
    setSequences(lp, new Int32Array(buf, B + E, nseq), p.addressSize);
    r.pos = r.end;
    return true;
  });
}
