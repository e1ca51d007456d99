/** Pure pieces of the adapter and the target: trap inference, source mapping, DAP conversions. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyInstruction, inferTrap, maxRepeat } from '../../src/target/trap';
import { mapSourcePath } from '../../src/target/sourceMap';
import { Ids, codeRef, column, line, memoryRef, parseCodeRef, parseMemoryRef } from '../../adapter/toDap';
import { parseArgs } from '../../adapter/main';

const ev = { frameCount: 3, maxRecursion: 1, where: 'm!f @ 0x10' };

test('trap kind from the innermost instruction', () => {
  const code = (...b: number[]) => new Uint8Array(b);
  assert.equal(inferTrap({ ...ev, code: code(0x00), offset: 0 }).kind, 'unreachable');
  assert.equal(inferTrap({ ...ev, code: code(0x6d), offset: 0 }).kind, 'integer-divide-by-zero');
  // i32.div_s with a non-zero divisor on the recorded operand stack: INT_MIN / -1 overflow
  assert.equal(inferTrap({ ...ev, code: code(0x6d), offset: 0, stack: [{ type: 'i32', value: -2147483648 }, { type: 'i32', value: -1 }] }).kind, 'integer-overflow');
  assert.equal(inferTrap({ ...ev, code: code(0x28, 0x02, 0x00), offset: 0 }).kind, 'out-of-bounds-memory');
  assert.equal(inferTrap({ ...ev, code: code(0x11, 0x00, 0x00), offset: 0 }).kind, 'indirect-call');
  assert.equal(inferTrap({ ...ev, code: code(0xfc, 0x0a, 0, 0), offset: 0 }).kind, 'out-of-bounds-memory');
  assert.equal(inferTrap({ ...ev, code: code(0xa8), offset: 0 }).kind, 'invalid-conversion');
  assert.equal(inferTrap({ ...ev, code: code(0x6a), offset: 0 }).kind, 'unknown'); // i32.add cannot trap
  assert.equal(inferTrap({ ...ev }).kind, 'unknown'); // no module: no guess
  // call into an import: the host raised it; into a defined function: unknown
  assert.equal(inferTrap({ ...ev, code: code(0x10, 0x01), offset: 0, callsImport: () => true }).kind, 'host-call');
  assert.equal(inferTrap({ ...ev, code: code(0x10, 0x05), offset: 0, callsImport: () => false }).kind, 'unknown');
  // stack exhaustion: a wrapped stack pointer with a store, or very deep recursion
  assert.equal(inferTrap({ ...ev, code: code(0x36, 0x02, 0x00), offset: 0, stackPointer: 0xfffffed0, memorySize: 0x20000 }).kind, 'stack-overflow');
  assert.equal(inferTrap({ ...ev, code: code(0x36, 0x02, 0x00), offset: 0, stackPointer: 0x8000, memorySize: 0x20000 }).kind, 'out-of-bounds-memory');
  assert.equal(inferTrap({ ...ev, code: code(0x00), offset: 0, frameCount: 5000, maxRecursion: 4990 }).kind, 'stack-overflow');
  assert.equal(classifyInstruction(code(0x00), 5), undefined);
  assert.equal(maxRepeat([1, 2, 2, 3, 2]), 3);
  const d = inferTrap({ ...ev, code: code(0x00), offset: 0 });
  assert.match(d.description, /unreachable executed in m!f @ 0x10 at `unreachable`/);
});

test('source path mapping: longest prefix at a component boundary', () => {
  const map = { '/src': '/home/me/proj', '/src/vendor/': '/opt/vendor', '/b': '/x' };
  assert.equal(mapSourcePath('/src/a.c', map), '/home/me/proj/a.c');
  assert.equal(mapSourcePath('/src/vendor/z.c', map), '/opt/vendor/z.c');
  assert.equal(mapSourcePath('/srcfoo/a.c', map), '/srcfoo/a.c');
  assert.equal(mapSourcePath('/build/a.c', map), '/build/a.c');
  assert.equal(mapSourcePath('/src', map), '/home/me/proj');
  assert.equal(mapSourcePath('/x/y', undefined), '/x/y');
});

test('DAP conversions: line bases, ids, references', () => {
  const one = { linesStartAt1: true, columnsStartAt1: true };
  const zero = { linesStartAt1: false, columnsStartAt1: false };
  assert.equal(line(10, one), 10);
  assert.equal(line(10, zero), 9);
  assert.equal(column(0, one), 1); // unknown column: start of line
  assert.equal(column(0, zero), 0);
  assert.equal(column(5, zero), 4);
  const ids = new Ids();
  assert.equal(ids.frameId(0, 0), 1);
  assert.equal(ids.frameId(1, 0), 2);
  assert.equal(ids.frameId(0, 0), 1);
  assert.deepEqual(ids.frame(2), { thread: 1, level: 0 });
  assert.equal(ids.frame(0), undefined);
  assert.equal(ids.frame(1.5), undefined);
  assert.equal(codeRef(0, 0x65c), '0x65c');
  assert.deepEqual(parseCodeRef(codeRef(2, 0x10)), { moduleIndex: 2, moduleOffset: 0x10 });
  assert.equal(memoryRef({ instance: 0, memory: 0, address: 0x10 }), '0x10');
  assert.equal(memoryRef({ instance: 1, memory: 2, address: 0x10 }), 'i1m2:0x10');
  assert.deepEqual(parseMemoryRef('i1m2:0x10'), { instance: 1, memory: 2, address: 16 });
  assert.deepEqual(parseMemoryRef('4096'), { instance: 0, memory: 0, address: 4096 });
  assert.equal(parseMemoryRef('0xzz'), undefined);
  assert.equal(parseMemoryRef('-5'), undefined);
  assert.equal(parseMemoryRef('0x' + 'f'.repeat(20)), undefined);
});

test('server options: stdio by default, --port/--host, errors', () => {
  assert.equal(parseArgs([]), 'stdio');
  assert.deepEqual(parseArgs(['--port', '0']), { port: 0, host: '127.0.0.1' });
  assert.deepEqual(parseArgs(['--port=4711', '--host', '0.0.0.0']), { port: 4711, host: '0.0.0.0' });
  assert.deepEqual(parseArgs(['--server=4711']), { port: 4711, host: '127.0.0.1' });
  assert.equal(parseArgs(['--help']), 'help');
  assert.ok(typeof parseArgs(['--port', 'x']) === 'object' && 'error' in (parseArgs(['--port', 'x']) as object));
  assert.ok('error' in (parseArgs(['--port', '70000']) as object));
  assert.ok('error' in (parseArgs(['--bogus']) as object));
});
