#!/usr/bin/env node
/**
 * wasm-coredump-dap: the Debug Adapter Protocol server.
 *   wasm-coredump-dap                      DAP on stdin/stdout (one session)
 *   wasm-coredump-dap --port N [--host H]  DAP over TCP, one independent session per connection
 * --port 0 picks a free port and prints it ("listening on 127.0.0.1:PORT").
 */
import * as net from 'node:net';
import { WasmCoreDumpSession } from './session';

export const USAGE = `usage: wasm-coredump-dap [--port N [--host H]]
  (no options)   speak DAP on stdin/stdout
  --port N       serve DAP over TCP on port N (0 = pick a free port and print it);
                 every connection is an independent session
  --host H       address to bind (default 127.0.0.1; anything else exposes the
                 core dumps and files this process can read to the network)`;

export interface ServerOptions { port: number; host: string }

export function parseArgs(argv: string[]): ServerOptions | 'stdio' | { error: string } | 'help' {
  let port: number | undefined;
  let host = '127.0.0.1';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = (): string | undefined => (a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i]);
    if (a === '-h' || a === '--help') return 'help';
    else if (a === '--port' || a.startsWith('--port=') || a.startsWith('--server=')) {
      const v = val();
      const n = Number(v);
      if (v === undefined || !/^\d+$/.test(v) || n > 65535) return { error: `--port needs a port number 0..65535 (got ${v ?? 'nothing'})` };
      port = n;
    } else if (a === '--host' || a.startsWith('--host=')) {
      const v = val();
      if (!v) return { error: '--host needs an address' };
      host = v;
    } else return { error: `unknown option '${a}'` };
  }
  return port === undefined ? 'stdio' : { port, host };
}

/** Serve DAP over TCP; resolves with the server once listening. */
export function serve(opts: ServerOptions, onSession?: (s: WasmCoreDumpSession) => void): Promise<net.Server> {
  const server = net.createServer((socket) => {
    const session = new WasmCoreDumpSession();
    session.setRunAsServer(true);
    socket.setNoDelay(true); // small request/response pairs: do not wait for delayed ACKs (40 ms each)
    socket.on('error', () => socket.destroy()); // a client that vanishes must not take the server down
    session.on('close', () => socket.destroy());
    socket.on('close', () => session.dispose());
    session.start(socket, socket);
    onSession?.(session);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => { server.off('error', reject); resolve(server); });
  });
}

/**
 * One session on stdin/stdout. It ends when the client goes away: stdin ends
 * or closes (after what was already written has been flushed, for at most a
 * second), stdout breaks (EPIPE: nothing to flush to), or SIGTERM/SIGINT/SIGHUP.
 */
function serveStdio(): void {
  const session = new WasmCoreDumpSession();
  let leaving = false;
  const leave = (flush: boolean): void => {
    if (leaving) return;
    leaving = true;
    if (!flush || process.stdout.destroyed || !process.stdout.writable) process.exit(0);
    setTimeout(() => process.exit(0), 1000).unref();
    process.stdout.write('', () => process.exit(0));
  };
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(sig, () => process.exit(0));
  process.stdin.on('end', () => leave(true));
  process.stdin.on('close', () => leave(true));
  process.stdout.on('error', () => leave(false));
  session.on('close', () => leave(!process.stdout.errored));
  session.start(process.stdin, process.stdout);
}

async function main(): Promise<void> {
  const parsed = parseArgs(process.argv.slice(2));
  if (parsed === 'help') { console.log(USAGE); return; }
  if (typeof parsed === 'object' && 'error' in parsed) { console.error(`wasm-coredump-dap: ${parsed.error}\n${USAGE}`); process.exitCode = 2; return; }
  if (parsed === 'stdio') {
    serveStdio();
    return;
  }
  const loopback = parsed.host === '127.0.0.1' || parsed.host === 'localhost' || parsed.host === '::1';
  if (!loopback) {
    console.error(`wasm-coredump-dap: warning: binding to ${parsed.host}: anyone who can reach this address can open files this process can read`);
  }
  try {
    const server = await serve(parsed);
    const addr = server.address() as net.AddressInfo;
    const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    console.log(`listening on ${host}:${addr.port}`);
  } catch (e) {
    console.error(`wasm-coredump-dap: cannot listen on ${parsed.host}:${parsed.port}: ${(e as Error).message}`);
    process.exitCode = 1;
  }
}

if (require.main === module) void main();
