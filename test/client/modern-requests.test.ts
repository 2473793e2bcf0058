// Requests in MCP 2026-07-28 against mcp-live's server: every POST carries the _meta envelope and the
// mirrored headers (Mcp-Param-* learned from x-mcp-header), progress arrives on the request's stream,
// aborting closes it (the server's handler sees it), and input_required rounds are answered by the
// handlers registered with setRequestHandler.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isMcpLiveError } from '../../src/protocol/mcp-live-error.ts';
import { isProtocolError } from '../../src/protocol/protocol-error.ts';
import { s } from '../../src/schema/index.ts';
import type { McpServer } from '../../src/server/mcp-server.ts';
import { clientFor, deferred, waitFor } from './helpers.ts';
import { CAPABILITIES_KEY, recordingFetch, startHost, textOf, VERSION_KEY } from './modern-helpers.ts';

const NAME_SCHEMA = {
  type: 'object' as const,
  properties: { name: { type: 'string' as const } },
  required: ['name'],
};

function tools(server: McpServer): void {
  server.tool('echo', { input: { text: s.string().required() } }, ({ text }) => `echo: ${text}`);
  server.tool('count', {}, async (_args, ctx) => {
    ctx.progress(1, 2, 'half');
    ctx.progress(2, 2, 'done');
    return 'counted';
  });
  server.tool(
    'run_query',
    { input: { region: s.string().header('Region').required(), sql: s.string().required() } },
    ({ region, sql }) => `${sql} in ${region}`,
  );
  server.resource('memo://greeting', { name: 'greeting', mimeType: 'text/plain' }, () => 'hello, reader');
  server.prompt('greet', { arguments: { who: { required: true } } }, ({ who }) => `Please greet ${who}`);
}

describe('2026-07-28 requests', () => {
  test('tools/list, tools/call with progress, resources/read and prompts/get, each with envelope and headers', async (t) => {
    const host = await startHost(t, tools);
    const { fetch, sent } = recordingFetch();
    const client = clientFor(t, { url: host.url, fetch });
    client.setRequestHandler('elicitation/create', () => ({ action: 'decline' }));
    await client.connect();

    const { tools: listed } = await client.listTools();
    assert.deepEqual(listed.map((tool) => tool.name).sort(), ['count', 'echo', 'run_query']);
    const progress: Array<[number, string | undefined]> = [];
    const counted = await client.callTool(
      'count',
      {},
      { onProgress: (p) => progress.push([p.progress, p.message]) },
    );
    assert.equal(textOf(counted), 'counted');
    assert.deepEqual(progress, [
      [1, 'half'],
      [2, 'done'],
    ]);
    const read = await client.readResource('memo://greeting');
    assert.deepEqual(read.contents, [
      { uri: 'memo://greeting', mimeType: 'text/plain', text: 'hello, reader' },
    ]);
    const prompt = await client.getPrompt('greet', { who: 'Ada' });
    assert.deepEqual(prompt.messages[0]?.content, { type: 'text', text: 'Please greet Ada' });

    const posts = sent.slice(1);
    assert.deepEqual(
      posts.map((post) => [post.headers.get('mcp-method'), post.headers.get('mcp-name')]),
      [
        ['tools/list', null],
        ['tools/call', 'count'],
        ['resources/read', 'memo://greeting'],
        ['prompts/get', 'greet'],
      ],
    );
    for (const post of posts) {
      assert.equal(post.headers.get('mcp-protocol-version'), '2026-07-28');
      assert.equal(post.headers.get('accept'), 'application/json, text/event-stream');
      assert.equal(post.body.params?._meta?.[VERSION_KEY], '2026-07-28');
      // Capabilities come from the registered handlers, on every request.
      assert.deepEqual(post.body.params?._meta?.[CAPABILITIES_KEY], { elicitation: {} });
    }
    const call = posts[1]?.body.params?._meta;
    assert.equal(call?.progressToken, posts[1]?.body.id, 'the progress token rides in _meta');
  });

  test('x-mcp-header arguments go in Mcp-Param-* headers, Base64-encoded when not plain ASCII', async (t) => {
    const host = await startHost(t, tools);
    const { fetch, sent } = recordingFetch();
    const client = clientFor(t, { url: host.url, fetch });
    await client.connect();
    await client.listTools();
    const plain = await client.callTool('run_query', { region: 'us-west1', sql: 'SELECT 1' });
    assert.equal(textOf(plain), 'SELECT 1 in us-west1');
    assert.equal(sent.at(-1)?.headers.get('mcp-param-region'), 'us-west1');
    const accented = await client.callTool('run_query', { region: 'Zürich 北', sql: 'SELECT 2' });
    assert.equal(textOf(accented), 'SELECT 2 in Zürich 北');
    const header = sent.at(-1)?.headers.get('mcp-param-region') ?? '';
    assert.match(header, /^=\?base64\?[A-Za-z0-9+/=]+\?=$/);
    assert.equal(Buffer.from(header.slice(9, -2), 'base64').toString('utf8'), 'Zürich 北');
    const padded = await client.callTool('run_query', { region: ' eu ', sql: 'SELECT 3' });
    assert.equal(textOf(padded), 'SELECT 3 in  eu ');
  });

  test('calling a tool with mirrored arguments before listing: refused once (-32020), then listed and retried', async (t) => {
    const host = await startHost(t, tools);
    const { fetch, methods } = recordingFetch();
    const client = clientFor(t, { url: host.url, fetch });
    await client.connect();
    const result = await client.callTool('run_query', { region: 'ap-south', sql: 'SELECT 4' });
    assert.equal(textOf(result), 'SELECT 4 in ap-south');
    assert.deepEqual(methods(), ['server/discover', 'tools/call', 'tools/list', 'tools/call']);
    await client.callTool('run_query', { region: 'ap-south', sql: 'SELECT 5' });
    assert.equal(methods().length, 5, 'the second call is sent right the first time');
  });

  test('a header mismatch that listing cannot fix rejects with the server -32020 error, after one listing', async (t) => {
    const host = await startHost(t, tools);
    const { fetch, methods } = recordingFetch();
    const tampered = clientFor(t, {
      url: host.url,
      // A proxy that rewrites the header, so no listing can make it match.
      fetch: (input, init) => {
        const headers = new Headers(init?.headers);
        if (headers.get('mcp-method') === 'tools/call') headers.set('mcp-name', 'other');
        return fetch(input, { ...init, headers });
      },
    });
    await tampered.connect();
    await assert.rejects(tampered.callTool('echo', { text: 'x' }), (error: unknown) => {
      assert.ok(isProtocolError(error));
      assert.equal(error.code, -32020);
      assert.match(error.message, /Mcp-Name/);
      return true;
    });
    assert.deepEqual(methods().slice(-3), ['tools/call', 'tools/list', 'tools/call']);
  });

  test('aborting a call, or its timeout, closes its stream: the server handler sees its signal abort', async (t) => {
    const started = deferred();
    const aborted: string[] = [];
    const host = await startHost(t, (server) =>
      server.tool('wait', { input: { label: s.string().required() } }, async ({ label }, ctx) => {
        ctx.progress(0, 1, 'waiting');
        started.resolve();
        await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
        aborted.push(label);
        return 'never seen';
      }),
    );
    const client = clientFor(t, { url: host.url });
    await client.connect();
    const controller = new AbortController();
    const call = client.callTool(
      'wait',
      { label: 'aborted' },
      { signal: controller.signal, onProgress: () => {} },
    );
    await started.promise;
    controller.abort(new Error('user pressed stop'));
    await assert.rejects(call, (error: unknown) => {
      assert.ok(isMcpLiveError(error, 'ABORTED'));
      assert.match(error.message, /user pressed stop/);
      return true;
    });
    await waitFor(() => aborted.includes('aborted'), 'the server handler to see the abort');
    await assert.rejects(
      client.callTool('wait', { label: 'timed out' }, { timeout: 150 }),
      (error: unknown) => isMcpLiveError(error, 'TIMEOUT'),
    );
    await waitFor(() => aborted.includes('timed out'), 'the server handler to see the timeout');
  });
});

function asking(server: McpServer): void {
  server.tool('ask_name', {}, async (_args, ctx) => {
    const answer = await ctx.elicit({ message: 'Your name?', requestedSchema: NAME_SCHEMA });
    return answer.action === 'accept'
      ? `hello ${String(answer.content?.name)}`
      : `no name (${answer.action})`;
  });
  server.tool('ask_llm', {}, async (_args, ctx) => {
    const answer = await ctx.sample({
      messages: [{ role: 'user', content: { type: 'text', text: 'Say hi' } }],
      maxTokens: 10,
    });
    return `the model said: ${answer.content.type === 'text' ? answer.content.text : '?'}`;
  });
  server.tool('ask_forever', {}, async (_args, ctx) => {
    for (let i = 0; ; i++) await ctx.elicit({ message: `Question ${i}?`, requestedSchema: NAME_SCHEMA });
  });
}

describe('2026-07-28 input rounds', () => {
  test('an elicitation round is answered by the elicitation/create handler and retried with requestState', async (t) => {
    const host = await startHost(t, asking);
    const { fetch, sent } = recordingFetch();
    const client = clientFor(t, { url: host.url, fetch });
    const asked: string[] = [];
    client.setRequestHandler('elicitation/create', (params, context) => {
      asked.push(`${params.message} (${String(context.requestId)})`);
      return { action: 'accept', content: { name: 'Ada' } };
    });
    await client.connect();
    const result = await client.callTool('ask_name');
    assert.equal(textOf(result), 'hello Ada');
    assert.deepEqual(asked, ['Your name? (elicit-0)']);
    const calls = sent.filter((post) => post.body.method === 'tools/call');
    assert.equal(calls.length, 2);
    assert.equal(calls[0]?.body.params?.inputResponses, undefined);
    assert.deepEqual(calls[1]?.body.params?.inputResponses, {
      'elicit-0': { action: 'accept', content: { name: 'Ada' } },
    });
    assert.equal(typeof calls[1]?.body.params?.requestState, 'string');
    assert.notEqual(calls[0]?.body.id, calls[1]?.body.id, 'each round is a request of its own');
    assert.equal(calls[1]?.headers.get('mcp-name'), 'ask_name');
    assert.deepEqual(calls[0]?.body.params?._meta?.[CAPABILITIES_KEY], { elicitation: {} });
  });

  test('a sampling round is answered by the sampling/createMessage handler', async (t) => {
    const host = await startHost(t, asking);
    const client = clientFor(t, { url: host.url });
    client.setRequestHandler('sampling/createMessage', (params) => ({
      role: 'assistant',
      content: { type: 'text', text: `hi (${params.maxTokens} tokens)` },
      model: 'test-model',
    }));
    await client.connect();
    assert.equal(textOf(await client.callTool('ask_llm')), 'the model said: hi (10 tokens)');
  });

  test('a round the client has no handler for rejects the call, naming the method and what to register', async (t) => {
    const host = await startHost(t, asking);
    // Declared by hand, so the server asks, but no handler answers.
    const client = clientFor(t, { url: host.url, capabilities: { elicitation: {} } });
    await client.connect();
    await assert.rejects(client.callTool('ask_name'), (error: unknown) => {
      assert.ok(isMcpLiveError(error, 'CAPABILITY_MISSING'));
      assert.match(error.message, /"tools\/call" needs the client to answer "elicitation\/create"/);
      assert.match(error.message, /client\.setRequestHandler\('elicitation\/create'/);
      return true;
    });
  });

  test('a server that keeps asking is given up on after 16 rounds with INPUT_REQUIRED', async (t) => {
    const host = await startHost(t, asking);
    const { fetch, methods } = recordingFetch();
    const client = clientFor(t, { url: host.url, fetch });
    let answers = 0;
    client.setRequestHandler('elicitation/create', () => {
      answers++;
      return { action: 'accept', content: { name: 'again' } };
    });
    await client.connect();
    await assert.rejects(client.callTool('ask_forever'), (error: unknown) => {
      assert.ok(isMcpLiveError(error, 'INPUT_REQUIRED'));
      assert.match(error.message, /still asked for input after 16 rounds/);
      return true;
    });
    assert.equal(methods().filter((method) => method === 'tools/call').length, 17);
    assert.equal(answers, 16);
  });
});
