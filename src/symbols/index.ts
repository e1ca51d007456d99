/**
 * Symbols: code address → frames (function, inline chain, file:line:column).
 *
 *   const sym = new Symbolizer(module, debugSections?);   // lazy: nothing is parsed before the first lookup
 *   sym.symbolize(addr: CodeAddr): SymFrame[]             // innermost (inlined) first, physical function last
 *   sym.lineAt(addr), sym.unitAt(addr), sym.dieUnit(unit), sym.functionIndex(unit), sym.diagnostics
 *   buildBacktrace(core, modules, symbolizers): BtThread[]; formatFrameHeader(frame, { args?, map? })
 *   demangle(sym): string | undefined                     // Rust v0/legacy, Itanium C++
 *   displaySymbol(sym), sourceName(die), linkageName(die), scopeNames(die)
 *   SourcePathMap (prefix substitution, longest wins), missingSources(paths, map, exists)
 */
export { Symbolizer, SymFrame, SourcePos } from './symbolizer';
export { AddressIndex } from './addrindex';
export { FunctionIndex, inlineChain } from './funcindex';
export { sourceName, linkageName, scopeNames, displaySymbol, stripParams } from './names';
export { demangle, stripRustHash } from './demangle';
export { BtFrame, BtThread, buildBacktrace, formatFrameHeader } from './backtrace';
export { SourcePathMap, SourceMapEntry, missingSources } from './sourcemap';
