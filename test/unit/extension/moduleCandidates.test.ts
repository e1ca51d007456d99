import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { firstExisting, moduleCandidates, siblingGuesses } from '../../../extension/moduleCandidates';

const dump = path.resolve('/work/crash/prog.coredump');

test('a recorded bare file name is looked for next to the core dump, with and without .wasm', () => {
  assert.deepEqual(moduleCandidates(dump, 'prog'), [path.resolve('/work/crash/prog'), path.resolve('/work/crash/prog.wasm')]);
  assert.deepEqual(moduleCandidates(dump, 'prog.wasm'), [path.resolve('/work/crash/prog.wasm')]);
});

test('a recorded absolute path is tried first, then its base name next to the core dump', () => {
  assert.deepEqual(moduleCandidates(dump, '/build/out/app.wasm'), [path.resolve('/build/out/app.wasm'), path.resolve('/work/crash/app.wasm')]);
});

test('a recorded relative path is resolved against the core dump folder', () => {
  assert.deepEqual(moduleCandidates(dump, 'bin/app.wasm'), [path.resolve('/work/crash/bin/app.wasm'), path.resolve('/work/crash/app.wasm')]);
});

test('Windows-style recorded paths still give a base name candidate', () => {
  const c = moduleCandidates(dump, 'C:\\build\\app.wasm');
  assert.ok(c.includes(path.resolve('/work/crash/app.wasm')), c.join(','));
});

test('empty or unusable names give no candidates', () => {
  assert.deepEqual(moduleCandidates(dump, ''), []);
  assert.deepEqual(moduleCandidates(dump, '  '), []);
  assert.deepEqual(moduleCandidates(dump, 'a\0b'), []);
  assert.deepEqual(moduleCandidates(dump, '..'), [path.resolve('/work')]);
});

test('sibling guesses strip one extension at a time', () => {
  assert.deepEqual(siblingGuesses('/d/prog.nolocals.coredump'), [path.join('/d', 'prog.nolocals.wasm'), path.join('/d', 'prog.wasm')]);
  assert.deepEqual(siblingGuesses('/d/core'), []);
});

test('firstExisting keeps the candidates\' order', async () => {
  const present = new Set(['/b', '/c']);
  assert.equal(await firstExisting(['/a', '/b', '/c'], async (p) => present.has(p)), '/b');
  assert.equal(await firstExisting(['/a'], async (p) => present.has(p)), undefined);
});
