import { ByteReader } from '../util/reader';
import { FormatError } from '../util/errors';
import { FileOffset, fileOffset } from '../util/offsets';
import type { EnsureFn } from '../util/lazy';

export const SECTION_NAMES = [
  'custom', 'type', 'import', 'function', 'table', 'memory', 'global', 'export',
  'start', 'element', 'code', 'data', 'datacount', 'tag',
] as const;
export const enum SectionId {
  Custom = 0, Type = 1, Import = 2, Function = 3, Table = 4, Memory = 5, Global = 6,
  Export = 7, Start = 8, Element = 9, Code = 10, Data = 11, DataCount = 12, Tag = 13,
}

export interface SectionHeader {
  id: number;
  /** 'custom:<name>' style label for errors; for custom sections `customName` holds the name. */
  label: string;
  customName?: string;
  /** File offset of the section id byte. */
  headerStart: FileOffset;
  /** File offset of the payload (after the size LEB; for custom sections, still before the name). */
  payloadStart: FileOffset;
  /** For custom sections: file offset just after the name, where the content starts. */
  contentStart: FileOffset;
  /** File offset one past the end of the payload. */
  end: FileOffset;
}

const WASM_MAGIC = 0x6d736100;

/**
 * Eager section index: reads only the section headers (and custom section
 * names), never the payloads. Works for modules and for core dumps (which
 * are modules that are never instantiated).
 */
export function indexSections(bytes: Uint8Array, file: string, ensure?: EnsureFn): SectionHeader[] {
  const r = new ByteReader(bytes, file, 'header');
  ensure?.(0, 8);
  if (bytes.length < 8) r.fail(`file too short for a Wasm header (${bytes.length} bytes)`, 0);
  if (r.u32() !== WASM_MAGIC) r.fail('bad magic: not a WebAssembly binary', 0);
  const version = r.u32();
  if (version !== 1) r.fail(`unsupported Wasm version ${version} (only 1 is supported; components are not modules)`, 4);
  const out: SectionHeader[] = [];
  while (!r.atEnd) {
    const headerStart = r.pos;
    r.section = 'section header';
    ensure?.(headerStart, headerStart + 6);
    const id = r.u8();
    if (id > 13) r.fail(`unknown section id ${id}`, headerStart);
    const size = r.uleb32();
    const payloadStart = r.pos;
    if (size > r.remaining) r.fail(`section ${SECTION_NAMES[id]} size ${size} runs past the end of the file (${r.remaining} bytes left)`, headerStart);
    const end = payloadStart + size;
    let customName: string | undefined;
    let contentStart = payloadStart;
    if (id === SectionId.Custom) {
      const cr = r.window(payloadStart, end, 'custom');
      if (ensure) {
        // the name: its length LEB, then as many bytes as it says (bounded by the section)
        ensure(payloadStart, Math.min(end, payloadStart + 5));
        const len = cr.uleb32();
        ensure(cr.pos, Math.min(end, cr.pos + len));
        cr.pos = payloadStart;
      }
      customName = cr.name();
      contentStart = cr.pos;
    }
    out.push({
      id,
      label: customName !== undefined ? customName : SECTION_NAMES[id],
      customName,
      headerStart: fileOffset(headerStart),
      payloadStart: fileOffset(payloadStart),
      contentStart: fileOffset(contentStart),
      end: fileOffset(end),
    });
    r.pos = end;
  }
  return out;
}

/** A reader over a section's content (payload, or after the name for custom sections). */
export function sectionReader(bytes: Uint8Array, file: string, s: SectionHeader): ByteReader {
  return new ByteReader(bytes, file, s.label, s.contentStart, s.end);
}

export function requireEnd(r: ByteReader): void {
  if (!r.atEnd) {
    throw new FormatError(`${r.remaining} trailing bytes at end of section`, { file: r.file, section: r.section, offset: r.pos });
  }
}
