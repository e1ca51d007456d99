/** The executable: --port 0 prints the port, a non-loopback --host warns, bad options fail, stdio exits when stdin closes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { ADAPTER, startServer } from './harness';
import { RawClient } from './rawClient';

test('--port 0 on a non-loopback host prints the port and a warning, and serves', async () => {
  const s = await startServer(['--host', '0.0.0.0']);
  try {
    assert.match(s.stderr(), /warning: binding to 0\.0\.0\.0/);
    const c = await RawClient.connect(s.port);
    const r = await c.request('initialize', { adapterID: 'x', pathFormat: 'path' });
    assert.equal(r.success, true);
    assert.equal(r.body.supportsConfigurationDoneRequest, true);
    await c.close();
  } finally {
    s.proc.kill();
  }
});

test('bad options exit with status 2 and the usage', () => {
  const r = spawnSync(process.execPath, [ADAPTER, '--port', 'nope'], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--port needs a port number/);
  assert.match(r.stderr, /usage: wasm-coredump-dap/);
});

test('stdio mode ends when the client closes stdin', async () => {
  const p = spawn(process.execPath, [ADAPTER], { stdio: ['pipe', 'pipe', 'pipe'] });
  const json = JSON.stringify({ seq: 1, type: 'request', command: 'initialize', arguments: { adapterID: 'x', pathFormat: 'path' } });
  let out = '';
  p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  p.stdin.write(`Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`);
  await new Promise((r) => setTimeout(r, 300));
  p.stdin.end();
  const code = await new Promise<number | null>((resolve) => {
    const t = setTimeout(() => { p.kill(); resolve(-1); }, 5000);
    p.on('exit', (c) => { clearTimeout(t); resolve(c); });
  });
  assert.equal(code, 0);
  assert.match(out, /"command":"initialize","success":true/);
  assert.match(out, /"event":"initialized"/);
});
