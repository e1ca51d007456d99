/**
 * Crash collection service benchmark: `wasm-coredump serve` as a child
 * process on a fresh store (each fixture's prog.wasm uploaded first), then
 * fixture core dumps POSTed by 1, 10 and 50 concurrent clients (keep-alive):
 * uploads per second and upload→group latency (request sent → 201 with the
 * crash recorded in its group: received, checked, symbolicated, stored,
 * fsync'd). Then 10,000 uploads (BENCH_SERVICE_UPLOADS to change) at 10
 * clients with the server's resident memory (VmRSS) before, during (peak)
 * and after: uploads are streamed to disk and the index keeps only offsets,
 * so memory should stay flat.
 * Run alone: `npm run build && node out/bench/main.js service`.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, ChildProcess } from 'node:child_process';

const CLI = path.join(__dirname, '..', 'cli', 'main.js');
const FIXTURES = path.join(__dirname, '..', '..', 'test', 'fixtures');

function startServe(store: string): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--store', store], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    const onData = (c: Buffer): void => {
      out += c.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) { resolve({ child, url: m[1] }); }
    };
    child.stdout?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`serve exited (${code}): ${out}`)));
  });
}

function post(agent: http.Agent, url: string, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'Content-Type': 'application/wasm', 'Content-Length': body.length } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Resident memory of a process in MiB (Linux /proc), or undefined elsewhere. */
function rssMiB(pid: number | undefined): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch { return undefined; }
}

const mib = (n: number | undefined): string => (n === undefined ? 'unavailable' : `${n.toFixed(1)} MiB`);

function pct(sorted: number[], p: number): number { return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]; }

async function run(agent: http.Agent, url: string, dumps: Buffer[], total: number, clients: number, onEach?: (i: number) => void): Promise<{ secs: number; lat: number[]; failed: number }> {
  const lat: number[] = [];
  let next = 0;
  let failed = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: clients }, async () => {
    for (let i = next++; i < total; i = next++) {
      const s = performance.now();
      const status = await post(agent, `${url}/v1/crashes`, dumps[i % dumps.length]);
      lat.push(performance.now() - s);
      if (status !== 201) failed++;
      onEach?.(i);
    }
  }));
  return { secs: (performance.now() - t0) / 1000, lat: lat.sort((a, b) => a - b), failed };
}

export async function bench(): Promise<void> {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} missing: npm run build`);
  const store = fs.mkdtempSync(path.join(os.tmpdir(), 'wcd-bench-service-'));
  const { child, url } = await startServe(store);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  try {
    const dumps: Buffer[] = [];
    for (const n of fs.readdirSync(FIXTURES).sort()) {
      const dir = path.join(FIXTURES, n);
      if (n.startsWith('_') || !fs.existsSync(path.join(dir, 'prog.wasm'))) continue;
      const st = await post(agent, `${url}/v1/debug-files?name=prog.wasm`, fs.readFileSync(path.join(dir, 'prog.wasm')));
      if (st !== 201) throw new Error(`module upload: ${st}`);
      for (const f of fs.readdirSync(dir).sort()) if (/^prog.*\.coredump$/.test(f)) dumps.push(fs.readFileSync(path.join(dir, f)));
    }
    const avg = dumps.reduce((n, d) => n + d.length, 0) / dumps.length;
    console.log(`   ${dumps.length} fixture dumps (average ${(avg / 1024).toFixed(1)} KiB), modules of ${dumps.length ? 'their' : 'no'} fixtures uploaded; server ${url}`);
    await run(agent, url, dumps, 50, 5); // warm-up
    for (const clients of [1, 10, 50]) {
      const total = clients === 1 ? 200 : 500;
      const r = await run(agent, url, dumps, total, clients);
      console.log(`   ${String(clients).padStart(2)} client${clients > 1 ? 's' : ' '}: ${(total / r.secs).toFixed(0).padStart(5)} uploads/s; upload→group p50 ${pct(r.lat, 0.5).toFixed(1)} ms, p95 ${pct(r.lat, 0.95).toFixed(1)} ms, max ${r.lat[r.lat.length - 1].toFixed(1)} ms (${total} uploads${r.failed ? `, ${r.failed} FAILED` : ''})`);
    }
    const n = Number(process.env.BENCH_SERVICE_UPLOADS ?? 10_000);
    const before = rssMiB(child.pid);
    let peak = before ?? 0;
    const marks: string[] = [];
    let done = 0;
    const r = await run(agent, url, dumps, n, 10, () => {
      if (++done % 250 === 0) peak = Math.max(peak, rssMiB(child.pid) ?? 0);
      if (done % Math.max(1, Math.floor(n / 4)) === 0) marks.push(`${done}: ${mib(rssMiB(child.pid))}`);
    });
    const after = rssMiB(child.pid);
    const journal = fs.statSync(path.join(store, 'index.journal')).size;
    console.log(`   ${n} uploads at 10 clients: ${(n / r.secs).toFixed(0)} uploads/s; server RSS before ${mib(before)}, peak ${before === undefined ? 'unavailable' : mib(peak)}, after ${mib(after)}; index ${(journal / 1024 / 1024).toFixed(1)} MiB${r.failed ? `; ${r.failed} FAILED` : ''}`);
    console.log(`   RSS after each quarter: ${marks.join(', ')}`);
  } finally {
    agent.destroy();
    child.kill('SIGTERM');
    await new Promise((res) => child.on('exit', res));
    fs.rmSync(store, { recursive: true, force: true });
  }
}
