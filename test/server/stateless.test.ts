// Stateless requests (MCP 2026-07-28) through the in-memory test client: _meta per request, discover,
// input_required rounds with sealed requestState, caching hints, and one handler for both eras.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isProtocolError, McpServer, type ProtocolError, s, text } from '../../src/index.ts';
import { connectTestClient, type TestClient } from '../../src/testing/index.ts';

const MODERN = '2026-07-28';
const ALL = { elicitation: {}, sampling: {}, roots: {} };

function newServer(options: ConstructorParameters<typeof McpServer>[1] = {}) {
  const server = new McpServer({ name: 'stateless-test', version: '1.0.0' }, options);
  server.resource('test://doc', { name: 'doc', mimeType: 'text/plain' }, () => 'the doc');
  return server;
}

function modern(server: McpServer, options: Parameters<typeof connectTestClient>[1] = {}) {
  return connectTestClient(server, { protocolVersion: MODERN, capabilities: ALL, ...options });
}

async function rejection(promise: Promise<unknown>): Promise<ProtocolError> {
  try {
    await promise;
  } catch (error) {
    if (isProtocolError(error)) return error;
    throw error;
  }
  assert.fail('expected a JSON-RPC error');
}

/** Answers every elicitation with `content` and every sampling request with `reply`. */
function answering(client: TestClient, content: Record<string, unknown>, reply = 'Paris') {
  client.onRequest('elicitation/create', () => ({ action: 'accept', content }));
  client.onRequest('sampling/createMessage', () => ({
    role: 'assistant',
    content: { type: 'text', text: reply },
    model: 'test',
  }));
  client.onRequest('roots/list', () => ({ roots: [{ uri: 'file:///work' }] }));
}

describe('discover and results', () => {
  test('server/discover names the versions, the capabilities the server handles, and itself', async () => {
    const server = newServer({ instructions: 'Use the doc.' });
    server.tool('t', { description: 'a tool' }, () => 'ok');
    const client = await modern(server);
    const result = await client.request('server/discover');
    assert.equal(result.resultType, 'complete');
    assert.deepEqual((result.supportedVersions as string[]).slice(0, 2), [MODERN, '2025-11-25']);
    const capabilities = result.capabilities as Record<string, unknown>;
    assert.deepEqual(capabilities.tools, { listChanged: true });
    assert.deepEqual(capabilities.resources, { subscribe: true, listChanged: true });
    assert.equal(result.instructions, 'Use the doc.');
    assert.deepEqual(
      (result._meta as Record<string, unknown>)['io.modelcontextprotocol/serverInfo'],
      server.info,
    );
  });

  test('the methods 2026-07-28 removed answer -32601, and an unknown resource -32602 with its uri', async () => {
    const client = await modern(newServer());
    for (const method of ['initialize', 'ping', 'logging/setLevel', 'resources/subscribe']) {
      const error = await rejection(client.request(method, { uri: 'test://doc' }));
      assert.equal(error.code, -32601, method);
    }
    const missing = await rejection(client.request('resources/read', { uri: 'test://nope' }));
    assert.equal(missing.code, -32602);
    assert.deepEqual(missing.data, { uri: 'test://nope' });
  });

  test('a request without client capabilities in _meta is refused with -32602', async () => {
    const client = await modern(newServer());
    const meta = { 'io.modelcontextprotocol/clientCapabilities': null };
    const error = await rejection(client.request('resources/list', { _meta: meta }));
    assert.equal(error.code, -32602);
    assert.match(error.message, /clientCapabilities/);
  });

  test('caching hints: defaults, the server option, and a resource with a hint of its own', async () => {
    const server = newServer({ cache: { lists: { ttlMs: 5_000 } } });
    server.tool('t', {}, () => 'ok');
    server.resource(
      'test://live',
      { name: 'live', cache: { ttlMs: 1_000, cacheScope: 'public' } },
      () => 'x',
    );
    const client = await modern(server);
    const list = await client.request('resources/list');
    assert.deepEqual([list.ttlMs, list.cacheScope], [5_000, 'public']);
    const discover = await client.request('server/discover');
    assert.deepEqual([discover.ttlMs, discover.cacheScope], [60_000, 'public']);
    const doc = await client.request('resources/read', { uri: 'test://doc' });
    assert.deepEqual([doc.ttlMs, doc.cacheScope], [0, 'private']);
    const live = await client.request('resources/read', { uri: 'test://live' });
    assert.deepEqual([live.ttlMs, live.cacheScope], [1_000, 'public']);
    const call = await client.request('tools/list');
    assert.equal(call.ttlMs, 5_000);
    assert.throws(() => newServer({ cache: { resources: { ttlMs: -1 } } }), {
      code: 'INVALID_OPTION',
      message: /^McpServer option cache\.resources\.ttlMs must be an integer ≥ 0 \(got -1\)/,
    });
  });

  test('logs reach a request only when its _meta asks for a level', async () => {
    const server = newServer();
    server.tool('talk', {}, (_args, ctx) => {
      ctx.log('info', 'hello');
      ctx.log('debug', 'details');
      return 'done';
    });
    const quiet = await modern(server);
    await quiet.callTool('talk');
    assert.equal(quiet.notifications.filter((n) => n.method === 'notifications/message').length, 0);
    const chatty = await modern(server, { logLevel: 'info' });
    await chatty.callTool('talk');
    const logs = chatty.notifications.filter((n) => n.method === 'notifications/message');
    assert.deepEqual(
      logs.map((n) => n.params?.data),
      ['hello'],
    );
  });
});

describe('input_required rounds', () => {
  test('one handler serves both eras: a real request in a 2025 session, rounds in a 2026 request', async () => {
    const server = newServer();
    const runs: string[] = [];
    server.tool('plan', { input: { city: s.string().required() } }, async ({ city }, ctx) => {
      runs.push(ctx.stateless ? 'stateless' : 'session');
      const who = await ctx.elicit({
        message: 'Your name?',
        requestedSchema: { type: 'object', properties: { name: { type: 'string' } } },
      });
      const reply = await ctx.sample({
        messages: [{ role: 'user', content: { type: 'text', text: `Capital near ${city}?` } }],
        maxTokens: 10,
      });
      const said = reply.content.type === 'text' ? reply.content.text : '?';
      return text(`${String(who.content?.name)} → ${said}`);
    });
    const legacy = await connectTestClient(server, { capabilities: ALL });
    answering(legacy, { name: 'Ann' });
    assert.deepEqual((await legacy.callTool('plan', { city: 'Lyon' })).content, [
      { type: 'text', text: 'Ann → Paris' },
    ]);
    assert.deepEqual(runs, ['session']);
    const current = await modern(server);
    answering(current, { name: 'Bo' }, 'Rome');
    assert.deepEqual((await current.callTool('plan', { city: 'Pisa' })).content, [
      { type: 'text', text: 'Bo → Rome' },
    ]);
    // The first run asks for the name, the second for the completion, the third completes.
    assert.deepEqual(runs, ['session', 'stateless', 'stateless', 'stateless']);
    assert.deepEqual(
      current.serverRequests.map((r) => [r.id, r.method]),
      [
        ['elicit-0', 'elicitation/create'],
        ['sample-1', 'sampling/createMessage'],
      ],
    );
  });

  test('asks made together leave in one round; ctx.state rides along; finally blocks run', async () => {
    const server = newServer();
    let cleanups = 0;
    server.tool('both', {}, async (_args, ctx) => {
      ctx.state.seen = ((ctx.state.seen as number | undefined) ?? 0) + 1;
      try {
        const [a, b] = await Promise.all([
          ctx.elicit({ message: 'A?', requestedSchema: { type: 'object', properties: {} } }, { key: 'a' }),
          ctx.listRoots({ key: 'roots' }),
        ]);
        return `${a.action} ${b.roots.length} seen=${String(ctx.state.seen)}`;
      } finally {
        cleanups++;
      }
    });
    const client = await modern(server);
    const first = await client.request('tools/call', { name: 'both' }, { answerInput: false });
    assert.equal(first.resultType, 'input_required');
    assert.deepEqual(Object.keys(first.inputRequests as object).sort(), ['a', 'roots']);
    assert.equal(typeof first.requestState, 'string');
    answering(client, {});
    const done = await client.callTool('both');
    assert.deepEqual(done.content, [{ type: 'text', text: 'accept 1 seen=2' }]);
    // The raw first call and the two runs of the answered call each left through finally.
    assert.equal(cleanups, 3);
  });

  test('a malformed answer is asked again; an undeclared capability gets -32021', async () => {
    const server = newServer();
    server.tool('ask', {}, async (_args, ctx) => {
      const a = await ctx.elicit({ message: 'x', requestedSchema: { type: 'object', properties: {} } });
      return a.action;
    });
    const client = await modern(server);
    const again = await client.request(
      'tools/call',
      { name: 'ask', inputResponses: { 'elicit-0': { action: 'maybe' } } },
      { answerInput: false },
    );
    assert.equal(again.resultType, 'input_required');
    const bare = await modern(server, { capabilities: {} });
    const error = await rejection(bare.callTool('ask'));
    assert.equal(error.code, -32021);
    assert.deepEqual(error.data, { requiredCapabilities: { elicitation: {} } });
  });

  test('requestState is bound to its tool, arguments and caller, and refused when altered', async () => {
    const server = newServer();
    let secondRounds = 0;
    for (const name of ['one', 'two']) {
      server.tool(name, { input: { n: s.integer() } }, async (_args, ctx) => {
        await ctx.elicit({ message: 'x', requestedSchema: { type: 'object', properties: {} } });
        secondRounds++;
        return 'ok';
      });
    }
    const client = await modern(server, { principal: { sub: 'alice' } });
    const first = await client.request(
      'tools/call',
      { name: 'one', arguments: { n: 1 } },
      { answerInput: false },
    );
    const state = first.requestState as string;
    const retry = (name: string, args: object, requestState: string, c = client) =>
      rejection(c.request('tools/call', { name, arguments: args, requestState, inputResponses: {} }));
    for (const error of [
      await retry('two', { n: 1 }, state),
      await retry('one', { n: 2 }, state),
      await retry('one', { n: 1 }, `${state.slice(0, -2)}AA`),
      await retry('one', { n: 1 }, state, await modern(server, { principal: { sub: 'mallory' } })),
    ]) {
      assert.equal(error.code, -32602);
      assert.match(error.message, /requestState/);
    }
    assert.equal(secondRounds, 0);
  });

  test('a handler that changes its arguments before it asks still finishes on the retry', async () => {
    const server = newServer();
    const seen: string[] = [];
    server.tool(
      'edit',
      { input: { city: s.string().required(), tags: s.array(s.string()).required() } },
      async (args, ctx) => {
        seen.push(`${args.city} ${args.tags.join('+')}`);
        // The state is bound to the arguments as they arrived, not to what the handler made of them.
        args.city = args.city.toUpperCase();
        args.tags.push('seen');
        const who = await ctx.elicit({
          message: 'Name?',
          requestedSchema: { type: 'object', properties: {} },
        });
        return `${String(who.content?.name)} in ${args.city}`;
      },
    );
    const client = await modern(server);
    answering(client, { name: 'Ann' });
    const result = await client.request('tools/call', {
      name: 'edit',
      arguments: { city: 'Lyon', tags: ['a'] },
    });
    assert.equal(result.resultType, 'complete');
    assert.deepEqual(result.content, [{ type: 'text', text: 'Ann in LYON' }]);
    assert.deepEqual(seen, ['Lyon a', 'Lyon a']);
  });

  test('instances sharing requestState keys finish each other rounds; keys rotate', async () => {
    const k1 = { id: 'k1', secret: 'a'.repeat(32) };
    const k2 = { id: 'k2', secret: 'b'.repeat(32) };
    const build = (keys: (typeof k1)[]) => {
      const server = newServer({ requestState: { keys } });
      server.tool('ask', {}, async (_args, ctx) => {
        const a = await ctx.elicit({ message: 'x', requestedSchema: { type: 'object', properties: {} } });
        return a.action;
      });
      return server;
    };
    const first = await modern(build([k1]));
    const round = await first.request('tools/call', { name: 'ask' }, { answerInput: false });
    const params = {
      name: 'ask',
      requestState: round.requestState,
      inputResponses: { 'elicit-0': { action: 'decline' } },
    };
    const rotated = await modern(build([k2, k1]));
    const done = await rotated.request('tools/call', params);
    assert.deepEqual(done.content, [{ type: 'text', text: 'decline' }]);
    const retired = await modern(build([k2]));
    const error = await rejection(retired.request('tools/call', params));
    assert.match(error.message, /key id "k1"/);
  });
});
