import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteReader } from '../../../src/util/reader';
import { FormatError } from '../../../src/util/errors';

const r = (bytes: number[]) => new ByteReader(new Uint8Array(bytes), 'mem.bin', 'test');

test('uleb32 decodes and rejects overflow', () => {
  assert.equal(r([0xe5, 0x8e, 0x26]).uleb32(), 624485);
  assert.equal(r([0xff, 0xff, 0xff, 0xff, 0x0f]).uleb32(), 0xffffffff);
  assert.throws(() => r([0xff, 0xff, 0xff, 0xff, 0x1f]).uleb32(), FormatError);
  assert.throws(() => r([0x80, 0x80]).uleb32(), /unexpected end of LEB128/);
});

test('sleb32 / sleb64 sign extension', () => {
  assert.equal(r([0x7f]).sleb32(), -1);
  assert.equal(r([0xc0, 0xbb, 0x78]).sleb32(), -123456);
  assert.equal(r([0x80, 0x80, 0x80, 0x80, 0x78]).sleb32(), -2147483648);
  assert.equal(r([0x7f]).sleb64(), -1n);
  assert.equal(r([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f]).sleb64(), -(2n ** 63n));
});

test('errors carry file, section and offset', () => {
  const rd = r([1, 2, 3]);
  rd.u8();
  try { rd.u32(); assert.fail('should throw'); } catch (e) {
    assert.ok(e instanceof FormatError);
    assert.equal(e.where.file, 'mem.bin');
    assert.equal(e.where.section, 'test');
    assert.equal(e.where.offset, 1);
    assert.match(e.message, /mem\.bin, section test, offset 0x1/);
  }
});

test('count() refuses counts larger than the bytes left', () => {
  assert.throws(() => r([0xff, 0xff, 0x03, 0]).count('frame', 1), /larger than/);
});
