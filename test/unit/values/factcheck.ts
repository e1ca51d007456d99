/**
 * Checking a core dump's values against its fixture's facts.json (shared by
 * the fixture values test and the runtime's end-to-end test): a wrong value
 * never passes; "unavailable" only where the facts allow it.
 */
import { dumpFrames, dumpValues, FactValue, Fixture, canonicalValue } from '../../fixtures/facts';
import { Opened } from './load';
import { Variable } from '../../../src/values';

/** The canonical text (facts.json conventions) of a displayed variable. */
export function canonical(v: Variable, f: FactValue): string | undefined {
  return canonicalValue(v.value, f.kind);
}

export interface Outcome { ok: number; unavailable: string[]; wrong: string[] }

export function check(o: Opened, fx: Fixture, dump: string, noLocals: boolean): Outcome {
  const facts = fx.facts;
  const frames = dumpFrames(facts, dump);
  const above = facts.coreDumps[dump].runtimeFramesAbove ?? facts.runtimeFramesAbove;
  let firstLogical = o.logical.findIndex((l) => l.physical >= above);
  const rep = facts.coreDumps[dump].repeatedInnermost;
  if (rep) while (firstLogical < o.logical.length && o.logical[firstLogical].name === rep.function) firstLogical++;
  const res: Outcome = { ok: 0, unavailable: [], wrong: [] };
  for (const f of dumpValues(facts, dump)) {
    if (f.frameIndex === null || frames[f.frameIndex] === undefined) continue;
    const lf = o.logical[firstLogical + f.frameIndex];
    const what = `${facts.id}/${dump}${noLocals ? '/nolocals' : ''} #${f.frameIndex} ${f.frame}: ${f.expr}`;
    let v: Variable;
    try {
      v = o.tv.evaluate(lf.physical, f.expr, { frameDie: lf.die });
    } catch (e) {
      res.unavailable.push(`${what}: error ${(e as Error).message}`);
      continue;
    }
    let got: string | undefined = canonical(v, f);
    if (f.length !== undefined && got !== undefined) {
      const n = v.indexedCount ?? 0;
      if (n !== f.length) { res.wrong.push(`${what}: length ${n}, expected ${f.length} (${v.value})`); continue; }
      if (f.elements) {
        const kids = v.children().filter((c) => /^\[\d+\]$/.test(c.name)).map((c) => canonical(c, { ...f, kind: guessKind(f.elements![0]) }));
        if (JSON.stringify(kids) !== JSON.stringify(f.elements)) { res.wrong.push(`${what}: elements ${JSON.stringify(kids)}, expected ${JSON.stringify(f.elements)}`); continue; }
      }
      res.ok++; continue;
    }
    if (f.kind === 'unique_ptr-nonnull') {
      if (got === undefined) { res.unavailable.push(`${what}: ${v.value}`); continue; }
      if (/^0x0+\b/.test(got) || !/^0x/.test(got)) res.wrong.push(`${what}: ${got}, expected a non-null pointer`); else res.ok++;
      continue;
    }
    if (got === undefined) { res.unavailable.push(`${what}: ${v.value}`); continue; }
    if (f.kind === 'enum-variant' && f.payload !== undefined && !v.value.includes(f.payload)) { res.wrong.push(`${what}: ${v.value}, expected payload ${f.payload}`); continue; }
    if (f.value !== null && got !== f.value) { res.wrong.push(`${what}: got ${JSON.stringify(got)} (${v.value}), expected ${JSON.stringify(f.value)}`); continue; }
    res.ok++;
  }
  return res;
}

function guessKind(s: string): FactValue['kind'] { return /^-?\d/.test(s) ? 'int' : 'string'; }


/** Problems of `check` for a dump of `fx`: wrong values, and unavailable ones the facts do not allow. */
export function factProblems(o: Opened, fx: Fixture, dump: string, noLocals: boolean): { ok: number; problems: string[] } {
  const r = check(o, fx, dump, noLocals);
  const problems = r.wrong.map((w) => `WRONG ${w}`);
  const facts = dumpValues(fx.facts, dump);
  for (const u of r.unavailable) {
    const expr = u.split(': ')[1];
    const f = facts.find((x) => u.includes(`${x.frame}: ${x.expr}:`) || x.expr === expr);
    // The DWARF itself says a global is gone: no DW_AT_location (Zig 0.11, clang -O2 folding a
    // static) or a tombstone address (wasm-ld --gc-sections dropped an unused global).
    const dwarfSaysGone = f?.global === true && /optimized out|tombstone/.test(u);
    const allowed = f?.optimizedOutOk || (noLocals && !f?.memoryResident) || dwarfSaysGone;
    if (!allowed) problems.push(`UNAVAILABLE ${u}`);
  }
  return { ok: r.ok, problems };
}
