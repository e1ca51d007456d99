import { ByteReader } from '../util/reader';

export interface NameSection {
  module?: string;
  functions: Map<number, string>;
  /** function index → (local index → name) */
  locals: Map<number, Map<number, string>>;
  globals: Map<number, string>;
  /** Other index spaces (extended name section); absent when the section has none. */
  types?: Map<number, string>;
  tables?: Map<number, string>;
  memories?: Map<number, string>;
  elems?: Map<number, string>;
  datas?: Map<number, string>;
  tags?: Map<number, string>;
  /** Set when the section was malformed; what was read before the error is kept. */
  error?: string;
}

function nameMap(r: ByteReader, into: Map<number, string>): void {
  const n = r.count('name map entry', 2);
  for (let i = 0; i < n; i++) {
    const idx = r.uleb32();
    into.set(idx, r.name());
  }
}

/**
 * The `name` custom section (module, function, local, global and other
 * names). Names are optional: a malformed section does not throw; what was
 * read before the error is kept and `error` says where reading stopped.
 */
export function parseNameSection(r: ByteReader): NameSection {
  const out: NameSection = { functions: new Map(), locals: new Map(), globals: new Map() };
  try {
    readSubsections(r, out);
  } catch (e) {
    out.error = e instanceof Error ? e.message : String(e);
  }
  return out;
}

function readSubsections(r: ByteReader, out: NameSection): void {
  while (!r.atEnd) {
    const id = r.u8();
    const size = r.uleb32();
    const sub = r.sub(size);
    switch (id) {
      case 0: out.module = sub.name(); break;
      case 1: nameMap(sub, out.functions); break;
      case 2: {
        const n = sub.count('local name function', 2);
        for (let i = 0; i < n; i++) {
          const f = sub.uleb32();
          const m = new Map<number, string>();
          nameMap(sub, m);
          out.locals.set(f, m);
        }
        break;
      }
      case 7: nameMap(sub, out.globals); break;
      case 4: nameMap(sub, (out.types ??= new Map())); break;
      case 5: nameMap(sub, (out.tables ??= new Map())); break;
      case 6: nameMap(sub, (out.memories ??= new Map())); break;
      case 8: nameMap(sub, (out.elems ??= new Map())); break;
      case 9: nameMap(sub, (out.datas ??= new Map())); break;
      case 11: nameMap(sub, (out.tags ??= new Map())); break;
      default: break; // labels (3), fields (10): not needed
    }
  }
}
