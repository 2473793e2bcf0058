import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ErrorCode, type JSONRPCMessage } from '../../src/protocol/jsonrpc.ts';
import { parseMessages, readMessages } from '../../src/protocol/parse.ts';
import { isProtocolError } from '../../src/protocol/protocol-error.ts';
import { s } from '../../src/schema/index.ts';
import { McpServer } from '../../src/server/mcp-server.ts';
import { transportHost } from '../../src/server/transport-host.ts';
import { connectTestClient } from '../../src/testing/test-client.ts';
import {
  errorOf,
  openInitializedRawSession,
  openRawSession,
  rejectsWithCode,
  resultOf,
  settle,
} from './helpers.ts';

function echoServer(): McpServer {
  const server = new McpServer({ name: 'protocol', version: '1.0.0' });
  server.tool('echo', { input: { value: s.string().required() } }, ({ value }) => value);
  server.resource('memo://one', { name: 'One' }, () => 'one');
  server.prompt('hello', {}, () => 'hello');
  return server;
}

describe('parsing JSON-RPC payloads', () => {
  test('text that is not JSON is a -32700 parse error with a null id', () => {
    const parsed = parseMessages('{"jsonrpc":"2.0","id":1,"method":');
    assert.equal(parsed.ok, false);
    if (parsed.ok) return;
    assert.equal(parsed.error.id, null);
    assert.equal(parsed.error.error.code, ErrorCode.ParseError);
    assert.equal(parsed.error.error.code, -32700);
    assert.match(parsed.error.error.message, /not valid JSON/);
  });

  test('valid JSON that is not a JSON-RPC message is a -32600 invalid request that says why', () => {
    const cases: Array<[unknown, RegExp]> = [
      [42, /must be an object/],
      [{ id: 1, method: 'ping' }, /"jsonrpc" must be "2.0"/],
      [{ jsonrpc: '2.0', id: 1, method: '' }, /"method" must be a non-empty string/],
      [{ jsonrpc: '2.0', id: { no: 1 }, method: 'ping' }, /"id" must be a string or a number/],
      [{ jsonrpc: '2.0', id: 1, method: 'ping', params: [1, 2] }, /"params" must be an object/],
      [{ jsonrpc: '2.0', id: 1 }, /exactly one of "result" and "error"/],
      [{ jsonrpc: '2.0', id: 1, error: { code: 'x' } }, /numeric "code"/],
    ];
    for (const [value, why] of cases) {
      const parsed = readMessages(value);
      assert.equal(parsed.ok, false, JSON.stringify(value));
      if (parsed.ok) continue;
      assert.equal(parsed.error.error.code, -32600, JSON.stringify(value));
      assert.match(parsed.error.error.message, why);
    }
  });

  test('an invalid request keeps its id when the id itself is readable', () => {
    const parsed = parseMessages('{"jsonrpc":"1.0","id":"abc","method":"ping"}');
    assert.equal(parsed.ok, false);
    if (!parsed.ok) assert.equal(parsed.error.id, 'abc');
  });

  test('an empty batch is an invalid request', () => {
    const parsed = parseMessages('[]');
    assert.equal(parsed.ok, false);
    if (!parsed.ok) {
      assert.equal(parsed.error.error.code, -32600);
      assert.match(parsed.error.error.message, /empty batch/);
    }
  });

  test('a batch with one bad member is refused as a whole', () => {
    const parsed = parseMessages('[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","id":2}]');
    assert.equal(parsed.ok, false);
    if (!parsed.ok) assert.equal(parsed.error.error.code, -32600);
  });

  test('a single message and a batch are told apart', () => {
    const one = parseMessages('{"jsonrpc":"2.0","id":1,"method":"ping"}');
    assert.deepEqual(one, { ok: true, batch: false, messages: [{ jsonrpc: '2.0', id: 1, method: 'ping' }] });
    const many = parseMessages('[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","method":"x"}]');
    assert.equal(many.ok, true);
    if (many.ok) {
      assert.equal(many.batch, true);
      assert.equal(many.messages.length, 2);
    }
  });
});

describe('error codes on the wire', () => {
  test('an unknown method is -32601 and the message names it', async () => {
    const raw = await openInitializedRawSession(echoServer());
    const error = errorOf(await raw.request('tools/frobnicate', {}));
    assert.equal(error.code, ErrorCode.MethodNotFound);
    assert.match(error.message, /tools\/frobnicate/);
    assert.deepEqual(error.data, { method: 'tools/frobnicate' });
  });

  test('missing or mistyped params are -32602 and name the parameter', async () => {
    const client = await connectTestClient(echoServer());
    await rejectsWithCode(client.request('tools/call', {}), -32602, /"name"/);
    await rejectsWithCode(client.request('tools/call', { name: 42 }), -32602, /"name"/);
    await rejectsWithCode(client.request('resources/read', {}), -32602, /"uri"/);
    await rejectsWithCode(client.request('resources/subscribe', { uri: 7 }), -32602, /"uri"/);
    await rejectsWithCode(
      client.request('completion/complete', { ref: { type: 'ref/prompt', name: 'x' } }),
      -32602,
      /"argument"/,
    );
    await client.close();
  });

  test('an error response carries the id of the request it answers', async () => {
    const raw = await openInitializedRawSession(echoServer());
    const response = await raw.request('nope', undefined, 'my-id-7');
    assert.equal(response.id, 'my-id-7');
    assert.equal(errorOf(response).code, -32601);
  });

  test('a second request with an id still in flight is refused with -32600; the first still answers', async () => {
    const server = new McpServer({ name: 'ids', version: '1.0.0' });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    server.tool('wait', {}, async () => {
      await gate;
      return 'released';
    });
    const raw = await openInitializedRawSession(server);
    const first = raw.handle({ jsonrpc: '2.0', id: 'dup', method: 'tools/call', params: { name: 'wait' } });
    await settle();
    await raw.handle({ jsonrpc: '2.0', id: 'dup', method: 'ping' });
    const refused = raw.responsesTo('dup');
    assert.equal(refused.length, 1);
    assert.equal(errorOf(refused[0]!).code, -32600);
    assert.match(errorOf(refused[0]!).message, /already in use/);
    release();
    await first;
    const answers = raw.responsesTo('dup');
    assert.equal(answers.length, 2);
    assert.deepEqual(resultOf(answers[1]!).content, [{ type: 'text', text: 'released' }]);
  });

  test('notifications never get a response, even for methods the server does not know', async () => {
    const server = echoServer();
    const seen: string[] = [];
    server.on('notification', (method) => {
      seen.push(method);
    });
    const raw = await openInitializedRawSession(server);
    const before = raw.sent.length;
    await raw.handle({ jsonrpc: '2.0', method: 'notifications/custom', params: { a: 1 } });
    await raw.handle({ jsonrpc: '2.0', method: 'tools/list' });
    assert.equal(raw.sent.length, before);
    assert.deepEqual(seen, ['notifications/custom', 'tools/list']);
  });

  test('a response to an id the server never used is ignored', async () => {
    const raw = await openInitializedRawSession(echoServer());
    const before = raw.sent.length;
    await raw.handle({ jsonrpc: '2.0', id: 'never-sent', result: {} });
    await raw.handle({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'bad' } });
    assert.equal(raw.sent.length, before);
    assert.deepEqual(resultOf(await raw.request('ping')), {});
  });
});

describe('protocol version negotiation', () => {
  for (const version of ['2024-11-05', '2025-03-26', '2025-06-18', '2025-11-25']) {
    test(`a client asking for ${version} gets ${version}`, async () => {
      const client = await connectTestClient(echoServer(), { protocolVersion: version });
      assert.equal(client.initializeResult?.protocolVersion, version);
      assert.equal(client.session.protocolVersion, version);
      await client.close();
    });
  }

  test('a client asking for a version the server does not know gets the latest it supports', async () => {
    for (const version of ['2023-01-01', '2099-12-31', 'draft']) {
      const client = await connectTestClient(echoServer(), { protocolVersion: version });
      assert.equal(client.initializeResult?.protocolVersion, '2025-11-25');
      await client.close();
    }
  });

  test('initialize without a string protocolVersion or clientInfo is -32602', async () => {
    const raw = await openRawSession(echoServer());
    const noVersion = errorOf(
      await raw.request('initialize', { capabilities: {}, clientInfo: { name: 'c', version: '1' } }),
    );
    assert.equal(noVersion.code, -32602);
    assert.match(noVersion.message, /protocolVersion/);
    const noClient = errorOf(
      await raw.request('initialize', { protocolVersion: '2025-06-18', capabilities: {} }),
    );
    assert.equal(noClient.code, -32602);
    assert.match(noClient.message, /clientInfo/);
    assert.equal(raw.session.protocolVersion, undefined);
  });
});

describe('JSON-RPC batches', () => {
  const batch = (): JSONRPCMessage[] => [
    {
      jsonrpc: '2.0',
      id: 'b1',
      method: 'tools/call',
      params: { name: 'echo', arguments: { value: 'first' } },
    },
    { jsonrpc: '2.0', id: 'b2', method: 'ping' },
    { jsonrpc: '2.0', method: 'notifications/custom' },
    { jsonrpc: '2.0', id: 'b3', method: 'resources/read', params: { uri: 'memo://one' } },
  ];

  test('are handled in 2025-03-26, with one response per request', async () => {
    const server = echoServer();
    const raw = await openInitializedRawSession(server, '2025-03-26');
    await transportHost(server).handleBatch(raw.session, batch());
    assert.deepEqual(resultOf(raw.responsesTo('b1')[0]!).content, [{ type: 'text', text: 'first' }]);
    assert.deepEqual(resultOf(raw.responsesTo('b2')[0]!), {});
    assert.deepEqual(resultOf(raw.responsesTo('b3')[0]!).contents, [{ uri: 'memo://one', text: 'one' }]);
    assert.equal(raw.sent.filter((m) => !('method' in m)).length, 4); // initialize + three answers
  });

  for (const version of ['2024-11-05', '2025-06-18', '2025-11-25']) {
    test(`are refused in ${version} with a ProtocolError that names the revision`, async () => {
      const server = echoServer();
      const raw = await openInitializedRawSession(server, version);
      const before = raw.sent.length;
      await assert.rejects(transportHost(server).handleBatch(raw.session, batch()), (error: unknown) => {
        assert.ok(isProtocolError(error));
        assert.equal(error.code, -32600);
        assert.match(error.message, new RegExp(version));
        return true;
      });
      assert.equal(raw.sent.length, before, 'no member of a refused batch may run');
    });
  }

  test('are refused before initialize', async () => {
    const server = echoServer();
    const raw = await openRawSession(server);
    await assert.rejects(
      transportHost(server).handleBatch(raw.session, [{ jsonrpc: '2.0', id: 1, method: 'ping' }]),
      (error: unknown) => {
        assert.ok(isProtocolError(error));
        assert.equal(error.code, -32600);
        assert.match(error.message, /not initialized/);
        return true;
      },
    );
  });

  test('refuse initialize inside a batch', async () => {
    const server = echoServer();
    const raw = await openInitializedRawSession(server, '2025-03-26');
    const before = raw.sent.length;
    const messages: JSONRPCMessage[] = [
      { jsonrpc: '2.0', id: 1, method: 'ping' },
      {
        jsonrpc: '2.0',
        id: 2,
        method: 'initialize',
        params: { protocolVersion: '2025-03-26', clientInfo: { name: 'x', version: '1' } },
      },
    ];
    await assert.rejects(transportHost(server).handleBatch(raw.session, messages), (error: unknown) => {
      assert.ok(isProtocolError(error));
      assert.equal(error.code, -32600);
      assert.match(error.message, /initialize must not be part of a JSON-RPC batch/);
      return true;
    });
    assert.equal(raw.sent.length, before);
  });
});
