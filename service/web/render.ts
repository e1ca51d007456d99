/**
 * The crash collection service's web pages, rendered on the server as plain
 * HTML: every text from a record goes through `esc` (function names, file
 * names and metadata come from uploads), a small inline style sheet, no
 * scripts and no external resources.
 */
import type { CrashRecord, GroupRecord, StoredFrame } from '../store/types';

/** The VS Code extension that handles `vscode://` links (package.json's publisher.name). */
export const EXTENSION_ID = 'wasm-coredump-debugger.wasm-coredump-debugger';

export function esc(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

const UNAVAILABLE = '<span class="na">unavailable</span>';
const text = (s: string | null | undefined): string => (s === null || s === undefined || s === '' ? UNAVAILABLE : esc(s));

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{background:#1f3a5f;color:#fff;padding:10px 24px}header a{color:#fff;text-decoration:none;font-weight:600}
main{padding:16px 24px;max-width:1200px}h1{font-size:20px;margin:8px 0 12px}h2{font-size:16px;margin:20px 0 8px}
table{border-collapse:collapse;background:#fff;width:100%;margin-bottom:8px}
th,td{border:1px solid #d8dce3;padding:4px 8px;text-align:left;vertical-align:top}th{background:#eef1f5;font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums}code,.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px}
.trap{background:#fdecea;border:1px solid #f5c2bd;color:#8a1c12;padding:8px 12px;margin:8px 0 12px}

.kind{background:#8a1c12;color:#fff;border-radius:3px;padding:0 5px;font-size:12px;margin-left:6px}.where{margin-top:4px}
.inl{background:#e8eefc;color:#2b4a9a;border-radius:3px;padding:0 4px;font-size:12px;margin-left:6px}
.na{color:#8a93a3;font-style:italic}.actions a{display:inline-block;margin:0 8px 8px 0;padding:6px 12px;border-radius:4px;
background:#1f6feb;color:#fff;text-decoration:none}.actions a.secondary{background:#57606a}
.empty{color:#57606a}ul.notes{margin:4px 0;padding-left:20px}
`;

export function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,"><title>${esc(title)} · wasm-coredump</title><style>${CSS}</style></head>
<body><header><a href="/">Wasm crash reports</a></header><main>
${body}
</main></body></html>
`;
}

const groupHref = (fp: string): string => `/groups/${encodeURIComponent(fp)}`;
const crashHref = (id: string): string => `/crashes/${encodeURIComponent(id)}`;
const time = (iso: string): string => `<time datetime="${esc(iso)}">${esc(iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z'))}</time>`;
const versions = (vs: string[]): string => (vs.length ? vs.map((v) => `<code>${esc(v)}</code>`).join(', ') : UNAVAILABLE);

/** `/`: the crash groups, most recently seen first. */
export function renderGroupList(groups: GroupRecord[], nav: { offset: number; limit: number; more: boolean }): string {
  const rows = groups.map((g) => `<tr>
<td><a href="${esc(groupHref(g.fingerprint))}">${esc(g.title)}</a></td><td class="num">${g.count}</td>
<td>${time(g.firstSeen)}</td><td>${time(g.lastSeen)}</td><td>${versions(g.versions)}</td>
<td><a href="${esc(crashHref(g.lastCrashId))}">latest crash</a></td></tr>`).join('\n');
  const table = groups.length
    ? `<table class="groups"><thead><tr><th>Crash</th><th>Count</th><th>First seen</th><th>Last seen</th><th>Versions</th><th></th></tr></thead>
<tbody>${rows}</tbody></table>`
    : '<p class="empty">No crashes recorded yet.</p>';
  const links = [
    nav.offset > 0 ? `<a href="/?offset=${Math.max(0, nav.offset - nav.limit)}">newer</a>` : '',
    nav.more ? `<a href="/?offset=${nav.offset + groups.length}">older</a>` : '',
  ].filter(Boolean).join(' · ');
  return page('Crash groups', `<h1>Crash groups</h1>\n${table}${links ? `\n<p>${links}</p>` : ''}`);
}

/** `/groups/:fingerprint`: the group and its latest crashes. */
export function renderGroup(g: GroupRecord, crashes: CrashRecord[]): string {
  const rows = crashes.map((c) => `<tr><td><a href="${esc(crashHref(c.id))}">${time(c.receivedAt)}</a></td>
<td>${text(c.meta.app)}</td><td>${text(c.meta.version)}</td><td>${text(c.meta.environment)}</td><td class="mono">${esc(c.id)}</td></tr>`).join('\n');
  return page(g.title, `<h1>${esc(g.title)}</h1>
<table class="meta"><tbody>
<tr><th>Crashes</th><td>${g.count}</td></tr><tr><th>First seen</th><td>${time(g.firstSeen)}</td></tr>
<tr><th>Last seen</th><td>${time(g.lastSeen)}</td></tr><tr><th>Versions</th><td>${versions(g.versions)}</td></tr>
<tr><th>Fingerprint</th><td class="mono">${esc(g.fingerprint)}</td></tr></tbody></table>
<h2>Crashes (newest first${crashes.length < g.count ? `; the latest ${crashes.length} of ${g.count}` : ''})</h2>
<table class="crashes"><thead><tr><th>Received</th><th>App</th><th>Version</th><th>Environment</th><th>Id</th></tr></thead>
<tbody>${rows}</tbody></table>`);
}

function location(f: StoredFrame): string {
  if (!f.file) return UNAVAILABLE;
  const pos = f.line ? `:${f.line}${f.column ? `:${f.column}` : ''}` : '';
  return `<code>${esc(f.file + pos)}</code>`;
}

function frameRow(f: StoredFrame): string {
  const addr = f.codeAddr !== null ? `0x${f.codeAddr.toString(16)}` : null;
  return `<tr><td class="num">#${f.number}</td><td><code>${text(f.function)}</code>${f.inlined ? '<span class="inl">inlined</span>' : ''}</td>
<td>${location(f)}</td><td>${text(f.module)}</td><td class="mono">${f.funcIndex}${addr ? ` @ ${addr}` : ''}</td></tr>`;
}

/** The `vscode://` link that the extension's URI handler opens as a debug session. */
export function vscodeLink(baseUrl: string, id: string): string {
  return `vscode://${EXTENSION_ID}/open?crash=${encodeURIComponent(`${baseUrl.replace(/\/+$/, '')}/v1/crashes/${encodeURIComponent(id)}`)}`;
}

/** `/crashes/:id`: trap, backtrace with source locations, the trapped frame's variables, metadata, links. */
export function renderCrash(c: CrashRecord, baseUrl: string): string {
  const s = c.summary;
  // the trap on top; the reason's kind as a tag, its message and location where they add to the trap's text
  const r = s.reason;
  const reason = r
    ? `${r.message && r.message !== s.trap ? `<div>${esc(r.message)}</div>` : ''}${r.location ? `<div class="where"><code>${esc(r.location)}</code></div>` : ''}`
    : '';
  const kind = r?.kind && r.kind !== s.trap ? ` <span class="kind">${esc(r.kind)}</span>` : '';
  const threads = s.threads.map((t, i) => `${s.threads.length > 1 || t.name ? `<h3>Thread ${i + 1}${t.name ? ` '${esc(t.name)}'` : ''}</h3>` : ''}
<table class="frames"><thead><tr><th>#</th><th>Function</th><th>Source</th><th>Module</th><th>Wasm function @ offset</th></tr></thead>
<tbody>${t.frames.map(frameRow).join('\n')}</tbody></table>`).join('\n');
  const vars = s.variables.length
    ? `<table class="variables"><thead><tr><th>Name</th><th>Type</th><th>Value</th></tr></thead><tbody>${
      s.variables.map((v) => `<tr><td><code>${esc(v.name)}</code></td><td><code>${text(v.type)}</code></td><td><code>${text(v.value)}</code></td></tr>`).join('\n')}</tbody></table>`
    : '<p class="empty">No variables recorded for the trapped frame.</p>';
  const meta = Object.entries(c.meta).filter(([, v]) => v !== undefined)
    .map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('\n');
  const modules = s.modules.map((m) => `<tr><td><code>${esc(m.name)}</code></td><td class="mono">${text(m.buildId)}</td>
<td>${m.moduleKey ? 'stored' : UNAVAILABLE}</td><td>${m.debugKey ? 'stored' : UNAVAILABLE}</td></tr>`).join('\n');
  const notes = s.notes.length ? `<h2>Notes</h2><ul class="notes">${s.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : '';
  return page(c.title, `<h1>${esc(c.title)}</h1>
<p class="actions"><a href="${esc(`/v1/crashes/${encodeURIComponent(c.id)}/dump`)}" download>Download core dump</a><a class="secondary" href="${esc(vscodeLink(baseUrl, c.id))}">Open in VS Code</a></p>
<div class="trap"><div>Trap: <strong>${esc(s.trap)}</strong>${kind}</div>${reason}</div>
<h2>Backtrace</h2>
${threads}
<h2>Variables of the trapped frame</h2>
${vars}
<h2>Metadata</h2>
<table class="meta"><tbody>
<tr><th>received</th><td>${time(c.receivedAt)}</td></tr>
${meta}
<tr><th>group</th><td><a href="${esc(groupHref(c.fingerprint))}" class="mono">${esc(c.fingerprint)}</a></td></tr>
<tr><th>core dump</th><td>${c.dumpSize} bytes, sha256 <span class="mono">${esc(c.dumpKey)}</span></td></tr>
<tr><th>id</th><td class="mono">${esc(c.id)}</td></tr></tbody></table>
<h2>Modules</h2>
<table class="modules"><thead><tr><th>Name</th><th>Build id</th><th>Module</th><th>Debug file</th></tr></thead><tbody>${modules}</tbody></table>
${notes}`);
}

export function renderNotFound(what: string): string {
  return page('Not found', `<h1>Not found</h1><p>${esc(what)}</p><p><a href="/">All crash groups</a></p>`);
}
