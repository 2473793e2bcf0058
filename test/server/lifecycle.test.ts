import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { s } from '../../src/schema/index.ts';
import { McpServer } from '../../src/server/mcp-server.ts';
import { text } from '../../src/server/results.ts';
import { connectTestClient } from '../../src/testing/test-client.ts';
import { errorOf, firstText, isLiveError, openRawSession, rejectsWithCode, resultOf } from './helpers.ts';

describe('initialize', () => {
  test('answers with the server info, title and instructions', async () => {
    const server = new McpServer(
      { name: 'weather', version: '2.1.0', title: 'Weather Service' },
      { instructions: 'Call forecast with a city name.' },
    );
    server.tool('forecast', {}, () => 'sunny');
    const client = await connectTestClient(server, { protocolVersion: '2025-06-18' });
    const result = client.initializeResult!;
    assert.deepEqual(result.serverInfo, { name: 'weather', version: '2.1.0', title: 'Weather Service' });
    assert.equal(result.instructions, 'Call forecast with a city name.');
    assert.equal(result.protocolVersion, '2025-06-18');
    await client.close();
  });

  test('leaves instructions out when the server has none', async () => {
    const client = await connectTestClient(new McpServer({ name: 'plain', version: '1.0.0' }));
    assert.equal('instructions' in client.initializeResult!, false);
    await client.close();
  });

  // mcp-live's custom-events extension for 2026-07-28 listen streams (docs/events-extension.md).
  const EXTENSIONS = { 'dev.mcp-live/events': {} };

  test('declares only the capabilities implied by what is registered', async () => {
    const toolsOnly = new McpServer({ name: 't', version: '1' });
    toolsOnly.tool('a', {}, () => 'a');
    const c1 = await connectTestClient(toolsOnly);
    assert.deepEqual(c1.initializeResult!.capabilities, {
      logging: {},
      tools: { listChanged: true },
      extensions: EXTENSIONS,
    });

    const everything = new McpServer({ name: 'e', version: '1' });
    everything.resource('memo://a', { name: 'A' }, () => 'a');
    everything.prompt('p', {}, () => 'p');
    const c2 = await connectTestClient(everything);
    assert.deepEqual(c2.initializeResult!.capabilities, {
      logging: {},
      resources: { subscribe: true, listChanged: true },
      prompts: { listChanged: true },
      completions: {},
      extensions: EXTENSIONS,
    });

    const templatesOnly = new McpServer({ name: 'r', version: '1' });
    templatesOnly.resourceTemplate('memo://{id}', { name: 'Memo' }, (uri) => uri);
    const c3 = await connectTestClient(templatesOnly);
    assert.deepEqual(c3.initializeResult!.capabilities, {
      logging: {},
      resources: { subscribe: true, listChanged: true },
      completions: {},
      extensions: EXTENSIONS,
    });
    await Promise.all([c1.close(), c2.close(), c3.close()]);
  });

  test('explicit capabilities are declared, and win over the implied ones', async () => {
    const server = new McpServer(
      { name: 'explicit', version: '1' },
      {
        capabilities: {
          tools: { listChanged: false },
          experimental: { live: {} },
          prompts: {},
          extensions: { 'com.example/x': { v: 1 } },
        },
      },
    );
    server.tool('a', {}, () => 'a');
    const client = await connectTestClient(server);
    assert.deepEqual(client.initializeResult!.capabilities, {
      logging: {},
      tools: { listChanged: false },
      prompts: {},
      experimental: { live: {} },
      extensions: { ...EXTENSIONS, 'com.example/x': { v: 1 } },
    });
    assert.deepEqual(server.capabilities, client.initializeResult!.capabilities);
    // prompts was declared explicitly, so prompts/list works although none are registered.
    assert.deepEqual(await client.request('prompts/list'), { prompts: [] });
    await client.close();
  });

  test('a second initialize on the same session is refused with -32600', async () => {
    const client = await connectTestClient(new McpServer({ name: 'once', version: '1' }));
    await rejectsWithCode(
      client.request('initialize', {
        protocolVersion: '2025-11-25',
        capabilities: {},
        clientInfo: { name: 'c', version: '1' },
      }),
      -32600,
      /already initialized/,
    );
    await client.close();
  });
});

describe('before initialize', () => {
  test('requests other than ping are refused with -32600 naming the method and what to do', async () => {
    const server = new McpServer({ name: 'early', version: '1' });
    let called = false;
    server.tool('t', {}, () => {
      called = true;
      return 'ran';
    });
    const client = await connectTestClient(server, { initialize: false });
    for (const method of ['tools/list', 'tools/call', 'resources/list', 'logging/setLevel']) {
      await rejectsWithCode(
        client.request(method, { name: 't', level: 'debug' }),
        -32600,
        /initialize/,
        new RegExp(method),
      );
    }
    assert.equal(called, false);
    assert.deepEqual(await client.request('ping'), {});
    await client.close();
  });

  test('the session works normally once initialized', async () => {
    const server = new McpServer({ name: 'late', version: '1' });
    server.tool('t', {}, () => 'ran');
    const raw = await openRawSession(server);
    assert.equal(errorOf(await raw.request('tools/list')).code, -32600);
    resultOf(
      await raw.request('initialize', {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'late-client', version: '1' },
      }),
    );
    const tools = resultOf(await raw.request('tools/list')).tools as Array<{ name: string }>;
    assert.deepEqual(
      tools.map((t) => t.name),
      ['t'],
    );
  });
});

describe('capabilities the server did not declare', () => {
  test('prompts/list on a server without prompts is -32601 naming the capability', async () => {
    const server = new McpServer({ name: 'no-prompts', version: '1' });
    server.tool('t', {}, () => 't');
    const client = await connectTestClient(server);
    await rejectsWithCode(client.request('prompts/list'), -32601, /prompts\/list/, /"prompts" capability/);
    await rejectsWithCode(client.request('prompts/get', { name: 'x' }), -32601, /"prompts" capability/);
    await rejectsWithCode(client.request('resources/list'), -32601, /"resources" capability/);
    await rejectsWithCode(
      client.request('completion/complete', {
        ref: { type: 'ref/prompt', name: 'x' },
        argument: { name: 'a', value: '' },
      }),
      -32601,
      /"completions" capability/,
    );
    await client.close();
  });

  test('tools/call on a server without tools is -32601', async () => {
    const server = new McpServer({ name: 'no-tools', version: '1' });
    server.resource('memo://a', { name: 'A' }, () => 'a');
    const client = await connectTestClient(server);
    await rejectsWithCode(client.callTool('anything'), -32601, /"tools" capability/);
    await client.close();
  });

  test('resources/subscribe is -32601 when subscribe was not declared, while reading still works', async () => {
    const server = new McpServer(
      { name: 'no-subscribe', version: '1' },
      { capabilities: { resources: { listChanged: true } } },
    );
    server.resource('memo://a', { name: 'A' }, () => 'a');
    const client = await connectTestClient(server);
    await rejectsWithCode(
      client.request('resources/subscribe', { uri: 'memo://a' }),
      -32601,
      /resources\/subscribe/,
      /"resources\.subscribe" capability/,
    );
    await rejectsWithCode(client.request('resources/unsubscribe', { uri: 'memo://a' }), -32601);
    assert.deepEqual(await client.request('resources/read', { uri: 'memo://a' }), {
      contents: [{ uri: 'memo://a', text: 'a' }],
    });
    await client.close();
  });
});

describe('registering definitions', () => {
  test('a tool name outside the allowed characters is refused with INVALID_DEFINITION naming it', () => {
    const server = new McpServer({ name: 'names', version: '1' });
    for (const name of ['', 'has space', 'slash/y', 'x'.repeat(129)]) {
      assert.throws(() => server.tool(name, {}, () => ''), isLiveError('INVALID_DEFINITION', /Tool name/));
    }
    server.tool('ok_name-1.2', {}, () => '');
  });

  test('a malformed resource template is refused when it is registered', () => {
    const server = new McpServer({ name: 'templates', version: '1' });
    assert.throws(
      () => server.resourceTemplate('memo://{id', { name: 'Broken' }, () => ''),
      isLiveError('INVALID_DEFINITION'),
    );
  });
});

describe('shutting down', () => {
  test('server.close() closes every session and rejects their callers', async () => {
    const server = new McpServer({ name: 'closing', version: '1' });
    let aborted: unknown;
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    server.tool('hang', {}, (_args, ctx) => {
      started();
      return new Promise((_resolve, reject) =>
        ctx.signal.addEventListener('abort', () => {
          aborted = ctx.signal.reason;
          reject(ctx.signal.reason);
        }),
      );
    });
    const a = await connectTestClient(server);
    const b = await connectTestClient(server);
    const pending = a.callTool('hang');
    await running;
    await server.close('maintenance');
    await assert.rejects(pending, isLiveError('SESSION_CLOSED'));
    assert.ok(isLiveError('SESSION_CLOSED', /maintenance/)(aborted), 'the handler saw its signal abort');
    assert.equal(server.sessionCount, 0);
    assert.equal(a.session.closed, true);
    assert.equal(b.session.closeReason, 'maintenance');
  });
});

describe('the README first server', () => {
  test('greets through the in-memory test pair and serves its resource', async () => {
    const server = new McpServer({ name: 'hello', version: '1.0.0' });
    server.tool(
      'greet',
      { description: 'Say hello', input: { name: s.string().required(), times: s.integer().default(1) } },
      async ({ name, times }, ctx) => {
        for (let i = 1; i <= times; i++) ctx.progress(i, times, `greeting ${i}`);
        return text(`Hello, ${name}!`.repeat(times));
      },
    );
    server.resource('hello://about', { name: 'About', mimeType: 'text/plain' }, () => 'A friendly server.');

    const client = await connectTestClient(server);
    const result = await client.callTool('greet', { name: 'Ada' });
    assert.equal(firstText(result), 'Hello, Ada!');

    const progress: number[] = [];
    const twice = await client.callTool(
      'greet',
      { name: 'Bo', times: 2 },
      { onProgress: (p) => progress.push(p.progress) },
    );
    assert.equal(firstText(twice), 'Hello, Bo!Hello, Bo!');
    assert.deepEqual(progress, [1, 2]);

    assert.deepEqual(await client.request('resources/read', { uri: 'hello://about' }), {
      contents: [{ uri: 'hello://about', mimeType: 'text/plain', text: 'A friendly server.' }],
    });
    await client.close();
  });
});
