/**
 * Protocol fuzz against the real TCP server: a few thousand random,
 * malformed and out-of-order requests. Every request that can be answered
 * gets a response (error or not), and the server keeps serving: a normal
 * session still works on the same connection and on a new one afterwards.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness';
import { RawClient } from './rawClient';
import { launchArgsFor } from './script';
import { transcriptSpecs } from './specs';
import { prng } from '../prng';

/** Deterministic PRNG (mulberry32) so a failure can be replayed. */
const rng = prng;

const COMMANDS = ['initialize', 'launch', 'attach', 'configurationDone', 'threads', 'stackTrace', 'scopes', 'variables', 'evaluate',
  'readMemory', 'disassemble', 'source', 'modules', 'loadedSources', 'completions', 'exceptionInfo', 'setVariable', 'setExpression',
  'continue', 'next', 'stepIn', 'stepOut', 'pause', 'restart', 'goto', 'terminate', 'setBreakpoints', 'writeMemory', 'bogus', '', '__proto__', 'constructor', 'toString'];

function junk(r: () => number, depth = 0): unknown {
  const k = Math.floor(r() * 12);
  switch (k) {
    case 0: return null;
    case 1: return Math.floor(r() * 10) - 2;
    case 2: return -Math.floor(r() * 2 ** 40);
    case 3: return 2 ** 53 + 7;
    case 4: return r() * 1e9;
    case 5: return ['', 'x', '0x10000', '0xffffffffffff', 'i9m9:0x0', 'bt', 'x/16xb 0x0', 'p $global0', 'frame 99', 'info locals', '(((', '$local0', 'a'.repeat(5000)][Math.floor(r() * 13)];
    case 6: return r() < 0.5;
    case 7: return depth < 2 ? [junk(r, depth + 1), junk(r, depth + 1)] : [];
    case 8: case 9: case 10: {
      if (depth >= 2) return {};
      const o: Record<string, unknown> = {};
      const keys = ['threadId', 'frameId', 'variablesReference', 'start', 'count', 'levels', 'startFrame', 'expression', 'context',
        'memoryReference', 'offset', 'instructionOffset', 'instructionCount', 'sourceReference', 'source', 'filter', 'text', 'column', 'coreDump', 'program', 'modules', 'sourceMap', 'valueEncoding'];
      const n = 1 + Math.floor(r() * 4);
      for (let i = 0; i < n; i++) o[keys[Math.floor(r() * keys.length)]] = junk(r, depth + 1);
      return o;
    }
    default: return undefined;
  }
}

test('protocol fuzz: thousands of bad requests get error responses and the server keeps serving', async (t) => {
  const specs = transcriptSpecs().filter((s) => s.fixture !== 'thesis-sk-machine');
  if (specs.length === 0) { t.skip('no fixtures (run npm run fixtures)'); return; }
  const server = await startServer();
  try {
    const r = rng(Number(process.env.FUZZ_SEED ?? 12345));
    const N = Number(process.env.FUZZ_COUNT ?? 3000);
    for (let round = 0; round < 3; round++) {
      const c = await RawClient.connect(server.port);
      // a third of the rounds start with a proper launch so handlers run against a real target
      if (round > 0) {
        await c.request('initialize', { adapterID: 'fuzz', pathFormat: 'path' });
        const l = await c.request('launch', launchArgsFor(specs[round % specs.length]));
        assert.equal(l.success, true, l.message);
        await c.request('configurationDone');
      }
      let answered = 0;
      for (let i = 0; i < N / 3; i++) {
        const kind = r();
        if (kind < 0.03) {
          // not a request at all: garbage JSON, arrays, numbers (no response expected)
          c.sendFramed(['{', '[1,2]', '42', 'null', '{"type":"request"}', '{"seq":"x","type":"request","command":7}'][Math.floor(r() * 6)]);
          continue;
        }
        const seq = c.nextSeq();
        const cmd = COMMANDS[Math.floor(r() * COMMANDS.length)];
        const msg: Record<string, unknown> = { seq, type: 'request', command: cmd };
        if (r() < 0.9) msg.arguments = junk(r);
        const resp = await c.requestRaw(msg, seq, 10_000);
        assert.equal(resp.request_seq, seq);
        if (!resp.success) {
          assert.equal(typeof resp.message, 'string');
          assert.equal(typeof resp.body?.error?.id, 'number', `error without id: ${JSON.stringify(resp).slice(0, 300)}`);
          assert.notEqual(resp.body.error.id, 3099, `internal error for ${JSON.stringify(msg).slice(0, 300)}: ${resp.message}`);
        }
        answered++;
      }
      assert.ok(answered > N / 4);
      // the same connection still serves a well-formed request
      const th = await c.request('threads');
      if (round > 0) assert.equal(th.success, true);
      await c.close();
    }
    // and a fresh connection gets a full session
    const c = await RawClient.connect(server.port);
    await c.request('initialize', { adapterID: 'fuzz', pathFormat: 'path' });
    assert.equal((await c.request('launch', launchArgsFor(specs[0]))).success, true);
    await c.request('configurationDone');
    await c.waitEvent('stopped');
    const st = await c.request('stackTrace', { threadId: 1 });
    assert.ok(st.body.stackFrames.length > 0);
    await c.close();
    assert.equal(server.proc.exitCode, null, 'server exited');
  } finally {
    server.proc.kill();
  }
});

test('mutated core dumps: the target fails with typed errors or works, never crashes', async (t) => {
  const fs = await import('node:fs');
  const { PostMortemTarget } = await import('../../src/target/target');
  const { isWasmCoreError } = await import('../../src/util/errors');
  const dir = 'test/fixtures/c-clang19-O0-dwarf4';
  if (!fs.existsSync(`${dir}/prog.coredump`)) { t.skip('fixtures not built'); return; }
  const dump = new Uint8Array(fs.readFileSync(`${dir}/prog.coredump`));
  const wasm = new Uint8Array(fs.readFileSync(`${dir}/prog.wasm`));
  const r = rng(Number(process.env.FUZZ_SEED ?? 777));
  let opened = 0;
  for (let i = 0; i < 400; i++) {
    const d = dump.slice();
    const n = 1 + Math.floor(r() * 4);
    for (let k = 0; k < n; k++) d[Math.floor(r() * d.length)] = Math.floor(r() * 256);
    try {
      const tg = PostMortemTarget.fromBytes({ coreDump: { bytes: d, file: 'm.coredump' }, modules: [{ bytes: wasm, file: 'prog.wasm' }] });
      opened++;
      for (const th of tg.threads()) {
        tg.trap(th.index);
        for (const f of tg.framePage(th.index, 0, 3).frames) {
          for (const s of tg.scopes(th.index, f.level)) for (const v of s.variables().slice(0, 5)) void v.children?.(0, 3);
          if (f.moduleOffset !== undefined && f.moduleIndex !== undefined) tg.disassemble(f.moduleIndex, f.moduleOffset, -2, 4);
        }
      }
      tg.readMemory({ instance: 0, memory: 0, address: Math.floor(r() * 2 ** 20) }, 64);
    } catch (e) {
      assert.ok(isWasmCoreError(e), `mutation ${i}: untyped ${e instanceof Error ? e.stack : String(e)}`);
    }
  }
  t.diagnostic(`${opened}/400 mutated dumps opened`);
});
