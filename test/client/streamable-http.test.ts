import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { CreateMessageResultSchema, SubscribeRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import * as z from 'zod';
import { connect } from '../../src/client/connect.ts';
import { HTTPError, isHTTPError } from '../../src/client/http-error.ts';
import { isMcpLiveError } from '../../src/protocol/mcp-live-error.ts';
import { isProtocolError } from '../../src/protocol/protocol-error.ts';
import { clientFor, deferred, startStreamablePeer, waitFor } from './helpers.ts';

describe('Streamable HTTP client against the SDK server', () => {
  test('connects, keeps the session id, and sends MCP-Protocol-Version on every request after initialize', async (t) => {
    const peer = await startStreamablePeer(t, {
      setup: (server) => server.registerTool('noop', {}, async () => ({ content: [] })),
    });
    const client = clientFor(t, { url: peer.url, transport: 'streamable-http' });
    const result = await client.connect();
    assert.equal(result.serverInfo.name, 'sdk-peer');
    assert.equal(result.protocolVersion, '2025-11-25');
    assert.equal(client.transport, 'streamable-http');
    assert.equal(client.serverInfo?.name, 'sdk-peer');
    assert.match(client.sessionId ?? '', /^[0-9a-f-]{36}$/);
    await client.ping();

    const [initialize, ...later] = peer.requests.filter((r) => r.method === 'POST');
    assert.equal((initialize!.body as { method: string }).method, 'initialize');
    assert.equal(initialize!.headers.accept, 'application/json, text/event-stream');
    assert.equal(initialize!.headers['mcp-protocol-version'], undefined);
    assert.ok(later.length >= 2, 'notifications/initialized and ping follow');
    for (const request of later) {
      assert.equal(request.headers['mcp-session-id'], client.sessionId);
      assert.equal(request.headers['mcp-protocol-version'], '2025-11-25');
    }
  });

  test('reads answers sent as application/json, through an injected fetch', async (t) => {
    const peer = await startStreamablePeer(t, {
      enableJsonResponse: true,
      setup: (server) =>
        server.registerTool('add', { inputSchema: { a: z.number(), b: z.number() } }, async ({ a, b }) => ({
          content: [{ type: 'text', text: String(a + b) }],
        })),
    });
    const seen: string[] = [];
    const client = clientFor(t, {
      url: peer.url,
      protocol: '2025',
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        seen.push(`${init?.method} ${response.status} ${response.headers.get('content-type')}`);
        return response;
      },
    });
    await client.connect();
    assert.deepEqual((await client.callTool('add', { a: 2, b: 3 })).content, [{ type: 'text', text: '5' }]);
    assert.deepEqual(
      seen.filter((line) => line.startsWith('POST')),
      ['POST 200 application/json', 'POST 202 null', 'POST 200 application/json'],
    );
  });

  test('lists tools and calls one, giving onProgress each progress notification of that call', async (t) => {
    const peer = await startStreamablePeer(t, {
      setup: (server) =>
        server.registerTool(
          'count',
          { description: 'Counts to n', inputSchema: { n: z.number() } },
          async ({ n }, extra) => {
            for (let i = 1; i <= n; i++) {
              const progressToken = extra._meta?.progressToken ?? 'none';
              await extra.sendNotification({
                method: 'notifications/progress',
                params: { progressToken, progress: i, total: n, message: `step ${i}` },
              });
            }
            return { content: [{ type: 'text', text: `counted to ${n}` }] };
          },
        ),
    });
    const client = await connect(peer.url);
    t.after(() => client.close());
    const { tools } = await client.listTools();
    assert.deepEqual(
      tools.map((tool) => [tool.name, tool.description]),
      [['count', 'Counts to n']],
    );
    const seen: Array<[number, number | undefined, string | undefined]> = [];
    const result = await client.callTool(
      'count',
      { n: 3 },
      { onProgress: (p) => seen.push([p.progress, p.total, p.message]) },
    );
    assert.deepEqual(result.content, [{ type: 'text', text: 'counted to 3' }]);
    assert.deepEqual(seen, [
      [1, 3, 'step 1'],
      [2, 3, 'step 2'],
      [3, 3, 'step 3'],
    ]);
  });

  test('aborting a call sends notifications/cancelled: the handler signal aborts and the call rejects ABORTED', async (t) => {
    const started = deferred();
    const serverSawAbort = deferred<string>();
    const peer = await startStreamablePeer(t, {
      setup: (server) =>
        server.registerTool('wait', {}, async (extra) => {
          started.resolve();
          await new Promise<void>((resolve) =>
            extra.signal.addEventListener('abort', () => {
              serverSawAbort.resolve(String(extra.signal.reason));
              resolve();
            }),
          );
          return { content: [] };
        }),
    });
    const client = clientFor(t, { url: peer.url });
    await client.connect();
    const controller = new AbortController();
    const call = client.callTool('wait', {}, { signal: controller.signal });
    await started.promise;
    controller.abort(new Error('user pressed stop'));
    await assert.rejects(call, (error: unknown) => {
      assert.ok(isMcpLiveError(error, 'ABORTED'));
      assert.match(error.message, /"tools\/call" \(request \d+\) was aborted: user pressed stop/);
      return true;
    });
    assert.match(await serverSawAbort.promise, /user pressed stop/);
    const bodies = peer.requests.map((r) => r.body as { id?: number; method?: string; params?: unknown });
    const callId = bodies.find((b) => b?.method === 'tools/call')?.id;
    const cancel = bodies.find((b) => b?.method === 'notifications/cancelled');
    assert.deepEqual(cancel?.params, { requestId: callId, reason: 'user pressed stop' });
  });

  test('close() right after an abort still delivers the cancellation to the server', async (t) => {
    const started = deferred();
    const serverSawAbort = deferred<string>();
    const peer = await startStreamablePeer(t, {
      setup: (server) =>
        server.registerTool('wait', {}, async (extra) => {
          started.resolve();
          await new Promise<void>((resolve) =>
            extra.signal.addEventListener('abort', () => {
              serverSawAbort.resolve(String(extra.signal.reason));
              resolve();
            }),
          );
          return { content: [] };
        }),
    });
    const client = clientFor(t, { url: peer.url });
    await client.connect();
    const controller = new AbortController();
    const call = client.callTool('wait', {}, { signal: controller.signal });
    await started.promise;
    controller.abort(new Error('leaving now'));
    await assert.rejects(call);
    await client.close();
    const cancel = peer.requests
      .map((r) => r.body as { method?: string; params?: { reason?: string } })
      .find((b) => b?.method === 'notifications/cancelled');
    assert.equal(cancel?.params?.reason, 'leaving now');
    assert.match(await serverSawAbort.promise, /leaving now/);
  });

  test('a request without an answer in time rejects TIMEOUT and is cancelled on the server', async (t) => {
    const serverSawAbort = deferred();
    const peer = await startStreamablePeer(t, {
      setup: (server) =>
        server.registerTool('hang', {}, async (extra) => {
          extra.signal.addEventListener('abort', () => serverSawAbort.resolve());
          await new Promise((resolve) => extra.signal.addEventListener('abort', resolve));
          return { content: [] };
        }),
    });
    const client = clientFor(t, { url: peer.url });
    await client.connect();
    await assert.rejects(client.callTool('hang', {}, { timeout: 50 }), (error: unknown) => {
      assert.ok(isMcpLiveError(error, 'TIMEOUT'));
      assert.match(error.message, /"tools\/call" \(request \d+\) got no answer within 50 ms/);
      return true;
    });
    await serverSawAbort.promise;
  });

  test('reads resources, subscribes, and gets resources/updated on the standalone GET stream', async (t) => {
    const subscribed: string[] = [];
    const peer = await startStreamablePeer(t, {
      setup: (server) => {
        server.server.registerCapabilities({ resources: { subscribe: true } });
        server.registerResource('memo', 'memo://one', { mimeType: 'text/plain' }, async (uri) => ({
          contents: [{ uri: uri.href, text: 'first memo' }],
        }));
        server.registerResource(
          'note',
          new ResourceTemplate('note://{id}', { list: undefined }),
          {},
          async (uri, { id }) => ({ contents: [{ uri: uri.href, text: `note ${String(id)}` }] }),
        );
        server.server.setRequestHandler(SubscribeRequestSchema, async (request) => {
          subscribed.push(request.params.uri);
          return {};
        });
      },
    });
    const client = clientFor(t, { url: peer.url, protocol: '2025' });
    await client.connect();
    const { resources } = await client.listResources();
    assert.deepEqual(
      resources.map((r) => r.uri),
      ['memo://one'],
    );
    const { resourceTemplates } = await client.listResourceTemplates();
    assert.deepEqual(
      resourceTemplates.map((r) => r.uriTemplate),
      ['note://{id}'],
    );
    assert.deepEqual((await client.readResource('memo://one')).contents, [
      { uri: 'memo://one', text: 'first memo' },
    ]);
    assert.deepEqual((await client.readResource('note://7')).contents, [{ uri: 'note://7', text: 'note 7' }]);

    const updates: string[] = [];
    client.onNotification('notifications/resources/updated', ({ uri }) => updates.push(uri));
    await client.subscribe('memo://one');
    assert.deepEqual(subscribed, ['memo://one']);
    await waitFor(() => peer.requests.some((r) => r.method === 'GET' && r.res.headersSent), 'the GET stream');
    await peer.servers[0]!.server.sendResourceUpdated({ uri: 'memo://one' });
    await waitFor(() => updates.length === 1, 'resources/updated');
    assert.deepEqual(updates, ['memo://one']);
  });

  test('a JSON-RPC error response rejects with a ProtocolError carrying the code and message', async (t) => {
    const peer = await startStreamablePeer(t, {
      setup: (server) =>
        server.registerResource('memo', 'memo://one', {}, async (uri) => ({
          contents: [{ uri: uri.href, text: '' }],
        })),
    });
    const client = clientFor(t, { url: peer.url });
    await client.connect();
    await assert.rejects(client.readResource('memo://missing'), (error: unknown) => {
      assert.ok(isProtocolError(error));
      // The SDK answers an unknown resource with -32602 (invalid params).
      assert.equal(error.code, -32602);
      assert.match(error.message, /Resource memo:\/\/missing not found/);
      return true;
    });
  });

  test('lists prompts and gets one with its arguments', async (t) => {
    const peer = await startStreamablePeer(t, {
      setup: (server) =>
        server.registerPrompt(
          'greet',
          { description: 'Greets someone', argsSchema: { name: z.string() } },
          ({ name }) => ({
            messages: [{ role: 'user', content: { type: 'text', text: `Say hello to ${name}` } }],
          }),
        ),
    });
    const client = clientFor(t, { url: peer.url });
    await client.connect();
    const { prompts } = await client.listPrompts();
    assert.deepEqual(
      prompts.map((p) => [p.name, p.description, p.arguments?.map((a) => a.name)]),
      [['greet', 'Greets someone', ['name']]],
    );
    const prompt = await client.getPrompt('greet', { name: 'Ada' });
    assert.deepEqual(prompt.messages, [
      { role: 'user', content: { type: 'text', text: 'Say hello to Ada' } },
    ]);
  });

  test('answers sampling/createMessage through a request handler, declaring the sampling capability', async (t) => {
    const peer = await startStreamablePeer(t, {
      setup: (server) =>
        server.registerTool('summarize', {}, async (extra) => {
          const answer = await extra.sendRequest(
            {
              method: 'sampling/createMessage',
              params: {
                messages: [{ role: 'user', content: { type: 'text', text: 'Summarize' } }],
                maxTokens: 20,
              },
            },
            CreateMessageResultSchema,
          );
          const text = answer.content.type === 'text' ? answer.content.text : '?';
          return { content: [{ type: 'text', text: `model ${answer.model} said: ${text}` }] };
        }),
    });
    const client = clientFor(t, { url: peer.url, protocol: '2025' });
    const asked: unknown[] = [];
    client.setRequestHandler('sampling/createMessage', async (params) => {
      asked.push(params.messages[0]?.content);
      return { role: 'assistant', content: { type: 'text', text: 'all good' }, model: 'test-model' };
    });
    await client.connect();
    const init = peer.requests[0]?.body as { params: { capabilities: Record<string, unknown> } };
    assert.deepEqual(init.params.capabilities, { sampling: {} });
    const result = await client.callTool('summarize');
    assert.deepEqual(result.content, [{ type: 'text', text: 'model test-model said: all good' }]);
    assert.deepEqual(asked, [{ type: 'text', text: 'Summarize' }]);
  });

  test('a server request without a client handler is answered -32601', async (t) => {
    const peer = await startStreamablePeer(t, {
      setup: (server) =>
        server.registerTool('ask', {}, async (extra) => {
          try {
            // A method the client knows nothing about (the SDK's types only allow spec methods).
            const unknown = { method: 'custom/unknown', params: {} } as unknown as { method: 'ping' };
            await extra.sendRequest(unknown, z.object({}));
            return { content: [{ type: 'text', text: 'answered' }] };
          } catch (error) {
            return { content: [{ type: 'text', text: String((error as { code?: unknown }).code) }] };
          }
        }),
    });
    const client = clientFor(t, { url: peer.url });
    await client.connect();
    assert.deepEqual((await client.callTool('ask')).content, [{ type: 'text', text: '-32601' }]);
  });

  test("notifications reach on('notification') and onNotification listeners until they unsubscribe", async (t) => {
    const peer = await startStreamablePeer(t, {
      setup: (server) => {
        server.server.registerCapabilities({ logging: {} });
        server.registerTool('log', { inputSchema: { text: z.string() } }, async ({ text }, extra) => {
          await extra.sendNotification({
            method: 'notifications/message',
            params: { level: 'info', data: text },
          });
          return { content: [] };
        });
      },
    });
    const client = clientFor(t, { url: peer.url });
    await client.connect();
    const all: string[] = [];
    const logged: unknown[] = [];
    const wildcard: string[] = [];
    client.on('notification', (n) => all.push(n.method));
    const stop = client.onNotification('notifications/message', (params) => logged.push(params.data));
    client.onNotification('*', (_params, n) => wildcard.push(n.method));
    await client.callTool('log', { text: 'first' });
    stop();
    await client.callTool('log', { text: 'second' });
    assert.deepEqual(logged, ['first']);
    assert.deepEqual(all, ['notifications/message', 'notifications/message']);
    assert.deepEqual(wildcard, all);
  });

  test('a 401 rejects connect with an HTTPError carrying the status, headers and body; the headers option fixes it', async (t) => {
    const peer = await startStreamablePeer(t, { auth: 'Bearer s3cret' });
    const refused = clientFor(t, { url: peer.url });
    await assert.rejects(refused.connect(), (error: unknown) => {
      assert.ok(error instanceof HTTPError && isHTTPError(error));
      assert.ok(isMcpLiveError(error, 'HTTP_STATUS'));
      assert.equal(error.status, 401);
      assert.equal(
        error.message,
        `POST ${peer.url.href} answered 401 Unauthorized: missing bearer token (pass credentials in the client's \`headers\` option)`,
      );
      assert.deepEqual(error.request, { method: 'POST', url: peer.url.href });
      assert.equal(error.response.statusText, 'Unauthorized');
      assert.equal(error.response.headers.get('www-authenticate'), 'Bearer realm="peer"');
      assert.equal(error.response.body, 'Unauthorized: missing bearer token');
      assert.equal((error.data as { status: number }).status, 401);
      return true;
    });
    assert.ok(!peer.requests.some((r) => r.method === 'GET'), 'a 401 does not fall back to HTTP+SSE');

    const allowed = clientFor(t, { url: peer.url, headers: () => ({ authorization: 'Bearer s3cret' }) });
    await allowed.connect();
    await allowed.ping();
  });

  test('close() DELETEs the session, ends the GET stream and rejects pending requests', async (t) => {
    const started = deferred();
    const peer = await startStreamablePeer(t, {
      setup: (server) =>
        server.registerTool('forever', {}, async () => {
          started.resolve();
          return new Promise(() => {});
        }),
    });
    const client = clientFor(t, { url: peer.url });
    const closed: unknown[] = [];
    client.on('close', (reason) => closed.push(reason));
    await client.connect();
    const sessionId = client.sessionId;
    const pending = client.callTool('forever');
    await started.promise;
    const rejected = assert.rejects(pending, (error: unknown) => {
      assert.ok(isMcpLiveError(error, 'SESSION_CLOSED'));
      assert.match(error.message, /the client closed before "tools\/call" \(request \d+\) was answered/);
      return true;
    });
    await client.close();
    await rejected;
    const deletes = peer.requests.filter((r) => r.method === 'DELETE');
    assert.equal(deletes.length, 1);
    assert.equal(deletes[0]?.headers['mcp-session-id'], sessionId);
    assert.deepEqual(closed, [undefined]);
    await assert.rejects(client.ping(), (error: unknown) => isMcpLiveError(error, 'SESSION_CLOSED'));
  });
});
