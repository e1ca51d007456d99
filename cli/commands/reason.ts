/**
 * The crash reason (src/reason) for the CLI commands: a PostMortemTarget over
 * the modules and DWARF a command already resolved, and the JSON and text
 * shapes `bt` and `info` print.
 */
import { readCoreDump } from '../../src/coredump/reader';
import { PostMortemTarget } from '../../src/target/target';
import type { DwarfSections } from '../../src/dwarf/sections';
import type { WasmModule } from '../../src/wasm/module';
import { CrashReason, crashReason } from '../../src/reason';
import { readFileBytes } from '../../host/modules';

/** Reasons by thread, computed on demand; undefined when the dump cannot be opened as a target (the error is in `error`). */
export interface Reasons { of(thread: number): CrashReason | undefined; error?: string }

export function openReasons(corePath: string, modules: Map<number, WasmModule>, debug: Map<number, DwarfSections | undefined>, valueEncoding: 'auto' | 'leb' | 'fixed' = 'auto'): Reasons {
  let target: PostMortemTarget;
  try {
    const core = readCoreDump(readFileBytes(corePath), corePath, { valueEncoding });
    const list: Array<WasmModule | undefined> = [];
    const sections: Array<DwarfSections | undefined> = [];
    for (const [i, m] of modules) { list[i] = m; sections[i] = debug.get(i); }
    target = new PostMortemTarget(core, list, { debugSections: sections });
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
