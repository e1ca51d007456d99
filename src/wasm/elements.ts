/**
 * The function table as the Element section initialises it: table slot →
 * function index, for active segments with a constant offset. A Rust
 * `fn` pointer (e.g. a `fmt::Arguments` formatter) or a C function pointer
 * on wasm32 is such a slot number.
 */
import { SectionId } from './sections';
import type { WasmModule } from './module';
import { readValType } from './valtypes';
import { skipConstExpr } from './instr';
import type { ByteReader } from '../util/reader';

/** Slot → function index of table `table` (default 0). Slots set by code at run time are not known. */
export function tableFunctions(m: WasmModule, table = 0): Map<number, number> {
  const out = new Map<number, number>();
  const s = m.section(SectionId.Element);
  if (!s) return out;
  const r = m.reader(s);
  const n = r.count('element segment', 1);
  for (let i = 0; i < n; i++) {
    const flags = r.uleb32();
    if (flags > 7) r.fail(`bad element segment flags ${flags}`);
    const active = (flags & 1) === 0;
    const tableIndex = flags & 2 && active ? r.uleb32() : 0;
    const offset = active ? constOffset(r) : undefined;
    const exprs = (flags & 4) !== 0;
    if (flags & 3) {
      // elemkind (0x00 = funcref) or reftype
      if (exprs) readValType(r); else r.u8();
    }
    const count = r.count('element', 1);
    for (let j = 0; j < count; j++) {
      const f = exprs ? refFunc(r) : r.uleb32();
      if (active && offset !== undefined && tableIndex === table && f !== undefined) out.set(offset + j, f);
    }
  }
  return out;
}

/** `i32.const N end` → N; anything else (global.get, extended constants) → undefined, skipped. */
function constOffset(r: ByteReader): number | undefined {
  const start = r.pos;
  if (r.peekU8() === 0x41) {
    r.u8();
    const v = r.sleb32();
    if (r.peekU8() === 0x0b) { r.u8(); return v >>> 0; }
  }
  r.seek(start);
  skipConstExpr(r);
  return undefined;
}

/** `ref.func F end` → F; `ref.null` and other expressions → undefined. */
function refFunc(r: ByteReader): number | undefined {
  const start = r.pos;
  if (r.peekU8() === 0xd2) {
    r.u8();
    const f = r.uleb32();
    if (r.peekU8() === 0x0b) { r.u8(); return f; }
  }
  r.seek(start);
  skipConstExpr(r);
  return undefined;
}
