/**
 * The only place where the target's model becomes DAP: lines and columns
 * change base here, and frame ids, source references and memory
 * references are minted here. Everything is deterministic (ids in order of
 * first use) so that golden transcripts are stable.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { MemoryLocation, SourceLocation, ValueNode } from '../src/target/model';
import { VariableStore } from './variableStore';

export interface LineBase { linesStartAt1: boolean; columnsStartAt1: boolean }

/** What a sourceReference stands for. */
export type SourceRef =
  | { kind: 'file'; path: string; originalPath: string }
  | { kind: 'wat'; moduleIndex: number; funcIndex: number; name: string };

export class Ids {
  private frameIds = new Map<string, number>();
  private frames: Array<{ thread: number; level: number }> = [];
  private sourceKeys = new Map<string, number>();
  readonly sources: SourceRef[] = [];

  frameId(thread: number, level: number): number {
    const key = `${thread}:${level}`;
    let id = this.frameIds.get(key);
    if (id === undefined) {
      id = this.frames.length + 1;
      this.frames.push({ thread, level });
      this.frameIds.set(key, id);
    }
    return id;
  }

  frame(id: number): { thread: number; level: number } | undefined {
    return Number.isInteger(id) && id >= 1 ? this.frames[id - 1] : undefined;
  }

  sourceReference(ref: SourceRef): number {
    const key = ref.kind === 'file' ? `f:${ref.path}` : `w:${ref.moduleIndex}:${ref.funcIndex}`;
    let id = this.sourceKeys.get(key);
    if (id === undefined) {
      this.sources.push(ref);
      id = this.sources.length;
      this.sourceKeys.set(key, id);
    }
    return id;
  }

  source(id: number): SourceRef | undefined {
    return Number.isInteger(id) && id >= 1 ? this.sources[id - 1] : undefined;
  }
}

export function line(n: number, base: LineBase): number {
  return base.linesStartAt1 ? n : Math.max(0, n - 1);
}
export function column(n: number, base: LineBase): number {
  if (n === 0) return base.columnsStartAt1 ? 1 : 0; // unknown column: the start of the line
  return base.columnsStartAt1 ? n : n - 1;
}

export function basename(p: string): string {
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  return i >= 0 ? p.slice(i + 1) : p;
}

/** Module code addresses: moduleIndex × 2^32 + file offset in the module. */
export function codeRef(moduleIndex: number, moduleOffset: number): string {
  return '0x' + (moduleIndex * 2 ** 32 + moduleOffset).toString(16);
}
export function parseCodeRef(ref: string): { moduleIndex: number; moduleOffset: number } | undefined {
  const n = parseNumber(ref);
  if (n === undefined) return undefined;
  return { moduleIndex: Math.floor(n / 2 ** 32), moduleOffset: n % 2 ** 32 };
}

/** Linear memory references: "0x…" for instance 0 memory 0, "i<I>m<M>:0x…" otherwise. */
export function memoryRef(m: MemoryLocation): string {
  const a = '0x' + m.address.toString(16);
  return m.instance === 0 && m.memory === 0 ? a : `i${m.instance}m${m.memory}:${a}`;
}
export function parseMemoryRef(ref: string): MemoryLocation | undefined {
  const m = /^(?:i(\d+)m(\d+):)?(.+)$/.exec(ref.trim());
  if (!m) return undefined;
  const address = parseNumber(m[3]);
  if (address === undefined) return undefined;
  return { instance: m[1] ? Number(m[1]) : 0, memory: m[2] ? Number(m[2]) : 0, address };
}

export function parseNumber(s: string): number | undefined {
  const t = s.trim();
  if (!/^(0x[0-9a-f]+|\d+)$/i.test(t)) return undefined;
  const n = Number(t);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** A DAP source for a location; `onDisk` decides between a path and a sourceReference. */
export function sourceOf(loc: SourceLocation, onDisk: boolean, ids: Ids, embedded = false): DebugProtocol.Source {
  if (onDisk) return { name: basename(loc.path), path: loc.path };
  return {
    name: basename(loc.path),
    path: loc.path,
    sourceReference: ids.sourceReference({ kind: 'file', path: loc.path, originalPath: loc.originalPath }),
    origin: embedded ? 'not on disk: the text embedded in the debug info' : 'not found on disk: set "sourceMap" in the launch configuration',
    // embedded text is the real source: the client focuses the crash there, not on the next frame on disk
    ...(embedded ? {} : { presentationHint: 'deemphasize' as const }),
  };
}

export function variableOf(node: ValueNode, store: VariableStore): DebugProtocol.Variable {
  const v: DebugProtocol.Variable = {
    name: node.name,
    value: node.value,
    variablesReference: node.children ? store.add({ kind: 'value', node }) : 0,
    presentationHint: { attributes: ['readOnly'] },
  };
  if (node.type !== undefined) v.type = node.type;
  if (node.evaluateName !== undefined) v.evaluateName = node.evaluateName;
  if (node.memory) v.memoryReference = memoryRef(node.memory);
  if (node.children && node.indexedCount !== undefined) v.indexedVariables = node.indexedCount;
  if (node.children && node.namedCount !== undefined) v.namedVariables = node.namedCount;
  return v;
}

export function base64(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
}
