/**
 * The server process ends when its client goes away, whatever way it goes:
 * stdin ends, stdout breaks (EPIPE), SIGTERM; over TCP a client that
 * vanishes ends its own session only, and the server does not spin.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { spawn, ChildProcess } from 'node:child_process';
import { ADAPTER, startServer } from './harness';
import { RawClient } from './rawClient';

const INIT = JSON.stringify({ seq: 1, type: 'request', command: 'initialize', arguments: { adapterID: 'x', pathFormat: 'path' } });
const FRAME = `Content-Length: ${Buffer.byteLength(INIT)}\r\n\r\n${INIT}`;

function exited(p: ChildProcess, ms: number): Promise<{ code: number | null; signal: NodeJS.Signals | null } | 'timeout'> {
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve({ code: p.exitCode, signal: p.signalCode });
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve('timeout'), ms);
    p.once('exit', (code, signal) => { clearTimeout(t); resolve({ code, signal }); });
  });
}

/** CPU time (user + system, ms) the process used so far, from /proc; undefined where there is no /proc. */
function cpuMs(pid: number): number | undefined {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // fields 14 and 15, in clock ticks (100 Hz on Linux)
  } catch {
    return undefined;
  }
}

test('stdio: a client that closes our stdout first (EPIPE) ends the process, which does not spin', async () => {
  const p = spawn(process.execPath, [ADAPTER], { stdio: ['pipe', 'pipe', 'pipe'] });
  try {
    p.stdout!.destroy(); // the reader goes away (like `| head -c0`)
    p.stdin!.write(FRAME); // the initialize response and the initialized event fail to write
    const r = await exited(p, 4000); // stdin stays open: only the broken output can end it
    assert.notEqual(r, 'timeout', 'the adapter kept running after its stdout broke');
    assert.deepEqual(r, { code: 0, signal: null });
  } finally {
    p.kill('SIGKILL');
  }
});

test('stdio: stdin ending after stdout broke still ends the process promptly (exit 0)', async () => {
  const p = spawn(process.execPath, [ADAPTER], { stdio: ['pipe', 'pipe', 'inherit'] });
  try {
    p.stdout!.destroy();
    p.stdin!.write(FRAME);
    setTimeout(() => p.stdin!.end(), 300);
    const r = await exited(p, 3000);
    assert.deepEqual(r, { code: 0, signal: null });
  } finally {
    p.kill('SIGKILL');
  }
});

test('stdio: SIGTERM ends a serving process', async () => {
  const p = spawn(process.execPath, [ADAPTER], { stdio: ['pipe', 'pipe', 'pipe'] });
  try {
    let out = '';
    p.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    p.stdin!.write(FRAME);
    for (let i = 0; i < 100 && !out.includes('"initialized"'); i++) await new Promise((r) => setTimeout(r, 50));
    assert.match(out, /"event":"initialized"/);
    p.kill('SIGTERM');
    const r = await exited(p, 3000);
    assert.notEqual(r, 'timeout', 'SIGTERM did not end the adapter');
  } finally {
    p.kill('SIGKILL');
  }
});

test('TCP: a client that resets its connection ends its session only; the server stays idle and serves others', async (t) => {
  const s = await startServer();
  try {
    const a = await RawClient.connect(s.port);
    assert.equal((await a.request('initialize', { adapterID: 'x', pathFormat: 'path' })).success, true);
    // requests in flight when the connection is reset: their responses and events hit a dead socket
    a.sendFramed({ seq: 50, type: 'request', command: 'threads' });
    a.sendFramed({ seq: 51, type: 'request', command: 'evaluate', arguments: { expression: 'x' } });
    a.socket.resetAndDestroy();
    await new Promise((r) => setTimeout(r, 300));
    const before = cpuMs(s.proc.pid!);
    await new Promise((r) => setTimeout(r, 1000));
    const after = cpuMs(s.proc.pid!);
    if (before === undefined || after === undefined) t.diagnostic('no /proc: CPU use not checked');
    else assert.ok(after - before < 300, `the server used ${after - before} ms of CPU in 1 s after a client vanished`);
    assert.equal(s.proc.exitCode, null, 'the server exited with the client');
    const b = await RawClient.connect(s.port);
    const r = await b.request('initialize', { adapterID: 'x', pathFormat: 'path' });
    assert.equal(r.success, true);
    await b.close();
  } finally {
    s.proc.kill('SIGKILL');
  }
});
