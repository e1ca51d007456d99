import { ByteReader } from '../util/reader';

export interface NameSection {
  module?: string;
  functions: Map<number, string>;
  /** function index → (local index → name) */
  locals: Map<number, Map<number, string>>;
  globals: Map<number, string>;
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

/** The `name` custom section (module, function, local and global names). */
export function parseNameSection(r: ByteReader): NameSection {
  const out: NameSection = { functions: new Map(), locals: new Map(), globals: new Map() };
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
      default: break; // labels, types, tables, memories, data, ...: not needed
    }
  }
  return out;
}
