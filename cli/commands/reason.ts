/**
 * The crash reason (src/reason) for the CLI commands, from the crash as
 * host/openCrash.ts opened it (the same modules and DWARF `bt`, the adapter
 * and the service use), and the JSON shape `bt` and `info` print.
 */
import { CrashReason, crashReason } from '../../src/reason';
import type { OpenedCrash } from '../../host/openCrash';

/** Reasons by thread, computed on demand; undefined when the dump cannot be opened as a target (the error is in `error`). */
export interface Reasons { of(thread: number): CrashReason | undefined; error?: string }

export function reasonsOf(crash: OpenedCrash): Reasons {
  let target: ReturnType<OpenedCrash['target']>;
  try {
    target = crash.target();
  } catch (e) {
    return { of: () => undefined, error: e instanceof Error ? e.message : String(e) };
  }
  const cache = new Map<number, CrashReason | undefined>();
  const out: Reasons = {
    of(t) {
      if (!cache.has(t)) {
        try { cache.set(t, crashReason(target, t)); } catch (e) {
          // a reason is an extra: a failure here must not lose the backtrace
          out.error = e instanceof Error ? e.message : String(e);
          cache.set(t, undefined);
        }
      }
      return cache.get(t);
    },
  };
  return out;
}

/** The `reason` object of `info --json` / `bt --json`. */
export function reasonJson(r: CrashReason | undefined): unknown {
  if (!r) return null;
  return {
    kind: r.kind, message: r.message, location: r.location ?? null, incomplete: !!r.incomplete, notes: r.notes ?? [],
    userFrame: r.userFrame ?? null, machineryFrames: r.machineryFrames, printed: r.printed ?? null, trap: r.trap.kind,
  };
}
