/**
 * The post-mortem target's view of a crash, as the adapter and the CLI
 * consume it. Lines and columns here are 1-based as DWARF writes them
 * (column 0 = unknown); the adapter converts for the client.
 */

export type TrapKind =
  | 'unreachable'
  | 'integer-divide-by-zero'
  | 'integer-overflow'
  | 'invalid-conversion'
  | 'out-of-bounds-memory'
  | 'out-of-bounds-table'
  | 'indirect-call'
  | 'stack-overflow'
  | 'host-call'
  | 'unknown';

export interface TrapInfo {
  kind: TrapKind;
  /** Short title, e.g. "integer divide by zero". */
  title: string;
  /** One line: title + where (module, function, offset) + the instruction. */
  description: string;
  /** The innermost instruction as WAT text, if decodable. */
  instruction?: string;
  /** Why this kind was inferred (which instruction, which evidence). */
  evidence: string;
}

export interface ThreadInfo { index: number; name: string; frameCount: number }

export interface SourceLocation {
  /** Path after source mapping (may not exist on this machine). */
  path: string;
  /** Path as recorded in the DWARF. */
  originalPath: string;
  /** 1-based line; 0 = no line. */
  line: number;
  /** 1-based column; 0 = unknown. */
  column: number;
}

export interface FrameInfo {
  threadIndex: number;
  /** Position in the expanded list (inlined frames counted), 0 = youngest. */
  level: number;
  /** Index of the physical frame in the core dump. */
  physicalIndex: number;
  /** True for an inlined function's frame (synthesised from the DWARF inline chain). */
  inlined: boolean;
  instanceIndex: number;
  moduleIndex?: number;
  moduleName: string;
  funcIndex: number;
  /** Symbol (DWARF or name section), or `func[N]` when the module has no names. */
  functionName: string;
  /** Address in the DWARF address space (Code section payload relative), when known. */
  codeAddr?: number;
  /** File offset in the module (what browsers and wasmtime print), when known. */
  moduleOffset?: number;
  /** The code offset exactly as written in the core dump. */
  rawCodeOffset: number;
  location?: SourceLocation;
  hasDebugInfo: boolean;
}

/** Where a value lives, for a `memoryReference`. */
export interface MemoryLocation { instance: number; memory: number; address: number }

/** One node of the variables tree. Children are produced lazily. */
export interface ValueNode {
  name: string;
  /** Display text; `<unavailable: why>` when the value is unknown. */
  value: string;
  type?: string;
  /** An expression that evaluates to this value in its frame. */
  evaluateName?: string;
  memory?: MemoryLocation;
  /** Number of indexed children (arrays), for paging. */
  indexedCount?: number;
  /** Named children (struct members, ...). */
  namedCount?: number;
  /** Children in the range [start, start+count) of the indexed (or all) children. */
  children?: (start: number, count: number, filter?: 'indexed' | 'named') => ValueNode[];
}

export interface ScopeInfo {
  name: string;
  /** Fetching is costly (many globals, operand stack...): the client asks only when the scope is expanded. */
  expensive: boolean;
  /** Top-level variables of the scope. */
  variables(): ValueNode[];
  /** Count when known cheaply. */
  count?: number;
}

export interface MemoryReadResult {
  address: number;
  /** The readable bytes starting at `address` (a prefix of the request). */
  data: Uint8Array;
  /** Bytes after `data` that are unreadable (past the memory's size, or not recorded). */
  unreadableBytes: number;
}

export interface DisassembledInstruction {
  /** Module file offset of the instruction (+ moduleIndex × 2^32). */
  address: number;
  bytes: Uint8Array;
  text: string;
  /** Function name, on the first instruction of a function. */
  symbol?: string;
  location?: SourceLocation;
  /** Padding entries outside any function. */
  invalid?: boolean;
}

export interface ModuleInfo {
  index: number;
  name: string;
  path?: string;
  hasDebugInfo: boolean;
  symbolStatus: string;
  buildId?: string;
}
