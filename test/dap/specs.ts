/** Which sessions the transcript tests run: every fixture's main dump, every trap kind, and the corpus's real wasmtime dump. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FIXTURES, fixtureIds, readFacts } from './harness';
import type { SessionSpec } from './script';

export interface NamedSpec extends SessionSpec { name: string }

export function transcriptSpecs(): NamedSpec[] {
  const out: NamedSpec[] = [];
  for (const id of fixtureIds()) {
    const facts = readFacts(id);
    for (const [kind, d] of Object.entries(facts.coreDumps)) {
      if (!fs.existsSync(path.join(FIXTURES, id, d.full))) continue;
      if (kind !== 'default' && id !== 'c-clang19-O0-dwarf4') continue; // every trap kind once, the main dump per toolchain
      out.push({ name: kind === 'default' ? id : `${id}.${kind}`, fixture: id, coreDump: d.full, values: kind === 'default' ? facts.values : undefined });
    }
  }
  if (fs.existsSync('../shared/corpus/thesis-sk-machine/trap.coredump')) out.push({ name: 'thesis-sk-machine', fixture: 'thesis-sk-machine', coreDump: 'trap.coredump' });
  return out;
}
