/**
 * An IndexStore in memory, for tests of code above the store (the web pages):
 * the same ordering rules as the real stores (groups by last seen, crashes
 * newest first), which the conformance suite checks on those.
 */
import type { CrashRecord, DebugFileRecord, GroupRecord, IndexStore } from '../../service/store/types';
import { debugId, uniqueKeys } from '../../service/store/journal';

export class MemoryIndex implements IndexStore {
  readonly description = 'in-memory index (tests)';
  private readonly crashes = new Map<string, CrashRecord>();
  private readonly groups = new Map<string, GroupRecord>();
  private readonly debug = new Map<string, DebugFileRecord>();

  async addCrash(c: CrashRecord): Promise<{ group: GroupRecord; isNew: boolean }> {
    const old = this.groups.get(c.fingerprint);
    if (this.crashes.has(c.id) && old) return { group: { ...old }, isNew: false };
    this.crashes.set(c.id, structuredClone(c));
    const v = c.meta.version;
    const g: GroupRecord = old
      ? {
        ...old, count: old.count + 1,
        firstSeen: c.receivedAt < old.firstSeen ? c.receivedAt : old.firstSeen,
        lastSeen: c.receivedAt >= old.lastSeen ? c.receivedAt : old.lastSeen,
        lastCrashId: c.receivedAt >= old.lastSeen ? c.id : old.lastCrashId,
        versions: v !== undefined && !old.versions.includes(v) ? [...old.versions, v] : old.versions,
      }
      : { fingerprint: c.fingerprint, title: c.title, count: 1, firstSeen: c.receivedAt, lastSeen: c.receivedAt, versions: v !== undefined ? [v] : [], lastCrashId: c.id };
    this.groups.set(c.fingerprint, g);
    return { group: { ...g }, isNew: !old };
  }

  async getCrash(id: string): Promise<CrashRecord | undefined> { return this.crashes.get(id); }

  async listGroups(o: { limit?: number; offset?: number } = {}): Promise<GroupRecord[]> {
    const all = [...this.groups.values()].sort((a, b) => (a.lastSeen < b.lastSeen ? 1 : a.lastSeen > b.lastSeen ? -1 : a.fingerprint < b.fingerprint ? -1 : 1));
    return all.slice(o.offset ?? 0, o.limit !== undefined ? (o.offset ?? 0) + o.limit : undefined);
  }

  async getGroup(fp: string): Promise<GroupRecord | undefined> { return this.groups.get(fp); }

  async listCrashes(fp: string, o: { limit?: number } = {}): Promise<CrashRecord[]> {
    const list = [...this.crashes.values()].filter((c) => c.fingerprint === fp).sort((a, b) => (a.receivedAt < b.receivedAt ? 1 : -1));
    return list.slice(0, o.limit);
  }

  async addDebugFile(r: DebugFileRecord): Promise<void> { if (!this.debug.has(debugId(r))) this.debug.set(debugId(r), r); }

  async findDebugFiles(q: { buildId?: string; name?: string; kind?: 'module' | 'debug' }): Promise<DebugFileRecord[]> {
    const all = [...this.debug.values()].reverse();
    const hit = (r: DebugFileRecord): boolean => (q.buildId !== undefined ? r.buildId === q.buildId : q.name !== undefined && r.name === q.name) && (!q.kind || r.kind === q.kind);
    return uniqueKeys(all.filter(hit).sort((a, b) => (a.uploadedAt < b.uploadedAt ? 1 : a.uploadedAt > b.uploadedAt ? -1 : 0)), q.buildId !== undefined);
  }

  async close(): Promise<void> { /* nothing held */ }
}
