/**
 * Typed errors. Every error that comes from reading bytes names the file,
 * the section and the absolute byte offset where reading went wrong.
 * Nothing in src/ throws a bare Error for bad input.
 */
export type ErrorCode =
  | 'E_FORMAT'        // malformed bytes: bad magic, LEB overflow, section past end, ...
  | 'E_LIMIT'         // a count or size beyond what we accept (allocation guard)
  | 'E_UNSUPPORTED'   // well-formed but something we do not handle
  | 'E_MISMATCH'      // e.g. module does not match core dump, build id mismatch
  | 'E_NOT_FOUND'     // a module / debug file / symbol was not found
  | 'E_EVAL'          // expression evaluation error
  | 'E_ARGUMENT';     // bad user argument

export interface ErrorLocation {
  /** File name as the user gave it (or a descriptive name for in-memory bytes). */
  file?: string;
  /** Section name: 'code', 'corestack', '.debug_info', ... */
  section?: string;
  /** Absolute byte offset in the file. */
  offset?: number;
}

export class WasmCoreError extends Error {
  override readonly name: string = 'WasmCoreError';
  constructor(readonly code: ErrorCode, readonly detail: string, readonly where: ErrorLocation = {}) {
    super(formatMessage(detail, where));
  }
}

/** Malformed input: carries file/section/offset. */
export class FormatError extends WasmCoreError {
  override readonly name = 'FormatError';
  constructor(detail: string, where: ErrorLocation, code: ErrorCode = 'E_FORMAT') {
    super(code, detail, where);
  }
}

export function formatMessage(detail: string, where: ErrorLocation): string {
  const parts: string[] = [];
  if (where.file !== undefined) parts.push(where.file);
  if (where.section !== undefined) parts.push(`section ${where.section}`);
  if (where.offset !== undefined) parts.push(`offset 0x${where.offset.toString(16)}`);
  return parts.length ? `${parts.join(', ')}: ${detail}` : detail;
}

export function isWasmCoreError(e: unknown): e is WasmCoreError {
  return e instanceof WasmCoreError;
}
