/**
 * Symbols: code address → frames (function, inline chain, file:line:column).
 *
 *   const sym = new Symbolizer(module, debugSections?);   // lazy
 *   sym.symbolize(addr: CodeAddr): SymFrame[]             // innermost (inlined) first
 *   sym.lineAt(addr), sym.unitAt(addr), sym.diagnostics
 *   demangle(sym): string | undefined                     // Rust v0/legacy, Itanium C++
 *   SourceMap: prefix substitution for source paths (sourcemap.ts)
 */
export { Symbolizer, SymFrame, SourcePos } from './symbolizer';
export { AddressIndex } from './addrindex';
export { FunctionIndex, inlineChain } from './funcindex';
export { sourceName, linkageName, scopeNames, displaySymbol } from './names';
export { demangle, stripRustHash } from './demangle';
