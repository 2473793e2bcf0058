// MCP 2026-07-28 over stdio: stateless requests with their own `_meta` on the stdio connection, beside
// a 2025 `initialize` session on another connection of the same server. In process over PassThrough
// streams, then a spawned server driven by raw lines and by the official v2 and v1 SDK clients.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { describe, type TestContext, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Client as ClientV2 } from '@modelcontextprotocol/client';
import { StdioClientTransport as StdioClientTransportV2 } from '@modelcontextprotocol/client/stdio';
import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport as StdioClientTransportV1 } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { s } from '../../src/schema/index.ts';
import { McpServer } from '../../src/server/mcp-server.ts';
import { transportHost } from '../../src/server/transport-host.ts';
import { StdioTransport } from '../../src/stdio.ts';
import { until } from './harness.ts';
import { LineReader, type Message } from './line-reader.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../fixtures/stdio-modern-server.ts', import.meta.url));
const ARGS = ['--import', 'tsx', FIXTURE];

const SUBSCRIPTION_ID = 'io.modelcontextprotocol/subscriptionId';
const SERVER_INFO = 'io.modelcontextprotocol/serverInfo';

/** A 2026-07-28 request: everything about the client rides in `_meta`; `meta` adds to it. */
function modern(
  id: number | string,
  method: string,
  params: Record<string, unknown> = {},
  meta: Record<string, unknown> = {},
) {
  const _meta = {
    'io.modelcontextprotocol/protocolVersion': '2026-07-28',
    'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '1.0.0' },
    'io.modelcontextprotocol/clientCapabilities': { elicitation: {}, sampling: {} },
    ...meta,
  };
  return { jsonrpc: '2.0', id, method, params: { ...params, _meta } };
}

const callTool = (id: number | string, name: string, meta: Record<string, unknown> = {}, extra = {}) =>
  modern(id, 'tools/call', { name, arguments: {}, ...extra }, meta);
const cancel = (requestId: number | string) => ({
  jsonrpc: '2.0',
  method: 'notifications/cancelled',
  params: { requestId, reason: 'the test is done with it' },
});
const isServerRequest = (m: Message) => 'method' in m && 'id' in m;
const text = (m: Message) => (m.result!.content as Array<{ text: string }>)[0]!.text;

/** What the in-process server's handlers saw. */
interface Seen {
  started: string[];
  aborted: string[];
}

function buildServer(seen: Seen): McpServer {
  const server = new McpServer({ name: 'stdio-modern', version: '1.0.0' });
  server.tool('era', {}, (_args, ctx) => `${ctx.stateless ? 'stateless' : 'session'} ${ctx.protocolVersion}`);
  server.tool('ask_name', {}, async (_args, ctx) => {
    // What the handler keeps before it asks comes back, sealed in requestState, when the client retries.
    ctx.state.runs = ((ctx.state.runs as number | undefined) ?? 0) + 1;
    const answer = await ctx.elicit(
      {
        message: 'Your name?',
        requestedSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
      },
      { key: 'name' },
    );
    return `hello ${String(answer.content?.name)} (run ${ctx.state.runs})`;
  });
  server.tool('count', { input: { to: s.number().default(3) } }, ({ to }, ctx) => {
    for (let i = 1; i <= to; i++) ctx.progress(i, to, `step ${i}`);
    return `counted to ${to}`;
  });
  server.tool('chatty', {}, (_args, ctx) => {
    ctx.log('debug', 'a detail');
    ctx.log('warning', 'a worry');
    ctx.log('error', 'a problem');
    return 'logged';
  });
  server.tool('hang', {}, async (_args, ctx) => {
    seen.started.push(String(ctx.requestId));
    await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
    seen.aborted.push(String(ctx.requestId));
    return 'never sent';
  });
  return server;
}

/** One stdio connection of `server` over PassThrough streams, closed after the test. */
async function connectStdio(t: TestContext, server: McpServer) {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stdio = new StdioTransport(server, { stdin, stdout });
  t.after(() => stdio.close());
  await stdio.start();
  const send = (message: unknown) => void stdin.write(`${JSON.stringify(message)}\n`);
  return { stdio, send, out: new LineReader(stdout) };
}

function inProcess(t: TestContext) {
  const seen: Seen = { started: [], aborted: [] };
  const server = buildServer(seen);
  t.after(() => server.close());
  return { server, seen };
}

describe('stdio 2026-07-28: stateless requests on a StdioTransport in process', () => {
  test('server/discover as the first message is answered without initialize', async (t) => {
    const { server } = inProcess(t);
    const c = await connectStdio(t, server);
    c.send(modern(1, 'server/discover'));
    const { found: discovered, before } = await c.out.answer(1);
    assert.deepEqual(before, []);
    const result = discovered.result!;
    assert.equal(result.resultType, 'complete');
    assert.equal((result.supportedVersions as string[])[0], '2026-07-28');
    assert.ok(
      (result.supportedVersions as string[]).includes('2025-11-25'),
      'a dual-era server lists 2025 too',
    );
    assert.deepEqual((result.capabilities as Record<string, unknown>).tools, { listChanged: true });
    assert.deepEqual((result._meta as Record<string, unknown>)[SERVER_INFO], {
      name: 'stdio-modern',
      version: '1.0.0',
    });

    c.send(callTool(2, 'era'));
    assert.equal(text((await c.out.answer(2)).found), 'stateless 2026-07-28');
    assert.equal(c.stdio.session?.protocolVersion, undefined, 'the connection itself stays uninitialized');
    // A request without _meta is of the 2025 revisions, which need initialize first.
    c.send({ jsonrpc: '2.0', id: 3, method: 'tools/list' });
    assert.equal((await c.out.answer(3)).found.error?.code, -32600);
  });

  test('a probe naming a version the server does not speak gets -32022 listing the ones it does', async (t) => {
    const { server } = inProcess(t);
    const c = await connectStdio(t, server);
    c.send(modern(1, 'server/discover', {}, { 'io.modelcontextprotocol/protocolVersion': '2099-01-01' }));
    const { error } = (await c.out.answer(1)).found;
    assert.equal(error?.code, -32022);
    assert.equal(error?.data?.requested, '2099-01-01');
    assert.ok((error!.data!.supported as string[]).includes('2026-07-28'));
  });

  test('a tools/call that asks for input ends with input_required; the retry with the answer completes', async (t) => {
    const { server } = inProcess(t);
    const c = await connectStdio(t, server);
    c.send(callTool(1, 'ask_name'));
    const { found: asked, before } = await c.out.answer(1);
    assert.deepEqual(before, [], 'no elicitation/create request is written to stdout');
    assert.equal(asked.result?.resultType, 'input_required');
    assert.deepEqual(asked.result?.inputRequests, {
      name: {
        method: 'elicitation/create',
        params: {
          message: 'Your name?',
          requestedSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
        },
      },
    });
    const requestState = asked.result?.requestState;
    assert.equal(typeof requestState, 'string');

    const inputResponses = { name: { action: 'accept', content: { name: 'Ada' } } };
    c.send(callTool(2, 'ask_name', {}, { inputResponses, requestState }));
    const { found: done, before: between } = await c.out.answer(2);
    assert.deepEqual(between, [], 'nothing more for the first round');
    assert.equal(done.result?.resultType, 'complete');
    assert.equal(text(done), 'hello Ada (run 2)');
  });

  test('a listen is acknowledged, hears list_changed tagged with its id, and ends on notifications/cancelled', async (t) => {
    const { server } = inProcess(t);
    const c = await connectStdio(t, server);
    c.send(
      modern('sub-1', 'subscriptions/listen', {
        notifications: { toolsListChanged: true, promptsListChanged: true },
      }),
    );
    assert.deepEqual(await c.out.next(), {
      jsonrpc: '2.0',
      method: 'notifications/subscriptions/acknowledged',
      // No prompts are registered, so their list changes are not honoured.
      params: { _meta: { [SUBSCRIPTION_ID]: 'sub-1' }, notifications: { toolsListChanged: true } },
    });
    assert.equal(server.subscriptionCount, 1);

    // Other requests share the channel while the listen stays open.
    c.send(callTool(2, 'era'));
    assert.equal(text((await c.out.answer(2)).found), 'stateless 2026-07-28');
    server.tool('late', {}, () => 'late');
    assert.deepEqual(await c.out.next(), {
      jsonrpc: '2.0',
      method: 'notifications/tools/list_changed',
      params: { _meta: { [SUBSCRIPTION_ID]: 'sub-1' } },
    });

    c.send(cancel('sub-1'));
    await until(() => server.subscriptionCount === 0, 3_000, 'the listen to end');
    server.tool('later', {}, () => 'later');
    c.send(modern(3, 'tools/list'));
    const { found: listed, before } = await c.out.answer(3);
    assert.deepEqual(before, [], 'a cancelled listen gets no more frames');
    assert.ok((listed.result!.tools as Array<{ name: string }>).some((tool) => tool.name === 'later'));
    assert.doesNotMatch(c.out.text, /"id":"sub-1"/, 'nor a response');
  });

  test('a listen the server ends gets the completion result tagged with its id', async (t) => {
    const { server } = inProcess(t);
    const c = await connectStdio(t, server);
    c.send(modern('sub-1', 'subscriptions/listen', { notifications: { toolsListChanged: true } }));
    await c.out.next();
    transportHost(server).endSubscriptions();
    const { found: ended, before } = await c.out.answer('sub-1');
    assert.deepEqual(before, []);
    assert.equal(ended.result?.resultType, 'complete');
    assert.equal((ended.result!._meta as Record<string, unknown>)[SUBSCRIPTION_ID], 'sub-1');
    assert.equal(server.subscriptionCount, 0);
  });

  test('endSubscriptions picking one stdio connection’s session ends the listens of that connection only', async (t) => {
    const { server } = inProcess(t);
    const a = await connectStdio(t, server);
    const b = await connectStdio(t, server);
    a.send(modern('sub-a', 'subscriptions/listen', { notifications: { toolsListChanged: true } }));
    b.send(modern('sub-b', 'subscriptions/listen', { notifications: { toolsListChanged: true } }));
    await Promise.all([a.out.next(), b.out.next()]);
    assert.equal(server.subscriptionCount, 2);
    transportHost(server).endSubscriptions((session) => session === a.stdio.session);
    assert.equal(server.subscriptionCount, 1, 'the listen that came on connection a is ended');
    const { found: ended } = await a.out.answer('sub-a');
    assert.equal((ended.result!._meta as Record<string, unknown>)[SUBSCRIPTION_ID], 'sub-a');
  });

  test('notifications/cancelled aborts a 2026 tools/call, which then gets no response', async (t) => {
    const { server, seen } = inProcess(t);
    const c = await connectStdio(t, server);
    c.send(callTool(1, 'hang'));
    await until(() => seen.started.length === 1, 3_000, 'the tool to start');
    c.send(cancel(1));
    await until(() => seen.aborted.length === 1, 3_000, 'the tool to be aborted');
    c.send(callTool(2, 'era'));
    const { before } = await c.out.answer(2);
    assert.deepEqual(before, []);
    assert.doesNotMatch(c.out.text, /"id":1[,}]/);
  });

  test('progress goes to the request’s token; log messages follow the request’s logLevel, none without one', async (t) => {
    const { server } = inProcess(t);
    const c = await connectStdio(t, server);
    c.send(callTool(1, 'count', { progressToken: 'tok-1' }));
    const counted = await c.out.answer(1);
    assert.equal(text(counted.found), 'counted to 3');
    assert.deepEqual(
      counted.before,
      [1, 2, 3].map((i) => ({
        jsonrpc: '2.0',
        method: 'notifications/progress',
        params: { progressToken: 'tok-1', progress: i, total: 3, message: `step ${i}` },
      })),
    );

    const logged = async (id: number, meta: Record<string, unknown>) => {
      c.send(callTool(id, 'chatty', meta));
      const { found, before } = await c.out.answer(id);
      assert.equal(text(found), 'logged');
      return before.map((m) => (m.method === 'notifications/message' ? m.params?.level : m.method));
    };
    assert.deepEqual(await logged(2, { 'io.modelcontextprotocol/logLevel': 'warning' }), [
      'warning',
      'error',
    ]);
    assert.deepEqual(await logged(3, {}), [], 'a request without a logLevel gets no log messages');
    assert.deepEqual(await logged(4, { 'io.modelcontextprotocol/logLevel': 'debug' }), [
      'debug',
      'warning',
      'error',
    ]);
  });

  test('a 2025 initialize session on another StdioTransport of the same server works beside them', async (t) => {
    const { server } = inProcess(t);
    const fresh = await connectStdio(t, server);
    const legacy = await connectStdio(t, server);
    legacy.send({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: {
        protocolVersion: '2025-11-25',
        capabilities: { elicitation: {} },
        clientInfo: { name: 'legacy', version: '1.0.0' },
      },
    });
    const initialized = (await legacy.out.answer(0)).found.result!;
    assert.equal(initialized.protocolVersion, '2025-11-25');
    assert.deepEqual(initialized.serverInfo, { name: 'stdio-modern', version: '1.0.0' });
    legacy.send({ jsonrpc: '2.0', method: 'notifications/initialized' });

    fresh.send(modern('sub', 'subscriptions/listen', { notifications: { toolsListChanged: true } }));
    await fresh.out.next();
    fresh.send(callTool(1, 'era'));
    legacy.send({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'era', arguments: {} } });
    assert.equal(text((await fresh.out.answer(1)).found), 'stateless 2026-07-28');
    assert.equal(text((await legacy.out.answer(1)).found), 'session 2025-11-25');

    // In the session the elicitation is a real request to the client, answered on stdin.
    legacy.send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'ask_name', arguments: {} } });
    const { found: request } = await legacy.out.until(isServerRequest);
    assert.equal(request.method, 'elicitation/create');
    assert.equal(request.params?.message, 'Your name?');
    legacy.send({ jsonrpc: '2.0', id: request.id, result: { action: 'accept', content: { name: 'Bob' } } });
    assert.equal(text((await legacy.out.answer(2)).found), 'hello Bob (run 1)');
    fresh.send(callTool(2, 'ask_name'));
    assert.equal((await fresh.out.answer(2)).found.result?.resultType, 'input_required');

    // One change: the listen hears it tagged with its id, the session untagged.
    server.tool('late', {}, () => 'late');
    assert.deepEqual((await fresh.out.next()).params, { _meta: { [SUBSCRIPTION_ID]: 'sub' } });
    const { found: changed, before } = await legacy.out.until((m) => m.method !== undefined);
    assert.deepEqual(before, []);
    assert.deepEqual(changed, { jsonrpc: '2.0', method: 'notifications/tools/list_changed' });
    assert.equal(server.sessionCount, 2, 'one session per connection; stateless requests open none');
  });
});

describe('stdio 2026-07-28: a spawned server', () => {
  test('answers server/discover as the first line it reads, then serves stateless requests and exits on EOF', async (t) => {
    const child = spawn(process.execPath, ARGS, { cwd: ROOT });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    t.after(async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    });
    child.stdin.on('error', () => {});
    child.stderr.resume();
    const out = new LineReader(child.stdout);
    const send = (message: unknown) => void child.stdin.write(`${JSON.stringify(message)}\n`);
    send(modern('probe', 'server/discover'));
    const { found: discovered, before } = await out.answer('probe');
    assert.deepEqual(before, []);
    assert.equal((discovered.result!.supportedVersions as string[])[0], '2026-07-28');
    send(callTool(1, 'era'));
    assert.equal(text((await out.answer(1)).found), 'stateless 2026-07-28');
    child.stdin.end();
    assert.equal(await exited, 0);
  });

  test('the v2 client pinned to 2026-07-28 calls tools through input rounds, with progress, and listens', async (t) => {
    const client = new ClientV2(
      { name: 'sdk-v2', version: '2.4.0' },
      {
        capabilities: { elicitation: {}, sampling: {} },
        versionNegotiation: { mode: { pin: '2026-07-28' } },
      },
    );
    const errors: unknown[] = [];
    client.onerror = (error) => void errors.push(error);
    client.setRequestHandler('elicitation/create', async () => ({
      action: 'accept',
      content: { name: 'Ada' },
    }));
    client.setRequestHandler('sampling/createMessage', async () => ({
      role: 'assistant',
      content: { type: 'text', text: 'hi!' },
      model: 'test-model',
    }));
    const transport = new StdioClientTransportV2({
      command: process.execPath,
      args: ARGS,
      cwd: ROOT,
      stderr: 'pipe',
    });
    await client.connect(transport);
    t.after(() => client.close());
    assert.equal(client.getProtocolEra(), 'modern');
    assert.deepEqual(client.getServerVersion(), { name: 'stdio-modern-fixture', version: '1.0.0' });
    const result = (r: unknown) => (r as { content: Array<{ text: string }> }).content[0]!.text;

    assert.equal((await client.discover()).supportedVersions[0], '2026-07-28');
    assert.equal(result(await client.callTool({ name: 'era', arguments: {} })), 'stateless 2026-07-28');
    assert.equal(result(await client.callTool({ name: 'ask_name', arguments: {} })), 'hello Ada');
    assert.equal(result(await client.callTool({ name: 'ask_llm', arguments: {} })), 'the model said: hi!');
    const progress: number[] = [];
    const counted = await client.callTool(
      { name: 'count', arguments: { to: 3 } },
      { onprogress: (p) => void progress.push(p.progress) },
    );
    assert.equal(result(counted), 'counted to 3');
    assert.deepEqual(progress, [1, 2, 3]);
    const read = await client.readResource({ uri: 'memo://greeting' });
    assert.deepEqual(read.contents, [
      { uri: 'memo://greeting', mimeType: 'text/plain', text: 'hello from a resource' },
    ]);
    const prompt = await client.getPrompt({ name: 'greet', arguments: { who: 'Ada' } });
    assert.deepEqual(prompt.messages, [
      { role: 'user', content: { type: 'text', text: 'Please greet Ada' } },
    ]);

    const heard: unknown[] = [];
    client.setNotificationHandler(
      'notifications/tools/list_changed',
      (n) => void heard.push(n.params?._meta),
    );
    const subscription = await client.listen({ toolsListChanged: true }, { timeout: 5_000 });
    assert.deepEqual(subscription.honoredFilter, { toolsListChanged: true });
    assert.equal(
      result(await client.callTool({ name: 'add_tool', arguments: { name: 'late' } })),
      'added late',
    );
    await until(() => heard.length === 1, 3_000, 'tools/list_changed');
    assert.equal(typeof (heard[0] as Record<string, unknown>)[SUBSCRIPTION_ID], 'string');
    await subscription.close();
    assert.equal(await subscription.closed, 'local');
    assert.equal(result(await client.callTool({ name: 'late', arguments: {} })), 'I am late');
    assert.deepEqual(errors, [], 'the server wrote no request and nothing the client could not place');
  });

  test('the v1 client initializes a session with the same server and answers a real elicitation request', async (t) => {
    const client = new ClientV1({ name: 'sdk-v1', version: '1.0.0' }, { capabilities: { elicitation: {} } });
    const asked: string[] = [];
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      asked.push(request.params.message);
      return { action: 'accept', content: { name: 'Bob' } };
    });
    await client.connect(
      new StdioClientTransportV1({ command: process.execPath, args: ARGS, cwd: ROOT, stderr: 'pipe' }),
    );
    t.after(() => client.close());
    const result = (r: unknown) => (r as { content: Array<{ text: string }> }).content[0]!.text;
    assert.equal(result(await client.callTool({ name: 'era', arguments: {} })), 'session 2025-11-25');
    assert.equal(result(await client.callTool({ name: 'ask_name', arguments: {} })), 'hello Bob');
    assert.deepEqual(asked, ['Your name?']);
    const progress: number[] = [];
    await client.callTool({ name: 'count', arguments: { to: 2 } }, undefined, {
      onprogress: (p) => void progress.push(p.progress),
    });
    assert.deepEqual(progress, [1, 2]);
  });
});
