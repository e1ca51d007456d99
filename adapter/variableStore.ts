/**
 * variablesReference → lazy container, as vscode-js-debug's variableStore.
 * A core dump never resumes, so references stay valid for the whole
 * session; the store dies with the session. Ids start at 1 (0 = "no children").
 */
import type { ValueNode } from '../src/target/model';

export type Container =
  | { kind: 'scope'; frameKey: string; fetch: () => ValueNode[] }
  | { kind: 'value'; node: ValueNode };

/** Upper bound on references minted per session (a runaway client cannot exhaust memory). */
export const MAX_REFERENCES = 1_000_000;

export class VariableStore {
  private readonly items = new Map<number, Container>();
  private next = 1;

  add(c: Container): number {
    if (this.items.size >= MAX_REFERENCES) return 0;
    const id = this.next++;
    this.items.set(id, c);
    return id;
  }

  get(ref: number): Container | undefined {
    return this.items.get(ref);
  }

  get size(): number { return this.items.size; }
}
