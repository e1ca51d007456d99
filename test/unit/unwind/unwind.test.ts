import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WasmModule } from '../../../src/wasm/module';
import { analyzePrologue, findStackPointerGlobal } from '../../../src/unwind/prologue';
import { reconstructStack, reconstructedLocal, UnwindFrame } from '../../../src/unwind/stack';
import { uleb, sleb, section, concat, HEADER, customSection, name } from '../coredump/build';

const GG = (i: number) => [0x23, ...uleb(i)], GS = (i: number) => [0x24, ...uleb(i)];
const LG = (i: number) => [0x20, ...uleb(i)], LS = (i: number) => [0x21, ...uleb(i)], LT = (i: number) => [0x22, ...uleb(i)];
const C = (n: number) => [0x41, ...sleb(n)];
const SUB = [0x6b], ADD = [0x6a], CALL = (f: number) => [0x10, ...uleb(f)], END = [0x0b], DROP = [0x1a];

/** Module: one type () -> (), functions with 8 i32 locals each, global 0 = mutable i32 (optionally named). */
function mod(bodies: number[][], spName?: string, extraGlobal = false): WasmModule {
  const chunks: Uint8Array[] = [HEADER];
  chunks.push(...section(1, [Uint8Array.from([1, 0x60, 0, 0])]));
  chunks.push(...section(3, [Uint8Array.from([...uleb(bodies.length), ...bodies.map(() => 0)])]));
  const globals = extraGlobal ? [[0x7f, 0, ...C(0), 0x0b], [0x7f, 1, ...C(4096), 0x0b]] : [[0x7f, 1, ...C(4096), 0x0b]];
  chunks.push(...section(6, [Uint8Array.from([globals.length, ...globals.flat()])]));
  const code: number[] = [...uleb(bodies.length)];
  for (const b of bodies) { const body = [1, 8, 0x7f, ...b]; code.push(...uleb(body.length), ...body); }
  chunks.push(...section(10, [Uint8Array.from(code)]));
  if (spName) {
    const gi = extraGlobal ? 1 : 0;
    const sub = [1, ...uleb(gi), ...name(spName)];
    chunks.push(...customSection('name', [7, ...uleb(sub.length), ...sub]));
  }
  return new WasmModule(concat(chunks), 'unwind-test.wasm');
}

const O2 = [...GG(0), ...C(32), ...SUB, ...LT(0), ...GS(0), ...CALL(1), ...LG(0), ...C(32), ...ADD, ...GS(0), ...END];
const O0 = [...GG(0), ...LS(1), ...C(16), ...LS(2), ...LG(1), ...LG(2), ...SUB, ...LS(3), ...LG(3), ...GS(0), ...CALL(2),
  ...LG(3), ...C(16), ...ADD, ...LS(4), ...LG(4), ...GS(0), ...END];
const LEAF = [...GG(0), ...C(16), ...SUB, ...LS(0), 0x00, ...END];
const NOSP = [...C(1), ...DROP, 0x00, ...END];
const ALLOCA = [...GG(0), ...C(32), ...SUB, ...LT(0), ...GS(0), ...GG(0), ...LG(5), ...SUB, ...GS(0), ...CALL(2), ...END];
const WILD = [...C(100), ...GS(0), ...END];

test('prologue patterns of clang/rustc at -O2 and -O0, leaf functions, no stack use', () => {
  const m = mod([O2, O0, LEAF, NOSP, ALLOCA, WILD]);
  const a = analyzePrologue(m, 0, 0);
  assert.deepEqual([a.certain, a.frameSize, a.writesGlobal, [...a.spLocals]], [true, 32, true, [[0, -32]]]);
  const b = analyzePrologue(m, 1, 0);
  assert.deepEqual([b.certain, b.frameSize, b.writesGlobal, b.spLocals.get(3), b.spLocals.get(1)], [true, 16, true, -16, 0]);
  const c = analyzePrologue(m, 2, 0);
  assert.deepEqual([c.certain, c.frameSize, c.writesGlobal, c.spLocals.get(0)], [true, 16, false, -16]);
  const d = analyzePrologue(m, 3, 0);
  assert.deepEqual([d.certain, d.frameSize, d.writesGlobal], [true, 0, false]);
  const e = analyzePrologue(m, 4, 0);
  assert.equal(e.certain, false);
  assert.match(e.reason!, /dynamically/);
  const f = analyzePrologue(m, 5, 0);
  assert.equal(f.certain, false);
  assert.match(f.reason!, /not derived from it/);
});

test('stack-pointer global: by name, else global 0 when mutable i32', () => {
  assert.equal(findStackPointerGlobal(mod([NOSP])), 0);
  assert.equal(findStackPointerGlobal(mod([NOSP], '__stack_pointer', true)), 1);
  assert.equal(findStackPointerGlobal(mod([NOSP], undefined, true)), undefined); // global 0 is immutable
});

function frames(m: WasmModule, list: Array<[number, number | undefined]>, sp: number): UnwindFrame[] {
  return list.map(([funcIndex, pc]) => ({ module: m, funcIndex, pc, instance: 'i0', global: (i: number) => (i === 0 ? { type: 'i32', value: sp } : undefined) }));
}

test('frame bases are rebuilt from __stack_pointer and callee frame sizes', () => {
  const m = mod([O2, O0, LEAF, NOSP, ALLOCA, WILD]);
  const after = (f: number) => analyzePrologue(m, f, 0).setAddr! + 1;
  // innermost: leaf (2) -> called by O0 (1) -> called by O2 (0)
  const s = reconstructStack(frames(m, [[2, 0x7fffff], [1, after(1)], [0, after(0)]], 1000));
  assert.ok(s.every((x) => x.ok));
  assert.equal(reconstructedLocal(s[0], 0), 984);
  assert.equal(reconstructedLocal(s[1], 3), 1000);
  assert.equal(reconstructedLocal(s[2], 0), 1016);
  assert.deepEqual(s.map((x) => ("reason" in x ? x.reason : [x.entry, x.during])), [[1000, 1000], [1016, 1000], [1048, 1016]]);
});

test('innermost frame stopped before its prologue stored the pointer', () => {
  const m = mod([O2, O0]);
  const setAddr = analyzePrologue(m, 0, 0).setAddr!;
  const s = reconstructStack(frames(m, [[0, setAddr], [1, analyzePrologue(m, 1, 0).setAddr! + 1]], 500));
  assert.deepEqual(s.map((x) => ("reason" in x ? x.reason : x.entry)), [500, 516]);
});

test('uncertain frames make themselves and every older frame unavailable, never guessed', () => {
  const m = mod([O2, O0, LEAF, NOSP, ALLOCA, WILD]);
  const s = reconstructStack(frames(m, [[2, 99], [4, 99], [0, 99], [1, 99]], 1000));
  assert.equal(s[0].ok, true);
  assert.equal(s[1].ok, false);
  assert.equal(s[2].ok, false);
  assert.equal(s[3].ok, false);
  assert.match((s[2] as { reason: string }).reason, /callee's frame size is unknown/);
  // a frame of another instance starts over from that instance's own stack pointer
  const other = frames(m, [[0, 99]], 2000).map((f) => ({ ...f, instance: 'i1' }));
  const t = reconstructStack([...frames(m, [[4, 99]], 1000), ...other]);
  assert.equal(t[0].ok, false);
  assert.deepEqual(t[1].ok ? t[1].entry : undefined, 2032);
  // no stack-pointer global at all
  const noGlobal = new WasmModule(concat([HEADER]), 'empty.wasm');
  const u = reconstructStack([{ module: noGlobal, funcIndex: 0, pc: 0, instance: 'x', global: () => undefined }]);
  assert.match((u[0] as { reason: string }).reason, /no stack-pointer global/);
});

test('a stack pointer that wrapped below 0 (stack overflow) wraps back like the i32 global', () => {
  const m = mod([O2, O0]);
  const after = (f: number) => analyzePrologue(m, f, 0).setAddr! + 1;
  const fs = frames(m, [[1, after(1)], [0, after(0)]], 0).map((f) => ({ ...f, global: (i: number) => (i === 0 ? { type: 'i32' as const, value: -16 } : undefined) }));
  const s = reconstructStack(fs);
  assert.equal(reconstructedLocal(s[0], 3), 0xfffffff0);
  assert.deepEqual(s.map((x) => ('reason' in x ? x.reason : x.entry)), [0, 32]);
});
