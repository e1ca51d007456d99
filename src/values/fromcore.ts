/** FrameInput for every frame of a core dump thread (after `normaliseFrames` gave frames their code addresses). */
import type { CoreDump } from '../coredump/reader';
import type { Dwarf } from '../dwarf/dwarf';
import type { WasmModule } from '../wasm/module';
import type { FrameInput } from './frame';

export function threadFrameInputs(
  core: CoreDump,
  modules: ReadonlyArray<WasmModule | undefined>,
  dwarfOf: (moduleIndex: number) => Dwarf | undefined,
  threadIndex = 0,
): Array<FrameInput | undefined> {
  const t = core.threads[threadIndex];
  if (!t) return [];
  return t.frames.map((f) => {
    const mi = core.instances[f.instanceIndex]?.moduleIndex ?? (core.instances.length === 0 ? 0 : undefined);
    const module = mi === undefined ? undefined : modules[mi];
    if (!module || mi === undefined) return undefined;
    const inst = f.instanceIndex;
    return {
      module, dwarf: dwarfOf(mi), funcIndex: f.funcIndex, pc: f.codeAddr, locals: f.locals, stack: f.stack, instance: inst,
      global: (i: number) => core.instanceGlobal(inst, i)?.value,
      globalUnavailable: (i: number) => { const g = core.instanceGlobal(inst, i); return g ? g.unavailable : `instance ${inst} has no global ${i} in the core dump`; },
      memory: (i: number) => core.instanceMemory(inst, i),
    };
  });
}
