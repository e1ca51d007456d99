/**
 * The tool-selection helper every oracle test uses (test/tools.ts): a tool
 * whose own --version is not the pinned one is refused, and the oracle
 * suites pass (skipping, with the version named) on a machine that has none
 * of the tools or only other versions of them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { pickTool, versionMatches, TOOLS, VersionProbe } from '../tools';

const llvmOut = (v: string): string => `LLVM (http://llvm.org/):\n  LLVM version ${v}\n  Optimized build.\n`;
const probeOf = (table: Record<string, string>): VersionProbe => (bin) => table[bin];

test('versions: a major pins every release of it, an exact version only itself', () => {
  assert.ok(versionMatches('19.1.7', '19'));
  assert.ok(versionMatches('19', '19'));
  assert.ok(!versionMatches('14.0.6', '19'));
  assert.ok(!versionMatches('190.0.1', '19'));
  assert.ok(versionMatches('1.0.32', '1.0.32'));
  assert.ok(!versionMatches('1.0.33', '1.0.32'));
  assert.ok(!versionMatches('1.0.3', '1.0.32'));
});

test('a mismatching version is refused, naming the pinned one and what was found', () => {
  // the case of the issue: Debian's default LLVM 14 as plain llvm-cxxfilt, no llvm-cxxfilt-19
  const r = pickTool(TOOLS.cxxfilt19, probeOf({ 'llvm-cxxfilt': llvmOut('14.0.6') }));
  assert.equal(r.bin, undefined);
  assert.match(r.missing ?? '', /^llvm-cxxfilt 19 not installed \(llvm-cxxfilt is 14\.0\.6: not the version/);
  assert.match(r.missing ?? '', /install llvm-19/);
  // a suffixed name that lies about its version is refused too
  const liar = pickTool(TOOLS.symbolizer19, probeOf({ 'llvm-symbolizer-19': llvmOut('18.1.8'), 'llvm-symbolizer': llvmOut('17.0.1') }));
  assert.equal(liar.bin, undefined);
  assert.match(liar.missing ?? '', /llvm-symbolizer-19 is 18\.1\.8, llvm-symbolizer is 17\.0\.1/);
  // wabt is pinned to an exact release
  const wabt = pickTool(TOOLS.wasmObjdump, probeOf({ 'wasm-objdump': '1.0.34\n' }));
  assert.match(wabt.missing ?? '', /wasm-objdump 1\.0\.32 not installed \(wasm-objdump is 1\.0\.34/);
  // a tool that prints no recognisable version is refused
  assert.match(pickTool(TOOLS.lldb19, probeOf({ lldb: 'something else' })).missing ?? '', /lldb is of an unknown version/);
  // nothing at all
  assert.equal(pickTool(TOOLS.dwarfdump19, probeOf({})).missing, 'llvm-dwarfdump 19 not installed; install llvm-19');
});

test('the pinned version is accepted under its suffixed or its plain name', () => {
  assert.deepEqual(pickTool(TOOLS.cxxfilt19, probeOf({ 'llvm-cxxfilt-19': llvmOut('19.1.7'), 'llvm-cxxfilt': llvmOut('14.0.6') })),
    { bin: 'llvm-cxxfilt-19', version: '19.1.7' });
  assert.deepEqual(pickTool(TOOLS.cxxfilt19, probeOf({ 'llvm-cxxfilt': llvmOut('19.1.0') })), { bin: 'llvm-cxxfilt', version: '19.1.0' });
  assert.deepEqual(pickTool(TOOLS.lldb19, probeOf({ 'lldb-19': 'lldb version 19.1.7\n' })), { bin: 'lldb-19', version: '19.1.7' });
  assert.deepEqual(pickTool(TOOLS.wasm2wat, probeOf({ wasm2wat: '1.0.32\n' })), { bin: 'wasm2wat', version: '1.0.32' });
});

/** Compiled test files that use external tools (all of them go through test/tools.ts). */
const TOOL_TESTS = [
  ...fs.readdirSync(path.resolve('out/test/oracle')).filter((f) => f.endsWith('.test.js')).map((f) => `out/test/oracle/${f}`),
  'out/test/unit/fixtures/frames-oracle.test.js',
  'out/test/unit/fixtures/names-oracle.test.js',
  'out/test/dap/target/debugfiles.test.js',
  'out/test/unit/reason/rustnum.test.js',
  'out/test/unit/cli/split-debug.test.js',
  'out/test/unit/wasm/elements.test.js',
];

/** Fake tools printing another version than the pinned one, as a machine with Debian's default LLVM 14 and an older wabt has. */
function fakeTools(dir: string): void {
  const fake = (name: string, out: string): void => {
    fs.writeFileSync(path.join(dir, name), `#!/bin/sh\nprintf '%s\\n' '${out}'\n`, { mode: 0o755 });
  };
  // (a real LLVM 14 would be accepted where LLVM 14 is the pinned oracle: the fixtures' frames)
  fake('llvm-cxxfilt', 'LLVM version 14.0.6');
  for (const t of ['llvm-symbolizer', 'llvm-dwarfdump', 'llvm-objcopy']) fake(t, 'LLVM version 18.1.8');
  fake('llvm-symbolizer-14', 'LLVM version 13.0.1');
  fake('lldb', 'lldb version 14.0.6');
  for (const t of ['wasm-objdump', 'wasm-validate', 'wasm2wat', 'wat2wasm']) fake(t, '1.0.13');
  fake('rustc', 'rustc 1.95.0 (59807616e 2026-04-14)');
}

function runWithPath(pathDir: string): { status: number | null; out: string } {
  // a run of its own (not a subtest of this one: the runner tells children by NODE_TEST_CONTEXT)
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: pathDir };
  delete env.NODE_TEST_CONTEXT;
  const r = spawnSync(process.execPath, ['--test', '--test-reporter=tap', ...TOOL_TESTS], {
    encoding: 'utf8', env, maxBuffer: 1 << 26, timeout: 600_000,
  });
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

for (const [name, setup] of [['none of the tools', (): void => undefined], ['only other versions of them', fakeTools]] as const) {
  test(`oracle suites pass, skipping with the pinned version named, on a machine with ${name}`, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wcd-tools-'));
    try {
      setup(dir);
      const { status, out } = runWithPath(dir);
      const fail = /^# fail (\d+)/m.exec(out)?.[1];
      const skip = Number(/^# skipped (\d+)/m.exec(out)?.[1] ?? 0);
      assert.equal(fail, '0', `oracle suites failed with PATH=${dir}:\n${out.split('\n').filter((l) => /not ok|Error|assert/i.test(l)).slice(0, 30).join('\n')}`);
      assert.equal(status, 0);
      assert.ok(skip >= TOOL_TESTS.length, `expected every tool test to skip, saw ${skip} skips`);
      for (const want of ['llvm-cxxfilt 19 not installed', 'llvm-symbolizer 19 not installed', 'lldb 19 not installed', 'wasm-objdump 1.0.32 not installed']) {
        assert.ok(out.includes(want), `no skip names "${want}"`);
      }
      if (name !== 'none of the tools') assert.ok(out.includes('llvm-cxxfilt is 14.0.6'), 'the skip says which version was found');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}
