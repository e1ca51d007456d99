/**
 * instrument: make a module's state readable from JavaScript, so the
 * in-process runtime (runtime/index.mjs) can put it into a core dump.
 *
 * Adds exports under reserved names (the runtime knows them):
 *   __wcd_global_<i>   every global, mutable or not (i = global index, imports included)
 *   __wcd_memory_<i>   every memory
 *   __wcd_table_<i>    every table
 * and a `build_id` section when the module has none (the id is chosen by the
 * caller). Nothing else changes: every other section is copied byte for byte,
 * in particular the Code section (no function body is touched) and the
 * DWARF, whose addresses are relative to the Code section.
 *
 * What moves: the Export section grows, so the Code section starts at a
 * later FILE offset. Engines print module-file offsets (V8's
 * `wasm-function[3]:0x1a2`), so they must be converted with the
 * instrumented module's Code section start (the runtime does, from the
 * bytes it is given); the function-body-relative offsets the core dump
 * records are the same for the original, the instrumented and a stripped
 * module, so the dump opens with any of them.
 */
import { WasmEncoder } from '../coredump/writer';
import { SectionId } from './sections';
import { WasmModule } from './module';
import { assemble, buildIdContent, customSectionBytes, sectionBytes } from './rewrite';

export const RESERVED_PREFIX = '__wcd_';
export const reservedName = (kind: 'global' | 'memory' | 'table', index: number): string => `${RESERVED_PREFIX}${kind}_${index}`;

const KIND = { table: 1, memory: 2, global: 3 } as const;

/** Position of each known section id in the required module order. */
const ORDER: Record<number, number> = { 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 13: 6, 6: 7, 7: 8, 8: 9, 9: 10, 12: 11, 10: 12, 11: 13 };

export interface InstrumentOptions {
  /** Id bytes for a build_id section when the module has none. */
  newBuildId: Uint8Array;
}

export interface InstrumentResult {
  bytes: Uint8Array;
  /** The exports added (names already present are not added again). */
  added: Array<{ name: string; kind: 'global' | 'memory' | 'table'; index: number }>;
  buildId: string;
  addedBuildId: boolean;
}

function tableCount(m: WasmModule): number {
  const imported = m.imports.filter((i) => i.kind === 'table').length;
  const s = m.section(SectionId.Table);
  return imported + (s ? m.reader(s).uleb32() : 0);
}

export function instrumentModule(m: WasmModule, opts: InstrumentOptions): InstrumentResult {
  const old = m.exports; // also validates the section
  const taken = new Set(old.map((e) => e.name));
  const added: InstrumentResult['added'] = [];
  const add = (kind: 'global' | 'memory' | 'table', n: number): void => {
    for (let i = 0; i < n; i++) {
      const name = reservedName(kind, i);
      if (!taken.has(name)) { added.push({ name, kind, index: i }); taken.add(name); }
    }
  };
  add('global', m.importedGlobalCount + m.globals.length);
  add('memory', m.importedMemoryCount + m.memories.length);
  add('table', tableCount(m));

  const payload = new WasmEncoder().u32(old.length + added.length);
  for (const e of old) payload.name(e.name).byte(e.kind).u32(e.index);
  for (const a of added) payload.name(a.name).byte(KIND[a.kind]).u32(a.index);
  const exportSection = new WasmEncoder().section(SectionId.Export, payload).finish();

  const parts: Uint8Array[] = [];
  let placed = false;
  for (const s of m.sections) {
    if (s.id === SectionId.Export) { parts.push(exportSection); placed = true; continue; }
    if (!placed && s.id !== SectionId.Custom && ORDER[s.id] > ORDER[SectionId.Export]) { parts.push(exportSection); placed = true; }
    parts.push(sectionBytes(m, s));
  }
  if (!placed) parts.push(exportSection);
  const had = m.customSections('build_id').length > 0;
  if (!had) parts.push(customSectionBytes('build_id', buildIdContent(opts.newBuildId)));
  const bytes = assemble(parts);
  return { bytes, added, buildId: new WasmModule(bytes, m.file).buildId!, addedBuildId: !had };
}
