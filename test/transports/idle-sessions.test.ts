// One idle policy for every wire: McpServer's sessionIdleTimeout counts what the client sends,
// never the server's keep-alive comments, and spares a session while one of its requests runs.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { McpServer } from '../../src/server/mcp-server.ts';
import { SSEServer } from '../../src/transports/sse-server.ts';
import { delay, MODES, openSession, post, startSSE } from './harness.ts';
import { LiveStream, openSession as openStreamable, send, startStreamable } from './streamable-harness.ts';

const call = (id: number, name: string) =>
  ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: {} } }) as const;

function idleServer(sessionIdleTimeout: number): McpServer {
  return new McpServer({ name: 'idle-test', version: '1.0.0' }, { sessionIdleTimeout });
}

/** Resolves with the reason the server gives when `sessionId` closes. */
function closing(server: McpServer, sessionId: string): Promise<string> {
  return new Promise((resolve) => {
    server.on('sessionClosed', (session, reason) => {
      if (session.id === sessionId) resolve(reason);
    });
  });
}

for (const mode of MODES) {
  describe(`sessionIdleTimeout (${mode})`, () => {
    test('closes an HTTP+SSE session whose stream gets keep-alive comments but whose client sends nothing', async (t) => {
      const server = idleServer(150);
      const h = await startSSE(t, mode, { keepAliveInterval: 20 }, server);
      const { stream, sessionId } = await openSession(t, h);
      const reason = await closing(server, sessionId);
      await stream.closed(3_000);
      assert.ok(stream.parser.comments.includes('keep-alive'), 'comments flowed meanwhile');
      assert.match(await reason, /idle for more than 150 ms/);
      assert.equal(h.sse.sessionCount, 0);
    });

    test('keeps an HTTP+SSE session while its request runs, and closes it once the answer is out', async (t) => {
      const server = idleServer(80);
      const h = await startSSE(t, mode, {}, server);
      let release = () => {};
      server.tool('hold', {}, () => new Promise<string>((resolve) => (release = () => resolve('held'))));
      const { stream, endpoint } = await openSession(t, h);
      await post(endpoint, call(1, 'hold'));
      await delay(300);
      assert.equal(stream.ended, false, 'an in-flight request keeps the session');
      release();
      assert.equal((await stream.message((m) => m.id === 1)).id, 1);
      await stream.closed(3_000);
    });

    test('keeps an HTTP+SSE session whose client answers keep-alive pings', async (t) => {
      const server = idleServer(150);
      const h = await startSSE(
        t,
        mode,
        { keepAliveInterval: 40, keepAlive: 'ping', pingTimeout: 1_000 },
        server,
      );
      const { stream, endpoint, sessionId } = await openSession(t, h);
      const answering = (async () => {
        for (;;) {
          const ping = await stream.message((m) => m.method === 'ping').catch(() => undefined);
          if (ping === undefined) return;
          await post(endpoint, { jsonrpc: '2.0', id: ping.id as string, result: {} });
        }
      })();
      await delay(600);
      assert.ok(server.getSession(sessionId), 'the answering session is still open after 4 idle periods');
      stream.close();
      await answering;
    });

    test('closes a Streamable HTTP session whose GET stream gets keep-alive comments but whose client sends nothing', async (t) => {
      const server = idleServer(150);
      const h = await startStreamable(t, mode, { keepAliveInterval: 20 }, server);
      const { sessionId, headers } = await openStreamable(h);
      const reason = closing(server, sessionId);
      const get = await LiveStream.open(t, h.url, { headers });
      assert.equal(get.status, 200);
      assert.match(await reason, /idle for more than 150 ms/);
      await get.closed();
      assert.ok(get.parser.comments.includes('keep-alive'), 'comments flowed meanwhile');
      const after = await send(h.url, {
        method: 'POST',
        headers: {
          ...headers,
          Accept: 'application/json, text/event-stream',
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
      });
      assert.equal(after.status, 404, 'the closed session is gone');
    });
  });
}

describe('sessionIdleTimeout options', () => {
  test('an SSEServer given the old idleTimeout option is refused, and told what replaced it', () => {
    const server = new McpServer({ name: 'x', version: '1' });
    assert.throws(() => new SSEServer(server, { idleTimeout: 1_000 } as never), {
      name: 'McpLiveError',
      code: 'INVALID_OPTION',
      message: /idleTimeout.*sessionIdleTimeout/,
    });
  });

  test('a sessionIdleTimeout that is not a number of ms ≥ 0 is refused', () => {
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, '60000']) {
      assert.throws(() => new McpServer({ name: 'x', version: '1' }, { sessionIdleTimeout: bad as number }), {
        name: 'McpLiveError',
        code: 'INVALID_OPTION',
        message: /sessionIdleTimeout/,
      });
    }
  });
});
