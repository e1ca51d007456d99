export * from './model';
export { CoreDump, readCoreDump, ReadCoreDumpOptions } from './reader';
export { LinearMemory, MemoryRead, WASM_PAGE, MAX_READ, resolveSegments } from './memory';
export {
  normaliseFrames, frameFileOffset, NormalisationReport, ModuleNormalisation, BaseScore, CallSiteConvention,
} from './normalise';
