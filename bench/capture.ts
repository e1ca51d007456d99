/**
 * Capture benchmarks: the core dump writer on a 256 MiB memory with 10,000
 * frames, and whole `wasm-coredump capture` runs (child process, V8
 * inspector) on generated programs: 64 MiB of non-zero memory, 10,000 frames.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CoreDumpInput, FrameInput, chunkMemory, writeCoreDump } from '../src/coredump/writer';
import { OP, T, buildModule, imm } from '../test/unit/capture/wasm-builder';
import { wasiDeepProgram } from '../test/unit/capture/programs';

function ms(t0: bigint): string { return `${(Number(process.hrtime.bigint() - t0) / 1e6).toFixed(0)} ms`; }

function writerBench(): void {
  const mem = new Uint8Array(256 * 1024 * 1024);
  for (let i = 0; i < mem.length; i += 8192) mem.fill(0x5a, i + 100, i + 4000); // every other 4 KiB chunk used
  const frames: FrameInput[] = [];
  for (let i = 0; i < 10_000; i++) {
    frames.push({ instanceIndex: 0, funcIndex: i % 50, codeOffset: 10 + (i % 7),
      locals: Array.from({ length: 10 }, (_, k) => ({ type: 'i32' as const, value: i * k })), stack: [{ type: 'i64', value: BigInt(i) }] });
  }
  let t0 = process.hrtime.bigint();
  const segments = chunkMemory(mem);
  const tChunk = ms(t0);
  const input: CoreDumpInput = {
    executableName: 'bench.wasm', modules: ['bench.wasm'], instances: [{ moduleIndex: 0, memories: [0], globals: [0] }],
    threads: [{ name: 'main', frames }], memories: [{ pages: 4096, segments }], globals: [{ value: { type: 'i32', value: 1 } }],
  };
  t0 = process.hrtime.bigint();
  const bytes = writeCoreDump(input);
  console.log(`   writer: 256 MiB memory -> ${segments.length} segments in ${tChunk}; write ${(bytes.length / 2 ** 20).toFixed(0)} MiB with 10,000 frames in ${ms(t0)}`);
}

function program(kind: 'memory' | 'deep'): Uint8Array {
  const types = [{ params: [T.i32], results: [] }, { params: [], results: [] }, { params: [T.i32], results: [T.i32] }];
  const imports = [{ module: 'wasi_snapshot_preview1', field: 'proc_exit', type: 0 }];
  if (kind === 'memory') {
    // memory.fill(0, 7, 64 MiB); unreachable
    const fill = [OP.i32Const, 0, OP.i32Const, 7, OP.i32Const, ...imm.s32(64 * 1024 * 1024), 0xfc, ...imm.u32(11), 0, OP.unreachable];
    return buildModule({ types, imports, funcs: [{ type: 1, export: '_start', code: fill }], memoryPages: 1024, exportMemory: true });
  }
  return wasiDeepProgram(10_000);
}

function captureBench(kind: 'memory' | 'deep', flags: string[] = []): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wcd-bench-'));
  const wasm = path.join(dir, `${kind}.wasm`);
  fs.writeFileSync(wasm, program(kind));
  const out = path.join(dir, `${kind}.coredump`);
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [path.join(__dirname, '..', 'cli', 'main.js'), 'capture', ...flags, '--out', out, wasm], { encoding: 'utf8' });
  const took = ms(t0);
  if (r.status !== 0) throw new Error(`capture failed: ${r.stderr}`);
  const label = kind === 'memory' ? '64 MiB non-zero memory' : '10,002 frames';
  console.log(`   capture ${label}${flags.length ? ' ' + flags.join(' ') : ''}: ${took} (process start to file written, ${(fs.statSync(out).size / 2 ** 20).toFixed(1)} MiB)`);
  fs.rmSync(dir, { recursive: true, force: true });
}

export async function bench(): Promise<void> {
  writerBench();
  captureBench('memory');
  captureBench('deep');
  captureBench('deep', ['--no-locals']);
}
