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
  'split-debug': () => require('./commands/split-debug'),
  instrument: () => require('./commands/instrument'),
  demo: () => require('./commands/demo'),
  serve: () => require('./commands/serve'),
  fetch: () => require('./commands/fetch'),
};

function help(): string {
  const lines = ['usage: wasm-coredump <command> [options]', '', 'commands:'];
  for (const [name, load] of Object.entries(COMMANDS)) {
    let u = '';
    try { u = load().usage.split('\n')[0]; } catch { u = '(not available in this build)'; }
    lines.push(`  ${name.padEnd(11)} ${u}`);
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

/** Runs the CLI on `argv` (without node and script) and sets the exit code. */
export function runCli(argv: string[]): Promise<void> {
  return main(argv).then(
    (code) => { process.exitCode = code; },
    (e: unknown) => {
      if (isWasmCoreError(e)) console.error(`wasm-coredump: error: ${e.message}`);
      else console.error(`wasm-coredump: internal error: ${e instanceof Error ? e.stack : String(e)}`);
      process.exitCode = isWasmCoreError(e) ? 1 : 70;
    },
  );
}

/** The named commands' modules, loaded (for a start-up snapshot, which is built before any command runs). */
export function loadCommands(names: string[]): void {
  for (const n of names) COMMANDS[n]?.();
}

// A start-up snapshot's builder (bench/startup.ts) loads this module without running a command.
if (!(globalThis as { __wcdSnapshotBuild?: boolean }).__wcdSnapshotBuild) void runCli(process.argv.slice(2));
