// The official SDK's client and its SSEClientTransport against SSEServer over real sockets.
import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
  LoggingMessageNotificationSchema,
  ResourceUpdatedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { s } from '../../src/schema/index.ts';
import { McpServer } from '../../src/server/mcp-server.ts';
import type { SSEServerOptions } from '../../src/transports/index.ts';
import { delay, type Harness, MODES, type Mode, startSSE, until } from './harness.ts';

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
        // The SDK client handles notifications a microtask after responses: let progress land first.
        await delay(5);
      }
      return `${source}:${count}`;
    },
  );
  server.tool('whoami', {}, async (_args, ctx) => {
    ctx.notify('custom_event', { owner: ctx.session.id });
    await delay(Math.random() * 5);
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
    const choice = await ctx.elicit({ message: 'Pick', requestedSchema: { type: 'object', properties: {} } });
    const roots = await ctx.listRoots();
    return JSON.stringify({ sampled: answer.content, action: choice.action, roots: roots.roots.length });
  });
  server.resource(
    'metrics://current',
    { name: 'metrics', mimeType: 'application/json' },
    () => '{"cpu":50.5}',
  );
  server.prompt('greet', { arguments: { name: { required: true } } }, ({ name }) => `Hello ${name}`);
  return server;
}

async function connect(t: TestContext, h: Harness, capabilities: Record<string, unknown> = {}) {
  const client = new Client({ name: 'sdk-client', version: '1.0.0' }, { capabilities });
  const transport = new SSEClientTransport(new URL(`${h.origin}/mcp/sse`));
  await client.connect(transport);
  t.after(() => client.close());
  return client;
}

const custom = (client: Client) => {
  const seen: Array<Record<string, unknown>> = [];
  client.fallbackNotificationHandler = async (n) => void seen.push({ method: n.method, ...n.params });
  return seen;
};

for (const mode of MODES) {
  describe(`SDK SSEClientTransport interop (${mode as Mode})`, () => {
    const start = (t: TestContext, options: SSEServerOptions = {}) =>
      startSSE(t, mode, { basePath: '/mcp', ...options }, demoServer());

    test('initializes, lists tools and calls one with progress', async (t) => {
      const h = await start(t);
      const client = await connect(t, h);
      assert.deepEqual(client.getServerVersion(), { name: 'interop', version: '1.0.0' });
      const { tools } = await client.listTools();
      assert.ok(tools.some((tool) => tool.name === 'stream_data'));
      const progress: Array<{ progress: number; total?: number | undefined; message?: string | undefined }> =
        [];
      const result = await client.callTool({ name: 'stream_data', arguments: { source: 'db' } }, undefined, {
        onprogress: (p) => void progress.push(p),
      });
      assert.deepEqual(result.content, [{ type: 'text', text: 'db:3' }]);
      assert.deepEqual(
        progress.map((p) => p.progress),
        [1, 2, 3],
      );
      assert.equal(progress[2]?.message, 'item 3 of db');
    });

    test('reads resources, gets prompts, subscribes and receives resources/updated', async (t) => {
      const h = await start(t);
      const client = await connect(t, h);
      const read = await client.readResource({ uri: 'metrics://current' });
      assert.deepEqual(read.contents, [
        { uri: 'metrics://current', mimeType: 'application/json', text: '{"cpu":50.5}' },
      ]);
      const prompt = await client.getPrompt({ name: 'greet', arguments: { name: 'Ada' } });
      assert.deepEqual(prompt.messages, [{ role: 'user', content: { type: 'text', text: 'Hello Ada' } }]);
      const updated = new Promise<string>((resolve) =>
        client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => resolve(n.params.uri)),
      );
      await client.subscribeResource({ uri: 'metrics://current' });
      assert.equal(await h.server.resourceUpdated('metrics://current'), 1);
      assert.equal(await updated, 'metrics://current');
    });

    test('logging/setLevel filters what reaches the client', async (t) => {
      const h = await start(t);
      const client = await connect(t, h);
      const logs: string[] = [];
      client.setNotificationHandler(
        LoggingMessageNotificationSchema,
        (n) => void logs.push(`${n.params.level}:${n.params.data}`),
      );
      await client.setLoggingLevel('warning');
      await client.callTool({ name: 'chatty' });
      await until(() => logs.length > 0);
      await delay(20);
      assert.deepEqual(logs, ['error:loud problem']);
    });

    test('sampling, elicitation and roots requests are answered by the client over POST', async (t) => {
      const h = await start(t);
      const client = await connect(t, h, { sampling: {}, elicitation: {}, roots: {} });
      client.setRequestHandler(CreateMessageRequestSchema, async () => ({
        role: 'assistant',
        content: { type: 'text', text: 'hello from the LLM' },
        model: 'test-model',
      }));
      client.setRequestHandler(ElicitRequestSchema, async () => ({ action: 'decline' }));
      client.setRequestHandler(ListRootsRequestSchema, async () => ({ roots: [{ uri: 'file:///a' }] }));
      const result = await client.callTool({ name: 'ask_llm' });
      const text = (result.content as Array<{ text: string }>)[0]!.text;
      assert.deepEqual(JSON.parse(text), {
        sampled: { type: 'text', text: 'hello from the LLM' },
        action: 'decline',
        roots: 1,
      });
    });

    test('a client-side abort aborts the server handler', async (t) => {
      const h = await start(t);
      let signal: AbortSignal | undefined;
      h.server.tool('wait', {}, (_args, ctx) => {
        signal = ctx.signal;
        return new Promise<string>((resolve) =>
          ctx.signal.addEventListener('abort', () => resolve('aborted')),
        );
      });
      const client = await connect(t, h);
      const controller = new AbortController();
      const pending = client.callTool({ name: 'wait' }, undefined, { signal: controller.signal });
      await until(() => signal !== undefined);
      controller.abort('user pressed stop');
      await assert.rejects(pending);
      await until(() => signal?.aborted === true, 2_000, 'the server handler aborting');
      assert.equal(String(signal?.reason), 'user pressed stop');
    });

    test('two clients never see each other’s responses or notifications; a broadcast reaches both', async (t) => {
      const h = await start(t);
      const a = await connect(t, h);
      const b = await connect(t, h);
      const seenA = custom(a);
      const seenB = custom(b);
      const calls = (client: Client) =>
        Promise.all(Array.from({ length: 20 }, () => client.callTool({ name: 'whoami' })));
      const [resultsA, resultsB] = await Promise.all([calls(a), calls(b)]);
      const ids = (results: Awaited<ReturnType<typeof calls>>) =>
        new Set(results.map((r) => (r.content as Array<{ text: string }>)[0]!.text));
      const [idsA, idsB] = [ids(resultsA), ids(resultsB)];
      assert.equal(idsA.size, 1);
      assert.equal(idsB.size, 1);
      assert.notDeepEqual([...idsA], [...idsB]);
      assert.ok(seenA.every((n) => n.owner === [...idsA][0]));
      assert.ok(seenB.every((n) => n.owner === [...idsB][0]));
      assert.equal(seenA.length, 20);

      assert.equal(await h.server.broadcast('system_metrics', { cpu: 1 }), 2);
      await until(() => [seenA, seenB].every((seen) => seen.some((n) => n.method === 'system_metrics')));
    });

    test('closing the SDK client closes its session on the server once reconnectGracePeriod passes', async (t) => {
      const h = await start(t, { reconnectGracePeriod: 50 });
      const reasons: string[] = [];
      h.server.on('sessionClosed', (_session, reason) => void reasons.push(reason));
      const client = await connect(t, h);
      assert.equal(h.sse.sessionCount, 1);
      await client.close();
      await until(
        () => h.sse.sessionCount === 0 && h.server.sessionCount === 0,
        2_000,
        'the session closing',
      );
      assert.deepEqual(reasons, ['the client did not reconnect within 50 ms (reconnectGracePeriod)']);
    });

    test('with reconnectGracePeriod 0, closing the SDK client closes its session at once', async (t) => {
      const h = await start(t, { reconnectGracePeriod: 0 });
      const reasons: string[] = [];
      h.server.on('sessionClosed', (_session, reason) => void reasons.push(reason));
      const client = await connect(t, h);
      await client.close();
      await until(() => h.server.sessionCount === 0, 2_000, 'the session closing');
      assert.deepEqual(reasons, ['client disconnected']);
    });
  });
}
