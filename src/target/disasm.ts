/**
 * Disassembly windows over a module's code (for DAP `disassemble`) and a WAT
 * rendering of one function (the source shown for frames without debug
 * info). Decoding and WAT text are src/wasm's; this file lays instructions
 * out in windows.
 */
import { WasmModule } from '../wasm/module';
import { instructionBoundaries, instructionsOf } from '../wasm/decoder';
import { formatInstr, functionToWat } from '../wasm/wat';
import { codeAddr } from '../util/offsets';
import type { DisassembledInstruction, SourceLocation } from './model';

export interface WatFunction { text: string; lineOf: Map<number, number> }

/** A function as WAT text (H1's renderer); `lineOf` maps an instruction's file offset to its 1-based line. */
export function watFunction(m: WasmModule, funcIndex: number): WatFunction {
  const w = functionToWat(m, funcIndex);
  const lineOf = new Map<number, number>();
  for (const l of w.lines) lineOf.set(m.toFileOffset(l.addr), l.line);
  return { text: w.text, lineOf };
}

export type LineLookup = (codeAddr: number) => SourceLocation | undefined;

/**
 * `count` instructions starting `instrOffset` instructions away from the one
 * containing `moduleOffset`; positions outside the code are `invalid` entries
 * (the DAP client asks for windows around the frame and needs exactly `count`).
 */
export function disassembleWindow(m: WasmModule, moduleOffset: number, instrOffset: number, count: number, lineAt?: LineLookup): DisassembledInstruction[] {
  const bodies = m.bodies;
  const cs = m.codeSectionStart;
  const out: DisassembledInstruction[] = [];
  const invalid = (address: number): DisassembledInstruction => ({ address: Math.max(0, address), bytes: new Uint8Array(0), text: '??', invalid: true });
  if (cs === undefined || bodies.length === 0) { for (let i = 0; i < count; i++) out.push(invalid(moduleOffset + i)); return out; }
  const bounds = (bi: number): Int32Array => instructionBoundaries(m, bodies[bi].index);
  // locate (function, instruction) at or after moduleOffset
  let bi = bodies.findIndex((b) => moduleOffset < b.end);
  let ii = 0;
  if (bi < 0) { bi = bodies.length - 1; ii = bounds(bi).length; } // past the end
  else {
    const b = bounds(bi);
    const addr = moduleOffset - cs;
    ii = 0;
    while (ii + 1 < b.length && b[ii + 1] <= addr) ii++;
  }
  // move by instrOffset; a position before the first instruction is negative
  let before = 0;
  let steps = instrOffset;
  while (steps < 0) {
    if (ii > 0) ii--; else if (bi > 0) { bi--; ii = bounds(bi).length - 1; } else before++;
    steps++;
  }
  while (steps > 0) {
    if (ii + 1 < bounds(bi).length) ii++; else if (bi + 1 < bodies.length) { bi++; ii = 0; } else ii++;
    steps--;
  }
  const firstOff = bodies[0].firstInstr;
  for (let k = before; k > 0 && out.length < count; k--) out.push(invalid(firstOff - k));
  while (out.length < count) {
    if (bi >= bodies.length || ii >= bounds(bi).length) {
      if (bi + 1 < bodies.length && ii >= bounds(bi).length) { bi++; ii = 0; continue; }
      const endOff = bodies[bodies.length - 1].end;
      out.push(invalid(endOff + out.length));
      continue;
    }
    const fi = bodies[bi].index;
    const take = Math.min(count - out.length, bounds(bi).length - ii);
    for (const ins of instructionsOf(m, fi, ii, take)) {
      const d: DisassembledInstruction = {
        address: ins.offset, bytes: m.bytes.subarray(ins.offset, ins.offset + ins.length), text: formatInstr(m, ins),
        symbol: m.functionName(fi) ?? `func[${fi}]`,
      };
      const loc = lineAt?.(codeAddr(ins.addr));
      if (loc) d.location = loc;
      out.push(d);
    }
    ii += take;
  }
  return out;
}
