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
