/**
 * A third real DAP client: Debian 12's Neovim (0.7.2) with nvim-dap 0.6.0
 * (../shared/clients), configured by test/dap/nvim/init.lua — the README's
 * Neovim section, copied from it — opens each language's fixture dump over
 * stdio (the `executable` adapter, `wasm-coredump-dap` on PATH as an npm
 * install puts it) and over TCP (`type = 'server'` against
 * `wasm-coredump-dap --port`). test/dap/nvim/check.lua prints what
 * nvim-dap's session API returns; this test compares it with facts.json.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { ADAPTER, FIXTURES, readFacts, startServer } from './harness';
import { canonicalValue } from '../fixtures/facts';
import { PostMortemTarget } from '../../src/target/target';

const NVIM_DAP = path.resolve('../shared/clients/nvim-dap-0.6.0');
const INIT = path.resolve('test/dap/nvim/init.lua');
const CHECK = path.resolve('test/dap/nvim/check.lua');
const FIXTURE_IDS = ['c-clang19-O0-dwarf4', 'cpp-clang19-O0', 'rust-1.63-O0', 'zig-0.11-debug'];

function nvimMissing(): string | undefined {
  const r = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return 'nvim not installed (apt-get install neovim: Debian 12 has 0.7.2)';
  const v = /NVIM v(\d+\.\d+\.\d+)/.exec(r.stdout)?.[1];
  if (v !== '0.7.2') return `nvim ${v} found; this test pins Debian 12's Neovim 0.7.2 (nvim-dap 0.6.0 is the release for it)`;
  if (!fs.existsSync(path.join(NVIM_DAP, 'lua', 'dap.lua'))) return `nvim-dap 0.6.0 not found at ${NVIM_DAP}`;
  return undefined;
}

/** `wasm-coredump-dap` on PATH, as `npm install -g` (or a project's node_modules/.bin) provides it. */
function binDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wcd-nvim-bin-'));
  fs.writeFileSync(path.join(dir, 'wasm-coredump-dap'), `#!/bin/sh\nexec '${process.execPath}' '${ADAPTER}' "$@"\n`, { mode: 0o755 });
  return dir;
}

interface Value { frame: string; expr: string; value: string | null; kind?: string; frameIndex?: number | null; global?: boolean }

function runNvim(env: Record<string, string>, cwd: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn('nvim', ['--headless', '--noplugin', '-i', 'NONE', '-u', INIT, '-S', CHECK], {
      cwd, env: { ...process.env, ...env, NVIM_DAP_DIR: NVIM_DAP, XDG_STATE_HOME: cwd, XDG_CACHE_HOME: cwd }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    p.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    const t = setTimeout(() => p.kill('SIGKILL'), 60_000);
    p.on('close', (code) => { clearTimeout(t); resolve({ code, out }); });
  });
}

async function checkFixture(id: string, tcp: boolean): Promise<void> {
  const dir = path.join(FIXTURES, id);
  const facts = readFacts(id);
  const factFrames = (facts as unknown as { frames: Array<{ function: string; file: string; line: number }> }).frames;
  const factValues = (facts.values ?? []) as Value[];
  const dump = path.join(dir, facts.coreDumps.default.full);
  const want = factFrames.slice(0, 4);
  const values = factValues.filter((v) => v.frame === want[0].function && v.frameIndex === 0 && v.value !== null && !v.global).slice(0, 4);
  const bin = binDir();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'wcd-nvim-'));
  const server = tcp ? await startServer() : undefined;
  try {
    const env: Record<string, string> = {
      PATH: `${bin}:${process.env.PATH}`, WCD_COREDUMP: dump, WCD_PROGRAM: path.join(dir, facts.module),
      WCD_FRAME: want[0].function, WCD_EXPRS: values.map((v) => v.expr).join('\n'),
    };
    if (server) { env.WASM_COREDUMP_DAP_TCP = '1'; env.WCD_PORT = String(server.port); }
    const { code, out } = await runNvim(env, work);
    assert.equal(code, 0, `nvim failed:\n${out}`);
    assert.match(out, /^DONE$/m, out);
    assert.doesNotMatch(out, /^FAIL/m, out);
    // the reason in source terms (src/reason): a trap in words, a panic message, an assertion
    assert.match(out, /^STOPPED exception \S.*$/m);
    // frames as nvim-dap stored them: from the first user frame on, facts.json's
    const frames = [...out.matchAll(/^FRAME (.+) (\d+) (\S+)$/gm)].map((m) => ({ function: m[1], line: Number(m[2]), file: m[3] }));
    const start = frames.findIndex((f) => f.function === want[0].function);
    assert.ok(start >= 0, `no frame ${want[0].function} in ${JSON.stringify(frames)}`);
    assert.deepEqual(frames.slice(start, start + want.length), want.map((f) => ({ function: f.function, line: f.line, file: path.basename(f.file) })));
    // the frame nvim-dap selects (its first frame with a source) is one of the dump's frames
    assert.match(out, /^SELECTED \S/m);
    // the user frame's scopes and variables, and evaluate of facts.json's expressions
    assert.match(out, /^SCOPE Locals$|^SCOPE Arguments$/m);
    for (const v of values) {
      const got = new RegExp(`^EVAL ${v.expr.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} = (.*)$`, 'm').exec(out)?.[1];
      assert.ok(got !== undefined, `no EVAL line for ${v.expr}:\n${out}`);
      assert.equal(canonicalValue(got, v.kind ?? ''), v.value, `${id}: evaluate ${v.expr} = ${got}`);
      if (/^[A-Za-z_]\w*$/.test(v.expr)) {
        const shown = new RegExp(`^VAR (Arguments|Locals) ${v.expr} = (.*)$`, 'm').exec(out)?.[2];
        assert.equal(shown === undefined ? undefined : canonicalValue(shown, v.kind ?? ''), v.value, `${id}: variable ${v.expr} shown as ${shown}`);
      }
    }
    // readMemory at the stack pointer: the dump's own bytes
    const sp = Number(/^SP (\d+)$/m.exec(out)?.[1]);
    const mem = /^MEM (0x[0-9a-f]+) (\S*)$/m.exec(out);
    assert.ok(mem, `no MEM line:\n${out}`);
    assert.equal(Number(mem[1]), sp);
    assert.equal(Buffer.from(mem[2], "base64").length, 16, "16 readable bytes at the stack pointer");
    const target = PostMortemTarget.fromBytes({
      coreDump: { bytes: new Uint8Array(fs.readFileSync(dump)), file: dump },
      modules: [{ bytes: new Uint8Array(fs.readFileSync(path.join(dir, facts.module))), file: facts.module }],
    });
    const direct = target.readMemory({ instance: 0, memory: 0, address: sp }, 16);
    assert.equal(Buffer.from(mem[2], 'base64').toString('hex'), Buffer.from(direct.data).toString('hex'));
  } finally {
    server?.proc.kill();
    fs.rmSync(bin, { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
  }
}

test('the README\'s Neovim section is test/dap/nvim/init.lua\'s configuration, verbatim', () => {
  const init = fs.readFileSync(INIT, 'utf8');
  const readme = fs.readFileSync('adapter/README.md', 'utf8');
  for (const block of ['wasm-coredump', 'wasm-coredump tcp']) {
    const m = new RegExp(`-- BEGIN ${block}\\n([\\s\\S]*?)-- END ${block}\\n`).exec(init);
    assert.ok(m, `no ${block} block in init.lua`);
    assert.ok(readme.includes(m[1]), `adapter/README.md does not hold init.lua's "${block}" block:\n${m[1]}`);
  }
});

for (const tcp of [false, true]) {
  for (const id of FIXTURE_IDS) {
    test(`Neovim nvim-dap 0.6.0 (${tcp ? 'TCP server' : 'stdio executable'}) opens ${id}: frames, scopes, variables, evaluate, readMemory`, async (t) => {
      const missing = nvimMissing();
      if (missing) { t.skip(missing); return; }
      if (!fs.existsSync(path.join(FIXTURES, id, 'facts.json'))) { t.skip(`fixture ${id} missing`); return; }
      await checkFixture(id, tcp);
    });
  }
}
