/**
 * Forwarding of crashes to Sentry (`serve --sentry-dsn DSN`): each new group
 * (optionally every crash) becomes one Sentry event, sent as an envelope to
 * `<scheme>://<host>/api/<project>/envelope/`:
 *
 *   {"event_id","dsn","sent_at"}              envelope header
 *   {"type":"event","content_type","length"}  item header (length: payload bytes)
 *   {...event...}                             the event payload
 *
 * The event carries one exception (type: the trap kind, mechanism
 * "wasm-trap", not handled) whose stacktrace lists the frames outermost
 * first, the trapped function last, as Sentry expects (instruction_addr: the
 * module file offset, `addr_mode: rel:N` naming image N); debug_meta lists each
 * module as a "wasm" image with its build id (code_id: hex; debug_id: the
 * build id's first 16 bytes as a UUID). A failure is logged, never raised.
 */
import * as path from 'node:path';
import { CrashRecord, GroupRecord } from './store/types';
import { isUserFrame } from './symbolicate';

export interface SentryDsn { dsn: string; publicKey: string; envelopeUrl: string; projectId: string }

export function parseDsn(dsn: string): SentryDsn {
  let u: URL;
  try { u = new URL(dsn); } catch { throw new Error(`--sentry-dsn '${dsn}' is not a URL (expected https://KEY@HOST/PROJECT)`); }
  const projectId = u.pathname.replace(/\/+$/, '').split('/').pop() ?? '';
  if (!/^https?:$/.test(u.protocol) || !u.username || !/^\d+$/.test(projectId)) {
    throw new Error(`--sentry-dsn '${dsn}' is not a Sentry DSN (expected https://KEY@HOST/PROJECT with a numeric project id)`);
  }
  const prefix = u.pathname.replace(/\/+$/, '').split('/').slice(0, -1).join('/');
  return { dsn, publicKey: decodeURIComponent(u.username), projectId, envelopeUrl: `${u.protocol}//${u.host}${prefix}/api/${projectId}/envelope/` };
}

/** A build id as Sentry's debug_id: its first 16 bytes (zero-padded) as a UUID. */
export function debugIdOf(buildId: string): string {
  const h = (buildId.toLowerCase().replace(/[^0-9a-f]/g, '') + '0'.repeat(32)).slice(0, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export function sentryEvent(c: CrashRecord, version: string): Record<string, unknown> {
  const eventId = c.id.replace(/-/g, '').toLowerCase();
  const imageIndex = new Map(c.summary.modules.map((m, i) => [m.name, i]));
  const frames = (c.summary.threads[0]?.frames ?? []).map((f) => {
    const o: Record<string, unknown> = {
      function: f.function ?? `func[${f.funcIndex}]`,
      in_app: isUserFrame(f),
    };
    if (f.file !== null) { o.filename = path.basename(f.file); o.abs_path = f.file; }
    if (f.line !== null) o.lineno = f.line;
    if (f.column !== null) o.colno = f.column;
    // as Sentry's wasm frames: the module file offset, relative to the frame's debug image
    const img = f.module !== null ? imageIndex.get(f.module) : undefined;
    if (f.moduleOffset !== undefined && f.moduleOffset !== null && img !== undefined) { o.instruction_addr = `0x${f.moduleOffset.toString(16)}`; o.addr_mode = `rel:${img}`; }
    if (f.module !== null) o.package = f.module;
    return o;
  }).reverse(); // Sentry: outermost first, the crashing frame last
  const images = c.summary.modules.map((m) => {
    const img: Record<string, unknown> = { type: 'wasm', code_file: m.name, debug_file: m.name };
    if (m.buildId) { img.code_id = m.buildId; img.debug_id = debugIdOf(m.buildId); }
    return img;
  });
  const tags: Record<string, string> = { fingerprint: c.fingerprint.slice(0, 16) };
  if (c.meta.app) tags.app = c.meta.app;
  if (c.meta.requestId) tags.request_id = c.meta.requestId;
  const ev: Record<string, unknown> = {
    event_id: eventId, timestamp: c.receivedAt, platform: 'native', level: 'fatal', logger: 'wasm-coredump',
    message: { formatted: c.title },
    exception: { values: [{
      type: c.summary.reason?.kind ?? 'crash', value: c.summary.reason?.message ?? c.summary.trap,
      mechanism: { type: 'wasm-trap', handled: false }, stacktrace: { frames },
    }] },
    debug_meta: { images },
    fingerprint: [c.fingerprint],
    tags,
    extra: { crash_id: c.id, dump_key: c.dumpKey, notes: c.summary.notes, variables: c.summary.variables },
    sdk: { name: 'wasm-coredump-debugger', version },
  };
  if (c.meta.version) ev.release = c.meta.version;
  if (c.meta.environment) ev.environment = c.meta.environment;
  return ev;
}

/** The envelope text for one event. */
export function sentryEnvelope(dsn: SentryDsn, event: Record<string, unknown>): string {
  const payload = JSON.stringify(event);
  const header = JSON.stringify({ event_id: event.event_id, dsn: dsn.dsn, sent_at: new Date().toISOString() });
  const item = JSON.stringify({ type: 'event', content_type: 'application/json', length: Buffer.byteLength(payload) });
  return `${header}\n${item}\n${payload}\n`;
}

export interface SentryForwarder {
  /** Send if the crash qualifies (a new group, or every crash with `all`); resolves when sent or failed (logged). */
  forward(c: CrashRecord, g: GroupRecord, isNew: boolean): Promise<void>;
  /** Sends in flight (tests wait for them). */
  idle(): Promise<void>;
}

export function sentryForwarder(dsnText: string, opts: { version: string; all?: boolean; log: (line: string) => void; timeoutMs?: number }): SentryForwarder {
  const dsn = parseDsn(dsnText);
  const inFlight = new Set<Promise<void>>();
  return {
    forward(c, _g, isNew) {
      if (!isNew && !opts.all) return Promise.resolve();
      const p = (async () => {
        try {
          const body = sentryEnvelope(dsn, sentryEvent(c, opts.version));
          const r = await fetch(dsn.envelopeUrl, {
            method: 'POST', body, signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
            headers: {
              'Content-Type': 'application/x-sentry-envelope',
              'X-Sentry-Auth': `Sentry sentry_version=7, sentry_key=${dsn.publicKey}, sentry_client=wasm-coredump-debugger/${opts.version}`,
            },
          });
          if (!r.ok) opts.log(`sentry: crash ${c.id} not forwarded: HTTP ${r.status} ${(await r.text()).slice(0, 200)}`);
          else await r.arrayBuffer();
        } catch (e) {
          opts.log(`sentry: crash ${c.id} not forwarded: ${e instanceof Error ? e.message : String(e)}`);
        }
      })();
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
      return p;
    },
    async idle() { while (inFlight.size) await Promise.all([...inFlight]); },
  };
}
