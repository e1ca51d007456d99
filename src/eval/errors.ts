import { WasmCoreError } from '../util/errors';

/** An expression error: names the position (0-based column) in the expression and the reason. */
export class EvalError extends WasmCoreError {
  override readonly name = 'EvalError';
  constructor(readonly reason: string, readonly position: number) {
    super('E_EVAL', `${reason} (at column ${position + 1})`);
  }
}
