/**
 * Where a module's source map is: the `sourceMappingURL` custom section
 * (payload: a vec(u8) UTF-8 URL), and `data:` URLs decoded in place.
 * Relative paths and file: URLs are resolved by the host (host/wasmmap.ts).
 */
import { FormatError } from '../util/errors';
import type { WasmModule } from '../wasm/module';
import { decodeBase64 } from '../util/base64';

/** The URL in the module's `sourceMappingURL` section, if it has one. */
export function sourceMappingURL(m: WasmModule): string | undefined {
  const s = m.customSections('sourceMappingURL')[0];
  return s ? m.reader(s).name() : undefined;
}

export function isDataUrl(url: string): boolean { return /^data:/i.test(url); }

/** The text of a `data:` URL (base64 or percent-encoded); `where` names the module in errors. */
export function decodeDataUrl(url: string, where: string): string {
  const comma = url.indexOf(',');
  if (!isDataUrl(url) || comma < 0) throw new FormatError(`not a data: URL: ${url.slice(0, 40)}`, { file: where, section: 'sourceMappingURL' });
  const meta = url.slice(5, comma).toLowerCase().split(';');
  const body = url.slice(comma + 1);
  if (meta.includes('base64')) return new TextDecoder('utf-8').decode(base64(body, where));
  try {
    return decodeURIComponent(body);
  } catch {
    throw new FormatError('data: URL has a bad percent escape', { file: where, section: 'sourceMappingURL' });
  }
}

function base64(s: string, where: string): Uint8Array {
  // padding may be percent-escaped and whitespace is dropped; base64url digits are read as standard ones
  const plain = s.replace(/%3D/gi, '=').replace(/\s+/g, '');
  const r = decodeBase64(plain.replace(/-/g, '+').replace(/_/g, '/'));
  if ('bad' in r) throw new FormatError(`data: URL has invalid base64 character ${JSON.stringify(plain[r.bad])} at ${r.bad}`, { file: where, section: 'sourceMappingURL' });
  return r.bytes;
}
