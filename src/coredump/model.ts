import { CodeAddr, FileOffset, FuncOffset } from '../util/offsets';

/** A value recorded in a core dump. `missing` is the 0x01 marker: the producer could not recover it. */
export type WasmValue =
  | { type: 'i32'; value: number }         // signed 32-bit
  | { type: 'i64'; value: bigint }         // signed 64-bit
  | { type: 'f32'; value: number; bits: number }
  | { type: 'f64'; value: number; bits: bigint }
  | { type: 'missing' };

/**
 * A vector of values that may be "not recorded" (wasmtime writes empty
 * vectors: that means unknown, not "no locals").
 */
export type RecordedValues = { recorded: true; values: WasmValue[] } | { recorded: false };

/** How a producer measured the code offset of a frame. */
export type CodeOffsetBase = 'body' | 'first-instruction' | 'code-section';

export interface Frame {
  /** Position in the thread, 0 = youngest. */
  index: number;
  instanceIndex: number;
  funcIndex: number;
  /** The code offset exactly as written in the file. */
  rawCodeOffset: FuncOffset;
  /** Normalised to the DWARF address space (offset from the Code section payload start), if the module is known. */
  codeAddr?: CodeAddr;
  locals: RecordedValues;
  stack: RecordedValues;
  /** File offset of this frame's record in the core dump (for diagnostics). */
  fileOffset: FileOffset;
}

export interface Thread { name: string; frames: Frame[]; sectionOffset: FileOffset }

export interface Instance { moduleIndex: number; memories: number[]; globals: number[] }

export type ValueEncoding = 'leb' | 'fixed';

/** How a frame record was laid out: the standard has an instance index, the original wasmgdb format did not. */
export type FrameLayout = 'standard' | 'no-instance';

/** A global of the core dump's Global section: its value at crash time. */
export interface CoreGlobal {
  /** Global index in the core dump. */
  index: number;
  /** Value type as written ('i32', 'i64', 'f32', 'f64', 'v128', 'funcref', ...). */
  type: string;
  mutable: boolean;
  /** The value, when the init expression is a plain numeric constant; undefined = unavailable. */
  value?: WasmValue;
  /** Why `value` is unavailable (e.g. 'v128 not supported', 'init is global.get'). */
  unavailable?: string;
  fileOffset: FileOffset;
}

/** A data segment of the core dump, after resolution: a VIEW into the file, never a copy. */
export interface MemorySegment {
  /** Start address in linear memory. */
  start: number;
  /** One past the last address. */
  end: number;
  /** The bytes (subarray of the core dump file). */
  data: Uint8Array;
  /** File offset of the first data byte. */
  fileOffset: FileOffset;
}

export interface CoreDumpModel {
  file: string;
  /** From the `core` section; undefined if the section is absent. */
  executableName?: string;
  /** Module names from `coremodules` (empty if the section is absent). */
  modules: string[];
  instances: Instance[];
  /** True when `coreinstances` was absent and one instance (module 0, all memories and globals) was assumed. */
  instancesSynthesized: boolean;
  threads: Thread[];
  memories: import('./memory').LinearMemory[];
  globals: CoreGlobal[];
  /** Number of segments in the Data section (active, passive and ignored ones). */
  dataSegmentCount: number;
  /** The encoding that made every `corestack` section parse exactly. */
  valueEncoding: ValueEncoding;
  frameLayout: FrameLayout;
  /** Non-fatal observations (duplicate sections, ambiguous encodings, ...). */
  warnings: string[];
}
