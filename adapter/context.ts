/** State shared by the request handlers of one session. */
import * as fs from 'node:fs';
import type { PostMortemTarget } from '../src/target/target';
import { CrashReason, crashReason } from '../src/reason';
import type { LaunchConfig } from './launchArgs';
import { Ids, LineBase } from './toDap';
import { VariableStore } from './variableStore';
import { DapError, ErrorId } from './errorIds';

export class SessionContext {
  target?: PostMortemTarget;
  config?: LaunchConfig;
  readonly ids = new Ids();
  readonly store = new VariableStore();
  base: LineBase = { linesStartAt1: true, columnsStartAt1: true };
  /** The REPL's selected frame (`frame N`). */
  replThread = 0;
  replLevel = 0;
  /** The UI's frameId when the REPL last took its frame from the UI. */
  replUiFrame?: number;
  private existsCache = new Map<string, boolean>();

  requireTarget(): PostMortemTarget {
    if (!this.target) {
      throw new DapError(ErrorId.NotLaunched, 'no core dump is loaded yet: send "launch" (or "attach") with "coreDump" first');
    }
    return this.target;
  }

  /** Why thread `t` died (src/reason); undefined when it cannot be worked out (the trap alone is then shown). */
  reason(t: number): CrashReason | undefined {
    if (!this.target) return undefined;
    if (this.reasonFailed.has(t)) return undefined;
    try { return crashReason(this.target, t); } catch {
      this.reasonFailed.add(t); // asked once per frame: do not retry a failing computation
      return undefined;
    }
  }
  private readonly reasonFailed = new Set<number>();

  fileExists(p: string): boolean {
    let v = this.existsCache.get(p);
    if (v === undefined) {
      try { v = fs.statSync(p).isFile(); } catch { v = false; }
      this.existsCache.set(p, v);
    }
    return v;
  }
}

/** Argument helpers: every handler reads its arguments through these, so wrong types give BadArguments. */
export function argObject(args: unknown, command: string): Record<string, unknown> {
  if (args === undefined || args === null) return {};
  if (typeof args !== 'object' || Array.isArray(args)) throw new DapError(ErrorId.BadArguments, `${command}: "arguments" must be an object`);
  return args as Record<string, unknown>;
}

export function intArg(a: Record<string, unknown>, key: string, command: string, opts: { required?: boolean; min?: number; def?: number } = {}): number {
  const v = a[key];
  if (v === undefined || v === null) {
    if (opts.required) throw new DapError(ErrorId.BadArguments, `${command}: "${key}" is required`);
    return opts.def ?? 0;
  }
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new DapError(ErrorId.BadArguments, `${command}: "${key}" must be an integer (got ${JSON.stringify(v)?.slice(0, 40)})`);
  if (opts.min !== undefined && v < opts.min) throw new DapError(ErrorId.BadArguments, `${command}: "${key}" must be >= ${opts.min} (got ${v})`);
  return v;
}

export function strArg(a: Record<string, unknown>, key: string, command: string, required = true): string {
  const v = a[key];
  if (typeof v === 'string') return v;
  if (v === undefined && !required) return '';
  throw new DapError(ErrorId.BadArguments, `${command}: "${key}" must be a string`);
}
