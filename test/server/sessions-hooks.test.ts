import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { JSONRPCRequest, JSONRPCResponse } from '../../src/protocol/jsonrpc.ts';
import { ProtocolError } from '../../src/protocol/protocol-error.ts';
import { s } from '../../src/schema/index.ts';
import { McpServer } from '../../src/server/mcp-server.ts';
import type { RequestContext } from '../../src/server/request-context.ts';
import type { SessionView } from '../../src/server/session.ts';
import { MemorySessionStore } from '../../src/stores/memory-session-store.ts';
import { connectTestClient } from '../../src/testing/test-client.ts';
import { firstText, isLiveError, openRawSession, rejectsWithCode, resultOf } from './helpers.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('what a handler knows about its session and request', () => {
  test('ctx.session carries the id, client info and capabilities, headers and principal', async () => {
    const server = new McpServer({ name: 'ctx', version: '1' });
    let seen: RequestContext | undefined;
    server.tool('whoami', {}, (_args, ctx) => {
      seen = ctx;
      return ctx.session.id;
    });
    const client = await connectTestClient(server, {
      clientInfo: { name: 'dashboard', version: '3.2.1' },
      capabilities: { roots: { listChanged: true } },
      headers: { authorization: 'Bearer stream-token', 'x-tenant': 'acme' },
      principal: { user: 'ada' },
      protocolVersion: '2025-06-18',
    });
    const result = await client.callTool('whoami');
    assert.equal(firstText(result), client.session.id);
    assert.ok(seen !== undefined);
    assert.equal(seen.session.id, client.session.id);
    assert.deepEqual(seen.session.clientInfo, { name: 'dashboard', version: '3.2.1' });
    assert.deepEqual(seen.session.clientCapabilities, { roots: { listChanged: true } });
    assert.equal(seen.session.protocolVersion, '2025-06-18');
    assert.equal(seen.session.headers.get('authorization'), 'Bearer stream-token');
    assert.deepEqual(seen.session.principal, { user: 'ada' });
    assert.equal(seen.method, 'tools/call');
    assert.equal(seen.server, server);
    // Without headers of its own, a request sees the session's.
    assert.equal(seen.headers.get('x-tenant'), 'acme');
    await client.close();
  });

  test("ctx.headers are this request's own headers when the transport passes them", async () => {
    const server = new McpServer({ name: 'headers', version: '1' });
    server.tool(
      'auth',
      {},
      (_args, ctx) => `${ctx.headers.get('authorization')} / ${ctx.session.headers.get('authorization')}`,
    );
    const client = await connectTestClient(server, { headers: { authorization: 'Bearer stream' } });
    const first = await client.callTool('auth', {}, { headers: { authorization: 'Bearer request-1' } });
    const second = await client.callTool('auth', {}, { headers: { authorization: 'Bearer request-2' } });
    assert.equal(firstText(first), 'Bearer request-1 / Bearer stream');
    assert.equal(firstText(second), 'Bearer request-2 / Bearer stream');
    await client.close();
  });

  test('session.data keeps values across the requests of one session, never across sessions', async () => {
    const server = new McpServer({ name: 'data', version: '1' });
    server.tool('count', {}, (_args, ctx) => {
      const next = ((ctx.session.data.get('count') as number | undefined) ?? 0) + 1;
      ctx.session.data.set('count', next);
      return `${next}`;
    });
    const a = await connectTestClient(server);
    const b = await connectTestClient(server);
    assert.equal(firstText(await a.callTool('count')), '1');
    assert.equal(firstText(await a.callTool('count')), '2');
    assert.equal(firstText(await b.callTool('count')), '1');
    assert.equal(firstText(await a.callTool('count')), '3');
    await Promise.all([a.close(), b.close()]);
  });
});

describe('sessions', () => {
  test('session ids are unique random UUIDs', async () => {
    const server = new McpServer({ name: 'ids', version: '1' });
    const clients = await Promise.all(
      Array.from({ length: 50 }, () => connectTestClient(server, { initialize: false })),
    );
    const ids = clients.map((c) => c.session.id);
    for (const id of ids) assert.match(id, UUID);
    assert.equal(new Set(ids).size, 50);
    assert.equal(server.sessionCount, 50);
    await server.close();
  });

  test('sessions are recorded in the session store while open', async () => {
    const store = new MemorySessionStore();
    const server = new McpServer({ name: 'store', version: '1' }, { sessionStore: store });
    const client = await connectTestClient(server, { principal: 'ada' });
    const record = await store.get(client.session.id);
    assert.equal(record?.transport, 'memory');
    assert.equal(record?.principal, 'ada');
    await client.close();
    assert.equal(await store.get(client.session.id), undefined);
  });

  test('a session id the transport chose must not be in use', async () => {
    const server = new McpServer({ name: 'dup', version: '1' });
    await openRawSession(server, { id: 'fixed' });
    await assert.rejects(openRawSession(server, { id: 'fixed' }), isLiveError('DUPLICATE_NAME', /"fixed"/));
  });

  test('an idle session is closed by the server and reported by sessionClosed', async () => {
    const server = new McpServer({ name: 'idle', version: '1' }, { sessionIdleTimeout: 1500 });
    let guard: ReturnType<typeof setTimeout> | undefined;
    const closed = new Promise<[SessionView, string]>((resolve, reject) => {
      server.on('sessionClosed', (session, reason) => resolve([session, reason]));
      // The sweeper's timer does not hold the process open (a transport does); this one does, and bounds the wait.
      guard = setTimeout(() => reject(new Error('the idle session was never closed')), 20_000);
    });
    const client = await connectTestClient(server);
    const [session, reason] = await closed.finally(() => clearTimeout(guard));
    assert.equal(session.id, client.session.id);
    assert.match(reason, /idle/);
    assert.equal(session.closed, true);
    assert.equal(server.getSession(session.id), undefined);
    assert.equal(server.sessionCount, 0);
  });

  test('a session busy with a request is not closed as idle, while a forgotten one is', async () => {
    const server = new McpServer({ name: 'busy', version: '1' }, { sessionIdleTimeout: 1500 });
    let release!: (value: string) => void;
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    server.tool('long', {}, () => {
      started();
      return new Promise<string>((resolve) => {
        release = resolve;
      });
    });
    let guard: ReturnType<typeof setTimeout> | undefined;
    const closed = new Promise<string>((resolve, reject) => {
      server.on('sessionClosed', (session) => resolve(session.id));
      guard = setTimeout(() => reject(new Error('the idle session was never closed')), 20_000);
    });
    // The busy session's last traffic is older than the idle one's, so only its running request keeps it open.
    const busy = await connectTestClient(server);
    const call = busy.callTool('long');
    await running;
    const idle = await connectTestClient(server);
    assert.equal(await closed.finally(() => clearTimeout(guard)), idle.session.id);
    assert.equal(busy.session.closed, false);
    release('finished');
    assert.equal(firstText(await call), 'finished');
    await server.close();
  });

  test('an ephemeral session dispatches requests without being stored or announced', async () => {
    const server = new McpServer({ name: 'stateless', version: '1' });
    server.tool(
      'add',
      { input: { a: s.number().required(), b: s.number().required() } },
      ({ a, b }) => `${a + b}`,
    );
    const opened: string[] = [];
    server.on('sessionOpened', (session) => {
      opened.push(session.id);
    });
    const raw = await openRawSession(server, { ephemeral: true, transport: 'streamable-http' });
    assert.equal(raw.session.ephemeral, true);
    resultOf(
      await raw.request('initialize', {
        protocolVersion: '2025-11-25',
        capabilities: {},
        clientInfo: { name: 'one-shot', version: '1' },
      }),
    );
    const result = resultOf(await raw.request('tools/call', { name: 'add', arguments: { a: 2, b: 3 } }));
    assert.deepEqual(result.content, [{ type: 'text', text: '5' }]);
    assert.equal(server.sessionCount, 0);
    assert.equal(server.getSession(raw.session.id), undefined);
    assert.deepEqual(opened, []);
    await server.closeSession(raw.session);
    assert.equal(raw.session.closed, true);
  });
});

describe('hooks', () => {
  test('sessionOpened and sessionClosed fire once per session, with the close reason', async () => {
    const server = new McpServer({ name: 'hooks', version: '1' });
    const events: string[] = [];
    server.on('sessionOpened', (session) => {
      events.push(`open:${session.transport}`);
    });
    server.on('sessionClosed', (_session, reason) => {
      events.push(`close:${reason}`);
    });
    const client = await connectTestClient(server);
    await client.close('user left');
    await client.close('again');
    assert.deepEqual(events, ['open:memory', 'close:user left']);
  });

  test('beforeRequest sees each request; throwing refuses it with that error and the handler never runs', async () => {
    const server = new McpServer({ name: 'gate', version: '1' });
    let ran = 0;
    server.tool('secret', {}, () => {
      ran++;
      return 'secret';
    });
    const seen: string[] = [];
    server.on('beforeRequest', (request, session) => {
      seen.push(request.method);
      if (request.method === 'tools/call' && session.principal !== 'admin') {
        throw new ProtocolError(-32001, `Session ${session.id} may not call tools`);
      }
    });
    const guest = await connectTestClient(server, { principal: 'guest' });
    await rejectsWithCode(guest.callTool('secret'), -32001, new RegExp(guest.session.id));
    assert.equal(ran, 0);
    const admin = await connectTestClient(server, { principal: 'admin' });
    assert.equal(firstText(await admin.callTool('secret')), 'secret');
    assert.deepEqual(seen, ['initialize', 'tools/call', 'initialize', 'tools/call']);
    await Promise.all([guest.close(), admin.close()]);
  });

  test('a beforeRequest listener that throws a plain error refuses the request as an internal error', async () => {
    const server = new McpServer({ name: 'gate2', version: '1' });
    server.on('error', () => {});
    server.on('beforeRequest', async (request) => {
      if (request.method === 'ping') throw new Error('rate limited');
    });
    const client = await connectTestClient(server);
    await rejectsWithCode(client.request('ping'), -32603, /rate limited/);
    await client.close();
  });

  test('afterRequest sees each request with the response that was sent', async () => {
    const server = new McpServer({ name: 'after', version: '1' });
    server.tool('ok', {}, () => 'fine');
    const log: Array<[JSONRPCRequest, JSONRPCResponse, number]> = [];
    server.on('afterRequest', (request, response, _session, duration) => {
      log.push([request, response, duration]);
    });
    const client = await connectTestClient(server);
    await client.callTool('ok');
    await client.request('nope').catch(() => {});
    const [init, call, nope] = log;
    assert.equal(init?.[0].method, 'initialize');
    assert.equal(call?.[0].method, 'tools/call');
    assert.deepEqual(call?.[1], {
      jsonrpc: '2.0',
      id: call?.[0].id,
      result: { content: [{ type: 'text', text: 'fine' }] },
    });
    assert.equal(typeof call?.[2], 'number');
    assert.equal((nope?.[1] as { error: { code: number } } | undefined)?.error.code, -32601);
    await client.close();
  });

  test('error listeners hear handler failures with the session they happened in', async () => {
    const server = new McpServer({ name: 'errors', version: '1' });
    const reported: Array<{ error: unknown; session: string | undefined; method: string | undefined }> = [];
    server.on('error', (error, context) => {
      reported.push({ error, session: context.session?.id, method: context.request?.method });
    });
    server.tool('boom', {}, () => {
      throw new Error('tool failed');
    });
    server.resource('boom://r', { name: 'r' }, () => {
      throw new Error('read failed');
    });
    const client = await connectTestClient(server);
    await client.callTool('boom');
    await client.request('resources/read', { uri: 'boom://r' }).catch(() => {});
    assert.deepEqual(
      reported.map((r) => [(r.error as Error).message, r.session]),
      [
        ['tool failed', client.session.id],
        ['read failed', client.session.id],
      ],
    );
    assert.deepEqual(
      reported.map((r) => r.method),
      ['tools/call', 'resources/read'],
    );
    await client.close();
  });

  test('a listener that throws is reported to error listeners and does not break the server', async () => {
    const server = new McpServer({ name: 'bad-listener', version: '1' });
    const reported: unknown[] = [];
    server.on('error', (error) => {
      reported.push(error);
    });
    server.on('sessionOpened', () => {
      throw new Error('listener bug');
    });
    const stop = server.on('afterRequest', () => {
      throw new Error('after bug');
    });
    const client = await connectTestClient(server);
    assert.deepEqual(await client.request('ping'), {});
    stop();
    assert.deepEqual(await client.request('ping'), {});
    assert.deepEqual(
      reported.map((e) => (e as Error).message),
      ['listener bug', 'after bug', 'after bug'],
    );
    await client.close();
  });
});
