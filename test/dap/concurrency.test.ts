/**
 * Fifty concurrent TCP sessions on different core dumps give exactly the
 * transcripts the same sessions give one at a time; and a thousand
 * sequential sessions in one server process leave its heap flat.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import type { AddressInfo } from 'node:net';
import { startServer } from './harness';
import { RawClient } from './rawClient';
import { launchArgsFor, rawDriver, runSession } from './script';
import { transcriptSpecs } from './specs';
import { serve } from '../../adapter/main';

async function transcript(port: number, spec: Parameters<typeof runSession>[1]): Promise<string> {
  const c = await RawClient.connect(port);
  try {
    return JSON.stringify(await runSession(rawDriver(c), spec));
  } finally {
    await c.close();
  }
}

test('fifty concurrent TCP sessions match the sequential transcripts', async (t) => {
  const specs = transcriptSpecs();
  if (specs.length === 0) { t.skip('no fixtures (run npm run fixtures)'); return; }
  const server = await startServer();
  try {
    const sequential = new Map<string, string>();
    for (const s of specs) sequential.set(s.name, await transcript(server.port, s));
    const jobs = Array.from({ length: 50 }, (_, i) => specs[i % specs.length]);
    const results = await Promise.all(jobs.map((s) => transcript(server.port, s)));
    results.forEach((r, i) => assert.equal(r, sequential.get(jobs[i].name), `session ${i} (${jobs[i].name}) differs from its sequential transcript`));
  } finally {
    server.proc.kill();
  }
});

function gc(): void {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}

test('memory stays flat over 1,000 sequential sessions in one server process', async (t) => {
  const spec = transcriptSpecs().find((s) => s.fixture !== 'thesis-sk-machine');
  if (!spec) { t.skip('no fixtures (run npm run fixtures)'); return; }
  const server = await serve({ port: 0, host: '127.0.0.1' });
  const port = (server.address() as AddressInfo).port;
  const one = async (): Promise<void> => {
    const c = await RawClient.connect(port);
    await c.request('initialize', { adapterID: 'mem', pathFormat: 'path' });
    const l = await c.request('launch', launchArgsFor(spec));
    assert.equal(l.success, true, l.message);
    await c.request('configurationDone');
    const st = await c.request('stackTrace', { threadId: 1, levels: 5 });
    const sc = await c.request('scopes', { frameId: st.body.stackFrames[0].id });
    await c.request('variables', { variablesReference: sc.body.scopes[0].variablesReference });
    await c.request('disconnect');
    await c.close();
  };
  try {
    for (let i = 0; i < 50; i++) await one(); // warm up: JIT, caches, buffers
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 1000; i++) await one();
    await new Promise((r) => setTimeout(r, 50));
    gc();
    const after = process.memoryUsage().heapUsed;
    const growth = after - before;
    t.diagnostic(`heapUsed ${(before / 1e6).toFixed(1)} MB -> ${(after / 1e6).toFixed(1)} MB over 1000 sessions`);
    // one session holds a parsed core dump and module (~100s of KB); a leak of one per session would be > 50 MB
    assert.ok(growth < 8e6, `heap grew by ${(growth / 1e6).toFixed(1)} MB over 1000 sessions`);
  } finally {
    await new Promise((r) => server.close(r));
  }
});
