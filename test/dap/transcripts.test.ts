/**
 * Whole-session golden transcripts through the real server: over stdio
 * (one adapter process per session, DebugClient) and over TCP (one server
 * process, a connection per session). Both must match the same golden.
 */
import { test } from 'node:test';
import { stdioClient, startServer, tcpClient } from './harness';
import { debugClientDriver, runSession } from './script';
import { checkGolden } from './golden';
import { transcriptSpecs } from './specs';

const specs = transcriptSpecs();

test('transcripts over stdio match the goldens', async (t) => {
  if (specs.length === 0) { t.skip('no fixtures (run npm run fixtures)'); return; }
  for (const spec of specs) {
    await t.test(spec.name, async () => {
      const dc = await stdioClient();
      try {
        checkGolden(spec.name, await runSession(debugClientDriver(dc), spec));
      } finally {
        await dc.stop();
      }
    });
  }
});

test('transcripts over TCP match the same goldens', async (t) => {
  if (specs.length === 0) { t.skip('no fixtures (run npm run fixtures)'); return; }
  const server = await startServer();
  try {
    for (const spec of specs) {
      await t.test(spec.name, async () => {
        const dc = await tcpClient(server.port);
        try {
          checkGolden(spec.name, await runSession(debugClientDriver(dc), spec));
        } finally {
          await dc.stop();
        }
      });
    }
  } finally {
    server.proc.kill();
  }
});
