/**
 * Golden transcripts: test/golden/<name>.json. On mismatch the actual
 * transcript is written next to it as <name>.actual.json; UPDATE_GOLDEN=1
 * (re)writes the golden instead.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import assert from 'node:assert/strict';
import { GOLDEN } from './harness';

export function checkGolden(name: string, actual: unknown): void {
  const file = path.join(GOLDEN, `${name}.json`);
  const actualFile = path.join(GOLDEN, `${name}.actual.json`);
  const text = JSON.stringify(actual, null, 1) + '\n';
  if (process.env.UPDATE_GOLDEN === '1' || !fs.existsSync(file)) {
    fs.mkdirSync(GOLDEN, { recursive: true });
    fs.writeFileSync(file, text);
    if (fs.existsSync(actualFile)) fs.unlinkSync(actualFile);
    if (process.env.UPDATE_GOLDEN !== '1') assert.fail(`golden ${file} did not exist; written now, check it in (or run with UPDATE_GOLDEN=1)`);
    return;
  }
  const want = fs.readFileSync(file, 'utf8');
  if (want !== text) {
    fs.writeFileSync(actualFile, text);
    assert.equal(text, want, `transcript differs from ${file}; actual written to ${actualFile} (UPDATE_GOLDEN=1 regenerates)`);
  } else if (fs.existsSync(actualFile)) fs.unlinkSync(actualFile);
}
