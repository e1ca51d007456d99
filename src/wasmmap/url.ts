/**
 * Where a module's source map is: the `sourceMappingURL` custom section
 * (payload: a vec(u8) UTF-8 URL), and `data:` URLs decoded in place.
 * Relative paths and file: URLs are resolved by the host (host/wasmmap.ts).
 */
import { FormatError } from '../util/errors';
import type { WasmModule } from '../wasm/module';
import { B64_VALUE } from './decode';

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
  const clean = s.replace(/%3D/gi, '=').replace(/\s+/g, '').replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((clean.length * 6) / 8));
  let acc = 0, bits = 0, o = 0;
  for (let i = 0; i < clean.length; i++) {
    const c = clean[i] === '-' ? '+' : clean[i] === '_' ? '/' : clean[i];
    const v = c.charCodeAt(0) < 128 ? B64_VALUE[c.charCodeAt(0)] : -1;
    if (v < 0) throw new FormatError(`data: URL has invalid base64 character ${JSON.stringify(clean[i])} at ${i}`, { file: where, section: 'sourceMappingURL' });
    acc = (acc << 6) | v; bits += 6;
    if (bits >= 8) { bits -= 8; out[o++] = (acc >> bits) & 0xff; }
  }
  return out.subarray(0, o);
}
