/**
 * IndexStore on PostgreSQL (`serve --database postgres://...`), for a service
 * that runs on several machines or keeps more crashes than an embedded index
 * should. Three tables, created at open when missing:
 *
 * - crashes: one row per upload (summary and metadata as JSONB);
 * - "groups": one row per fingerprint, updated in the same transaction as the
 *   crash insert (an upsert, so concurrent uploads of one crash count exactly);
 * - debug_files: uploaded modules and debug files, unique on (content key, file name):
 *   the same bytes uploaded under another name are found under both.
 *
 * Times are `timestamptz` and come back as ISO 8601 UTC strings.
 */
import { Pool, PoolClient } from 'pg';
import { WasmCoreError } from '../../src/util/errors';
import type { CrashRecord, DebugFileRecord, GroupRecord, IndexStore } from './types';
import { uniqueKeys } from './journal';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS crashes (
  id text PRIMARY KEY,
  seq bigserial NOT NULL,
  received_at timestamptz NOT NULL,
  fingerprint text NOT NULL,
  dump_key text NOT NULL,
  dump_size bigint NOT NULL,
  title text NOT NULL,
  meta jsonb NOT NULL,
  summary jsonb NOT NULL
);
CREATE INDEX IF NOT EXISTS crashes_by_group ON crashes (fingerprint, received_at DESC, seq DESC);
CREATE TABLE IF NOT EXISTS "groups" (
  fingerprint text PRIMARY KEY,
  title text NOT NULL,
  count bigint NOT NULL,
  first_seen timestamptz NOT NULL,
  last_seen timestamptz NOT NULL,
  versions jsonb NOT NULL,
  last_crash_id text NOT NULL
);
CREATE INDEX IF NOT EXISTS groups_by_last_seen ON "groups" (last_seen DESC);
CREATE TABLE IF NOT EXISTS debug_files (
  key text NOT NULL,
  seq bigserial NOT NULL,
  kind text NOT NULL,
  name text NOT NULL,
  build_id text,
  size bigint NOT NULL,
  uploaded_at timestamptz NOT NULL,
  PRIMARY KEY (key, name)
);
CREATE INDEX IF NOT EXISTS debug_files_by_build_id ON debug_files (build_id);
CREATE INDEX IF NOT EXISTS debug_files_by_name ON debug_files (name);
`;

/** Any number that is the same in every process opening the store: serialises schema creation. */
const SCHEMA_LOCK = 0x77636432;

type Row = Record<string, unknown>;

/**
 * PostgreSQL text and JSONB cannot hold U+0000: it becomes U+FFFD (a NUL in an
 * uploaded metadata value or a symbol name must not make the upload fail).
 */
const text = (s: string): string => s.replace(/\0/g, '\ufffd');
const json = (v: unknown): string => JSON.stringify(v).replace(/(?<!\\)((?:\\\\)*)\\u0000/g, '$1\\ufffd');

function iso(v: unknown): string {
  return v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString();
}

function crashFromRow(r: Row): CrashRecord {
  return {
    id: String(r.id), receivedAt: iso(r.received_at), dumpKey: String(r.dump_key), dumpSize: Number(r.dump_size),
    fingerprint: String(r.fingerprint), title: String(r.title),
    meta: r.meta as CrashRecord['meta'], summary: r.summary as CrashRecord['summary'],
  };
}

function groupFromRow(r: Row): GroupRecord {
  return {
    fingerprint: String(r.fingerprint), title: String(r.title), count: Number(r.count),
    firstSeen: iso(r.first_seen), lastSeen: iso(r.last_seen),
    versions: (r.versions as string[]) ?? [], lastCrashId: String(r.last_crash_id),
  };
}

function debugFromRow(r: Row): DebugFileRecord {
  const rec: DebugFileRecord = {
    key: String(r.key), kind: r.kind === 'debug' ? 'debug' : 'module', name: String(r.name),
    size: Number(r.size), uploadedAt: iso(r.uploaded_at),
  };
  if (r.build_id !== null && r.build_id !== undefined) rec.buildId = String(r.build_id);
  return rec;
}

/** The URL without its password, for messages and `description`. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable database URL)';
  }
}

export class PostgresIndexStore implements IndexStore {
  readonly description: string;

  constructor(private readonly pool: Pool, url: string) {
    this.description = `PostgreSQL index at ${redactUrl(url)}`;
  }

  private async tx<T>(fn: (c: PoolClient) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      const r = await fn(c);
      await c.query('COMMIT');
      return r;
    } catch (e) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      c.release();
    }
  }

  async init(): Promise<void> {
    await this.tx(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
      await c.query(SCHEMA);
    });
  }

  addCrash(crash: CrashRecord): Promise<{ group: GroupRecord; isNew: boolean }> {
    return this.tx(async (c) => {
      const ins = await c.query(
        `INSERT INTO crashes (id, received_at, fingerprint, dump_key, dump_size, title, meta, summary)
         VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb) ON CONFLICT (id) DO NOTHING`,
        [text(crash.id), crash.receivedAt, text(crash.fingerprint), text(crash.dumpKey), crash.dumpSize, text(crash.title),
          json(crash.meta ?? {}), json(crash.summary)]);
      if (ins.rowCount === 0) {
        // the same upload recorded twice (a retried request): one crash, counted once
        const g = await c.query('SELECT * FROM "groups" WHERE fingerprint = $1', [text(crash.fingerprint)]);
        if (g.rows.length) return { group: groupFromRow(g.rows[0] as Row), isNew: false };
        throw new WasmCoreError('E_MISMATCH', `crash ${crash.id} is already recorded without its group ${crash.fingerprint}`);
      }
      const versions = crash.meta?.version !== undefined ? [crash.meta.version] : [];
      const fp = text(crash.fingerprint);
      // one statement: concurrent uploads of one fingerprint queue on the row lock and each adds 1
      const up = await c.query(
        `INSERT INTO "groups" AS g (fingerprint, title, count, first_seen, last_seen, versions, last_crash_id)
         VALUES ($1, $2, 1, $3, $3, $4::jsonb, $5)
         ON CONFLICT (fingerprint) DO UPDATE SET
           count = g.count + 1,
           first_seen = LEAST(g.first_seen, EXCLUDED.first_seen),
           last_seen = GREATEST(g.last_seen, EXCLUDED.last_seen),
           versions = CASE WHEN g.versions @> EXCLUDED.versions THEN g.versions ELSE g.versions || EXCLUDED.versions END,
           last_crash_id = CASE WHEN EXCLUDED.last_seen >= g.last_seen THEN EXCLUDED.last_crash_id ELSE g.last_crash_id END
         RETURNING g.*, (g.xmax = 0) AS inserted`,
        [fp, text(crash.title), crash.receivedAt, json(versions), text(crash.id)]);
      const row = up.rows[0] as Row;
      return { group: groupFromRow(row), isNew: row.inserted === true };
    });
  }

  async getCrash(id: string): Promise<CrashRecord | undefined> {
    const r = await this.pool.query('SELECT * FROM crashes WHERE id = $1', [text(id)]);
    return r.rows.length ? crashFromRow(r.rows[0] as Row) : undefined;
  }

  async listGroups(opts: { limit?: number; offset?: number } = {}): Promise<GroupRecord[]> {
    const r = await this.pool.query('SELECT * FROM "groups" ORDER BY last_seen DESC, fingerprint LIMIT $1 OFFSET $2',
      [opts.limit ?? null, opts.offset ?? 0]);
    return r.rows.map((x) => groupFromRow(x as Row));
  }

  async getGroup(fingerprint: string): Promise<GroupRecord | undefined> {
    const r = await this.pool.query('SELECT * FROM "groups" WHERE fingerprint = $1', [text(fingerprint)]);
    return r.rows.length ? groupFromRow(r.rows[0] as Row) : undefined;
  }

  async listCrashes(fingerprint: string, opts: { limit?: number } = {}): Promise<CrashRecord[]> {
    const r = await this.pool.query('SELECT * FROM crashes WHERE fingerprint = $1 ORDER BY received_at DESC, seq DESC LIMIT $2',
      [text(fingerprint), opts.limit ?? null]);
    return r.rows.map((x) => crashFromRow(x as Row));
  }

  async addDebugFile(rec: DebugFileRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO debug_files (key, kind, name, build_id, size, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (key, name) DO NOTHING`,
      [text(rec.key), rec.kind, text(rec.name), rec.buildId !== undefined ? text(rec.buildId) : null, rec.size, rec.uploadedAt]);
  }

  async findDebugFiles(q: { buildId?: string; name?: string; kind?: 'module' | 'debug' }): Promise<DebugFileRecord[]> {
    // by build id when the query has one, else by file name
    let where: string;
    const args: unknown[] = [];
    if (q.buildId !== undefined) { args.push(text(q.buildId)); where = 'build_id = $1'; }
    else if (q.name !== undefined) { args.push(text(q.name)); where = 'name = $1'; }
    else return [];
    if (q.kind !== undefined) { args.push(q.kind); where += ` AND kind = $${args.length}`; }
    const r = await this.pool.query(`SELECT * FROM debug_files WHERE ${where} ORDER BY uploaded_at DESC, seq DESC`, args);
    // by build id each file once, however many names it was uploaded under
    return uniqueKeys(r.rows.map((x) => debugFromRow(x as Row)), q.buildId !== undefined);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** Connect to the database at `url` (postgres://user:pass@host:port/db) and create the schema if missing. */
export async function openPostgresIndex(url: string): Promise<IndexStore> {
  if (!/^postgres(ql)?:\/\//.test(url)) {
    throw new WasmCoreError('E_ARGUMENT', `--database ${redactUrl(url)}: expected a postgres:// or postgresql:// URL`);
  }
  const pool = new Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 15_000 });
  // an idle connection the server drops (restart, failover) must not crash the service
  pool.on('error', () => undefined);
  const store = new PostgresIndexStore(pool, url);
  try {
    await store.init();
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw new WasmCoreError('E_NOT_FOUND', `cannot open the PostgreSQL index at ${redactUrl(url)}: ${(e as Error).message}`);
  }
  return store;
}
