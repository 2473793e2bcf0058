// MCP 2026-07-28 over raw HTTP on /mcp, through both paths: JSON answers, refusals with their status,
// code and request id, request streams and their cancellation, and input_required rounds.
import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import { McpServer, type McpServerOptions, s, text } from '../../src/index.ts';
import type { StreamableHTTPServerOptions } from '../../src/transports/index.ts';
import {
  eventually,
  jsonOf,
  MODERN,
  type ModernOptions,
  modernHeaders,
  modernMessage,
  modernPost,
  openModern,
  SERVER_INFO,
} from './stateless-harness.ts';
import {
  errorOf,
  eventsOf,
  LiveStream,
  MODES,
  mcpPost,
  messagesOf,
  openSession,
  send,
  startStreamable,
} from './streamable-harness.ts';

const INFO = { name: 'wire-2026', version: '2.0.0' };
const FORM = { type: 'object', properties: { name: { type: 'string' } } } as const;

function demoServer(options: McpServerOptions = {}) {
  const server = new McpServer(INFO, { instructions: 'Read the doc first.', ...options });
  const calls: string[] = [];
  server.tool('echo', { input: { text: s.string().required() } }, ({ text: said }) => {
    calls.push(said);
    return said;
  });
  server.tool('summarize', {}, async (_args, ctx) => {
    const reply = await ctx.sample({
      messages: [{ role: 'user', content: { type: 'text', text: 'Summarize' } }],
      maxTokens: 5,
    });
    return reply.content.type === 'text' ? reply.content.text : '?';
  });
  server.resource('test://doc', { name: 'doc' }, () => 'the doc');
  server.resource(
    'test://live',
    { name: 'live', cache: { ttlMs: 2_000, cacheScope: 'public' } },
    () => 'now',
  );
  return { server, calls };
}

for (const mode of MODES) {
  const start = (t: TestContext, options: McpServerOptions = {}, http: StreamableHTTPServerOptions = {}) => {
    const demo = demoServer(options);
    return startStreamable(t, mode, http, demo.server).then((h) => ({ ...h, calls: demo.calls }));
  };

  describe(`2026-07-28 JSON answers (${mode})`, () => {
    test('server/discover is one JSON body: versions, capabilities, resultType, serverInfo, caching hint', async (t) => {
      const h = await start(t);
      const answer = await modernPost(h.url, 'server/discover', {}, { id: 'd-1' });
      assert.equal(answer.status, 200);
      assert.equal(answer.headers['content-type'], 'application/json');
      assert.equal(answer.headers['mcp-session-id'], undefined);
      const { id, result } = jsonOf(answer);
      assert.equal(id, 'd-1');
      assert.ok(result);
      const versions = result.supportedVersions as string[];
      assert.equal(versions[0], MODERN);
      assert.ok(versions.includes('2025-11-25') && versions.includes('2025-03-26'));
      const capabilities = result.capabilities as Record<string, unknown>;
      assert.deepEqual(capabilities.tools, { listChanged: true });
      assert.deepEqual(capabilities.resources, { subscribe: true, listChanged: true });
      assert.equal(result.instructions, 'Read the doc first.');
      assert.equal(result.resultType, 'complete');
      assert.deepEqual((result._meta as Record<string, unknown>)[SERVER_INFO], INFO);
      assert.deepEqual([result.ttlMs, result.cacheScope], [60_000, 'public']);
    });

    test('caching hints follow the cache option; a resource with its own cache overrides it', async (t) => {
      const h = await start(t, {
        cache: { lists: { ttlMs: 5_000, cacheScope: 'private' }, resources: { ttlMs: 250 } },
      });
      const list = jsonOf(await modernPost(h.url, 'tools/list')).result!;
      assert.deepEqual(
        (list.tools as Array<{ name: string }>).map((tool) => tool.name),
        ['echo', 'summarize'],
      );
      assert.deepEqual([list.ttlMs, list.cacheScope, list.resultType], [5_000, 'private', 'complete']);
      const doc = jsonOf(await modernPost(h.url, 'resources/read', { uri: 'test://doc' })).result!;
      assert.deepEqual([doc.ttlMs, doc.cacheScope], [250, 'private']);
      const live = jsonOf(await modernPost(h.url, 'resources/read', { uri: 'test://live' })).result!;
      assert.deepEqual([live.ttlMs, live.cacheScope], [2_000, 'public']);
      assert.deepEqual(live.contents, [{ uri: 'test://live', text: 'now' }]);
      // A tool's result is not cacheable: no hint at all.
      const call = jsonOf(await modernPost(h.url, 'tools/call', { name: 'echo', arguments: { text: 'x' } }));
      assert.equal(call.result?.ttlMs, undefined);
      assert.equal(call.result?.cacheScope, undefined);
      assert.deepEqual((call.result!._meta as Record<string, unknown>)[SERVER_INFO], INFO);
    });

    test('no Mcp-Session-Id is minted or echoed, even when the client sends one', async (t) => {
      const h = await start(t);
      const { sessionId } = await openSession(h);
      for (const sent of ['stale-session-of-an-old-client', sessionId]) {
        const answer = await modernPost(h.url, 'tools/list', {}, { headers: { 'Mcp-Session-Id': sent } });
        assert.equal(answer.status, 200, sent);
        assert.equal(answer.headers['mcp-session-id'], undefined, sent);
        assert.ok(Array.isArray(jsonOf(answer).result?.tools), sent);
      }
      // The 2025 session is the only one held: a 2026 request opens none, and did not take that one over.
      assert.equal(h.transport.sessionCount, 1);
      assert.deepEqual(
        [...h.server.sessions].map((session) => session.id),
        [sessionId],
      );
    });

    test('a 2025 session on the same endpoint keeps working while 2026 requests are served', async (t) => {
      const h = await start(t);
      const { headers, sessionId } = await openSession(h);
      const get = await LiveStream.open(t, h.url, { headers });
      assert.equal(get.status, 200);
      const modern = await modernPost(h.url, 'tools/call', { name: 'echo', arguments: { text: 'new' } });
      assert.equal(jsonOf(modern).result?.resultType, 'complete');
      const legacy = await mcpPost(
        h.url,
        { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'echo', arguments: { text: 'old' } } },
        headers,
      );
      assert.equal(legacy.status, 200);
      assert.equal(legacy.headers['mcp-session-id'], sessionId);
      const [response] = messagesOf(legacy.body);
      const result = response?.result as Record<string, unknown>;
      assert.deepEqual(result.content, [{ type: 'text', text: 'old' }]);
      assert.equal(result.resultType, undefined, '2025 results carry no resultType');
      assert.deepEqual(h.calls, ['new', 'old']);
      // The session's GET stream still hears what its session declared.
      h.server.tool('added', {}, () => 'ok');
      const { message } = await get.message((m) => m.method === 'notifications/tools/list_changed');
      assert.equal(message.params, undefined);
      assert.equal(h.transport.sessionCount, 1);
    });
  });

  describe(`2026-07-28 refusals (${mode})`, () => {
    const bodyWithout = (key: string) => {
      const message = modernMessage('tools/list');
      const meta = { ...message.params._meta } as Record<string, unknown>;
      delete meta[key];
      return { ...message, id: `no-${key}`, params: { _meta: meta } };
    };

    test('each check answers 400 with its code and the request id, before any handler runs', async (t) => {
      const h = await start(t);
      const call = { name: 'echo', arguments: { text: 'hi' } };
      const cases: Array<[string, Promise<{ status: number; body: string }>, number]> = [
        [
          'missing MCP-Protocol-Version',
          modernPost(h.url, 'tools/call', call, { id: 11, headers: { 'MCP-Protocol-Version': undefined } }),
          -32020,
        ],
        [
          'missing _meta',
          mcpPost(
            h.url,
            { jsonrpc: '2.0', id: 12, method: 'tools/list', params: {} },
            modernHeaders('tools/list'),
          ),
          -32602,
        ],
        [
          'missing clientCapabilities',
          modernPost(h.url, 'tools/call', call, {
            id: 13,
            meta: { 'io.modelcontextprotocol/clientCapabilities': undefined },
          }),
          -32602,
        ],
        [
          'header ≠ _meta version',
          modernPost(h.url, 'tools/call', call, {
            id: 14,
            meta: { 'io.modelcontextprotocol/protocolVersion': '2026-01-01' },
          }),
          -32020,
        ],
        [
          'Mcp-Method mismatch',
          modernPost(h.url, 'tools/call', call, { id: 15, headers: { 'Mcp-Method': 'tools/list' } }),
          -32020,
        ],
        [
          'Mcp-Method missing',
          modernPost(h.url, 'tools/call', call, { id: 16, headers: { 'Mcp-Method': undefined } }),
          -32020,
        ],
        [
          'Mcp-Name mismatch',
          modernPost(h.url, 'tools/call', call, { id: 17, headers: { 'Mcp-Name': 'summarize' } }),
          -32020,
        ],
        [
          'Mcp-Name missing',
          modernPost(
            h.url,
            'resources/read',
            { uri: 'test://doc' },
            { id: 18, headers: { 'Mcp-Name': undefined } },
          ),
          -32020,
        ],
      ];
      for (const [why, pending, code] of cases) {
        const answer = await pending;
        assert.equal(answer.status, 400, why);
        const body = jsonOf(answer);
        assert.equal(body.error?.code, code, `${why}: ${answer.body}`);
        assert.equal(typeof body.id, 'number', `${why}: the request id is echoed`);
      }
      assert.deepEqual(
        (await Promise.all(cases.map(([, p]) => p))).map((a) => jsonOf(a).id),
        [11, 12, 13, 14, 15, 16, 17, 18],
      );
      assert.deepEqual(h.calls, [], 'no refused request reached its tool');
      for (const key of [
        'io.modelcontextprotocol/protocolVersion',
        'io.modelcontextprotocol/clientCapabilities',
      ]) {
        const answer = await mcpPost(h.url, bodyWithout(key), modernHeaders('tools/list'));
        assert.equal(answer.status, 400, key);
        assert.deepEqual([jsonOf(answer).id, errorOf(answer).code], [`no-${key}`, -32602]);
        assert.match(errorOf(answer).message, new RegExp(key.replace('.', '\\.')));
      }
    });

    test('an unsupported version is 400 -32022 listing the versions spoken and the one asked', async (t) => {
      const h = await start(t);
      const answer = await modernPost(
        h.url,
        'server/discover',
        {},
        {
          id: 'v',
          headers: { 'MCP-Protocol-Version': '2099-01-01' },
          meta: { 'io.modelcontextprotocol/protocolVersion': '2099-01-01' },
        },
      );
      assert.equal(answer.status, 400);
      const body = jsonOf(answer);
      assert.equal(body.id, 'v');
      assert.equal(body.error?.code, -32022);
      const data = body.error?.data as { supported: string[]; requested: string };
      assert.equal(data.requested, '2099-01-01');
      assert.ok(data.supported.includes(MODERN) && data.supported.includes('2025-11-25'));
    });

    test('methods 2026-07-28 removed, and unknown ones, answer 404 -32601 with the id', async (t) => {
      const h = await start(t);
      const removed: Array<[string, Record<string, unknown>]> = [
        [
          'initialize',
          { protocolVersion: MODERN, capabilities: {}, clientInfo: { name: 'x', version: '0' } },
        ],
        ['ping', {}],
        ['logging/setLevel', { level: 'debug' }],
        ['resources/subscribe', { uri: 'test://doc' }],
        ['resources/unsubscribe', { uri: 'test://doc' }],
        ['unknown/method', {}],
      ];
      for (const [i, [method, params]] of removed.entries()) {
        const answer = await modernPost(h.url, method, params, { id: 500 + i });
        assert.equal(answer.status, 404, method);
        assert.equal(answer.headers['content-type'], 'application/json', method);
        assert.deepEqual([jsonOf(answer).id, errorOf(answer).code], [500 + i, -32601], method);
        assert.match(errorOf(answer).message, new RegExp(method), method);
      }
      // initialize over the 2026 wire opened no session.
      assert.equal(h.transport.sessionCount, 0);
    });

    test('an unknown resource is 400 -32602 with its uri; an undeclared capability 400 -32021', async (t) => {
      const h = await start(t);
      const missing = await modernPost(h.url, 'resources/read', { uri: 'test://nope' }, { id: 'r' });
      assert.equal(missing.status, 400);
      assert.deepEqual(jsonOf(missing).error?.data, { uri: 'test://nope' });
      assert.deepEqual([jsonOf(missing).id, errorOf(missing).code], ['r', -32602]);
      const bare = await modernPost(
        h.url,
        'tools/call',
        { name: 'summarize' },
        {
          id: 401,
          capabilities: { elicitation: {} },
        },
      );
      assert.equal(bare.status, 400);
      const error = jsonOf(bare);
      assert.equal(error.id, 401);
      assert.equal(error.error?.code, -32021);
      assert.deepEqual(error.error?.data, { requiredCapabilities: { sampling: {} } });
      assert.match(error.error!.message, /sampling/);
    });

    test('a batch and a JSON-RPC response are refused with 400; GET and DELETE without a session 405', async (t) => {
      const h = await start(t);
      const batch = await mcpPost(
        h.url,
        [modernMessage('tools/list', {}, { id: 1 }), modernMessage('tools/list', {}, { id: 2 })],
        modernHeaders('tools/list'),
      );
      assert.equal(batch.status, 400);
      assert.equal(errorOf(batch).code, -32600);
      assert.match(errorOf(batch).message, /batch/);
      const response = await mcpPost(
        h.url,
        { jsonrpc: '2.0', id: 1, result: {} },
        { 'MCP-Protocol-Version': MODERN },
      );
      assert.equal(response.status, 400);
      assert.match(errorOf(response).message, /responses/);
      for (const method of ['GET', 'DELETE']) {
        const answer = await send(h.url, {
          method,
          headers: { Accept: 'text/event-stream', 'MCP-Protocol-Version': MODERN },
        });
        assert.equal(answer.status, 405, method);
        assert.equal(answer.headers.allow, 'GET, POST, DELETE', method);
        assert.match(errorOf(answer).message, /subscriptions\/listen/, method);
      }
      assert.deepEqual(h.calls, []);
    });
  });

  describe(`2026-07-28 request streams (${mode})`, { timeout: 15_000 }, () => {
    test('progress and logs come on the request stream before the result; logs only with a level', async (t) => {
      const h = await start(t);
      h.server.tool('work', {}, (_args, ctx) => {
        ctx.progress(1, 2, 'half');
        ctx.log('info', 'working');
        ctx.log('debug', 'noise');
        return 'done';
      });
      const loud = await modernPost(
        h.url,
        'tools/call',
        { name: 'work' },
        {
          id: 'w1',
          meta: { progressToken: 'p1', 'io.modelcontextprotocol/logLevel': 'info' },
        },
      );
      assert.equal(loud.status, 200);
      assert.equal(loud.headers['content-type'], 'text/event-stream');
      assert.equal(loud.headers['mcp-session-id'], undefined);
      const events = eventsOf(loud.body);
      assert.ok(
        events.every((e) => e.id === undefined && e.data !== ''),
        'no event ids, no priming event',
      );
      assert.doesNotMatch(loud.body, /^id:/m);
      const messages = messagesOf(loud.body);
      assert.deepEqual(
        messages.map((m) => m.method ?? `result ${String(m.id)}`),
        ['notifications/progress', 'notifications/message', 'result w1'],
      );
      assert.deepEqual(messages[0]?.params, { progressToken: 'p1', progress: 1, total: 2, message: 'half' });
      assert.deepEqual(messages[1]?.params, { level: 'info', data: 'working' });
      assert.equal((messages[2]!.result as Record<string, unknown>).resultType, 'complete');

      const quiet = await modernPost(
        h.url,
        'tools/call',
        { name: 'work' },
        {
          id: 'w2',
          meta: { progressToken: 'p2' },
        },
      );
      assert.deepEqual(
        messagesOf(quiet.body).map((m) => m.method ?? `result ${String(m.id)}`),
        ['notifications/progress', 'result w2'],
      );
      // Nothing before the response: one JSON body.
      const plain = await modernPost(h.url, 'tools/call', { name: 'work' }, { id: 'w3' });
      assert.equal(plain.headers['content-type'], 'application/json');
      assert.deepEqual(jsonOf(plain).result?.content, [{ type: 'text', text: 'done' }]);
    });

    test('closing the request stream aborts ctx.signal; nothing more is sent for the request', async (t) => {
      const h = await start(t, {}, { maxSessions: 1 });
      const errors: unknown[] = [];
      h.server.on('error', (error) => {
        errors.push(error);
      });
      const answered: unknown[] = [];
      h.server.on('afterRequest', (request) => {
        answered.push(request.id);
      });
      let aborted!: (reason: unknown) => void;
      const abortedWith = new Promise<unknown>((resolve) => {
        aborted = resolve;
      });
      let finished!: () => void;
      const handlerDone = new Promise<void>((resolve) => {
        finished = resolve;
      });
      h.server.tool('slow', {}, async (_args, ctx) => {
        ctx.progress(0, 1);
        await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
        aborted(ctx.signal.reason);
        // A handler that goes on after the cancellation is not heard.
        ctx.progress(1, 1);
        ctx.log('error', 'too late');
        finished();
        return 'too late';
      });
      const stream = await openModern(
        t,
        h.url,
        'tools/call',
        { name: 'slow' },
        {
          id: 'cancel-me',
          meta: { progressToken: 'c', 'io.modelcontextprotocol/logLevel': 'debug' },
        },
      );
      assert.equal(stream.headers['content-type'], 'text/event-stream');
      const { message } = await stream.message();
      assert.equal(message.method, 'notifications/progress');
      stream.close();
      assert.match(String(await abortedWith), /closed the stream/);
      await handlerDone;
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(answered, [], 'the cancelled request got no response');
      assert.deepEqual(errors, []);
      // Its slot (maxSessions: 1) is free again: the server goes on serving.
      await eventually(
        async () =>
          (await modernPost(h.url, 'tools/call', { name: 'echo', arguments: { text: 'after' } })).status ===
          200,
        'the cancelled request to free its slot',
      );
      assert.deepEqual(answered, [1]);
    });
  });

  describe(`2026-07-28 input_required over HTTP (${mode})`, () => {
    const ALL = { elicitation: {}, sampling: {} };
    const retry = (h: { url: string }, params: Record<string, unknown>, options: ModernOptions = {}) =>
      modernPost(h.url, 'tools/call', params, { capabilities: ALL, ...options });

    function planServer(t: TestContext) {
      return start(t).then((h) => {
        const runs: string[] = [];
        h.server.tool('plan', { input: { city: s.string().required() } }, async ({ city }, ctx) => {
          ctx.state.runs = ((ctx.state.runs as number | undefined) ?? 0) + 1;
          runs.push(city);
          const who = await ctx.elicit({ message: 'Your name?', requestedSchema: FORM });
          const reply = await ctx.sample({
            messages: [{ role: 'user', content: { type: 'text', text: `Near ${city}?` } }],
            maxTokens: 10,
          });
          const said = reply.content.type === 'text' ? reply.content.text : '?';
          return text(`${String(who.content?.name)} → ${said} (run ${String(ctx.state.runs)})`);
        });
        return { ...h, runs };
      });
    }

    test('elicit then sample: two retries complete the call, and ctx.state rides along', async (t) => {
      const h = await planServer(t);
      const params = { name: 'plan', arguments: { city: 'Lyon' } };
      const first = await retry(h, params, { id: 'a' });
      assert.equal(first.status, 200);
      assert.equal(first.headers['content-type'], 'application/json');
      const one = jsonOf(first);
      assert.equal(one.id, 'a');
      assert.equal(one.result?.resultType, 'input_required');
      assert.equal(one.result?.ttlMs, undefined);
      assert.deepEqual(one.result?.inputRequests, {
        'elicit-0': {
          method: 'elicitation/create',
          params: { message: 'Your name?', requestedSchema: FORM },
        },
      });
      assert.equal(typeof one.result?.requestState, 'string');
      assert.deepEqual((one.result!._meta as Record<string, unknown>)[SERVER_INFO], INFO);

      const second = jsonOf(
        await retry(h, {
          ...params,
          requestState: one.result?.requestState,
          inputResponses: { 'elicit-0': { action: 'accept', content: { name: 'Ann' } } },
        }),
      );
      assert.equal(second.result?.resultType, 'input_required');
      const asks = second.result?.inputRequests as Record<string, { method: string }>;
      assert.deepEqual(Object.keys(asks), ['sample-1']);
      assert.equal(asks['sample-1']?.method, 'sampling/createMessage');

      const third = jsonOf(
        await retry(h, {
          ...params,
          requestState: second.result?.requestState,
          inputResponses: {
            'sample-1': { role: 'assistant', content: { type: 'text', text: 'Paris' }, model: 'm' },
          },
        }),
      );
      assert.equal(third.result?.resultType, 'complete');
      assert.deepEqual(third.result?.content, [{ type: 'text', text: 'Ann → Paris (run 3)' }]);
      assert.deepEqual(h.runs, ['Lyon', 'Lyon', 'Lyon']);
    });

    test('a tampered or foreign requestState is 400 -32602 and no second round runs', async (t) => {
      const h = await planServer(t);
      const rounds: string[] = [];
      h.server.tool('other', {}, async (_args, ctx) => {
        rounds.push('other');
        await ctx.elicit({ message: 'x', requestedSchema: FORM });
        return 'other';
      });
      const first = jsonOf(await retry(h, { name: 'plan', arguments: { city: 'Lyon' } }));
      const state = first.result?.requestState as string;
      const answers = { 'elicit-0': { action: 'accept', content: { name: 'Ann' } } };
      const attempts: Array<[string, Record<string, unknown>]> = [
        ['another tool', { name: 'other', requestState: state, inputResponses: answers }],
        [
          'other arguments',
          { name: 'plan', arguments: { city: 'Nice' }, requestState: state, inputResponses: answers },
        ],
        [
          'tampered',
          {
            name: 'plan',
            arguments: { city: 'Lyon' },
            requestState: `${state.slice(0, -4)}${state.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`,
            inputResponses: answers,
          },
        ],
      ];
      for (const [why, params] of attempts) {
        const answer = await retry(h, params, { id: why });
        assert.equal(answer.status, 400, why);
        assert.deepEqual([jsonOf(answer).id, errorOf(answer).code], [why, -32602], why);
        assert.match(errorOf(answer).message, /requestState/, why);
      }
      assert.deepEqual(h.runs, ['Lyon'], 'plan never ran a second round');
      assert.deepEqual(rounds, [], 'other never ran');
    });

    test('the state is bound to the arguments as they arrived, whatever the handler made of them', async (t) => {
      const h = await start(t);
      h.server.tool(
        'edit',
        { input: { city: s.string().required(), tags: s.array(s.string()).required() } },
        async (args, ctx) => {
          args.city = args.city.toUpperCase();
          args.tags.push('seen');
          const who = await ctx.elicit({ message: 'Name?', requestedSchema: FORM });
          return text(`${String(who.content?.name)} in ${args.city}`);
        },
      );
      const first = jsonOf(await retry(h, { name: 'edit', arguments: { city: 'Lyon', tags: ['a'] } }));
      assert.equal(first.result?.resultType, 'input_required');
      // The same arguments with their members in another order are the same arguments.
      const done = jsonOf(
        await retry(h, {
          name: 'edit',
          arguments: { tags: ['a'], city: 'Lyon' },
          requestState: first.result?.requestState,
          inputResponses: { 'elicit-0': { action: 'accept', content: { name: 'Ann' } } },
        }),
      );
      assert.equal(done.result?.resultType, 'complete');
      assert.deepEqual(done.result?.content, [{ type: 'text', text: 'Ann in LYON' }]);
    });

    test('a malformed answer is asked for again', async (t) => {
      const h = await planServer(t);
      const params = { name: 'plan', arguments: { city: 'Lyon' } };
      const first = jsonOf(await retry(h, params));
      const again = jsonOf(
        await retry(h, {
          ...params,
          requestState: first.result?.requestState,
          inputResponses: { 'elicit-0': { action: 'maybe' } },
        }),
      );
      assert.equal(again.result?.resultType, 'input_required');
      assert.deepEqual(Object.keys(again.result?.inputRequests as object), ['elicit-0']);
    });

    test('a handler asks only for what the request declared; an undeclared ask is -32021', async (t) => {
      const h = await start(t);
      h.server.tool('adaptive', {}, async (_args, ctx) => {
        const caps = ctx.clientCapabilities;
        const got: string[] = [];
        if (caps.roots !== undefined) got.push(`${(await ctx.listRoots()).roots.length} roots`);
        if (caps.elicitation !== undefined) {
          got.push((await ctx.elicit({ message: 'ok?', requestedSchema: FORM })).action);
        }
        return got.join(', ') || 'nothing asked';
      });
      h.server.tool('link', {}, async (_args, ctx) => {
        const result = await ctx.elicit({
          mode: 'url',
          message: 'Sign in',
          url: 'https://example.com/login',
          elicitationId: 'login-1',
        });
        return result.action;
      });
      const asked = async (capabilities: Record<string, unknown>) => {
        const answer = jsonOf(await modernPost(h.url, 'tools/call', { name: 'adaptive' }, { capabilities }));
        const requests = answer.result?.inputRequests as Record<string, { method: string }> | undefined;
        return requests === undefined ? answer.result?.content : Object.values(requests).map((r) => r.method);
      };
      assert.deepEqual(await asked({ elicitation: {} }), ['elicitation/create']);
      assert.deepEqual(await asked({ roots: {} }), ['roots/list']);
      assert.deepEqual(await asked({}), [{ type: 'text', text: 'nothing asked' }]);
      const url = await modernPost(
        h.url,
        'tools/call',
        { name: 'link' },
        { capabilities: { elicitation: {} } },
      );
      assert.equal(url.status, 400);
      assert.deepEqual(jsonOf(url).error?.data, { requiredCapabilities: { elicitation: { url: {} } } });
      assert.equal(errorOf(url).code, -32021);
    });
  });
}

test('a browser on another origin may send the 2026-07-28 headers: the CORS preflight allows them', async (t) => {
  const h = await startStreamable(t, 'node', { cors: true });
  const answer = await send(h.url, {
    method: 'OPTIONS',
    headers: {
      Origin: 'http://127.0.0.1:5173',
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers':
        'content-type, mcp-protocol-version, mcp-method, mcp-name, mcp-param-region',
    },
  });
  assert.equal(answer.status, 204);
  const allowed = String(answer.headers['access-control-allow-headers']).toLowerCase();
  for (const name of ['content-type', 'mcp-protocol-version', 'mcp-method', 'mcp-name', 'mcp-param-region']) {
    assert.ok(allowed.split(', ').includes(name), `${name} in ${allowed}`);
  }
});
