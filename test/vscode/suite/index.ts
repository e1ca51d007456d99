/** Entry point @vscode/test-electron loads in the extension host (extensionTestsPath). */
import './extension.tests';
import { runAll } from './harness';

export function run(): Promise<void> { return runAll(); }
