/**
 * `wasm-coredump` command line. Each subcommand lives in cli/commands/<name>.ts
 * and exports `run(argv): Promise<number>` (the exit code) and `usage`.
 * Started by cli/main.ts (the `wasm-coredump` executable), either from the
 * bundle (out/cli/bundle/wasm-coredump.js, built from this file) or from the
 * compiled modules next to it.
 */
import { isWasmCoreError } from '../src/util/errors';

interface Command { run(argv: string[]): Promise<number>; usage: string }

const COMMANDS: Record<string, () => Command> = {
  info: () => require('./commands/info'),
  bt: () => require('./commands/bt'),
  symbolize: () => require('./commands/symbolize'),
  print: () => require('./commands/print'),
  capture: () => require('./commands/capture'),
  demo: () => require('./commands/demo'),
  serve: () => require('./commands/serve'),
  fetch: () => require('./commands/fetch'),
};

function help(): string {
  const lines = ['usage: wasm-coredump <command> [options]', '', 'commands:'];
  for (const [name, load] of Object.entries(COMMANDS)) {
    let u = '';
    try { u = load().usage.split('\n')[0]; } catch { u = '(not available in this build)'; }
    lines.push(`  ${name.padEnd(10)} ${u}`);
  }
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '-h' || cmd === '--help' || cmd === 'help') { console.log(help()); return cmd ? 0 : 2; }
  const load = COMMANDS[cmd];
  if (!load) { console.error(`wasm-coredump: unknown command '${cmd}'\n\n${help()}`); return 2; }
  return load().run(rest);
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    if (isWasmCoreError(e)) console.error(`wasm-coredump: error: ${e.message}`);
    else console.error(`wasm-coredump: internal error: ${e instanceof Error ? e.stack : String(e)}`);
    process.exitCode = isWasmCoreError(e) ? 1 : 70;
  },
);
