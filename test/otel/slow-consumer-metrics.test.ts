// Bytes waiting for slow consumers, over a real HTTP+SSE stream whose client stops reading: the gauge
// rises while the client does not read and falls once it reads again; past maxBufferedBytes the stream
// is dropped, counted as an overflow, and what waited for it is no longer counted.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { instrument } from '../../src/otel/index.ts';
import { isMcpLiveError } from '../../src/protocol/mcp-live-error.ts';
import type { McpServer } from '../../src/server/mcp-server.ts';
import { delay, openSession, post, startSSE } from '../transports/harness.ts';
import { type Telemetry, telemetry, totalOf } from './otel-harness.ts';

const BUFFERED = 'mcp_live.stream.buffered';
const OVERFLOWS = 'mcp_live.stream.overflows';

/** A tool that sends 64 KiB notifications to its caller while `flooding()` holds (2,000 at most). */
function floodTool(server: McpServer, flooding: () => boolean): void {
  server.tool('flood', {}, async (_args, ctx) => {
    const chunk = 'x'.repeat(64 * 1024);
    for (let i = 0; i < 2_000 && flooding() && !ctx.signal.aborted; i++) {
      ctx.notify('custom_event', { i, chunk });
      await delay(0);
    }
    return 'done';
  });
}

/** Collects until `check` holds for the metrics, or fails after 10 s. */
async function eventually(
  observed: Telemetry,
  what: string,
  check: (m: Awaited<ReturnType<Telemetry['collect']>>) => boolean,
) {
  const deadline = Date.now() + 10_000;
  while (!check(await observed.collect())) {
    if (Date.now() > deadline) assert.fail(`${what} did not happen within 10 s`);
    await delay(10);
  }
}

const FLOOD = {
  jsonrpc: '2.0',
  id: 1,
  method: 'tools/call',
  params: { name: 'flood', arguments: {} },
} as const;

describe('slow consumers', () => {
  test('bytes waiting for a client that stopped reading are counted, and uncounted once it reads again', async (t) => {
    const observed = telemetry(t);
    const h = await startSSE(t, 'node', { maxBufferedBytes: 16 * 1024 * 1024 });
    t.after(instrument(h.server, { tracer: observed.tracer, meter: observed.meter }));
    let flooding = true;
    floodTool(h.server, () => flooding);
    const { stream, endpoint } = await openSession(t, h);

    stream.pause();
    await post(endpoint, FLOOD);
    await eventually(observed, 'bytes waiting', (m) => totalOf(m, BUFFERED) > 0);
    flooding = false;
    stream.resume();
    await stream.message((m) => m.id === 1);

    await eventually(observed, 'the backlog draining', (m) => totalOf(m, BUFFERED) === 0);
    assert.equal(totalOf(await observed.collect(), OVERFLOWS), 0);
  });

  test('a stream dropped past maxBufferedBytes is an overflow, and its backlog is no longer counted', async (t) => {
    const observed = telemetry(t);
    const h = await startSSE(t, 'node', { maxBufferedBytes: 64 * 1024, reconnectGracePeriod: 0 });
    t.after(instrument(h.server, { tracer: observed.tracer, meter: observed.meter }));
    const errors: unknown[] = [];
    h.server.on('error', (error) => void errors.push(error));
    floodTool(h.server, () => true);
    const { stream, endpoint } = await openSession(t, h);

    stream.pause();
    await post(endpoint, FLOOD);
    await eventually(observed, 'an overflow', (m) => totalOf(m, OVERFLOWS) === 1);

    assert.ok(isMcpLiveError(errors[0], 'OVERLOADED'));
    assert.equal(totalOf(await observed.collect(), BUFFERED), 0);
  });
});
