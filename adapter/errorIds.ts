/**
 * Stable error ids sent in DAP error responses (`body.error.id`), in the
 * manner of delve's error_ids.go. Clients and tests may match on these;
 * never renumber, only add.
 */
export const ErrorId = {
  /** Launch/attach arguments do not match the schema (missing coreDump, wrong type, ...). */
  LaunchArguments: 3001,
  /** A file named in the launch arguments does not exist or cannot be read. */
  FileUnreadable: 3002,
  /** The core dump (or a module) is not valid: names file, section and offset. */
  BadFormat: 3003,
  /** A module given does not match the core dump (function count, build id, ...). */
  ModuleMismatch: 3004,
  /** The core dump names a module that was not given and could not be found. */
  ModuleNotFound: 3005,
  /** A request that needs a loaded core dump arrived before launch/attach succeeded. */
  NotLaunched: 3006,
  /** continue/next/step/pause/restart/goto/...: a core dump cannot run. */
  CannotRun: 3007,
  /** setVariable/setExpression/writeMemory: the core dump is read-only. */
  ReadOnly: 3008,
  /** Request arguments have the wrong shape or type. */
  BadArguments: 3009,
  /** The command is not a DAP request this adapter knows. */
  UnknownRequest: 3010,
  /** A threadId, frameId, variablesReference, sourceReference or memoryReference that does not exist (or no longer exists). */
  StaleReference: 3011,
  /** An expression could not be parsed or evaluated. */
  Evaluation: 3012,
  /** A second launch/attach in the same session. */
  AlreadyLaunched: 3013,
  /** The request is valid but the data it needs is not in this core dump or its modules. */
  Unavailable: 3014,
  /** A bug in the adapter: the message carries the stack trace. */
  Internal: 3099,
} as const;

export type ErrorIdName = keyof typeof ErrorId;
export type ErrorIdValue = (typeof ErrorId)[ErrorIdName];

/** An error that a request handler throws to produce an error response with a stable id. */
export class DapError extends Error {
  constructor(readonly id: ErrorIdValue, message: string) {
    super(message);
  }
}
