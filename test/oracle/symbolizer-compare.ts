/**
 * Differential comparison of our Symbolizer with llvm-symbolizer on sampled
 * instruction-boundary addresses of a module (helper for symbolizer.test.ts
 * and for manual runs: `node out/test/oracle/symbolizer-compare.js FILE.wasm`).
 */
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { WasmModule } from '../../src/wasm/module';
import { instructionBoundaries } from '../../src/wasm/decoder';
import { Symbolizer } from '../../src/symbols/symbolizer';
import { codeAddr } from '../../src/util/offsets';
import * as C from '../../src/dwarf/constants';
import { findTool, TOOLS } from '../tools';

export interface Disagreement { addr: number; ours: string; llvm: string; kind: 'line' | 'name'; accepted?: string }

/** Accepted disagreement classes (see symbolizer.test.ts for the reasons). */
export const DISCARDED = 'discarded-code-at-0';
export const LLVM14_ONLY = 'llvm14-only';
export interface CompareResult { llvmFailed?: string; file: string; addresses: number; lineAgree: number; nameChecked: number; nameAgree: number; disagreements: Disagreement[] }

/**
 * The oracle: llvm-symbolizer 19 (the accepted disagreements were written
 * against it), and llvm-symbolizer 14 for the modules LLVM 19 rejects (their
 * disagreements are the accepted class LLVM14_ONLY). Each must be that exact
 * major version (test/tools.ts); a missing fallback skips those modules.
 */
export function findLlvmSymbolizer(): { bin?: string; missing?: string; fallback?: string } {
  const main = findTool(TOOLS.symbolizer19);
  return { bin: main.bin, missing: main.missing, fallback: findTool(TOOLS.symbolizer14).bin };
}

/** Instruction-boundary addresses: every function, at most `perFunc` evenly spaced each, `cap` in total. */
export function sampleAddresses(m: WasmModule, cap = 3000): number[] {
  const bodies = m.bodies;
  const perFunc = Math.max(2, Math.ceil(cap / Math.max(1, bodies.length)));
  const out: number[] = [];
  for (const b of bodies) {
    let bs: Int32Array;
    try { bs = instructionBoundaries(m, b.index); } catch { continue; }
    if (bs.length === 0) continue;
    const step = Math.max(1, Math.floor(bs.length / perFunc));
    for (let i = 0; i < bs.length && out.length < cap * 2; i += step) out.push(bs[i]);
  }
  if (out.length <= cap) return out;
  const step = out.length / cap;
  const thin: number[] = [];
  for (let i = 0; i < cap; i++) thin.push(out[Math.floor(i * step)]);
  return thin;
}

interface LlvmFrame { FunctionName: string; FileName: string; Line: number; Column: number }

/** llvm-symbolizer's frames per address; undefined when llvm-symbolizer itself fails (crashes) on the module. */
export function runLlvm(bin: string, file: string, addrs: number[]): Array<LlvmFrame[]> | undefined {
  const input = addrs.map((a) => '0x' + a.toString(16)).join('\n') + '\n';
  const r = spawnSync(bin, ['--obj=' + file, '--output-style=JSON', '--functions=short', '--inlines'], { input, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) return undefined;
  const lines = r.stdout.split('\n').filter((l) => l.trim() !== '');
  return lines.map((l) => (JSON.parse(l) as { Symbol?: LlvmFrame[] }).Symbol ?? []);
}

export function compareModule(bin: string, file: string, cap = 3000, fallbackBin?: string): CompareResult {
  const m = new WasmModule(new Uint8Array(readFileSync(file)), file);
  const sym = new Symbolizer(m);
  // addresses covered by a line sequence of discarded code (start 0): llvm-symbolizer may attribute them to it
  const discardedCovers = (a: number): boolean => (sym.dwarf?.units() ?? []).some((u) => (u.lineProgram()?.discarded ?? []).some((q) => q.begin <= a && a < q.end));
  const addrs = sampleAddresses(m, cap);
  let llvm = runLlvm(bin, file, addrs);
  let usedFallback = false;
  if (!llvm && fallbackBin) { llvm = runLlvm(fallbackBin, file, addrs); usedFallback = true; }
  const res: CompareResult = { file, addresses: addrs.length, lineAgree: 0, nameChecked: 0, nameAgree: 0, disagreements: [] };
  if (!llvm) { res.llvmFailed = `${bin}${fallbackBin ? ` and ${fallbackBin}` : ''} exited with an error on this module`; res.addresses = 0; return res; }
  const classify = (a: number): string | undefined => (discardedCovers(a) ? DISCARDED : usedFallback ? LLVM14_ONLY : undefined);
  for (let i = 0; i < addrs.length; i++) {
    const a = addrs[i];
    const ours = sym.symbolize(codeAddr(a))[0];
    const l = llvm[i]?.[0];
    const lf = !l || l.FileName === '' || l.FileName === '??' ? '??' : l.FileName;
    const ll = l?.Line ?? 0;
    const of = ours.file ?? '??';
    const oursPos = `${of}:${ours.line}`;
    const llvmPos = `${lf}:${ll}`;
    if (oursPos === llvmPos) res.lineAgree++;
    else res.disagreements.push({ addr: a, ours: oursPos, llvm: llvmPos, kind: 'line', accepted: classify(a) });
    if (l && l.FunctionName !== '??' && l.FunctionName !== '') {
      res.nameChecked++;
      const short = ours.die ? ours.die.inheritedStr(C.DW_AT_name) ?? '' : ours.name;
      if (short === l.FunctionName || ours.name === l.FunctionName) res.nameAgree++;
      else res.disagreements.push({ addr: a, ours: `${ours.name} (${short})`, llvm: l.FunctionName, kind: 'name', accepted: classify(a) });
    }
  }
  return res;
}

if (require.main === module) {
  const { bin, missing, fallback } = findLlvmSymbolizer();
  if (!bin) { console.error(missing); process.exit(2); }
  for (const f of process.argv.slice(2)) {
    const r = compareModule(bin, f, 3000, fallback);
    if (r.llvmFailed) { console.log(`${f}: SKIPPED: ${r.llvmFailed}`); continue; }
    console.log(`${f}: ${r.addresses} addrs, line ${r.lineAgree}/${r.addresses}, name ${r.nameAgree}/${r.nameChecked}`);
    for (const d of r.disagreements.slice(0, 8)) console.log(`   0x${d.addr.toString(16)} ${d.kind} ours=${d.ours} llvm=${d.llvm}${d.accepted ? ` [accepted: ${d.accepted}]` : ''}`);
  }
}
