/** evaluate (watch, hover, repl, clipboard) and completions. */
import type { DebugProtocol } from '@vscode/debugprotocol';
import { SessionContext, argObject, intArg, strArg } from './context';
import { DapError, ErrorId } from './errorIds';
import { frameOf } from './stackHandlers';
import { REPL_COMMANDS, runRepl } from './repl';
import { memoryRef, variableOf } from './toDap';

const MAX_EXPR = 4096;

export function evaluate(ctx: SessionContext, raw: unknown): DebugProtocol.EvaluateResponse['body'] {
  const a = argObject(raw, 'evaluate');
  const expr = strArg(a, 'expression', 'evaluate');
  if (expr.length > MAX_EXPR) throw new DapError(ErrorId.Evaluation, `expression is ${expr.length} characters long (at most ${MAX_EXPR})`);
  const context = typeof a.context === 'string' ? a.context : 'repl';
  const t = ctx.requireTarget();
  let thread = ctx.replThread, level = ctx.replLevel;
  if (a.frameId !== undefined) {
    const f = frameOf(ctx, intArg(a, 'frameId', 'evaluate'), 'evaluate');
    thread = f.threadIndex; level = f.level;
  }
  if (context === 'repl') {
    // The REPL follows the frame focused in the UI; `frame N` moves it until the UI focuses another frame.
    if (a.frameId !== undefined && ctx.replUiFrame !== a.frameId) {
      ctx.replThread = thread; ctx.replLevel = level; ctx.replUiFrame = a.frameId as number;
    }
    const r = runRepl(ctx, expr);
    if (!r.node) return { result: r.text, variablesReference: 0 };
    const v = variableOf(r.node, ctx.store);
    return { result: r.text, type: v.type, variablesReference: v.variablesReference, indexedVariables: v.indexedVariables, namedVariables: v.namedVariables, memoryReference: v.memoryReference };
  }
  const node = t.evaluate(thread, level, expr);
  const v = variableOf(node, ctx.store);
  const body: DebugProtocol.EvaluateResponse['body'] = {
    result: node.value, variablesReference: v.variablesReference, presentationHint: { attributes: ['readOnly'] },
  };
  if (v.type !== undefined) body.type = v.type;
  if (v.indexedVariables !== undefined) body.indexedVariables = v.indexedVariables;
  if (v.namedVariables !== undefined) body.namedVariables = v.namedVariables;
  if (node.memory) body.memoryReference = memoryRef(node.memory);
  return body;
}

export function completions(ctx: SessionContext, raw: unknown): DebugProtocol.CompletionsResponse['body'] {
  const a = argObject(raw, 'completions');
  const text = strArg(a, 'text', 'completions');
  const column = intArg(a, 'column', 'completions', { min: 0, def: text.length + 1 });
  const t = ctx.requireTarget();
  const upto = text.slice(0, Math.max(0, Math.min(text.length, column - (ctx.base.columnsStartAt1 ? 1 : 0))));
  const word = /[A-Za-z_$][\w$]*$/.exec(upto)?.[0] ?? '';
  let thread = ctx.replThread, level = ctx.replLevel;
  if (a.frameId !== undefined) {
    const f = frameOf(ctx, intArg(a, 'frameId', 'completions'), 'completions');
    thread = f.threadIndex; level = f.level;
  }
  const names = new Set<string>();
  if (upto.trim() === word) for (const c of REPL_COMMANDS) names.add(c);
  for (const s of t.scopes(thread, level)) {
    if (s.expensive) continue;
    for (const n of s.variables()) {
      if (n.evaluateName && /^[A-Za-z_$][\w$]*$/.test(n.evaluateName)) names.add(n.evaluateName);
      if (s.name === 'Wasm' && n.children) for (const c of n.children(0, 200)) if (c.evaluateName) names.add(c.evaluateName);
    }
  }
  const targets: DebugProtocol.CompletionItem[] = [];
  for (const n of [...names].sort()) {
    if (n.startsWith(word) && n !== word) targets.push({ label: n, text: n, length: word.length, type: REPL_COMMANDS.includes(n) ? 'keyword' : 'variable' });
  }
  return { targets };
}
