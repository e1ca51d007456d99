/**
 * Core dump reader benchmark (generated on the fly):
 *  - a core dump with 256 MiB of memory data (65,536 segments of 4 KiB) and
 *    10,000 frames with locals,
 *  - a 50 MB module (200,000 functions with a name section).
 * Times reading, indexing and normalising, and shows that memory segments
 * are views into the file (ArrayBuffer usage does not grow by 256 MiB).
 */
import { readCoreDump } from '../src/coredump/reader';
import { normaliseFrames } from '../src/coredump/normalise';
import { WasmModule } from '../src/wasm/module';
import { indexSections } from '../src/wasm/sections';
import { buildCoreDump, concat, customSection, name, section, sleb, uleb, HEADER, BFrame } from '../test/unit/coredump/build';

const MiB = 1024 * 1024;
const CHUNK = 4096;

function ms(t0: number): string { return `${(performance.now() - t0).toFixed(1)} ms`; }
function mem(): { heap: number; ab: number } {
  const u = process.memoryUsage();
  return { heap: u.heapUsed, ab: u.arrayBuffers };
}
const mb = (n: number): string => `${(n / MiB).toFixed(1)} MiB`;

const FUNCS = 200_000;
const FILL = 80; // (i32.const 5, drop) repeats per body
const CALL_OFFSET = 3 + FILL * 3; // body-relative offset of the call (after the 3-byte locals declaration)

/** A module of ~50 MB: every function does some work and calls the next. */
export function bigModule(): Uint8Array {
  const parts: Uint8Array[] = [HEADER];
  parts.push(...section(1, [Uint8Array.from([1, 0x60, 0, 0])]));
  const fsec = new Uint8Array(FUNCS); // type 0 for all
  parts.push(...section(3, [Uint8Array.from(uleb(FUNCS)), fsec]));
  const fill = new Uint8Array(FILL * 3);
  for (let i = 0; i < FILL; i++) fill.set([0x41, 0x05, 0x1a], i * 3);
  const bodies: Uint8Array[] = [Uint8Array.from(uleb(FUNCS))];
  for (let i = 0; i < FUNCS; i++) {
    const tail = [0x10, ...uleb((i + 1) % FUNCS), 0x0b];
    const size = 3 + fill.length + tail.length;
    bodies.push(Uint8Array.from([...uleb(size), 1, 2, 0x7f]), fill, Uint8Array.from(tail));
  }
  parts.push(...section(10, [concat(bodies)]));
  const names: number[] = [...uleb(FUNCS)];
  for (let i = 0; i < FUNCS; i++) names.push(...uleb(i), ...name(`func_${i}`));
  parts.push(...customSection('name', [1, ...uleb(names.length), ...names]));
  return concat(parts);
}

/** A core dump with `chunks` × 4 KiB of memory data and `frames` frames. */
export function bigCoreDump(chunks: number, frames: number): Uint8Array {
  const fr: BFrame[] = [];
  for (let i = 0; i < frames; i++) {
    fr.push({ func: i % FUNCS, offset: CALL_OFFSET, locals: [{ t: 'i32', v: i }, { t: 'i64', v: BigInt(i) << 33n }, { t: 'f64', v: i / 3 }, 'missing'], stack: [{ t: 'i32', v: -i }] });
  }
  const pages = Math.ceil((chunks * CHUNK) / 65536);
  const built = buildCoreDump({ memories: [{ pages }], globals: [{ type: 'i32', value: 65536 }], threads: [{ name: 'main', frames: fr }] });
  // drop the builder's empty data section; a big one is written in place at the end (custom sections may come before it)
  const ds = indexSections(built, 'x').find((x) => x.id === 11);
  const prefix = ds ? concat([built.subarray(0, ds.headerStart), built.subarray(ds.end)]) : built;
  const headers: Uint8Array[] = [];
  let payload = uleb(chunks).length;
  for (let i = 0; i < chunks; i++) {
    const h = Uint8Array.from([0, 0x41, ...sleb((i * CHUNK) | 0), 0x0b, ...uleb(CHUNK)]);
    headers.push(h);
    payload += h.length + CHUNK;
  }
  const secHead = Uint8Array.from([11, ...uleb(payload), ...uleb(chunks)]);
  const out = new Uint8Array(prefix.length + secHead.length + payload - uleb(chunks).length);
  out.set(prefix);
  let p = prefix.length;
  out.set(secHead, p); p += secHead.length;
  for (let i = 0; i < chunks; i++) {
    out.set(headers[i], p); p += headers[i].length;
    out.fill((i & 0xff) | 1, p, p + CHUNK); p += CHUNK;
  }
  return out;
}

export async function bench(): Promise<void> {
  const g = (globalThis as { gc?: () => void }).gc;
  let t0 = performance.now();
  const modBytes = bigModule();
  console.log(`   generated module: ${mb(modBytes.length)} (${FUNCS} functions) in ${ms(t0)}`);
  t0 = performance.now();
  const bytes = bigCoreDump(65536, 10_000);
  console.log(`   generated core dump: ${mb(bytes.length)} (256 MiB memory data in 65,536 segments, 10,000 frames) in ${ms(t0)}`);

  g?.();
  const before = mem();
  t0 = performance.now();
  const cd = readCoreDump(bytes, 'bench.coredump');
  const tRead = performance.now() - t0;
  const after = mem();
  const m0 = cd.memories[0];
  const views = m0.segments.every((s) => s.data.buffer === bytes.buffer);
  console.log(`   readCoreDump: ${tRead.toFixed(1)} ms; ${cd.threads[0].frames.length} frames, ${m0.segments.length} segments, ${mb(m0.coveredBytes)} covered`);
  console.log(`   segments are views into the file: ${views}; ArrayBuffer memory +${mb(after.ab - before.ab)}, JS heap +${mb(after.heap - before.heap)}`);

  t0 = performance.now();
  let sum = 0;
  for (let i = 0; i < 100_000; i++) sum += m0.readU32((i * 2654435761) % (m0.size - 4)) ?? 0;
  console.log(`   100,000 random readU32: ${ms(t0)} (checksum ${sum})`);
  t0 = performance.now();
  const ranges = m0.coveredRanges();
  console.log(`   coveredRanges: ${ranges.length} range(s) in ${ms(t0)}`);

  t0 = performance.now();
  const mod = new WasmModule(modBytes, 'bench.wasm');
  const tSections = performance.now() - t0;
  const nb = mod.bodies.length;
  const tBodies = performance.now() - t0;
  const nn = mod.names.functions.size;
  const tNames = performance.now() - t0;
  console.log(`   module index: sections ${tSections.toFixed(1)} ms, + ${nb} bodies ${(tBodies - tSections).toFixed(1)} ms, + ${nn} names ${(tNames - tBodies).toFixed(1)} ms (total ${tNames.toFixed(1)} ms)`);

  t0 = performance.now();
  const rep = normaliseFrames(cd, new Map([[0, mod]]));
  const r = rep.modules[0];
  console.log(`   normaliseFrames: ${ms(t0)}; base ${r?.base}/${r?.callSite}, ${r?.normalised}/${r?.frames} frames normalised`);
  console.log(`   total read + index + normalise: ${(tRead + tNames + (performance.now() - t0)).toFixed(1)} ms`);
}
