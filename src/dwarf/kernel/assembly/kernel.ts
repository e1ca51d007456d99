// The DWARF kernels, in AssemblyScript (compiled to Wasm by scripts/build-kernel.mjs,
// embedded in ../binary.ts). A one-shot symbolization runs its few hot loops only
// once, and a JavaScript loop run once runs mostly in V8's interpreter; Wasm has no
// interpreter tier, so these loops run at compiled speed from their first byte.
// They read and write only the linear memory the caller (../index.ts) lays out, stop
// at anything unusual, and leave that to the TypeScript code, which reports errors.
//
// skim:  walks DIEs (see ../../skim.ts for the protocol and the record layout).
// lines: runs a line-number program (see ../../line.ts, runProgram).
// subprograms: the subprogram ranges of a walk's subroutine entries, sorted (see ../../skim.ts, SkimWalk.split).
// abbrevs: reads an abbreviation table and classifies its codes for skim (see ../../skim.ts, SkimWalk.preclassify).

// ---- skim ------------------------------------------------------------------------

/** Skim state block (i32 fields). */
const S_DEPTH = 0, S_N = 4, S_DONE = 8, S_ANC = 12, S_MAXDEPTH = 16, S_REC = 20, S_RECCAP = 24, S_INFO = 28, S_NCODES = 32, S_PLANIDX = 36, S_PLANDATA = 40;
const S_SUBINFO = 44, S_SUBANC = 48, S_SUB = 52, S_SUBCAP = 56, S_NS = 60, S_ADDRSIZE = 64;
/** Subroutine info per code (4 i32s: flags, low_pc offset, high_pc offset, high_pc size | is-an-address << 8). */
const SUB_CODE = 1, SUB_INLINED = 2, SUB_SUBPROGRAM = 4, SUB_SIMPLE = 8, SUB_RANGES = 16;
const SKIM_CHILDREN = 1, SKIM_FIXED = 2, SKIM_KEEP = 4;
const K_LEB = -1, K_BLOCK_LEB = -2, K_STRING = -3, K_BLOCK1 = -4, K_BLOCK2 = -5, K_BLOCK4 = -6;

/** Walk DIEs from `pos` to `end` (memory addresses); returns where it stopped. */
export function skim(pos: i32, end: i32, st: i32): i32 {
  let depth = load<i32>(st + S_DEPTH), n = load<i32>(st + S_N);
  const anc = load<i32>(st + S_ANC), maxDepth = load<i32>(st + S_MAXDEPTH), rec = load<i32>(st + S_REC);
  const full = load<i32>(st + S_RECCAP) - 4, info = load<i32>(st + S_INFO), ncodes = load<i32>(st + S_NCODES);
  const planIdx = load<i32>(st + S_PLANIDX), planData = load<i32>(st + S_PLANDATA);
  const subInfo = load<i32>(st + S_SUBINFO), subAnc = load<i32>(st + S_SUBANC), sub = load<i32>(st + S_SUB);
  const subFull = load<i32>(st + S_SUBCAP), addrSize = load<i32>(st + S_ADDRSIZE);
  let ns = load<i32>(st + S_NS);
  while (pos < end) {
    let code = <i32>load<u8>(pos);
    if (code == 0) {
      pos++;
      if (depth == 0) { store<i32>(st + S_DONE, 1); break; }
      depth--;
      continue;
    }
    let p = pos + 1;
    if (code >= 0x80) {
      if (p >= end) break;
      const b = <i32>load<u8>(p);
      if (b >= 0x80) break;
      code = (code & 0x7f) | (b << 7);
      p++;
    }
    if (code >= ncodes) break;
    const inf = load<i32>(info + (code << 2));
    if (inf < 0) break;
    const attrs = p;
    if ((inf & SKIM_FIXED) != 0) p += inf >> 3;
    else {
      const pi = planIdx + (code << 3);
      const ps = load<i32>(pi);
      if (ps < 0) break;
      const pe = ps + load<i32>(pi + 4);
      for (let i = ps; i < pe && p <= end; i++) {
        const x = load<i32>(planData + (i << 2));
        if (x >= 0) { p += x; continue; }
        if (x == K_LEB) {
          const s0 = p;
          while (p < end && load<u8>(p) >= 0x80) p++;
          p = p - s0 > 20 ? end + 1 : p + 1;
          continue;
        }
        if (x == K_BLOCK_LEB) {
          let len: i64 = 0, shift: i64 = 0, ok = false;
          for (let k = 0; k < 5 && p < end; k++) {
            const b = <i64>load<u8>(p++);
            len |= (b & 0x7f) << shift;
            if (b < 0x80) { ok = true; break; }
            shift += 7;
          }
          p = ok && len <= <i64>(end - p) ? p + <i32>len : end + 1;
          continue;
        }
        if (x == K_STRING) {
          while (p < end && load<u8>(p) != 0) p++;
          p = p < end ? p + 1 : end + 1;
          continue;
        }
        if (x == K_BLOCK1) { p = p < end ? p + 1 + <i32>load<u8>(p) : end + 1; continue; }
        if (x == K_BLOCK2) { p = p + 2 <= end ? p + 2 + <i32>load<u16>(p) : end + 1; continue; }
        // K_BLOCK4
        if (p + 4 > end) { p = end + 1; continue; }
        const len4 = <i64>load<u32>(p);
        p = len4 <= <i64>(end - p - 4) ? p + 4 + <i32>len4 : end + 1;
      }
    }
    if (p > end) break; // values past the end: the general code reports it
    let self = load<i32>(anc + (depth << 2));
    let subSelf = load<i32>(subAnc + (depth << 2));
    if ((inf & SKIM_KEEP) != 0) {
      if (n > full) break;
      const si = subInfo + (code << 4), sf = load<i32>(si);
      if ((sf & (SUB_CODE | SUB_INLINED)) != 0) {
        // a subroutine with code: its range when its shape is the simple one, and its nearest enclosing subprogram
        if (ns >= subFull) break;
        const e = sub + (ns << 5);
        let low: f64 = -1, hi: f64 = 0;
        if ((sf & SUB_SIMPLE) != 0) {
          low = readAddr(attrs + load<i32>(si, 4), addrSize);
          const hs = load<i32>(si, 12);
          const h = readAddr(attrs + load<i32>(si, 8), hs & 0xff);
          if (low < 0 || h < 0) low = -1;
          else hi = (hs >> 8) != 0 ? h : low + h;
        } else if ((sf & SUB_RANGES) != 0) {
          low = -3; hi = <f64>load<u32>(attrs + load<i32>(si, 4)); // the caller reads the list at this offset
        }
        store<f64>(e, low); store<f64>(e, hi, 8); store<f64>(e, <f64>n, 16);
        store<f64>(e, (sf & SUB_INLINED) != 0 ? <f64>subSelf : -2, 24);
        ns++;
      }
      if ((sf & SUB_SUBPROGRAM) != 0) subSelf = n;
      const r = rec + (n << 2);
      store<i32>(r, pos); store<i32>(r, attrs, 4); store<i32>(r, self, 8); store<i32>(r, code, 12);
      self = n;
      n += 4;
    }
    if ((inf & SKIM_CHILDREN) != 0) {
      if (depth >= maxDepth) {
        if ((inf & SKIM_KEEP) != 0) {
          n -= 4;
          if ((load<i32>(subInfo + (code << 4)) & (SUB_CODE | SUB_INLINED)) != 0) ns--;
        }
        break;
      }
      depth++;
      store<i32>(anc + (depth << 2), self);
      store<i32>(subAnc + (depth << 2), subSelf);
    }
    pos = p;
  }
  store<i32>(st + S_DEPTH, depth); store<i32>(st + S_N, n); store<i32>(st + S_NS, ns);
  return pos;
}

/** A little-endian value of 1, 2, 4 or 8 bytes as a double; -1 when it needs more than 53 bits. */
function readAddr(p: i32, size: i32): f64 {
  if (size == 4) return <f64>load<u32>(p);
  if (size == 8) {
    const hi = load<u32>(p + 4);
    return hi >= 0x200000 ? -1 : <f64>hi * 4294967296.0 + <f64>load<u32>(p);
  }
  if (size == 2) return <f64>load<u16>(p);
  if (size == 1) return <f64>load<u8>(p);
  return -1;
}

// ---- lines -----------------------------------------------------------------------

/** Line state block (i32 fields). */
const L_OPBASE = 0, L_LINERANGE = 4, L_MININST = 8, L_LINEBASE = 12, L_STMT0 = 16, L_STDLENS = 20;
const L_ROWS_A = 24, L_ROWS_F = 28, L_ROWS_L = 32, L_ROWS_C = 36, L_ROWS_FL = 40, L_SEQ = 44;
const L_N = 48, L_NSEQ = 52;
const DW_LNS_copy = 1, DW_LNS_advance_pc = 2, DW_LNS_advance_line = 3, DW_LNS_set_file = 4, DW_LNS_set_column = 5,
  DW_LNS_negate_stmt = 6, DW_LNS_set_basic_block = 7, DW_LNS_const_add_pc = 8, DW_LNS_fixed_advance_pc = 9,
  DW_LNS_set_prologue_end = 10, DW_LNS_set_epilogue_begin = 11, DW_LNS_set_isa = 12;
const DW_LNE_end_sequence = 1, DW_LNE_set_address = 2, DW_LNE_define_file = 3;

/** Set by uleb/sleb: the position after the value, or -1 when it is one `lines` leaves to the general code. */
let next: i32 = 0;

/** Unsigned LEB128 of at most 7 bytes (49 bits: exact as a double); sets `next`. */
function uleb(p: i32, end: i32): u64 {
  let v: u64 = 0, shift: u64 = 0;
  for (let k = 0; k < 7; k++) {
    if (p >= end) break;
    const b = <u64>load<u8>(p++);
    v |= (b & 0x7f) << shift;
    if (b < 0x80) { next = p; return v; }
    shift += 7;
  }
  next = -1;
  return 0;
}

/** Signed LEB128 of at most 7 bytes; sets `next`. */
function sleb(p: i32, end: i32): f64 {
  let v: i64 = 0, shift: i64 = 0;
  for (let k = 0; k < 7; k++) {
    if (p >= end) break;
    const b = <i64>load<u8>(p++);
    v |= (b & 0x7f) << shift;
    shift += 7;
    if (b < 0x80) {
      if ((b & 0x40) != 0) v -= <i64>1 << shift;
      next = p;
      return <f64>v;
    }
  }
  next = -1;
  return 0;
}

/**
 * Run the line program in [pos, end). Rows go to the row arrays (room for one
 * row per program byte, enough for any program), the index of every
 * end_sequence row to the sequence array. Returns 0 when the program ran to
 * its end, or 1 at anything the general code must do (define_file, a value or
 * length it does not decode, a read past the end): the caller then runs the
 * whole program there.
 */
export function lines(pos: i32, end: i32, st: i32): i32 {
  const opBase = load<i32>(st + L_OPBASE), lr = load<i32>(st + L_LINERANGE), minInst = load<i32>(st + L_MININST);
  const lineBase = load<i32>(st + L_LINEBASE), stmt0 = load<i32>(st + L_STMT0), stdLens = load<i32>(st + L_STDLENS);
  const A = load<i32>(st + L_ROWS_A), F = load<i32>(st + L_ROWS_F), L = load<i32>(st + L_ROWS_L), Co = load<i32>(st + L_ROWS_C), Fl = load<i32>(st + L_ROWS_FL);
  const seq = load<i32>(st + L_SEQ);
  const constAdd: i32 = ((255 - opBase) / lr) * minInst; // integer division (as Math.floor: both are >= 0)
  const constAddPc = <f64>constAdd;
  let n = 0, nseq = 0;
  let address: f64 = 0, line: f64 = 1;
  let file: u32 = 1, column: u32 = 0, flags = stmt0;
  let status = 0;
  while (pos < end) {
    const op = <i32>load<u8>(pos++);
    let endSeq = false;
    if (op >= opBase) {
      const adj: i32 = op - opBase;
      const da: i32 = (adj / lr) * minInst, dl: i32 = lineBase + (adj % lr);
      address += <f64>da;
      line += <f64>dl;
    } else if (op == 0) {
      const len64 = uleb(pos, end);
      if (next < 0) { status = 1; break; }
      const at = next;
      if (len64 == 0 || len64 > <u64>(end - at)) { status = 1; break; }
      const len = <i32>len64;
      const sub = <i32>load<u8>(at);
      if (sub == DW_LNE_end_sequence) endSeq = true;
      else if (sub == DW_LNE_set_address) {
        const size = len - 1;
        if (size >= 8) {
          const hi = load<u32>(at + 5);
          if (hi >= 0x200000) { status = 1; break; }
          address = <f64>hi * 4294967296.0 + <f64>load<u32>(at + 1);
        } else if (size == 4) address = <f64>load<u32>(at + 1);
        else if (size == 2) address = <f64>load<u16>(at + 1);
        else if (size == 1) address = <f64>load<u8>(at + 1);
        else { status = 1; break; }
      } else if (sub == DW_LNE_define_file) { status = 1; break; }
      pos = at + len;
      if (!endSeq) continue;
    } else {
      if (op == DW_LNS_copy) { /* a row */ }
      else if (op == DW_LNS_advance_pc) { const v = uleb(pos, end); if (next < 0) { status = 1; break; } pos = next; address += <f64>v * <f64>minInst; continue; }
      else if (op == DW_LNS_advance_line) { const v = sleb(pos, end); if (next < 0) { status = 1; break; } pos = next; line += v; continue; }
      else if (op == DW_LNS_set_file) { const v = uleb(pos, end); if (next < 0) { status = 1; break; } pos = next; file = <u32>v; continue; }
      else if (op == DW_LNS_set_column) { const v = uleb(pos, end); if (next < 0) { status = 1; break; } pos = next; column = <u32>v; continue; }
      else if (op == DW_LNS_negate_stmt) { flags ^= 1; continue; }
      else if (op == DW_LNS_set_basic_block || op == DW_LNS_set_epilogue_begin) continue;
      else if (op == DW_LNS_const_add_pc) { address += constAddPc; continue; }
      else if (op == DW_LNS_fixed_advance_pc) { if (pos + 2 > end) { status = 1; break; } address += <f64>load<u16>(pos); pos += 2; continue; }
      else if (op == DW_LNS_set_prologue_end) { flags |= 4; continue; }
      else {
        // set_isa and opcodes this table does not know: skip their LEB128 operands
        const k = op == DW_LNS_set_isa ? 1 : <i32>load<u8>(stdLens + op);
        let ok = true;
        for (let i = 0; i < k; i++) { uleb(pos, end); if (next < 0) { ok = false; break; } pos = next; }
        if (!ok) { status = 1; break; }
        continue;
      }
    }
    // a row: a special opcode, copy or end_sequence
    store<f64>(A + (n << 3), address);
    store<u32>(F + (n << 2), file);
    store<u32>(L + (n << 2), line < 0 ? 0 : <u32>(<i64>line));
    store<u32>(Co + (n << 2), column);
    store<u8>(Fl + n, <u8>(flags | (endSeq ? 2 : 0)));
    n++;
    flags &= 1;
    if (endSeq) {
      store<i32>(seq + (nseq << 2), n - 1);
      nseq++;
      address = 0; file = 1; line = 1; column = 0; flags = stmt0;
    }
  }
  store<i32>(st + L_N, n); store<i32>(st + L_NSEQ, nseq);
  return status;
}

// ---- subprograms ----------------------------------------------------------------

/** subprograms state block (i32 fields): the entries and where the results go (arrays of `ns` slots each), then counts. */
const P_SUB = 0, P_NS = 4, P_ADDRSIZE = 8, P_B = 12, P_E = 16, P_R = 20, P_KEYS = 24, P_SB = 28, P_SE = 32, P_SR = 36, P_INL = 40;
const P_NTOP = 44, P_NINL = 48, P_FLAGS = 52;
/** P_FLAGS bits: a subprogram whose range the walk did not read (the caller reads its DIE), sorted, ranges overlap. */
const F_GENERAL = 1, F_SORTED = 2, F_OVERLAP = 4;
const SLOTS: f64 = 2097152; // 2^21: key = begin * SLOTS + index, exact in an f64 for begin < 2^32

/**
 * From the subroutine entries (4 f64s each: low, end, record, nearest
 * subprogram or -2 for a subprogram): the non-empty subprogram ranges in
 * tree order (B, E, R: record indexes), the same sorted by begin (SB, SE, SR; ties in tree
 * order) with whether any two overlap, and the indexes of the inlined
 * entries. A subprogram entry the walk could not read (low -1) only sets
 * F_GENERAL: the caller then does all of it from the DIEs.
 */
export function subprograms(st: i32): void {
  const sub = load<i32>(st + P_SUB), ns = load<i32>(st + P_NS), as = load<i32>(st + P_ADDRSIZE);
  const B = load<i32>(st + P_B), E = load<i32>(st + P_E), R = load<i32>(st + P_R), inl = load<i32>(st + P_INL);
  let nt = 0, ni = 0, flags = 0, packable = ns < <i32>SLOTS;
  let tomb: f64 = 9007199254740991.0; // isTombstone: 2^(8 as) - 2, and for 8-byte addresses anything past 2^53 - 1
  if (as != 8) { tomb = 1; for (let i = 0; i < as; i++) tomb *= 256; tomb -= 2; }
  for (let j = 0; j < ns; j++) {
    const e = sub + (j << 5);
    const par = load<f64>(e + 24);
    if (par != -2) { store<i32>(inl + (ni << 2), j); ni++; continue; }
    const low = load<f64>(e), end = load<f64>(e + 8);
    if (low < 0) { flags |= F_GENERAL; continue; }
    if (end <= low || low == 0 || low >= tomb) continue; // empty, or discarded code (isDiscardedStart)
    store<f64>(B + (nt << 3), low); store<f64>(E + (nt << 3), end); store<f64>(R + (nt << 3), load<f64>(e + 16) / 4); // the entry holds the record's i32 offset (4 per record)
    if (low >= 4294967296.0 || low != floor<f64>(low)) packable = false;
    nt++;
  }
  store<i32>(st + P_NTOP, nt); store<i32>(st + P_NINL, ni);
  if (packable && (flags & F_GENERAL) == 0) {
    const keys = load<i32>(st + P_KEYS), SB = load<i32>(st + P_SB), SE = load<i32>(st + P_SE), SR = load<i32>(st + P_SR);
    for (let k = 0; k < nt; k++) store<f64>(keys + (k << 3), load<f64>(B + (k << 3)) * SLOTS + <f64>k);
    heapSort(keys, nt);
    let prevEnd: f64 = -1;
    for (let k = 0; k < nt; k++) {
      const key = load<f64>(keys + (k << 3));
      const i: i32 = <i32>(key - floor<f64>(key / SLOTS) * SLOTS);
      const b = load<f64>(B + (i << 3)), en = load<f64>(E + (i << 3));
      if (k > 0 && b < prevEnd) flags |= F_OVERLAP;
      prevEnd = en;
      store<f64>(SB + (k << 3), b); store<f64>(SE + (k << 3), en); store<f64>(SR + (k << 3), load<f64>(R + (i << 3)));
    }
    flags |= F_SORTED;
  }
  store<i32>(st + P_FLAGS, flags);
}

/** Sort n distinct f64s at `a` ascending (heapsort: no allocation, n log n). */
function heapSort(a: i32, n: i32): void {
  for (let i = (n >> 1) - 1; i >= 0; i--) siftDown(a, i, n);
  for (let end = n - 1; end > 0; end--) {
    const t = load<f64>(a); store<f64>(a, load<f64>(a + (end << 3))); store<f64>(a + (end << 3), t);
    siftDown(a, 0, end);
  }
}

function siftDown(a: i32, root: i32, n: i32): void {
  while (true) {
    let child = 2 * root + 1;
    if (child >= n) return;
    let c = load<f64>(a + (child << 3));
    if (child + 1 < n) { const c2 = load<f64>(a + ((child + 1) << 3)); if (c2 > c) { child++; c = c2; } }
    const r = load<f64>(a + (root << 3));
    if (r >= c) return;
    store<f64>(a + (root << 3), c); store<f64>(a + (child << 3), r);
    root = child;
  }
}

// ---- abbrevs -------------------------------------------------------------------

/** abbrevs state block (i32 fields). */
const A_POS = 0, A_END = 4, A_ATEND = 8, A_ADDRSIZE = 12, A_OFFSIZE = 16, A_VERSION = 20, A_INFO = 24, A_PLANIDX = 28, A_PLANDATA = 32;
const A_PLANUSED = 36, A_PLANCAP = 40, A_SUBINFO = 44, A_DECL = 48, A_MAXCODE = 52, A_NCODES = 56, A_RANGESOK = 60;
const MAX_ATTRS = 1000;

/**
 * Read the abbreviation table at [pos, end) (A_ATEND: `end` is the
 * section's end, where a table may stop without its 0) and classify every
 * code below A_MAXCODE as the TypeScript code would on first sight
 * (Unit.scanScope: skimInfo, skimPlan, Unit.subInfo): the info, plan and
 * subroutine tables of skim. A_DECL[code] gets each declaration's position
 * (0: none); A_NCODES one past the largest code. Returns 0, or 1 (nothing
 * classified) for a table the TypeScript code would report: a repeated
 * code, a bad LEB128, more than 1000 attributes, no end in [pos, end).
 * A code whose forms skim does not decode, or whose plan does not fit,
 * stays unclassified (skim stops at it).
 */
export function abbrevs(st: i32): i32 {
  const pos0 = load<i32>(st + A_POS), end = load<i32>(st + A_END), atEnd = load<i32>(st + A_ATEND);
  const decl = load<i32>(st + A_DECL), maxCode = load<i32>(st + A_MAXCODE);
  memory.fill(decl, 0, maxCode << 2); // 0: no declaration (positions are never 0)
  // pass 1: the table reads as the TypeScript code reads it (codes at most 2^31, no repeats among the ones recorded)
  let p = pos0, ncodes = 0;
  while (true) {
    if (p >= end) { if (atEnd == 0) return 1; break; }
    const at = p;
    const code = uleb(p, end);
    if (next < 0 || code > 0x7fffffff) return 1;
    p = next;
    if (code == 0) break;
    if (code >= <u64>maxCode) return 1; // (a code the tables cannot hold: all left to the TypeScript code)
    const c = <i32>code;
    if (load<i32>(decl + (c << 2)) != 0) return 1;
    store<i32>(decl + (c << 2), at);
    if (c + 1 > ncodes) ncodes = c + 1;
    const tag = uleb(p, end); if (next < 0 || tag > 0xffff) return 1; p = next; // (pass 2 reads tags, names and forms as i32s)
    if (p >= end) return 1;
    p++; // children
    for (let n = 0; ; n++) {
      const a = uleb(p, end); if (next < 0 || a > 0xffff) return 1; p = next;
      const f = uleb(p, end); if (next < 0 || f > 0xffff) return 1; p = next;
      if (a == 0 && f == 0) break;
      if (n >= MAX_ATTRS) return 1;
      if (f == DW_FORM_implicit_const) { sleb(p, end); if (next < 0) return 1; p = next; }
    }
  }
  store<i32>(st + A_NCODES, ncodes);
  // pass 2: classify
  const as = load<i32>(st + A_ADDRSIZE), os = load<i32>(st + A_OFFSIZE), version = load<i32>(st + A_VERSION);
  const info = load<i32>(st + A_INFO), planIdx = load<i32>(st + A_PLANIDX), planData = load<i32>(st + A_PLANDATA);
  const planCap = load<i32>(st + A_PLANCAP), subInfo = load<i32>(st + A_SUBINFO);
  let planUsed = load<i32>(st + A_PLANUSED);
  const rangesOk = load<i32>(st + A_RANGESOK) != 0 && os == 4;
  for (let c = 0; c < ncodes; c++) {
    let q = load<i32>(decl + (c << 2));
    if (q == 0) continue;
    uleb(q, end); q = next; // code
    const tag = <i32>uleb(q, end); q = next;
    const children = load<u8>(q) != 0; q++;
    // the plan: runs of fixed-size values, and the variable-size forms skim decodes (else the code is left unclassified)
    const start = planData + (planUsed << 2);
    let items = 0, run = 0, ok = true, fixed = true, hasCode = false;
    let off = 0, low = -1, high = -1, highSize = 0, highIsAddr = 0, lhDone = false;
    let roff = 0, ranges = -1, rDone = !rangesOk; // Unit.rangesOf
    while (true) {
      const a = <i32>uleb(q, end); q = next;
      const f = <i32>uleb(q, end); q = next;
      if (a == 0 && f == 0) break;
      if (f == DW_FORM_implicit_const) { sleb(q, end); q = next; }
      if (a == DW_AT_low_pc || a == DW_AT_ranges) hasCode = true;
      const k = fixedFormSize(f, as, os, version);
      if (!rDone) {
        if (a == DW_AT_ranges) { if (f == DW_FORM_sec_offset) ranges = roff; rDone = true; }
        else if (k < 0) rDone = true;
        else roff += k;
      }
      // Unit.lowHighOf
      if (!lhDone) {
        if (a == DW_AT_ranges) { low = -2; lhDone = true; }
        else if (a == DW_AT_low_pc && low == -1) {
          if (f != DW_FORM_addr) { low = -2; lhDone = true; } else low = off;
        } else if (a == DW_AT_high_pc && high == -1) {
          if (f == DW_FORM_addr) { highSize = as; highIsAddr = 1; high = off; }
          else if (f == DW_FORM_data1 || f == DW_FORM_data2 || f == DW_FORM_data4 || f == DW_FORM_data8) { highSize = k; high = off; }
          else { high = -2; lhDone = true; }
        }
        if (!lhDone) { if (k < 0) { if (low == -1 || high == -1) lhDone = true; } else off += k; }
      }
      if (k >= 0) { run += k; continue; }
      fixed = false;
      const kind = planKind(f);
      if (kind == 0) { ok = false; continue; }
      if (run != 0) { if (planUsed + items < planCap) store<i32>(start + (items << 2), run); items++; }
      run = 0;
      if (planUsed + items < planCap) store<i32>(start + (items << 2), kind);
      items++;
    }
    if (!ok) continue;
    if (!fixed) {
      if (run != 0) { if (planUsed + items < planCap) store<i32>(start + (items << 2), run); items++; }
      if (planUsed + items > planCap) continue; // left to the TypeScript code, as SkimWalk.classify does
      store<i32>(planIdx + (c << 3), planUsed);
      store<i32>(planIdx + (c << 3) + 4, items);
      planUsed += items;
    }
    // Unit.subFlags / subInfo
    const kind = !hasCode ? 0 : tag == DW_TAG_subprogram ? 1 : tag == DW_TAG_inlined_subroutine ? 2 : 0;
    let flags = (kind == 1 ? SUB_CODE : kind == 2 ? SUB_INLINED : 0) | (tag == DW_TAG_subprogram ? SUB_SUBPROGRAM : 0);
    const simple = kind != 0 && low >= 0 && high >= 0 && (as == 4 || as == 8);
    const listed = kind != 0 && !simple && ranges >= 0;
    if (simple) flags |= SUB_SIMPLE;
    if (listed) flags |= SUB_RANGES;
    const si = subInfo + (c << 4);
    store<i32>(si, flags); store<i32>(si + 4, simple ? low : listed ? ranges : 0); store<i32>(si + 8, simple ? high : 0);
    store<i32>(si + 12, simple ? highSize | (highIsAddr << 8) : 0);
    // skimInfo
    store<i32>(info + (c << 2), (children ? SKIM_CHILDREN : 0) | (isScopeTag(tag) ? SKIM_KEEP : 0) | (fixed ? SKIM_FIXED | (run << 3) : 0));
  }
  store<i32>(st + A_PLANUSED, planUsed);
  return 0;
}

const DW_FORM_addr = 0x01, DW_FORM_sec_offset = 0x17, DW_FORM_data1 = 0x0b, DW_FORM_data2 = 0x05, DW_FORM_data4 = 0x06, DW_FORM_data8 = 0x07, DW_FORM_implicit_const = 0x21;
const DW_AT_low_pc = 0x11, DW_AT_high_pc = 0x12, DW_AT_ranges = 0x55;
const DW_TAG_subprogram = 0x2e, DW_TAG_inlined_subroutine = 0x1d;

/** form.ts fixedFormSize. */
function fixedFormSize(f: i32, as: i32, os: i32, version: i32): i32 {
  switch (f) {
    case 0x19: case 0x21: return 0; // flag_present, implicit_const
    case 0x0b: case 0x11: case 0x0c: case 0x25: case 0x29: return 1; // data1 ref1 flag strx1 addrx1
    case 0x05: case 0x12: case 0x26: case 0x2a: return 2; // data2 ref2 strx2 addrx2
    case 0x27: case 0x2b: return 3; // strx3 addrx3
    case 0x06: case 0x13: case 0x1c: case 0x28: case 0x2c: return 4; // data4 ref4 ref_sup4 strx4 addrx4
    case 0x07: case 0x14: case 0x20: case 0x24: return 8; // data8 ref8 ref_sig8 ref_sup8
    case 0x1e: return 16; // data16
    case 0x01: return as; // addr
    case 0x0e: case 0x1f: case 0x17: case 0x1d: case 0x1f20: case 0x1f21: return os; // strp line_strp sec_offset strp_sup GNU_ref_alt GNU_strp_alt
    case 0x10: return version <= 2 ? as : os; // ref_addr
    default: return -1;
  }
}

/** skim.ts skimPlan: the plan item of a variable-size form, 0 for one skim does not decode. */
function planKind(f: i32): i32 {
  switch (f) {
    case 0x0f: case 0x0d: case 0x15: case 0x1a: case 0x1b: case 0x22: case 0x23: case 0x1f01: case 0x1f02: return K_LEB;
    case 0x18: case 0x09: return K_BLOCK_LEB; // exprloc block
    case 0x08: return K_STRING;
    case 0x0a: return K_BLOCK1;
    case 0x03: return K_BLOCK2;
    case 0x04: return K_BLOCK4;
    default: return 0;
  }
}

/** unit.ts SCOPE_TAGS. */
function isScopeTag(t: i32): bool {
  return t == 0x2e || t == 0x1d || t == 0x39 || t == 0x02 || t == 0x13 || t == 0x17 || t == 0x38 || t == 0x04 || t == 0x1e ||
    t == 0x11 || t == 0x3c || t == 0x41 || t == 0x4a;
}

/** First free byte of linear memory (after the kernel's own data): where the caller's layout may start. */
export function heapBase(): i32 { return <i32>__heap_base; }
