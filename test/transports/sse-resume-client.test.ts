// SSE resumption with real clients: mcp-live's own McpClient reconnects a dropped HTTP+SSE stream with
// Last-Event-ID (and no sessionId), which SSEServer resumes. The official SDK's SSEClientTransport
// reconnects without Last-Event-ID (it replaces EventSource's headers), so it gets a fresh session.
import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { McpClient } from '../../src/client/mcp-client.ts';
import { isMcpLiveError } from '../../src/protocol/mcp-live-error.ts';
import type { SSEServerOptions } from '../../src/transports/index.ts';
import { type Harness, MODES, type Mode, startSSE, until } from './harness.ts';

/** A tool that reports progress 1, waits for `release()`, reports progress 2 and answers 'done'. */
function gated(h: Harness) {
  let release = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  const state = { release, signal: undefined as AbortSignal | undefined, finished: false };
  h.server.tool('gated', {}, async (_args, ctx) => {
    state.signal = ctx.signal;
    ctx.progress(1, 2);
    await gate;
    ctx.progress(2, 2);
    state.finished = true;
    return 'done';
  });
  return state;
}

/** A client whose reconnections (GETs with Last-Event-ID) wait for `hold` before they leave. */
function client(t: TestContext, h: Harness, hold: Promise<unknown>, resumed: Headers[]): McpClient {
  const c = new McpClient({
    url: `${h.origin}/sse`,
    transport: 'sse',
    reconnect: { initialDelay: 10, maxAttempts: 3 },
    fetch: async (input, init) => {
      const headers = new Headers(init?.headers);
      if (init?.method === 'GET' && headers.has('last-event-id')) {
        resumed.push(headers);
        await hold;
      }
      return globalThis.fetch(input, init);
    },
  });
  t.after(() => c.close());
  return c;
}

/** Resumption is opt-in: these tests turn it on. */
const start = (t: TestContext, mode: Mode, options: SSEServerOptions = {}) =>
  startSSE(t, mode, { reconnectGracePeriod: 30_000, ...options });

for (const mode of MODES) {
  describe(`SSE resumption with the mcp-live client (${mode})`, () => {
    test('a stream cut by the server mid-call is resumed, and the call gets its missed progress and result', async (t) => {
      const h = await start(t, mode);
      const tool = gated(h);
      const resumed: Headers[] = [];
      let finished = () => {};
      const c = client(t, h, new Promise<void>((resolve) => (finished = resolve)), resumed);
      await c.connect();
      const sessionId = c.sessionId;
      const progress: number[] = [];
      const call = c.callTool('gated', {}, { onProgress: (p) => progress.push(p.progress) });
      await until(() => progress.length === 1, 2_000, 'the first progress');
      h.gets.at(-1)!.res.socket!.destroy();
      tool.release();
      await until(() => tool.finished, 2_000, 'the handler finishing while the client is away');
      finished();

      const result = await call;
      assert.deepEqual(result.content, [{ type: 'text', text: 'done' }]);
      assert.deepEqual(progress, [1, 2]);
      assert.equal(tool.signal?.aborted, false);
      assert.equal(resumed.length, 1);
      assert.match(resumed[0]!.get('last-event-id') ?? '', /^sse-[0-9a-f]{24}_\d+$/);
      assert.equal(c.sessionId, sessionId, 'the same session, resumed');
      assert.equal(h.sse.sessionCount, 1);
      assert.equal((await c.callTool('gated', {})).isError, undefined, 'the session still works');
    });

    test('a client that comes back after reconnectGracePeriod is refused with 404 and gives up', async (t) => {
      const h = await start(t, mode, { reconnectGracePeriod: 20 });
      const tool = gated(h);
      const reasons: string[] = [];
      h.server.on('sessionClosed', (_session, reason) => void reasons.push(reason));
      let late = () => {};
      const c = client(t, h, new Promise<void>((resolve) => (late = resolve)), []);
      await c.connect();
      const call = c.callTool('gated', {});
      await until(() => tool.signal !== undefined, 2_000, 'the call starting');
      h.gets.at(-1)!.res.socket!.destroy();
      await until(() => tool.signal?.aborted === true, 2_000, 'the grace period passing');
      late();
      await assert.rejects(call, (error: unknown) => {
        assert.ok(isMcpLiveError(error));
        assert.match(error.message, /404/);
        return true;
      });
      assert.deepEqual(reasons, ['the client did not reconnect within 20 ms (reconnectGracePeriod)']);
    });

    test('the official SDK client, whose stream drops, reconnects without Last-Event-ID and gets a fresh session', async (t) => {
      const h = await start(t, mode);
      const sdk = new Client({ name: 'sdk-client', version: '1.0.0' });
      sdk.onerror = () => {};
      await sdk.connect(new SSEClientTransport(new URL(`${h.origin}/sse`)));
      t.after(() => sdk.close());
      const [old] = [...h.server.sessions];
      h.gets[0]!.res.socket!.destroy();
      await until(() => h.sse.sessionCount === 2, 10_000, 'the SDK client reconnecting');
      assert.equal(h.gets.length, 2);
      assert.equal(h.gets[1]!.req.headers['last-event-id'], undefined);
      assert.equal(h.server.getSession(old!.id)?.closed, false, 'the old session waits out its grace period');
    });
  });
}
