/**
 * Individual requests through the real server (stdio): paging, variable
 * filters, evaluate contexts, REPL commands, completions, memory edges,
 * disassembly windows, sources and modules.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { request, stdioClient } from './harness';
import { launchArgsFor } from './script';
import { ErrorId } from '../../adapter/errorIds';
import * as fs from 'node:fs';

const FIX = 'c-clang19-O0-dwarf4';
const have = fs.existsSync(`test/fixtures/${FIX}/prog.coredump`);

async function open(): Promise<DebugClient> {
  const dc = await stdioClient();
  await request(dc, 'initialize', { adapterID: 'wasm-coredump', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
  const l = await request(dc, 'launch', launchArgsFor({ fixture: FIX, coreDump: 'prog.abort.coredump' }));
  assert.equal(l.success, true, l.message);
  await request(dc, 'configurationDone');
  return dc;
}

const body = (r: { body?: unknown }): any => r.body;
const errId = (r: { body?: unknown }): number => (r.body as { error: { id: number } }).error.id;

test('requests: stack paging, scopes, variables paging/filters, evaluate, REPL, completions', { skip: !have && 'fixtures not built' }, async () => {
  const dc = await open();
  try {
    const all = body(await request(dc, 'stackTrace', { threadId: 1 }));
    const n = all.totalFrames;
    assert.equal(all.stackFrames.length, n);
    const page = body(await request(dc, 'stackTrace', { threadId: 1, startFrame: 2, levels: 3 }));
    assert.deepEqual(page.stackFrames.map((f: any) => f.name), all.stackFrames.slice(2, 5).map((f: any) => f.name));
    assert.equal(body(await request(dc, 'stackTrace', { threadId: 1, startFrame: n + 5, levels: 3 })).stackFrames.length, 0);
    assert.equal(errId(await request(dc, 'stackTrace', { threadId: 99 })), ErrorId.StaleReference);
    assert.equal(errId(await request(dc, 'stackTrace', { threadId: 1, levels: -1 })), ErrorId.BadArguments);

    const top = all.stackFrames.find((f: any) => f.name === 'validate_item');
    assert.equal(top.line, 84);
    assert.match(top.source.path, /prog\.c$/);
    assert.match(top.instructionPointerReference, /^0x[0-9a-f]+$/);
    const abort = all.stackFrames[0];
    assert.equal(abort.name, 'abort');

    const scopes = body(await request(dc, 'scopes', { frameId: top.id })).scopes;
    assert.deepEqual(scopes.map((s: any) => s.name), ['Arguments', 'Locals', 'Globals', 'Wasm']);
    assert.equal(scopes.find((s: any) => s.name === 'Globals').expensive, true);
    const args = body(await request(dc, 'variables', { variablesReference: scopes[0].variablesReference })).variables;
    const item = args.find((v: any) => v.name === 'item');
    assert.equal(item.evaluateName, 'item');
    assert.match(item.memoryReference, /^0x[0-9a-f]+$/);
    assert.deepEqual(item.presentationHint, { attributes: ['readOnly'] });

    // Wasm scope: locals group pages with start/count and the indexed filter
    const wasm = body(await request(dc, 'variables', { variablesReference: scopes[3].variablesReference })).variables;
    const locals = wasm.find((v: any) => v.name === 'locals');
    assert.ok(locals.indexedVariables > 4);
    const p1 = body(await request(dc, 'variables', { variablesReference: locals.variablesReference, filter: 'indexed', start: 2, count: 2 })).variables;
    assert.deepEqual(p1.map((v: any) => v.evaluateName), ['$local2', '$local3']);
    assert.equal(body(await request(dc, 'variables', { variablesReference: locals.variablesReference, filter: 'named' })).variables.length, 0);
    assert.equal(errId(await request(dc, 'variables', { variablesReference: 987654 })), ErrorId.StaleReference);
    assert.equal(errId(await request(dc, 'variables', { variablesReference: locals.variablesReference, filter: 'odd' })), ErrorId.BadArguments);
    const huge = await request(dc, 'variables', { variablesReference: locals.variablesReference, start: 0, count: 2 ** 40 });
    assert.equal(huge.success, true);

    // evaluate in every context, and errors
    for (const context of ['watch', 'hover', 'clipboard']) {
      const r = body(await request(dc, 'evaluate', { expression: 'item->label', frameId: top.id, context }));
      assert.equal(r.result, '"item-3"', context);
    }
    const ev = await request(dc, 'evaluate', { expression: 'item->', frameId: top.id, context: 'watch' });
    assert.equal(errId(ev), ErrorId.Evaluation);
    assert.match(ev.message ?? '', /column/);

    // REPL: frame selection follows `frame N`, p/x, x/NFU, info
    const repl = async (e: string): Promise<string> => body(await request(dc, 'evaluate', { expression: e, context: 'repl' })).result;
    assert.match(await repl('help'), /x\/NFU/);
    const lvl = all.stackFrames.indexOf(top);
    assert.match(await repl(`frame ${lvl}`), /validate_item/);
    assert.equal(await repl('p item->count'), '28');
    assert.match(await repl('p/x item->count'), /^0x0*1c$/);
    assert.match(await repl('info args'), /^item = /m);
    assert.match(await repl('info frame'), /function index \d+/);
    assert.match(await repl('info modules'), /prog\.wasm/);
    assert.match(await repl('bt 2'), /#0 .*abort[\s\S]*#1 /);
    const x = await repl('x/4xb item->label');
    assert.match(x, /^0x[0-9a-f]+:\t0x69\t0x74\t0x65\t0x6d$/); // "item"
    assert.match(await repl('x/s item->label'), /"item-3"/);
    assert.match(await repl('x/4dw 0x1fff8'), /^0x1fff8:\t0\t0\t\?{8}\t\?{8}$/m); // runs past the 2-page memory: unreadable, not zeros
    assert.equal(errId(await request(dc, 'evaluate', { expression: 'frame 999', context: 'repl' })), ErrorId.Evaluation);

    // with the UI's frameId: `frame N` holds until the UI focuses another frame
    const replAt = async (e: string, frameId: number): Promise<string> => body(await request(dc, 'evaluate', { expression: e, context: 'repl', frameId })).result;
    await replAt('frame 2', all.stackFrames[0].id);
    assert.match(await replAt('info frame', all.stackFrames[0].id), /^#2 /);
    assert.match(await replAt('info frame', all.stackFrames[3].id), /^#3 /);

    const comp = body(await request(dc, 'completions', { text: 'it', column: 3, frameId: top.id })).targets;
    assert.ok(comp.some((c: any) => c.label === 'item'), JSON.stringify(comp));
    const compCmd = body(await request(dc, 'completions', { text: 'inf', column: 4 })).targets;
    assert.ok(compCmd.some((c: any) => c.label === 'info locals'));
  } finally {
    await dc.stop();
  }
});

test('requests: memory, disassembly, sources, modules', { skip: !have && 'fixtures not built' }, async () => {
  const dc = await open();
  try {
    const mem = body(await request(dc, 'readMemory', { memoryReference: '0x1fff0', count: 32 }));
    assert.equal(Buffer.from(mem.data, 'base64').length, 16);
    assert.equal(mem.unreadableBytes, 16);
    const none = body(await request(dc, 'readMemory', { memoryReference: 'i0m5:0x0', count: 8 }));
    assert.equal(none.data, undefined);
    assert.equal(none.unreadableBytes, 8);
    assert.equal(errId(await request(dc, 'readMemory', { memoryReference: 'nonsense', count: 8 })), ErrorId.BadArguments);
    assert.equal(errId(await request(dc, 'readMemory', { memoryReference: '0x0', count: -1 })), ErrorId.BadArguments);
    const neg = body(await request(dc, 'readMemory', { memoryReference: '0x0', offset: -4, count: 4 }));
    assert.equal(neg.unreadableBytes, 4);

    const st = body(await request(dc, 'stackTrace', { threadId: 1 })).stackFrames;
    const ip = st[0].instructionPointerReference;
    const dis = body(await request(dc, 'disassemble', { memoryReference: ip, instructionOffset: -3, instructionCount: 7 })).instructions;
    assert.equal(dis.length, 7);
    assert.equal(dis[3].address, ip);
    assert.equal(dis[3].instruction, 'unreachable');
    // a window that starts before the first function is padded with invalid entries
    const early = body(await request(dc, 'disassemble', { memoryReference: '0x0', instructionOffset: -5, instructionCount: 10 })).instructions;
    assert.equal(early.length, 10);
    assert.equal(early[0].presentationHint, 'invalid');
    const withLine = dis.find((d: any) => d.line !== undefined);
    assert.ok(withLine, 'no instruction carries a source line');

    const srcs = body(await request(dc, 'loadedSources', {})).sources;
    assert.ok(srcs.some((s: any) => /prog\.c$/.test(s.path)), JSON.stringify(srcs.slice(0, 5)));
    const libc = srcs.find((s: any) => s.sourceReference > 0);
    if (libc) {
      const r = await request(dc, 'source', { source: libc, sourceReference: libc.sourceReference });
      assert.equal(errId(r), ErrorId.Unavailable);
      assert.match(r.message ?? '', /sourceMap/);
    }
    // frames without DWARF show WAT
    const nodbg = st.find((f: any) => f.presentationHint === 'subtle' && f.source?.sourceReference && f.source.name?.endsWith('.wat')); // (panic/abort machinery frames are subtle too)
    if (nodbg) {
      const wat = body(await request(dc, 'source', { source: nodbg.source, sourceReference: nodbg.source.sourceReference }));
      assert.match(wat.content, /^\(func /);
      assert.equal(wat.content.split('\n').length >= nodbg.line, true);
    }
    const mods = body(await request(dc, 'modules', {}));
    assert.equal(mods.totalModules, 1);
    assert.equal(mods.modules[0].symbolStatus, 'DWARF loaded');
  } finally {
    await dc.stop();
  }
});
