import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CreateMessageResultSchema } from '@modelcontextprotocol/sdk/types.js';
import * as z from 'zod';
import { connect } from '../../src/client/connect.ts';
import { isHTTPError } from '../../src/client/http-error.ts';
import { isMcpLiveError, type McpLiveError } from '../../src/protocol/mcp-live-error.ts';
import {
  clientFor,
  deferred,
  type PeerOptions,
  startSSEPeer,
  startStreamablePeer,
  waitFor,
} from './helpers.ts';

const countingTool: PeerOptions['setup'] = (server) =>
  server.registerTool('count', { inputSchema: { n: z.number() } }, async ({ n }, extra) => {
    for (let i = 1; i <= n; i++) {
      const progressToken = extra._meta?.progressToken ?? 'none';
      await extra.sendNotification({
        method: 'notifications/progress',
        params: { progressToken, progress: i },
      });
    }
    return { content: [{ type: 'text', text: `counted to ${n}` }] };
  });

describe('HTTP+SSE client against the SDK server', () => {
  test('connects over HTTP+SSE: GET the stream, read the endpoint event, POST messages there', async (t) => {
    const peer = await startSSEPeer(t, { setup: countingTool });
    const client = clientFor(t, { url: peer.url, transport: 'sse' });
    const result = await client.connect();
    assert.equal(result.serverInfo.name, 'sdk-peer');
    assert.equal(client.transport, 'sse');
    assert.match(client.sessionId ?? '', /^[0-9a-f-]{36}$/);
    const progress: number[] = [];
    const call = await client.callTool('count', { n: 2 }, { onProgress: (p) => progress.push(p.progress) });
    assert.deepEqual(call.content, [{ type: 'text', text: 'counted to 2' }]);
    assert.deepEqual(progress, [1, 2]);
    const posts = peer.requests.filter((r) => r.method === 'POST');
    assert.ok(posts.every((r) => r.path === `/messages?sessionId=${client.sessionId}`));
    assert.deepEqual(
      posts.map((r) => (r.body as { method: string }).method),
      ['initialize', 'notifications/initialized', 'tools/call'],
    );
  });

  test("transport 'auto' falls back to HTTP+SSE when the initialize POST answers 405", async (t) => {
    const peer = await startSSEPeer(t, { setup: countingTool });
    const client = await connect(peer.url, { transport: 'auto' });
    t.after(() => client.close());
    assert.equal(client.transport, 'sse');
    assert.deepEqual(
      peer.requests.slice(0, 3).map((r) => `${r.method} ${r.path.replace(/\?.*/, '')}`),
      ['POST /sse', 'GET /sse', 'POST /messages'],
    );
    assert.equal((await client.listTools()).tools[0]?.name, 'count');
  });

  test("transport 'auto' prefers Streamable HTTP when the server speaks it", async (t) => {
    const peer = await startStreamablePeer(t, { setup: countingTool });
    const client = await connect(peer.url);
    t.after(() => client.close());
    assert.equal(client.transport, 'streamable-http');
    assert.ok(!peer.requests.some((r) => r.method === 'GET' && r.headers['mcp-session-id'] === undefined));
  });

  test('when neither wire answers, the error names both attempts', async (t) => {
    const peer = await startStreamablePeer(t);
    const client = clientFor(t, { url: new URL('/nothing-here', peer.url) });
    await assert.rejects(client.connect(), (error: unknown) => {
      assert.ok(isHTTPError(error) && isMcpLiveError(error, 'HTTP_STATUS'));
      assert.equal(error.status, 404);
      assert.match(error.message, /speaks neither Streamable HTTP \(POST .*\/nothing-here answered 404/);
      assert.match(error.message, /nor HTTP\+SSE \(GET .*\/nothing-here answered 404/);
      return true;
    });
  });

  test('answers a sampling request that arrives on the event stream', async (t) => {
    const peer = await startSSEPeer(t, {
      setup: (server) =>
        server.registerTool('ask-model', {}, async (extra) => {
          const answer = await extra.sendRequest(
            {
              method: 'sampling/createMessage',
              params: { messages: [{ role: 'user', content: { type: 'text', text: 'hi' } }], maxTokens: 5 },
            },
            CreateMessageResultSchema,
          );
          return { content: [{ type: 'text', text: answer.model }] };
        }),
    });
    const client = clientFor(t, { url: peer.url, transport: 'sse' });
    client.setRequestHandler('sampling/createMessage', () => ({
      role: 'assistant',
      content: { type: 'text', text: 'hello' },
      model: 'over-sse',
    }));
    await client.connect();
    assert.deepEqual((await client.callTool('ask-model')).content, [{ type: 'text', text: 'over-sse' }]);
  });

  test('a stream dropped by a server without event ids closes the client and rejects pending calls', async (t) => {
    const started = deferred();
    const peer = await startSSEPeer(t, {
      setup: (server) =>
        server.registerTool('forever', {}, async () => {
          started.resolve();
          return new Promise(() => {});
        }),
    });
    const client = clientFor(t, { url: peer.url, transport: 'sse', reconnect: { initialDelay: 1 } });
    const reasons: Array<McpLiveError | undefined> = [];
    client.on('close', (reason) => reasons.push(reason));
    await client.connect();
    const pending = client.callTool('forever');
    const rejected = assert.rejects(pending, (error: unknown) => {
      assert.ok(isMcpLiveError(error, 'TRANSPORT'));
      assert.match(
        error.message,
        /the event stream of GET .*\/sse (ended|broke).* cannot be resumed: the server sent no event id/,
      );
      return true;
    });
    await started.promise;
    peer.requests.find((r) => r.method === 'GET')?.res.socket?.destroy();
    await rejected;
    await waitFor(() => reasons.length === 1, 'the close event');
    assert.ok(isMcpLiveError(reasons[0], 'TRANSPORT'));
    assert.equal(client.connected, false);
    assert.equal(
      peer.requests.filter((r) => r.method === 'GET').length,
      1,
      'no reconnection without event ids',
    );
  });
});
