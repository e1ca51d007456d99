/**
 * WasmCoreDumpSession: one DAP session over one core dump. Runs inline in
 * the VS Code extension, on stdio, or per TCP connection (adapter/main.ts).
 * Requests are routed through one table; handlers are thin and live in
 * *Handlers.ts; every failure becomes an error response with a stable id
 * (adapter/errorIds.ts) and the session keeps serving.
 */
import { DebugSession, InitializedEvent, StoppedEvent, TerminatedEvent, OutputEvent } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { SessionContext, argObject } from './context';
import { DapError, ErrorId } from './errorIds';
import { parseLaunchArgs } from './launchArgs';
import { asDapError, loadTarget } from './load';
import * as stack from './stackHandlers';
import * as mem from './memoryHandlers';
import * as ev from './evalHandlers';

type Handler = (ctx: SessionContext, args: unknown) => unknown;

const RUN_COMMANDS = ['continue', 'next', 'stepIn', 'stepOut', 'pause', 'stepBack', 'reverseContinue', 'goto', 'restart', 'restartFrame', 'gotoTargets', 'stepInTargets'];
const WRITE_COMMANDS = ['setVariable', 'setExpression', 'writeMemory'];

const HANDLERS: Record<string, Handler> = {
  threads: (c) => stack.threads(c),
  stackTrace: stack.stackTrace,
  scopes: stack.scopes,
  variables: stack.variables,
  exceptionInfo: stack.exceptionInfo,
  evaluate: ev.evaluate,
  completions: ev.completions,
  readMemory: mem.readMemory,
  disassemble: mem.disassemble,
  source: mem.source,
  modules: mem.modules,
  loadedSources: (c) => mem.loadedSources(c),
};

export const CAPABILITIES: DebugProtocol.Capabilities = {
  supportsConfigurationDoneRequest: true,
  supportsEvaluateForHovers: true,
  supportsExceptionInfoRequest: true,
  supportsReadMemoryRequest: true,
  supportsDisassembleRequest: true,
  supportsModulesRequest: true,
  supportsLoadedSourcesRequest: true,
  supportsCompletionsRequest: true,
  completionTriggerCharacters: ['.', '$'],
  supportsTerminateRequest: true,
  supportsDelayedStackTraceLoading: true,
  supportsClipboardContext: true,
  supportsSetVariable: false,
  supportsSetExpression: false,
  supportsWriteMemoryRequest: false,
  supportsStepBack: false,
  supportsRestartRequest: false,
  supportsGotoTargetsRequest: false,
  supportsStepInTargetsRequest: false,
  supportsSteppingGranularity: false,
  supportsInstructionBreakpoints: false,
  supportsFunctionBreakpoints: false,
  supportsConditionalBreakpoints: false,
  supportsDataBreakpoints: false,
  supportsValueFormattingOptions: false,
  supportTerminateDebuggee: false,
  exceptionBreakpointFilters: [],
  additionalModuleColumns: [{ attributeName: 'symbolStatus', label: 'Symbols' }],
};

/**
 * Evaluations the client makes on its own (hovering over a word, re-evaluating
 * watches at every stop, copying a value) fail all the time; their error
 * still carries the message (the Watch view shows it) but is not meant to pop
 * up as a notification. VS Code shows nothing for a hover whose evaluation
 * failed and notifies only when `showUser` is true. REPL errors stay visible.
 */
const QUIET_EVALUATE_CONTEXTS = new Set(['hover', 'watch', 'clipboard', 'variables']);

function quietFailure(request: DebugProtocol.Request | undefined): boolean {
  if (request?.command !== 'evaluate') return false;
  const ctx = (request.arguments as { context?: unknown } | undefined)?.context;
  return typeof ctx === 'string' && QUIET_EVALUATE_CONTEXTS.has(ctx);
}

export class WasmCoreDumpSession extends DebugSession {
  readonly ctx = new SessionContext();
  private launched = false;
  private configured = false;
  private stoppedSent = false;
  private ended = false;

  constructor() {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
    // The base class shuts the process down on a malformed message; a post-mortem
    // server keeps serving and reports it instead.
    this.removeAllListeners('error');
    this.on('error', (e: { body?: unknown }) => this.onProtocolError(e));
  }

  /**
   * A write to the client failed (EPIPE: it closed our stdout; a reset
   * socket): nobody hears us any more, so the session ends ('close': stdio
   * exits, a TCP connection is dropped). Reporting the failure through the
   * broken stream would fail again, error after error, and spin forever.
   */
  private outputBroken = false;

  private onProtocolError(e: { body?: unknown }): void {
    if (this.outputBroken) return;
    const text = typeof e?.body === 'string' ? e.body : JSON.stringify(e?.body ?? e);
    if (text.startsWith('outStream error')) {
      this.outputBroken = true;
      this.emit('close');
      return;
    }
    this.log(`protocol error: ${text}`);
  }

  override sendEvent(event: DebugProtocol.Event): void {
    if (!this.outputBroken) super.sendEvent(event);
  }

  override sendResponse(response: DebugProtocol.Response): void {
    if (!this.outputBroken) super.sendResponse(response);
  }

  /** Server mode (TCP) or inline: never exit the process. */
  override shutdown(): void {
    if (this.ended) return;
    this.ended = true;
    super.shutdown();
  }

  private log(text: string): void {
    this.sendEvent(new OutputEvent(text + '\n', 'console'));
  }

  protected override dispatchRequest(request: DebugProtocol.Request): void {
    const response: DebugProtocol.Response = {
      seq: 0, type: 'response', request_seq: typeof request?.seq === 'number' ? request.seq : 0,
      command: typeof request?.command === 'string' ? request.command : String(request?.command), success: true,
    };
    try {
      if (!request || typeof request.command !== 'string') throw new DapError(ErrorId.BadArguments, 'request has no "command"');
      const body = this.route(request.command, request.arguments);
      if (body !== undefined) response.body = body;
      this.sendResponse(response);
      this.afterResponse(request.command);
    } catch (e) {
      this.sendError(response, e, quietFailure(request));
    }
  }

  private sendError(response: DebugProtocol.Response, e: unknown, quiet = false): void {
    const err = e instanceof DapError ? e : asDapError(e, '');
    response.success = false;
    response.message = err.message;
    response.body = { error: { id: err.id, format: err.message.replace(/[{}]/g, (c) => (c === '{' ? '(' : ')')), showUser: !quiet && err.id !== ErrorId.Internal } };
    this.sendResponse(response);
  }

  private route(command: string, args: unknown): unknown {
    const c = this.ctx;
    switch (command) {
      case 'initialize': return this.initialize(args);
      case 'launch': case 'attach': return this.launch(args, command);
      case 'configurationDone': this.configured = true; return undefined;
      case 'disconnect': case 'terminate': return undefined;
      case 'setBreakpoints': return this.setBreakpoints(args);
      case 'setExceptionBreakpoints': return { breakpoints: [] };
      case 'setFunctionBreakpoints': case 'setInstructionBreakpoints': case 'setDataBreakpoints': return { breakpoints: [] };
      case 'cancel': return undefined;
    }
    if (RUN_COMMANDS.includes(command)) {
      throw new DapError(ErrorId.CannotRun, `${command}: a core dump cannot run. This session shows the program as it was when it trapped; inspect frames, variables and memory instead.`);
    }
    if (WRITE_COMMANDS.includes(command)) {
      throw new DapError(ErrorId.ReadOnly, `${command}: the core dump is read-only; values cannot be changed`);
    }
    const h = Object.prototype.hasOwnProperty.call(HANDLERS, command) ? HANDLERS[command] : undefined;
    if (!h) throw new DapError(ErrorId.UnknownRequest, `unknown request '${command.slice(0, 80)}'`);
    return h(c, args);
  }

  private afterResponse(command: string): void {
    if (command === 'initialize') this.sendEvent(new InitializedEvent());
    if (command === 'launch' || command === 'attach' || command === 'configurationDone') this.maybeStop();
    if (command === 'disconnect' || command === 'terminate') {
      if (command === 'terminate') this.sendEvent(new TerminatedEvent());
      if (command === 'disconnect') this.shutdown();
    }
  }

  private initialize(raw: unknown): DebugProtocol.Capabilities {
    const a = argObject(raw, 'initialize');
    this.ctx.base = {
      linesStartAt1: typeof a.linesStartAt1 === 'boolean' ? a.linesStartAt1 : true,
      columnsStartAt1: typeof a.columnsStartAt1 === 'boolean' ? a.columnsStartAt1 : true,
    };
    if (a.pathFormat !== undefined && a.pathFormat !== 'path') {
      throw new DapError(ErrorId.BadArguments, `initialize: pathFormat '${String(a.pathFormat)}' is not supported; use "path"`);
    }
    return CAPABILITIES;
  }

  private launch(raw: unknown, command: string): undefined {
    if (this.launched) throw new DapError(ErrorId.AlreadyLaunched, `${command}: this session already has a core dump loaded; start a new session for another one`);
    const cfg = parseLaunchArgs(raw, process.cwd());
    const { target, warnings } = loadTarget(cfg);
    this.ctx.target = target;
    this.ctx.config = cfg;
    this.launched = true;
    if (cfg.unknownKeys.length) warnings.push(`ignored unknown launch attribute(s): ${cfg.unknownKeys.join(', ')}`);
    for (const w of warnings) this.log(`warning: ${w}`);
    return undefined;
  }

  private setBreakpoints(raw: unknown): DebugProtocol.SetBreakpointsResponse['body'] {
    const a = argObject(raw, 'setBreakpoints');
    const bps = Array.isArray(a.breakpoints) ? a.breakpoints : [];
    return {
      breakpoints: bps.slice(0, 10_000).map((b: unknown) => ({
        verified: false,
        line: typeof (b as { line?: unknown })?.line === 'number' ? (b as { line: number }).line : undefined,
        message: 'a core dump cannot run, so breakpoints are never hit',
      })),
    };
  }

  /** After launch and configurationDone: one stopped event per thread. */
  private maybeStop(): void {
    if (!this.launched || !this.configured || this.stoppedSent || !this.ctx.target) return;
    this.stoppedSent = true;
    const t = this.ctx.target;
    for (const th of t.threads()) {
      // what the program said when it died (panic message, assertion, trap in source terms), else the trap
      const trap = t.trap(th.index);
      const r = this.ctx.reason(th.index);
      const e = new StoppedEvent('exception', th.index + 1, r?.message ?? trap.title) as DebugProtocol.StoppedEvent;
      e.body.description = r?.message ?? trap.description;
      e.body.allThreadsStopped = true;
      e.body.preserveFocusHint = th.index !== 0; // the UI focuses the first thread (the one that trapped)
      this.sendEvent(e);
    }
  }
}
