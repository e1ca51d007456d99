/** Opening fixture dumps as targets, and running the fixture programs under node:wasi, for the crash-reason tests. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { PostMortemTarget } from '../../../src/target/target';

export const RUST = 'test/fixtures/rust-1.63-O0';
export const PANICS = 'test/fixtures/_reason/rust-1.63-panics';
export const NOSTD = 'test/fixtures/_reason/rust-1.63-nostd';
export const ASSERT = 'test/fixtures/_reason/c-clang19-assert';
export const C = 'test/fixtures/c-clang19-O0-dwarf4';
export const CXX = 'test/fixtures/_reason/cpp-clang19-throw';

export function openDump(dir: string, core: string, bytes?: Uint8Array): PostMortemTarget {
  return PostMortemTarget.fromBytes({
    coreDump: { bytes: bytes ?? new Uint8Array(fs.readFileSync(path.join(dir, core))), file: core },
    modules: [{ bytes: new Uint8Array(fs.readFileSync(path.join(dir, 'prog.wasm'))), file: 'prog.wasm' }],
  });
}

/**
 * What the program writes to stderr when it runs under node:wasi with these
 * arguments (our capture's runner, in a scratch directory so its dump lands
 * there), without Node's own warnings.
 */
export function stderrOf(dir: string, args: string[]): string {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wcd-reason-'));
  try {
    const r = spawnSync(process.execPath, [path.resolve('out/host/capture/wasi-runner.js'), path.resolve(dir, 'prog.wasm'), ...args],
      { cwd: tmp, encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH ?? '' } });
    return r.stderr.split('\n').filter((l) => !/^\(node:\d+\)|^\(Use `node/.test(l)).join('\n');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
