/**
 * The "Wasm" view of a frame: raw locals, operand stack and the instance's
 * globals exactly as the core dump recorded them, named from the name
 * section where it has names. Works without DWARF.
 */
import type { CoreDump } from '../coredump/reader';
import type { Frame, RecordedValues, WasmValue } from '../coredump/model';
import type { WasmModule } from '../wasm/module';
import type { ValueNode } from './model';

export function formatWasmValue(v: WasmValue | undefined, why = 'not recorded'): string {
  if (!v || v.type === 'missing') return `<unavailable: ${why}>`;
  switch (v.type) {
    case 'i32': return String(v.value);
    case 'i64': return String(v.value);
    case 'f32': case 'f64': return Object.is(v.value, -0) ? '-0' : String(v.value);
  }
}

function leaf(name: string, v: WasmValue | undefined, evaluateName: string, why?: string): ValueNode {
  return { name, value: formatWasmValue(v, why), type: v && v.type !== 'missing' ? v.type : undefined, evaluateName };
}

function group(name: string, value: string, items: () => ValueNode[], count: number): ValueNode {
  return {
    name, value, indexedCount: count,
    children: (start, n) => items().slice(start, start + n),
  };
}

function recorded(rv: RecordedValues, what: string, producerNote: string): { values?: WasmValue[]; note?: string } {
  return rv.recorded ? { values: rv.values } : { note: `<unavailable: ${what} not recorded in the core dump${producerNote}>` };
}

export function localName(module: WasmModule | undefined, funcIndex: number, i: number): string | undefined {
  return module?.names.locals.get(funcIndex)?.get(i);
}

export function wasmLocals(frame: Frame, module: WasmModule | undefined): ValueNode[] {
  const r = recorded(frame.locals, 'locals', '');
  if (!r.values) return [{ name: 'locals', value: r.note as string }];
  return r.values.map((v, i) => {
    const n = localName(module, frame.funcIndex, i);
    return leaf(n ? `$${n}` : `local${i}`, v, `$local${i}`);
  });
}

export function wasmStack(frame: Frame): ValueNode[] {
  const r = recorded(frame.stack, 'operand stack', '');
  if (!r.values) return [{ name: 'stack', value: r.note as string }];
  return r.values.map((v, i) => leaf(`[${i}]`, v, `$stack${i}`));
}

export function wasmGlobals(core: CoreDump, instanceIndex: number, module: WasmModule | undefined): ValueNode[] {
  const inst = core.instances[instanceIndex];
  if (!inst) return [{ name: 'globals', value: `<unavailable: instance ${instanceIndex} is not in the core dump>` }];
  return inst.globals.map((_g, i) => {
    const g = core.instanceGlobal(instanceIndex, i);
    const n = module?.names.globals.get(i);
    return leaf(n ? `$${n}` : `global${i}`, g?.value, `$global${i}`, g?.unavailable ?? 'not recorded');
  });
}

/** The whole "Wasm" scope: three groups. */
export function wasmScope(core: CoreDump, frame: Frame, module: WasmModule | undefined): ValueNode[] {
  const locals = (): ValueNode[] => wasmLocals(frame, module);
  const stack = (): ValueNode[] => wasmStack(frame);
  const globals = (): ValueNode[] => wasmGlobals(core, frame.instanceIndex, module);
  const count = (rv: RecordedValues): number => (rv.recorded ? rv.values.length : 1);
  const nGlobals = core.instances[frame.instanceIndex]?.globals.length ?? 1;
  return [
    group('locals', frame.locals.recorded ? `${frame.locals.values.length} locals` : '<unavailable: not recorded>', locals, count(frame.locals)),
    group('stack', frame.stack.recorded ? `${frame.stack.values.length} values` : '<unavailable: not recorded>', stack, count(frame.stack)),
    group('globals', `${nGlobals} globals`, globals, nGlobals),
  ];
}

/** Look up a raw Wasm name (`$local3`, `$stack0`, `$global1` or a name-section name) in a frame. */
export function lookupWasmName(core: CoreDump, frame: Frame, module: WasmModule | undefined, expr: string): ValueNode | undefined {
  const m = /^\$(local|stack|global)(\d+)$/.exec(expr.trim());
  const all = [...wasmLocals(frame, module), ...wasmStack(frame), ...wasmGlobals(core, frame.instanceIndex, module)];
  if (m) return all.find((n) => n.evaluateName === expr.trim());
  return all.find((n) => n.name === expr.trim() || n.name === `$${expr.trim()}`);
}
