/**
 * DWARF reader (versions 2-5) for WebAssembly modules. Pure library: bytes in, model out.
 *
 * API (stable; H6 builds on it):
 *
 *   const secs = DwarfSections.fromModule(module);          // .debug_* custom sections of a WasmModule
 *   secs.split = DwarfSections.fromModule(dwpModule);        // optional: a .dwp / .dwo (also a Wasm container)
 *   const dw = new Dwarf(secs);
 *   dw.units(): Unit[]                                       // headers only, lazily enumerated
 *   dw.dieAtOffset('.debug_info', off): Die | undefined      // any DIE by section offset (ref_addr targets)
 *   dw.typeUnit(sig: bigint): Unit | undefined               // DWARF 4 .debug_types / DWARF 5 type units
 *   dw.splitUnitFor(skeleton: Unit): Unit | undefined        // the .dwo/.dwp unit of a skeleton unit
 *   dw.diagnostics: string[]                                 // problems found in the data (never thrown)
 *
 *   unit.version / unitType / kind / addressSize / offsetSize / offset / end / header
 *   unit.root(): Die | undefined        // the unit DIE only (cheap)
 *   unit.parseTree(): Die[]             // all DIEs of the unit in offset order (parsed once, cached)
 *   unit.scopeDies(): Die[]             // only subprograms/inlined subroutines/namespaces/types (symbol lookup);
 *                                       // their `parent` is the nearest such ancestor until parseTree() runs
 *                                       // (parseTree reuses the same Die objects and fixes parents)
 *   unit.dieAt(off): Die | undefined
 *   unit.typeDie()                      // type units
 *   unit.lineProgram(): LineProgram | undefined (src/dwarf/line.ts; `lookup(addr)`, `fileEntry(n)`)
 *   unit.language / name / compDir / baseAddress / addrBase / strOffsetsBase / rnglistsBase / loclistsBase
 *   unit.diagnostics: string[]
 *
 *   die.tag, die.offset, die.unit, die.parent, die.children (lazy: parses the unit's tree), die.fullParent
 *   die.has(at), die.formOf(at), die.attrNumber(at)  // allocation-free address/unsigned reads
 *   die.attr(DW_AT_x): AttrValue | undefined  (src/dwarf/form.ts: kinds addr/const/data16/flag/string/ref/
 *                                             refSig8/refSup/block/exprloc/secOffset/loclistx/rnglistx/unavailable)
 *   die.str(at) / udata(at) / sdata(at) / bigdata(at) / flag(at) / exprloc(at): Uint8Array
 *   die.ref(at): Die | undefined              // ref1..8, ref_udata, ref_addr (other units), ref_sig8 (type units)
 *   die.name, die.origin() (follows abstract_origin/specification), die.inheritedAttr(at), die.inheritedStr(at)
 *   die.ranges(): AddrRange[]                 // low_pc/high_pc or DW_AT_ranges (.debug_ranges / .debug_rnglists)
 *   die.locationListOffset(at = DW_AT_location): number | undefined
 *   die.locationList(at = DW_AT_location): LocListEntry[] | undefined   // {begin: CodeAddr, end: CodeAddr, expr: Uint8Array}
 *   readLocationList(unit, offset)            // .debug_loc (v2-4), .debug_loclists (v5), .debug_loc.dwo (GNU split v4)
 *   Ranges/lists/line sequences starting at code address 0 or a tombstone are dropped (discarded code; see
 *   isDiscardedStart in ranges.ts). Line lookup follows llvm-symbolizer (LineProgram.lookup).
 *
 * Addresses are code-section relative (Wasm's DWARF address space). Offsets
 * are section-relative. Errors in DWARF data are `FormatError`s carrying file,
 * section ('.debug_info', ...) and absolute file offset; the lazy accessors
 * above catch them and record diagnostics, returning undefined / empty.
 * Constants: src/dwarf/constants.ts (DW_TAG_*, DW_AT_*, DW_FORM_*, DW_OP_*, DW_ATE_*, DW_LANG_*, ... and *Name()).
 */
export * from './constants';
export { DwarfSections, DwarfSection } from './sections';
export { Dwarf } from './dwarf';
export { Unit, UnitKind } from './unit';
export { UnitHeader, readUnitHeader } from './unitheader';
export { Die } from './die';
export { AttrValue, readForm, skipForm } from './form';
export { AbbrevTable, Abbrev, AttrSpec, parseAbbrevTable, lazyAbbrevTable } from './abbrev';
export { AddrRange, readRangeList, isTombstone, isDiscardedStart } from './ranges';
export { LocListEntry, readLocationList } from './loclists';
export { LineProgram, LineFile, LineSequence, LineRow, parseLineProgram } from './line';
