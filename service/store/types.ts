/**
 * Storage of the crash collection service (`wasm-coredump serve`), split in two
 * so that each half can live where it scales:
 *
 * - a BlobStore keeps the bytes (core dumps, modules, debug files), each object
 *   named by the sha256 (lower-case hex) of its content: a directory by default
 *   (service/store/dir*.ts), S3-compatible object storage at scale (s3.ts);
 * - an IndexStore keeps the records (crashes, groups, debug files): an embedded
 *   crash-safe index in the store directory by default, PostgreSQL at scale
 *   (postgres.ts).
 *
 * Every implementation must be crash-safe: an object or record is either
 * wholly there or not at all (no half-written entry after `kill -9`), writes
 * are idempotent, and nothing is ever written outside the store's own root.
 */

export type BlobKind = 'dump' | 'module' | 'debug';

/** sha256 of the content, 64 lower-case hex digits; the only accepted key shape (no path-like names). */
export type BlobKey = string;

export interface BlobStore {
  readonly description: string;
  /**
   * Put a complete local file (already hashed and validated by the caller)
   * into the store under `key`. Atomic (readers never see a partial object)
   * and idempotent (same key twice is one object). The caller removes `file`
   * afterwards if it still exists.
   */
  putFile(kind: BlobKind, key: BlobKey, file: string): Promise<void>;
  has(kind: BlobKind, key: BlobKey): Promise<boolean>;
  /**
   * A local path holding the object's bytes, for the code that opens crashes
   * from files: the store's own file, or a copy downloaded into a local cache.
   * Undefined when the object does not exist.
   */
  localPath(kind: BlobKind, key: BlobKey): Promise<string | undefined>;
  /** The object as a stream (for downloads), with its size; undefined when it does not exist. */
  open(kind: BlobKind, key: BlobKey): Promise<{ stream: NodeJS.ReadableStream; size: number } | undefined>;
  close(): Promise<void>;
}

/** Upload metadata sent with a crash; every field optional, all strings. */
export interface CrashMeta {
  app?: string;
  version?: string;
  environment?: string;
  requestId?: string;
  [key: string]: string | undefined;
}

/** One frame of a stored crash, in source terms (innermost first). */
export interface StoredFrame {
  number: number;
  module: string | null;
  funcIndex: number;
  codeAddr: number | null;
  /** File offset in the module (what browsers, wasmtime and Sentry's wasm frames use): codeAddr + the Code section's start. Optional (added with the service's Sentry forwarding). */
  moduleOffset?: number | null;
  function: string | null;
  file: string | null;
  line: number | null;
  column: number | null;
  inlined: boolean;
}

export interface CrashRecord {
  /** Random id of this upload (UUID). */
  id: string;
  /** ISO 8601, UTC. */
  receivedAt: string;
  dumpKey: BlobKey;
  dumpSize: number;
  fingerprint: string;
  /** One-line title: the trap (or, where known, the crash's reason) and the top user frame. */
  title: string;
  meta: CrashMeta;
  /** The symbolicated crash as JSON (frames, trapped frame's variables, modules and their build ids, notes). */
  summary: CrashSummary;
}

export interface CrashSummary {
  trap: string;
  reason?: { kind: string; message: string; location?: string };
  threads: { name?: string; frames: StoredFrame[] }[];
  /** Variables of the trapped frame: name, type, value text (unavailable values say so). */
  variables: { name: string; type: string; value: string }[];
  /** Per module of the dump: its coremodules name, the stored module/debug file keys used, its build id. */
  modules: { name: string; buildId?: string; moduleKey?: BlobKey; debugKey?: BlobKey }[];
  notes: string[];
}

export interface GroupRecord {
  fingerprint: string;
  title: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
  /** Distinct `meta.version` values seen, in order of first appearance. */
  versions: string[];
  lastCrashId: string;
}

export interface DebugFileRecord {
  key: BlobKey;
  /** 'module': a (possibly stripped) .wasm; 'debug': a separate debug file (.debug.wasm, .dwp). */
  kind: 'module' | 'debug';
  /** The uploaded file name (basename only; never used as a path). */
  name: string;
  buildId?: string;
  size: number;
  uploadedAt: string;
}

export interface IndexStore {
  readonly description: string;
  /** Record a crash and update its group atomically; says whether the group is new. */
  addCrash(crash: CrashRecord): Promise<{ group: GroupRecord; isNew: boolean }>;
  getCrash(id: string): Promise<CrashRecord | undefined>;
  /** Groups, most recently seen first. */
  listGroups(opts?: { limit?: number; offset?: number }): Promise<GroupRecord[]>;
  getGroup(fingerprint: string): Promise<GroupRecord | undefined>;
  /** Crashes of a group, newest first. */
  listCrashes(fingerprint: string, opts?: { limit?: number }): Promise<CrashRecord[]>;
  /** Idempotent on (`key`, `name`): the same file uploaded under another name is found under both names. */
  addDebugFile(rec: DebugFileRecord): Promise<void>;
  /** Debug files and modules matching a build id, or (for modules without one) a file name; newest first. */
  findDebugFiles(q: { buildId?: string; name?: string; kind?: 'module' | 'debug' }): Promise<DebugFileRecord[]>;
  close(): Promise<void>;
}
