import * as C from '../dwarf/constants';
import { Dwarf } from '../dwarf/dwarf';
import { DwarfSections } from '../dwarf/sections';
import type { Die } from '../dwarf/die';
import type { Unit } from '../dwarf/unit';
import type { LineProgram } from '../dwarf/line';
import { msg } from '../dwarf/form';
import type { WasmModule } from '../wasm/module';
import { CodeAddr } from '../util/offsets';
import { AddressIndex } from './addrindex';
import { FunctionIndex, inlineChain } from './funcindex';
import { sourceName, linkageName, displaySymbol } from './names';
import type { WasmSourceMap } from '../wasmmap/decode';

/** A source position; line/column are 1-based as in DWARF, 0 = unknown. */
export interface SourcePos { file?: string; line: number; column: number }

/** One (possibly inlined) frame for a code address. */
export interface SymFrame extends SourcePos {
  /** Function name in source form, qualified (`orders::check`, `Calc::add`); `func[N]` when nothing better is known. */
  name: string;
  linkageName?: string;
  /** True for frames of DW_TAG_inlined_subroutine (the code is physically in an outer function). */
  inlined: boolean;
  /** DW_TAG_subprogram or DW_TAG_inlined_subroutine DIE (for variables / scopes); absent without DWARF. */
  die?: Die;
  /** Unit holding `die` (the split unit for split DWARF). */
  unit?: Unit;
  /** For inlined frames: where this function was inlined (DW_AT_call_file/line/column) = the caller frame's position. */
  callSite?: SourcePos;
  /**
   * Function index (imports included) containing the address: set on frames
   * named from the name section / index (DWARF frames skip the Code section
   * walk this needs; use `module.functionAt(addr)` when required).
   */
  funcIndex?: number;
  /** Where the name came from. */
  nameSource: 'dwarf' | 'source-map' | 'name-section' | 'index';
  /** Set when file/line/column came from the module's Wasm source map (the module has no DWARF). */
  fromSourceMap?: boolean;
  /** Set when the frame has no line information (and why). */
  noLineInfo?: string;
}

/**
 * Address → frames for one module. Indexing is lazy: the unit address
 * index is built on the first lookup, a unit's DIEs, function index and
 * line program when an address first falls into it.
 */
export class Symbolizer {
  readonly dwarf?: Dwarf;
  private _index?: AddressIndex;
  private readonly funcIdx = new Map<Unit, FunctionIndex>();

  /**
   * `sourceMap`: the module's Wasm source map (src/wasmmap/), used for
   * lines and names only when the module has no DWARF.
   */
  constructor(readonly module: WasmModule, debug?: DwarfSections, readonly sourceMap?: WasmSourceMap) {
    const secs = debug ?? DwarfSections.fromModule(module);
    if (secs.hasDebugInfo) this.dwarf = new Dwarf(secs);
  }

  /** True when lines come from a source map (no DWARF, a map given). */
  get usesSourceMap(): boolean { return !this.dwarf && this.sourceMap !== undefined; }

  get hasDwarf(): boolean { return this.dwarf !== undefined; }
  get diagnostics(): string[] { return this.dwarf?.diagnostics ?? []; }

  get index(): AddressIndex | undefined {
    if (!this.dwarf) return undefined;
    return (this._index ??= new AddressIndex(this.dwarf));
  }

  /** The unit (skeleton for split DWARF) whose ranges cover `addr`. */
  unitAt(addr: CodeAddr): Unit | undefined { return this.index?.lookup(addr); }

  /** The unit holding the DIEs for a unit found by address (the split unit for skeletons). */
  dieUnit(u: Unit): Unit {
    const isSkel = u.kind === 'skeleton' || (u.version < 5 && u.root()?.has(C.DW_AT_GNU_dwo_id));
    return (isSkel && this.dwarf?.splitUnitFor(u)) || u;
  }

  functionIndex(u: Unit): FunctionIndex {
    let f = this.funcIdx.get(u);
    if (!f) { f = new FunctionIndex(u); this.funcIdx.set(u, f); }
    return f;
  }

  /** Line table position of `addr` (innermost, ignoring inlining). */
  lineAt(addr: CodeAddr): SourcePos | undefined {
    const lp = this.unitAt(addr)?.lineProgram();
    const pos = lp?.position(addr);
    return lp && pos ? { file: lp.fileEntry(pos.file)?.path, line: pos.line, column: pos.column } : undefined;
  }

  /** Frames for a code address, innermost (inlined) first, the physical function last. Never throws on bad DWARF. */
  symbolize(addr: CodeAddr): SymFrame[] {
    let frames: SymFrame[] = [];
    try {
      frames = this.dwarfFrames(addr);
    } catch (e) {
      this.dwarf?.diagnostic(`symbolize 0x${addr.toString(16)}: ${msg(e)}`);
      frames = [];
    }
    if (frames.length === 0) frames = [this.fallbackFrame(addr, this.safeFunctionAt(addr))];
    return frames;
  }

  private safeFunctionAt(addr: CodeAddr): number | undefined {
    try { return this.module.functionAt(addr)?.index; } catch { return undefined; }
  }

  private fallbackName(funcIndex: number | undefined): { name: string; nameSource: SymFrame['nameSource']; linkageName?: string } {
    if (funcIndex === undefined) return { name: '??', nameSource: 'index' };
    let sym: string | undefined;
    try { sym = this.module.functionName(funcIndex); } catch { sym = undefined; }
    if (sym !== undefined) return { name: displaySymbol(sym), linkageName: sym !== displaySymbol(sym) ? sym : undefined, nameSource: 'name-section' };
    return { name: `func[${funcIndex}]`, nameSource: 'index' };
  }

  private fallbackFrame(addr: CodeAddr, funcIndex: number | undefined): SymFrame {
    const n = this.fallbackName(funcIndex);
    if (this.usesSourceMap) return this.sourceMapFrame(addr, funcIndex, n);
    let pos: SourcePos | undefined;
    try { pos = this.lineAt(addr); } catch { pos = undefined; }
    return {
      ...n, file: pos?.file, line: pos?.line ?? 0, column: pos?.column ?? 0, inlined: false, funcIndex,
      noLineInfo: pos ? undefined : this.dwarf ? 'no line information for this address' : 'module has no DWARF',
    };
  }

  /** Source map position of a code address (module file offset = code address + Code section start). */
  mapPosition(addr: CodeAddr): (SourcePos & { name?: string }) | undefined {
    const map = this.sourceMap;
    const cs = this.module.codeSectionStart;
    if (!map || cs === undefined) return undefined;
    const p = map.lookup(cs + addr);
    // a mapping from before this function's body belongs to another function
    const body = this.safeBody(addr);
    if (!p || (body && p.generated < body.bodyStart)) return undefined;
    return { file: p.source, line: p.line, column: p.column + 1, name: p.name };
  }

  private safeBody(addr: CodeAddr): { bodyStart: number } | undefined {
    try { return this.module.functionAt(addr); } catch { return undefined; }
  }

  private sourceMapFrame(addr: CodeAddr, funcIndex: number | undefined, n: ReturnType<Symbolizer['fallbackName']>): SymFrame {
    let pos: ReturnType<Symbolizer['mapPosition']>;
    try { pos = this.mapPosition(addr); } catch { pos = undefined; }
    const named = pos?.name ? { name: displaySymbol(pos.name), linkageName: n.nameSource === 'name-section' ? (n.linkageName ?? n.name) : undefined, nameSource: 'source-map' as const } : n;
    return {
      ...named, file: pos?.file, line: pos?.line ?? 0, column: pos?.column ?? 0, inlined: false, funcIndex,
      fromSourceMap: pos ? true : undefined,
      noLineInfo: pos ? undefined : 'no source map mapping covers this address',
    };
  }

  private dwarfFrames(addr: CodeAddr): SymFrame[] {
    const u = this.unitAt(addr);
    if (!u) return [];
    const du = this.dieUnit(u);
    const lp = u.lineProgram();
    const row = lp?.position(addr);
    const sub = this.functionIndex(du).lookup(addr);
    const chain = sub ? inlineChain(sub) : [];
    const rowPos: SourcePos | undefined = lp && row ? { file: lp.fileEntry(row.file)?.path, line: row.line, column: row.column } : undefined;
    if (chain.length === 0) {
      const f = this.fallbackFrame(addr, this.safeFunctionAt(addr));
      return [{ ...f, unit: du }];
    }
    const frames: SymFrame[] = [];
    let pos = rowPos;
    for (let i = 0; i < chain.length; i++) {
      const d = chain[i];
      const inlined = d.tag === C.DW_TAG_inlined_subroutine;
      let name = sourceName(d);
      let nameSource: SymFrame['nameSource'] = 'dwarf';
      if (name === undefined) { const fbn = this.fallbackName(this.safeFunctionAt(addr)); name = fbn.name; nameSource = fbn.nameSource; }
      const callSite = inlined ? callPos(d, lp) : undefined;
      frames.push({
        name, linkageName: linkageName(d), inlined, die: d, unit: du, callSite,
        file: pos?.file, line: pos?.line ?? 0, column: pos?.column ?? 0,
        nameSource,
        noLineInfo: pos ? undefined : lp ? 'no line table row covers this address' : 'unit has no line table',
      });
      pos = callSite;
    }
    return frames;
  }
}

function callPos(d: Die, lp: LineProgram | undefined): SourcePos {
  const f = d.udata(C.DW_AT_call_file);
  return {
    file: f !== undefined && lp ? lp.fileEntry(f)?.path : undefined,
    line: d.udata(C.DW_AT_call_line) ?? 0,
    column: d.udata(C.DW_AT_call_column) ?? 0,
  };
}
