import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readCoreDump } from '../../../src/coredump/reader';
import { writeCoreDump, chunkMemory, CoreDumpInput } from '../../../src/coredump/writer';

function input(): CoreDumpInput {
  const mem = new Uint8Array(2 * 65536);
  mem.set([1, 2, 3], 16);
  mem.set([0xaa, 0, 0, 0xbb], 70000);
  mem[131071] = 9;
  return {
    executableName: 'prog.wasm',
    modules: ['prog.wasm', 'lib.wasm'],
    instances: [{ moduleIndex: 0, memories: [0], globals: [0, 1] }, { moduleIndex: 1, memories: [], globals: [2] }],
    threads: [
      { name: 'main', frames: [
        { instanceIndex: 1, funcIndex: 4, codeOffset: 0x21,
          locals: [{ type: 'i32', value: -2147483648 }, { type: 'i64', value: -(2n ** 63n) }, { type: 'missing' }],
          stack: [{ type: 'f32', value: -1.5, bits: 0xbfc00000 }, { type: 'f64', value: 1e300, bits: 0x7e37e43c8800759cn }] },
        { instanceIndex: 0, funcIndex: 2, codeOffset: 0x5 },
      ] },
      { name: 'worker-1', frames: [{ instanceIndex: 0, funcIndex: 1, codeOffset: 0x9, locals: [{ type: 'i32', value: 42 }] }] },
    ],
    memories: [{ pages: 2, segments: chunkMemory(mem) }],
    globals: [
      { value: { type: 'i32', value: 66000 }, mutable: true },
      { value: { type: 'i64', value: 123456789012345n } },
      { value: { type: 'f64', value: 0.5, bits: 0x3fe0000000000000n } },
    ],
  };
}

for (const enc of ['leb', 'fixed'] as const) {
  test(`round trip through src/coredump/writer.ts (${enc})`, () => {
    const inp = input();
    const cd = readCoreDump(writeCoreDump(inp, { valueEncoding: enc }), `rt-${enc}.core`);
    assert.equal(cd.valueEncoding, enc);
    assert.equal(cd.executableName, inp.executableName);
    assert.deepEqual(cd.modules, inp.modules);
    assert.deepEqual(cd.instances, inp.instances);
    assert.equal(cd.threads.length, inp.threads.length);
    cd.threads.forEach((t, ti) => {
      assert.equal(t.name, inp.threads[ti].name);
      t.frames.forEach((f, fi) => {
        const x = inp.threads[ti].frames[fi];
        assert.deepEqual([f.instanceIndex, f.funcIndex, f.rawCodeOffset], [x.instanceIndex, x.funcIndex, x.codeOffset]);
        assert.deepEqual(f.locals, x.locals?.length ? { recorded: true, values: x.locals } : { recorded: false });
        assert.deepEqual(f.stack, x.stack?.length ? { recorded: true, values: x.stack } : { recorded: false });
      });
    });
    assert.deepEqual(cd.globals.map((g) => [g.mutable, g.value]), inp.globals.map((g) => [g.mutable !== false, g.value]));
    const m = cd.instanceMemory(0);
    assert.ok(m);
    assert.equal(m.size, 2 * 65536);
    assert.deepEqual([...m.read(15, 5).bytes], [0, 1, 2, 3, 0]);
    assert.equal(m.readU32(70000), 0xbb0000aa);
    assert.equal(m.readU8(131071), 9);
    assert.equal(m.covered(16, 3), true);
    assert.equal(m.covered(0, 1), false, 'zero runs were dropped by the writer: not covered');
    assert.deepEqual(m.read(131070, 4).unreadable, [[131072, 131074]]);
    assert.deepEqual(cd.warnings, []);
  });
}
