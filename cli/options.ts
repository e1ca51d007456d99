/**
 * The small getopt the commands share: `--opt value` and `--opt=value`,
 * flags, positionals, and the usage/exit-code handling around a command.
 */
import { WasmCoreError } from '../src/util/errors';

export class Options {
  private i = -1;
  /** The current argument and, for `--long=value`, the part before `=`. */
  arg = '';
  opt = '';
  constructor(private readonly argv: string[]) {}

  /** Advance to the next argument; false at the end. */
  next(): boolean {
    if (++this.i >= this.argv.length) return false;
    this.arg = this.argv[this.i];
    this.opt = this.arg.startsWith('--') && this.arg.includes('=') ? this.arg.slice(0, this.arg.indexOf('=')) : this.arg;
    return true;
  }

  /** The value of the current option (after `=`, or the next argument). */
  value(): string {
    if (this.opt !== this.arg) return this.arg.slice(this.opt.length + 1);
    const v = this.argv[++this.i];
    if (v === undefined) throw new WasmCoreError('E_ARGUMENT', `${this.arg} needs a value`);
    return v;
  }

  /** The value of the current option as a non-negative integer. */
  int(): number {
    const v = this.value();
    if (!/^\d+$/.test(v)) throw new WasmCoreError('E_ARGUMENT', `${this.opt} must be a number (got '${v}')`);
    return Number(v);
  }

  /** The value of the current option, one of `choices`. */
  choice<T extends string>(choices: readonly T[]): T {
    const v = this.value();
    if (!(choices as readonly string[]).includes(v)) throw new WasmCoreError('E_ARGUMENT', `${this.opt} must be ${choices.join(', ')} (got '${v}')`);
    return v as T;
  }

  /** Everything after the current argument (used after `--`); ends the iteration. */
  rest(): string[] {
    const r = this.argv.slice(this.i + 1);
    this.i = this.argv.length;
    return r;
  }

  isOption(): boolean { return this.arg.startsWith('-') && this.arg !== '-'; }

  unknown(): never { throw new WasmCoreError('E_ARGUMENT', `unknown option ${this.arg}`); }
}

/**
 * Run a command: `-h/--help` prints the usage; an argument error prints it
 * with the reason and exits 2; everything else is the command's own.
 */
export async function runCommand<A>(name: string, usage: string, argv: string[], parse: (argv: string[]) => A, body: (a: A) => Promise<number> | number): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) { console.log(`usage: wasm-coredump ${usage}`); return 0; }
  let a: A;
  try { a = parse(argv); } catch (e) {
    if (e instanceof WasmCoreError) { console.error(`wasm-coredump ${name}: ${e.message}\nusage: wasm-coredump ${usage}`); return 2; }
    throw e;
  }
  return body(a);
}
