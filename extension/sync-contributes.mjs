// Writes the extension manifest fields into package.json: activationEvents
// and contributes from extension/contributes.json, with the debugger's
// configurationAttributes.launch generated from the one launch schema
// (adapter/launchSchema.json). test/unit/extension/schema.test.ts checks that
// package.json is in step. Only these keys are touched.
//   node extension/sync-contributes.mjs [--check]
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const read = (p) => JSON.parse(readFileSync(join(root, p), 'utf8'));

/** The launch attributes VS Code validates launch.json against: the schema minus `required`
 *  (a missing coreDump/program is asked for with the pickers, so it must not be flagged). */
export function launchAttributes(schema) {
  const { required: _required, ...rest } = schema;
  return rest;
}

export function expectedManifest() {
  const tpl = read('extension/contributes.json');
  const schema = read('adapter/launchSchema.json');
  for (const d of tpl.contributes.debuggers) d.configurationAttributes = { launch: launchAttributes(schema) };
  return tpl;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const pkgPath = join(root, 'package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
  const want = expectedManifest();
  const next = { ...pkg, activationEvents: want.activationEvents, contributes: want.contributes };
  const text = JSON.stringify(next, null, 2) + '\n';
  if (process.argv.includes('--check')) {
    if (text !== readFileSync(pkgPath, 'utf8')) { console.error('package.json contributes are out of date: run node extension/sync-contributes.mjs'); process.exit(1); }
  } else {
    writeFileSync(pkgPath, text);
    console.log('package.json: activationEvents and contributes updated');
  }
}
