/**
 * Source-level variables of a frame (src/values' ThreadValues) as the
 * target's ValueNode tree: Arguments, Locals, Statics, Globals, and the
 * expression evaluator. Memory references carry the frame's instance.
 */
import type { Variable } from '../values';
import type { ScopeInfo, ValueNode } from './model';

export function toValueNode(v: Variable, instance: number): ValueNode {
  const node: ValueNode = { name: v.name, value: v.value };
  if (v.type) node.type = v.type;
  if (v.evaluateName !== undefined) node.evaluateName = v.evaluateName;
  if (v.memory) node.memory = { instance, memory: v.memory.memoryIndex, address: v.memory.addr };
  if (v.hasChildren) {
    const named = v.namedCount ?? 0;
    const indexed = v.indexedCount ?? 0;
    if (v.namedCount !== undefined) node.namedCount = v.namedCount;
    if (v.indexedCount !== undefined) node.indexedCount = v.indexedCount;
    node.children = (start, count, filter) => {
      // src/values lists named children first, then indexed ones; DAP filters page each kind separately
      if (filter === 'indexed') return v.children(named + start, Math.max(0, Math.min(count, indexed - start))).map((c) => toValueNode(c, instance));
      if (filter === 'named') return v.children(start, Math.max(0, Math.min(count, named - start))).map((c) => toValueNode(c, instance));
      return v.children(start, count).map((c) => toValueNode(c, instance));
    };
  }
  return node;
}

export function toScopeInfo(s: { name: string; expensive: boolean; variables(): Variable[] }, instance: number): ScopeInfo {
  return { name: s.name, expensive: s.expensive, variables: () => s.variables().map((v) => toValueNode(v, instance)) };
}
