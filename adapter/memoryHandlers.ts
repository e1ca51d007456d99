/** readMemory, disassemble, source, modules, loadedSources. */
import * as fs from 'node:fs';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { SessionContext, argObject, intArg, strArg } from './context';
import { DapError, ErrorId } from './errorIds';
import { base64, basename, codeRef, column, line, parseCodeRef, parseMemoryRef, sourceOf } from './toDap';

/** Largest readMemory we serve in one response. */
export const MAX_READ_MEMORY = 16 * 1024 * 1024;

export function readMemory(ctx: SessionContext, raw: unknown): DebugProtocol.ReadMemoryResponse['body'] {
  const a = argObject(raw, 'readMemory');
  const ref = strArg(a, 'memoryReference', 'readMemory');
  const loc = parseMemoryRef(ref);
  if (!loc) throw new DapError(ErrorId.BadArguments, `readMemory: "${ref.slice(0, 60)}" is not a memory reference (use an address like 0x1000, or i<instance>m<memory>:0x1000)`);
  const offset = intArg(a, 'offset', 'readMemory');
  const count = intArg(a, 'count', 'readMemory', { required: true, min: 0 });
  const t = ctx.requireTarget();
  const start = loc.address + offset;
  const n = Math.min(count, MAX_READ_MEMORY);
  const r = t.readMemory({ ...loc, address: start }, n);
  const body: DebugProtocol.ReadMemoryResponse['body'] = { address: '0x' + Math.max(0, start).toString(16) };
  if (start < 0) return { ...body, address: '0x0', unreadableBytes: count };
  if (r.data.length) body.data = base64(r.data);
  const unreadable = r.unreadableBytes + (count - n);
  if (unreadable > 0) body.unreadableBytes = unreadable;
  return body;
}

export function disassemble(ctx: SessionContext, raw: unknown): DebugProtocol.DisassembleResponse['body'] {
  const a = argObject(raw, 'disassemble');
  const ref = strArg(a, 'memoryReference', 'disassemble');
  const at = parseCodeRef(ref);
  if (!at) throw new DapError(ErrorId.BadArguments, `disassemble: "${ref.slice(0, 60)}" is not a code address`);
  const offset = intArg(a, 'offset', 'disassemble');
  const instructionOffset = intArg(a, 'instructionOffset', 'disassemble');
  const count = intArg(a, 'instructionCount', 'disassemble', { required: true, min: 0 });
  if (count > 100_000) throw new DapError(ErrorId.BadArguments, `disassemble: instructionCount ${count} is too large (at most 100000)`);
  const t = ctx.requireTarget();
  const list = t.disassemble(at.moduleIndex, at.moduleOffset + offset, instructionOffset, count);
  let lastLoc = '';
  return {
    instructions: list.map((ins) => {
      const d: DebugProtocol.DisassembledInstruction = {
        address: codeRef(at.moduleIndex, ins.address),
        instruction: ins.text,
      };
      if (ins.bytes.length) d.instructionBytes = Array.from(ins.bytes.subarray(0, 16), (b) => b.toString(16).padStart(2, '0')).join(' ');
      if (ins.symbol) d.symbol = ins.symbol;
      if (ins.invalid) d.presentationHint = 'invalid';
      if (ins.location && ins.location.line > 0) {
        const key = `${ins.location.path}:${ins.location.line}`;
        if (key !== lastLoc) {
          d.location = sourceOf(ins.location, ctx.fileExists(ins.location.path), ctx.ids);
          d.line = line(ins.location.line, ctx.base);
          if (ins.location.column) d.column = column(ins.location.column, ctx.base);
          lastLoc = key;
        }
      }
      return d;
    }),
  };
}

export function source(ctx: SessionContext, raw: unknown): DebugProtocol.SourceResponse['body'] {
  const a = argObject(raw, 'source');
  const src = (a.source && typeof a.source === 'object' ? a.source : {}) as Record<string, unknown>;
  const id = typeof src.sourceReference === 'number' && src.sourceReference > 0 ? src.sourceReference : intArg(a, 'sourceReference', 'source');
  const ref = ctx.ids.source(id);
  if (!ref) {
    if (typeof src.path === 'string' && ctx.fileExists(src.path)) return { content: fs.readFileSync(src.path, 'utf8') };
    throw new DapError(ErrorId.StaleReference, `source: no source with sourceReference ${id}`);
  }
  const t = ctx.requireTarget();
  if (ref.kind === 'wat') {
    const text = t.watText(ref.moduleIndex, ref.funcIndex);
    return { content: text, mimeType: 'text/x-wasm-wat' };
  }
  const embedded = t.embeddedSource?.(ref.originalPath);
  if (embedded !== undefined) return { content: embedded };
  if (ctx.fileExists(ref.path)) return { content: fs.readFileSync(ref.path, 'utf8') };
  throw new DapError(ErrorId.Unavailable,
    `source ${ref.originalPath} is not on this machine${ref.path !== ref.originalPath ? ` (looked at ${ref.path})` : ''} and the DWARF does not embed it. ` +
    'Add a "sourceMap" entry mapping the build directory to your checkout.');
}

export function modules(ctx: SessionContext, raw: unknown): DebugProtocol.ModulesResponse['body'] {
  const a = argObject(raw, 'modules');
  const start = intArg(a, 'startModule', 'modules', { min: 0 });
  const count = intArg(a, 'moduleCount', 'modules', { min: 0 });
  const all = ctx.requireTarget().moduleInfos();
  const page = all.slice(start, count > 0 ? start + count : undefined);
  return {
    modules: page.map((m) => {
      const mod: DebugProtocol.Module = { id: m.index, name: m.name, symbolStatus: m.symbolStatus };
      if (m.path) mod.path = m.path;
      if (m.buildId) mod.version = `build-id ${m.buildId}`;
      return mod;
    }),
    totalModules: all.length,
  };
}

export function loadedSources(ctx: SessionContext): DebugProtocol.LoadedSourcesResponse['body'] {
  const t = ctx.requireTarget();
  const files = t.sourceFiles?.() ?? [];
  return {
    sources: files.map((loc) => ctx.fileExists(loc.path) ? { name: basename(loc.path), path: loc.path } : sourceOf(loc, false, ctx.ids)),
  };
}
