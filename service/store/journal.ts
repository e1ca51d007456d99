/**
 * The default index of `wasm-coredump serve`: an append-only journal file,
 * one JSON record a line, each line `<checksum> <json>\n` where the checksum
 * is the first 16 hex digits of the sha256 of the JSON text. Every write is
 * fsync'd before the caller hears it succeeded (writes arriving together
 * share one write and one fsync). At open the journal is replayed; a torn or
 * corrupt tail (a kill -9 in the middle of a write) is cut off, a corrupt
 * line in the middle is skipped and counted in `warnings`.
 *
 * Memory stays small as crashes accumulate: groups and debug-file records
 * are kept in memory, a crash only as its offset in the journal (a crash
 * record is read back from the file when asked for).
 */
import * as fs from 'node:fs';
import { createHash } from 'node:crypto';
import { CrashRecord, DebugFileRecord, GroupRecord, IndexStore } from './types';

type Entry = { t: 'crash'; crash: CrashRecord } | { t: 'debug'; rec: DebugFileRecord };

interface CrashRef { offset: number; length: number; fingerprint: string }

function checksum(json: string): string { return createHash('sha256').update(json).digest('hex').slice(0, 16); }

/** One journal line for an entry. */
export function journalLine(e: Entry): Buffer {
  const json = JSON.stringify(e);
  return Buffer.from(`${checksum(json)} ${json}\n`, 'utf8');
}

/** Parse one line (without its '\n'); undefined when torn or corrupt. */
function parseLine(line: string): Entry | undefined {
  if (line.length < 18 || line[16] !== ' ') return undefined;
  const json = line.slice(17);
  if (checksum(json) !== line.slice(0, 16)) return undefined;
  try {
    const e = JSON.parse(json) as Entry;
    if (e && ((e.t === 'crash' && typeof e.crash?.id === 'string') || (e.t === 'debug' && typeof e.rec?.key === 'string'))) return e;
  } catch { /* corrupt */ }
  return undefined;
}

interface Pending { buf: Buffer; entry: Entry; resolve: (offset: number) => void; reject: (e: unknown) => void }

export class JournalIndexStore implements IndexStore {
  readonly description: string;
  /** What replay found: corrupt lines skipped, bytes of a torn tail cut. */
  readonly warnings: string[] = [];
  private readonly crashes = new Map<string, CrashRef>();
  private readonly groups = new Map<string, GroupRecord & { crashIds: string[] }>();
  private readonly debugFiles = new Map<string, DebugFileRecord>();
  private size = 0;
  private pending: Pending[] = [];
  private flushing?: Promise<void>;
  private closed = false;

  private constructor(readonly file: string, private readonly fd: fs.promises.FileHandle) {
    this.description = `journal ${file}`;
  }

  static async open(file: string): Promise<JournalIndexStore> {
    const fd = await fs.promises.open(file, fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_APPEND, 0o644);
    const s = new JournalIndexStore(file, fd);
    await s.replay();
    return s;
  }

  private async replay(): Promise<void> {
    const total = (await this.fd.stat()).size;
    const chunk = Buffer.alloc(1 << 20);
    let carry = Buffer.alloc(0);
    let pos = 0; // file offset of carry[0]
    let goodEnd = 0;
    let read = 0;
    let bad = 0;
    let badSinceGood = 0;
    while (read < total) {
      const { bytesRead } = await this.fd.read(chunk, 0, chunk.length, read);
      if (bytesRead === 0) break;
      read += bytesRead;
      let buf = carry.length ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
      let start = 0;
      for (let nl = buf.indexOf(10, start); nl >= 0; nl = buf.indexOf(10, start)) {
        const e = parseLine(buf.toString('utf8', start, nl));
        if (e) { this.apply(e, pos + start, nl + 1 - start); goodEnd = pos + nl + 1; bad += badSinceGood; badSinceGood = 0; } else badSinceGood++;
        start = nl + 1;
      }
      pos += start;
      buf = buf.subarray(start);
      carry = Buffer.from(buf); // copy: `chunk` is reused
    }
    if (goodEnd < total) {
      // everything after the last good line is a torn or corrupt tail: cut it, so the next append starts clean
      await this.fd.truncate(goodEnd);
      await this.fd.sync();
      this.warnings.push(`cut a torn or corrupt tail of ${total - goodEnd} bytes at offset ${goodEnd}`);
    }
    if (bad > 0) this.warnings.push(`${bad} corrupt line${bad > 1 ? 's' : ''} skipped`);
    this.size = goodEnd;
  }

  /** Update the in-memory state for an entry at `offset` (replay, or after its write is durable). */
  private apply(e: Entry, offset: number, length: number): { group: GroupRecord; isNew: boolean } | undefined {
    if (e.t === 'debug') {
      if (!this.debugFiles.has(debugId(e.rec))) this.debugFiles.set(debugId(e.rec), e.rec);
      return undefined;
    }
    const c = e.crash;
    if (this.crashes.has(c.id)) return undefined;
    this.crashes.set(c.id, { offset, length, fingerprint: c.fingerprint });
    let g = this.groups.get(c.fingerprint);
    const isNew = !g;
    if (!g) {
      g = { fingerprint: c.fingerprint, title: c.title, count: 0, firstSeen: c.receivedAt, lastSeen: c.receivedAt, versions: [], lastCrashId: c.id, crashIds: [] };
      this.groups.set(c.fingerprint, g);
    }
    g.count++;
    if (c.receivedAt < g.firstSeen) g.firstSeen = c.receivedAt;
    if (c.receivedAt >= g.lastSeen) { g.lastSeen = c.receivedAt; g.lastCrashId = c.id; }
    const v = c.meta?.version;
    if (v !== undefined && !g.versions.includes(v)) g.versions.push(v);
    g.crashIds.push(c.id);
    return { group: publicGroup(g), isNew };
  }

  /** Append entries; resolves with each entry's offset once it is on disk. */
  private append(entry: Entry): Promise<number> {
    if (this.closed) return Promise.reject(new Error('index closed'));
    return new Promise((resolve, reject) => {
      this.pending.push({ buf: journalLine(entry), entry, resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  private async flush(): Promise<void> {
    try {
      while (this.pending.length) {
        const batch = this.pending;
        this.pending = [];
        const offsets: number[] = [];
        let off = this.size;
        for (const p of batch) { offsets.push(off); off += p.buf.length; }
        try {
          const all = Buffer.concat(batch.map((p) => p.buf));
          let done = 0;
          while (done < all.length) done += (await this.fd.write(all, done, all.length - done)).bytesWritten;
          await this.fd.sync();
          this.size = off;
        } catch (e) {
          // what was written of a failed batch is a torn tail: cut it
          try { await this.fd.truncate(this.size); } catch { /* reported below */ }
          for (const p of batch) p.reject(e);
          continue;
        }
        batch.forEach((p, i) => p.resolve(offsets[i]));
      }
    } finally {
      this.flushing = undefined;
    }
  }

  async addCrash(crash: CrashRecord): Promise<{ group: GroupRecord; isNew: boolean }> {
    const known = this.crashes.get(crash.id);
    if (known) return { group: publicGroup(this.groups.get(known.fingerprint) as GroupRecord & { crashIds: string[] }), isNew: false };
    const entry: Entry = { t: 'crash', crash };
    const offset = await this.append(entry);
    const r = this.apply(entry, offset, journalLine(entry).length);
    if (r) return r;
    const again = this.crashes.get(crash.id) as CrashRef;
    return { group: publicGroup(this.groups.get(again.fingerprint) as GroupRecord & { crashIds: string[] }), isNew: false };
  }

  async getCrash(id: string): Promise<CrashRecord | undefined> {
    const ref = this.crashes.get(id);
    if (!ref) return undefined;
    const buf = Buffer.alloc(ref.length);
    await this.fd.read(buf, 0, ref.length, ref.offset);
    const e = parseLine(buf.toString('utf8', 0, ref.length - 1));
    return e?.t === 'crash' ? e.crash : undefined;
  }

  async listGroups(opts: { limit?: number; offset?: number } = {}): Promise<GroupRecord[]> {
    const all = [...this.groups.values()].sort((a, b) => (a.lastSeen < b.lastSeen ? 1 : a.lastSeen > b.lastSeen ? -1 : 0));
    const from = opts.offset ?? 0;
    return all.slice(from, opts.limit !== undefined ? from + opts.limit : undefined).map(publicGroup);
  }

  async getGroup(fingerprint: string): Promise<GroupRecord | undefined> {
    const g = this.groups.get(fingerprint);
    return g ? publicGroup(g) : undefined;
  }

  async listCrashes(fingerprint: string, opts: { limit?: number } = {}): Promise<CrashRecord[]> {
    const g = this.groups.get(fingerprint);
    if (!g) return [];
    // newest by receivedAt (uploads can arrive out of order), then the limit
    const out: CrashRecord[] = [];
    for (const id of g.crashIds) { const c = await this.getCrash(id); if (c) out.push(c); }
    out.sort((a, b) => (a.receivedAt < b.receivedAt ? 1 : a.receivedAt > b.receivedAt ? -1 : 0));
    return out.slice(0, opts.limit ?? 100);
  }

  /** Every crash id with its dump key (the kill -9 test checks each against the blob store). */
  async allCrashIds(): Promise<string[]> { return [...this.crashes.keys()]; }

  async addDebugFile(rec: DebugFileRecord): Promise<void> {
    if (this.debugFiles.has(debugId(rec))) return;
    const entry: Entry = { t: 'debug', rec };
    const offset = await this.append(entry);
    this.apply(entry, offset, 0);
  }

  async findDebugFiles(q: { buildId?: string; name?: string; kind?: 'module' | 'debug' }): Promise<DebugFileRecord[]> {
    const out: DebugFileRecord[] = [];
    for (const r of this.debugFiles.values()) {
      if (q.kind && r.kind !== q.kind) continue;
      if (q.buildId !== undefined ? r.buildId === q.buildId : q.name !== undefined && r.name === q.name) out.push(r);
    }
    // newest first (insertion order is upload order); by build id each file once, however many names it was uploaded under
    return uniqueKeys(out.reverse(), q.buildId !== undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    while (this.flushing) await this.flushing;
    await this.fd.close();
  }
}

function publicGroup(g: GroupRecord & { crashIds?: string[] }): GroupRecord {
  return { fingerprint: g.fingerprint, title: g.title, count: g.count, firstSeen: g.firstSeen, lastSeen: g.lastSeen, versions: [...g.versions], lastCrashId: g.lastCrashId };
}

/** A debug file record is one (content, name) pair: the same bytes uploaded under another name are found under both. */
export function debugId(r: DebugFileRecord): string { return `${r.key}\n${r.name}`; }

/** Records newest first, each content key once when `byKey` (a build-id query). */
export function uniqueKeys(rs: DebugFileRecord[], byKey: boolean): DebugFileRecord[] {
  if (!byKey) return rs;
  const seen = new Set<string>();
  return rs.filter((r) => (seen.has(r.key) ? false : (seen.add(r.key), true)));
}
