/**
 * Shared by the LLDB variable oracles (lldb.test.ts: frames of the core
 * dumps; lldb-functions.test.ts: every scope of every function): parse
 * `image lookup -v -a ADDR` variable lines and compare them with ours.
 */
import type { Value } from '../../src/values/value';
import type { Type } from '../../src/types/model';
import { stripArgs } from './lldb-layout';

export interface LVar { die: number; name: string; type: string; location: string }

/** What we show for one variable DIE at an address. */
export interface MyVar { die: number; name: string; value: Value; frameBase: number | { unavailable: string } }

export function parseVars(block: string): LVar[] {
  const vars: LVar[] = [];
  for (const line of block.split('\n')) {
    const m = /Variable: id = \{0x([0-9a-f]+)\}, name = "([^"]*)", type = "([^"]*)", valid ranges = [^,]*, location = (.*?), decl = /.exec(line);
    if (m) vars.push({ die: parseInt(m[1], 16), name: m[2], type: m[3], location: m[4] });
  }
  return vars;
}

// lldb drops qualifiers on typedef'd types (`volatile callback_t` prints as `callback_t`): compare without them
// lldb qualifies C++ names in some places (`const orders::Order &`) and not in others (`Order`): compare unqualified
// lldb calls anonymous types `(unnamed class)` where we say `(anonymous class)`, and names C++'s
// DW_TAG_unspecified_type `decltype(nullptr)` as `std::nullptr_t`
export const normType = (s: string) => s.replace(/\b(struct|union|enum|class|volatile) /g, '').replace(/\b\w+::/g, '').replace(/\b_Bool\b/g, 'bool')
  .replace(/\(anonymous (class|struct|union|enum)\)/g, '(unnamed $1)').replace(/\bdecltype\(nullptr\)/g, 'nullptr_t').replace(/\s+/g, ' ').trim();

/**
 * Whether LLDB's spelling of a variable's type names our type. Besides normType:
 *  - lldb prints class-scoped typedefs and nested types without their class (`pointer`,
 *    `_ConstructTransaction`) where we write `std::__2::vector<...>::pointer`: compared without
 *    template arguments and scopes;
 *  - lldb drops a top-level `const` on a typedef or enum (`const size_t` prints as `size_t`).
 */
export function sameType(ours: Type, lldb: string): boolean {
  const names = [ours.name];
  if (ours.kind === 'qualified' && ours.qualifier === 'const' && (ours.target.kind === 'typedef' || ours.target.kind === 'enum')) names.push(ours.target.name);
  const want = normType(lldb);
  return names.some((n) => normType(n) === want || normType(stripArgs(n)) === normType(stripArgs(lldb)));
}

/**
 * Compare LLDB's variables at one address with ours; push a line per
 * disagreement to `problems` and return how many variables were compared.
 * `types`: compare type names too (C/C++; Rust/Zig names are spelled differently by LLDB).
 */
export function compareVars(where: string, theirs: LVar[], mine: MyVar[], types: boolean, problems: string[]): number {
  let compared = 0;
  for (const lv of theirs) {
    const m = mine.find((x) => x.die === lv.die);
    if (!m) { problems.push(`${where}: lldb has ${lv.name} (DIE 0x${lv.die.toString(16)}), we do not`); continue; }
    compared++;
    if (m.name !== lv.name) problems.push(`${where}: name ${m.name} vs lldb ${lv.name}`);
    if (types && !sameType(m.value.type, lv.type)) problems.push(`${where}: ${lv.name}: type ${m.value.type.name} vs lldb ${lv.type}`);
    const loc = m.value.loc;
    const expr = lv.location.replace(/^\[0x([0-9a-f]+), 0x([0-9a-f]+)\) -> /, '');
    const fb = /^DW_OP_fbreg ([+-]\d+)$/.exec(expr);
    const addr = /^DW_OP_addr 0x([0-9a-f]+)$/.exec(expr);
    const local = /^DW_OP_WASM_location 0x0 0x([0-9a-f]+)(, DW_OP_stack_value)?$/.exec(expr);
    if (lv.location === '<empty>') {
      if (loc.kind !== 'unavailable') problems.push(`${where}: ${lv.name}: lldb has no location, we have ${loc.kind}`);
    } else if (fb) {
      const want = typeof m.frameBase === 'number' ? m.frameBase + Number(fb[1]) : undefined;
      if (loc.kind !== 'memory' || loc.addr !== want) problems.push(`${where}: ${lv.name}: ${JSON.stringify(loc)} vs lldb fbreg ${fb[1]} (frame base ${JSON.stringify(m.frameBase)})`);
    } else if (addr) {
      if (loc.kind !== 'memory' || loc.addr !== parseInt(addr[1], 16)) problems.push(`${where}: ${lv.name}: ${JSON.stringify(loc)} vs lldb ${expr}`);
    } else if (local) {
      if (loc.kind !== 'value' || loc.source !== `Wasm local ${parseInt(local[1], 16)}`) problems.push(`${where}: ${lv.name}: ${JSON.stringify(loc)} vs lldb ${expr}`);
    } else if (loc.kind === 'unavailable' && /optimized out/.test(loc.reason)) {
      problems.push(`${where}: ${lv.name}: we say ${loc.reason}, lldb has ${lv.location}`);
    }
  }
  // everything we can show, lldb lists too
  for (const m of mine) {
    const gone = m.value.loc.kind === 'unavailable' && /optimized out/.test(m.value.loc.reason);
    if (!gone && !theirs.some((lv) => lv.die === m.die)) problems.push(`${where}: we show ${m.name} (DIE 0x${m.die.toString(16)}), lldb does not`);
  }
  return compared;
}
