// The official SDK's Client and its StreamableHTTPClientTransport against StreamableHTTPServer over real sockets.
import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  CreateMessageRequestSchema,
  LoggingMessageNotificationSchema,
  ResourceUpdatedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { s } from '../../src/schema/index.ts';
import { McpServer } from '../../src/server/mcp-server.ts';
import type { StreamableHTTPServerOptions } from '../../src/transports/index.ts';
import { delay, MODES, type StreamableHarness, startStreamable, until } from './streamable-harness.ts';

function demoServer(): McpServer {
  const server = new McpServer({ name: 'interop', version: '1.0.0' });
  server.tool(
    'stream_data',
    {
      description: 'Counts with progress',
      input: { source: s.string().required(), count: s.number().default(3) },
    },
    async ({ source, count }, ctx) => {
      for (let i = 1; i <= count; i++) {
        ctx.progress(i, count, `item ${i} of ${source}`);
        await delay(5);
      }
      return `${source}:${count}`;
    },
  );
  server.tool('whoami', {}, async (_args, ctx) => {
    ctx.notify('custom_event', { owner: ctx.session.id });
    return ctx.session.id;
  });
  server.tool('chatty', {}, (_args, ctx) => {
    ctx.log('info', 'quiet detail');
    ctx.log('error', 'loud problem');
    return 'logged';
  });
  server.tool('ask_llm', {}, async (_args, ctx) => {
    const answer = await ctx.sample({
      messages: [{ role: 'user', content: { type: 'text', text: 'hi?' } }],
      maxTokens: 5,
    });
    return JSON.stringify(answer.content);
  });
  server.resource('metrics://current', { name: 'metrics', mimeType: 'application/json' }, () => '{"cpu":1}');
  return server;
}

async function connect(
  t: TestContext,
  h: StreamableHarness,
  capabilities: Record<string, unknown> = {},
  fetchFn: typeof fetch = fetch,
) {
  const client = new Client({ name: 'sdk-client', version: '1.0.0' }, { capabilities });
  const transport = new StreamableHTTPClientTransport(new URL(h.url), {
    fetch: fetchFn,
    reconnectionOptions: {
      initialReconnectionDelay: 10,
      maxReconnectionDelay: 50,
      reconnectionDelayGrowFactor: 1.5,
      maxRetries: 5,
    },
  });
  await client.connect(transport);
  t.after(() => client.close());
  return { client, transport };
}

const custom = (client: Client) => {
  const seen: Array<Record<string, unknown>> = [];
  client.fallbackNotificationHandler = async (n) => void seen.push({ method: n.method, ...n.params });
  return seen;
};

for (const mode of MODES) {
  const start = (t: TestContext, options: StreamableHTTPServerOptions = {}) =>
    startStreamable(t, mode, { retryInterval: 10, ...options }, demoServer());

  describe(`SDK StreamableHTTPClientTransport interop (${mode})`, () => {
    test('initializes with a session id, lists tools and calls one with progress', async (t) => {
      const h = await start(t);
      const { client, transport } = await connect(t, h);
      assert.deepEqual(client.getServerVersion(), { name: 'interop', version: '1.0.0' });
      assert.equal(transport.sessionId, [...h.server.sessions][0]?.id);
      assert.equal(transport.protocolVersion, '2025-11-25');
      const { tools } = await client.listTools();
      assert.ok(tools.some((tool) => tool.name === 'stream_data'));
      const progress: number[] = [];
      const result = await client.callTool({ name: 'stream_data', arguments: { source: 'db' } }, undefined, {
        onprogress: (p) => void progress.push(p.progress),
      });
      assert.deepEqual(result.content, [{ type: 'text', text: 'db:3' }]);
      assert.deepEqual(progress, [1, 2, 3]);
    });

    test('request notifications ride the POST stream; server notifications reach the GET stream', async (t) => {
      const h = await start(t);
      const { client } = await connect(t, h);
      const seen = custom(client);
      const logs: string[] = [];
      client.setNotificationHandler(
        LoggingMessageNotificationSchema,
        (n) => void logs.push(`${n.params.level}`),
      );
      await client.setLoggingLevel('warning');
      const session = (await client.callTool({ name: 'whoami' })).content as Array<{ text: string }>;
      await client.callTool({ name: 'chatty' });
      await until(() => seen.length === 1 && logs.length === 1);
      assert.deepEqual(seen[0], { method: 'custom_event', owner: session[0]!.text });
      assert.deepEqual(logs, ['error']);

      const updated = new Promise<string>((resolve) =>
        client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => resolve(n.params.uri)),
      );
      await client.subscribeResource({ uri: 'metrics://current' });
      // Sent whether or not the GET stream is open yet: the stream keeps it until the client reads it.
      assert.equal(await h.server.resourceUpdated('metrics://current'), 1);
      assert.equal(await updated, 'metrics://current');
      assert.equal(await h.server.broadcast('system_metrics', { cpu: 2 }), 1);
      await until(() => seen.some((n) => n.method === 'system_metrics'));
    });

    test('a sampling request on the POST stream is answered by the client', async (t) => {
      const h = await start(t);
      const { client } = await connect(t, h, { sampling: {} });
      client.setRequestHandler(CreateMessageRequestSchema, async () => ({
        role: 'assistant',
        content: { type: 'text', text: 'hello from the LLM' },
        model: 'test-model',
      }));
      const result = await client.callTool({ name: 'ask_llm' });
      assert.deepEqual(JSON.parse((result.content as Array<{ text: string }>)[0]!.text), {
        type: 'text',
        text: 'hello from the LLM',
      });
    });

    test('after the network drops mid-call, the client resumes the stream and gets every event once', async (t) => {
      const h = await start(t);
      let release!: () => void;
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      let finish!: () => void;
      const finished = new Promise<void>((resolve) => {
        finish = resolve;
      });
      h.server.tool('slow', {}, async (_args, ctx) => {
        ctx.progress(1, 3);
        await released;
        ctx.progress(2, 3);
        ctx.progress(3, 3);
        setImmediate(finish);
        return ctx.signal.aborted ? 'aborted' : 'finished';
      });
      // Resumptions wait until the tool is done, so that everything after the drop comes from the store.
      const resumptions: string[] = [];
      const delayed: typeof fetch = async (input, init) => {
        const lastEventId = new Headers(init?.headers).get('last-event-id');
        if (init?.method === 'GET' && lastEventId !== null) {
          resumptions.push(lastEventId);
          await finished;
        }
        return fetch(input, init);
      };
      const { client } = await connect(t, h, {}, delayed);
      const progress: number[] = [];
      const call = client.callTool({ name: 'slow' }, undefined, {
        onprogress: (p) => void progress.push(p.progress),
        timeout: 10_000,
      });
      await until(() => progress.length === 1, 3_000, 'the first progress');
      h.dropConnections();
      release();
      const result = await call;
      assert.deepEqual(result.content, [{ type: 'text', text: 'finished' }]);
      assert.deepEqual(progress, [1, 2, 3]);
      assert.ok(resumptions.length >= 1, 'the client resumed with Last-Event-ID');
    });

    test('closing the client ends its session on the server (DELETE)', async (t) => {
      const h = await start(t);
      const { client, transport } = await connect(t, h);
      assert.equal(h.transport.sessionCount, 1);
      await transport.terminateSession();
      await client.close();
      assert.equal(h.transport.sessionCount, 0);
      assert.equal(h.server.sessionCount, 0);
    });

    test('stateless and JSON-response servers work with the SDK client', async (t) => {
      for (const options of [
        { stateless: true },
        { jsonResponse: true },
        { stateless: true, jsonResponse: true },
      ]) {
        const h = await start(t, options);
        const { client, transport } = await connect(t, h);
        assert.equal(transport.sessionId, options.stateless ? undefined : [...h.server.sessions][0]?.id);
        const progress: number[] = [];
        const result = await client.callTool(
          { name: 'stream_data', arguments: { source: 'x', count: 2 } },
          undefined,
          {
            onprogress: (p) => void progress.push(p.progress),
          },
        );
        assert.deepEqual(result.content, [{ type: 'text', text: 'x:2' }]);
        // Progress needs a stream: the POST's (SSE mode) or the GET one (sessionful JSON mode).
        if (!options.jsonResponse) assert.deepEqual(progress, [1, 2]);
        else if (!options.stateless) await until(() => progress.length === 2);
        await client.close();
      }
    });
  });
}
