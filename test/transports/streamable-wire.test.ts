// Streamable HTTP over raw HTTP: every status code the transport answers, through both paths.
import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import { McpServer } from '../../src/server/mcp-server.ts';
import type { StreamableHTTPServerOptions } from '../../src/transports/index.ts';
import {
  ACCEPT,
  delay,
  errorOf,
  eventsOf,
  initializeMessage,
  LiveStream,
  MODES,
  mcpPost,
  messagesOf,
  openSession,
  send,
  startStreamable,
  until,
} from './streamable-harness.ts';

const PING = { jsonrpc: '2.0', id: 1, method: 'ping' } as const;

function demoServer(): McpServer {
  const server = new McpServer({ name: 'wire', version: '1.0.0' });
  server.tool('echo', {}, (_args, ctx) => `session ${ctx.session.id}`);
  server.tool('quick', {}, async () => 'at once');
  server.tool('chatty', {}, (_args, ctx) => {
    ctx.progress(1, 2);
    return 'after progress';
  });
  server.tool('slow', {}, async () => {
    await delay(30);
    return 'later';
  });
  return server;
}

for (const mode of MODES) {
  const start = (t: TestContext, options: StreamableHTTPServerOptions = {}) =>
    startStreamable(t, mode, options, demoServer());

  describe(`Streamable HTTP status codes (${mode})`, () => {
    test('200: an answer ready at once is one JSON body; one that sends something first, or takes longer, an event stream', async (t) => {
      const h = await start(t);
      const init = await mcpPost(h.url, initializeMessage('2025-11-25'));
      assert.equal(init.status, 200);
      assert.equal(init.headers['content-type'], 'application/json');
      assert.match(init.headers['mcp-session-id'] as string, /^[\x21-\x7E]{16,}$/);
      assert.equal((JSON.parse(init.body) as { id: number }).id, 0);
      const { headers } = await openSession(h);
      const call = (id: number, name: string) => ({
        jsonrpc: '2.0',
        id,
        method: 'tools/call',
        params: { name, arguments: {}, _meta: { progressToken: id } },
      });
      const quick = await mcpPost(h.url, call(1, 'quick'), headers);
      assert.equal(quick.headers['content-type'], 'application/json');
      assert.deepEqual(
        messagesOf(quick.body).map((m) => m.id),
        [1],
      );
      // Progress before the answer: an event stream, primed (2025-11-25 with an event store).
      const chatty = await mcpPost(h.url, call(2, 'chatty'), headers);
      assert.equal(chatty.headers['content-type'], 'text/event-stream');
      const events = eventsOf(chatty.body);
      assert.equal(events[0]?.data, '', 'the priming event comes first');
      assert.deepEqual(
        messagesOf(chatty.body).map((m) => m.method ?? m.id),
        ['notifications/progress', 2],
      );
      // Silent but not ready within the turn that received it: an event stream too (keep-alive, resumption).
      const slow = await mcpPost(h.url, call(3, 'slow'), headers);
      assert.equal(slow.headers['content-type'], 'text/event-stream');
      assert.equal(eventsOf(slow.body)[0]?.data, '');
      assert.deepEqual(
        messagesOf(slow.body).map((m) => m.id),
        [3],
      );
    });

    test('200: jsonResponse: false answers initialize on an event stream that primes, carries the response, then ends', async (t) => {
      const h = await start(t, { retryInterval: 250, jsonResponse: false });
      const answer = await mcpPost(h.url, initializeMessage('2025-11-25'));
      assert.equal(answer.status, 200);
      assert.equal(answer.headers['content-type'], 'text/event-stream');
      assert.equal(answer.headers['x-accel-buffering'], 'no');
      assert.equal(answer.headers['cache-control'], 'no-cache, no-transform');
      const sessionId = answer.headers['mcp-session-id'] as string;
      assert.match(sessionId, /^[\x21-\x7E]{16,}$/);
      const [priming, response, ...rest] = eventsOf(answer.body);
      assert.equal(rest.length, 0);
      assert.equal(priming?.data, '');
      assert.ok(priming?.id);
      assert.match(answer.body, /^id: [^\n]+\nretry: 250\ndata: \n\n/);
      assert.ok(response?.id && response.id !== priming.id);
      const result = JSON.parse(response.data) as { id: number; result: { protocolVersion: string } };
      assert.equal(result.id, 0);
      assert.equal(result.result.protocolVersion, '2025-11-25');
      assert.equal(h.transport.sessionCount, 1);
    });

    test('200: clients before 2025-11-25 get no priming event (they cannot read empty data)', async (t) => {
      const h = await start(t, { jsonResponse: false });
      const answer = await mcpPost(h.url, initializeMessage('2025-06-18'));
      const events = eventsOf(answer.body);
      assert.equal(events.length, 1);
      assert.ok(events[0]?.id, 'events still carry ids, so the stream can be resumed');
      assert.equal((JSON.parse(events[0]!.data) as { id: number }).id, 0);
    });

    test('202: notifications and responses are accepted without a body', async (t) => {
      const h = await start(t);
      const { headers } = await openSession(h);
      const note = await mcpPost(
        h.url,
        { jsonrpc: '2.0', method: 'notifications/roots/list_changed' },
        headers,
      );
      assert.equal(note.status, 202);
      assert.equal(note.body, '');
      const stray = await mcpPost(h.url, { jsonrpc: '2.0', id: 'nobody-asked', result: {} }, headers);
      assert.equal(stray.status, 202);
    });

    test('406: a POST must accept JSON and SSE, a GET must accept SSE', async (t) => {
      const h = await start(t);
      const { headers } = await openSession(h);
      for (const accept of [
        'application/json',
        'text/event-stream',
        '',
        'application/json, text/event-stream;q=0',
        '*/*, text/event-stream;q=0',
      ]) {
        const answer = await mcpPost(h.url, PING, { ...headers, Accept: accept });
        assert.equal(answer.status, 406, accept);
        assert.match(errorOf(answer).message, /accept both application\/json and text\/event-stream/);
      }
      assert.equal((await mcpPost(h.url, PING, { ...headers, Accept: '*/*' })).status, 200);
      assert.equal((await mcpPost(h.url, PING, { ...headers, Accept: 'application/*, text/*' })).status, 200);
      const get = await send(h.url, { headers: { ...headers, Accept: 'application/json' } });
      assert.equal(get.status, 406);
      const refused = await send(h.url, { headers: { ...headers, Accept: 'text/event-stream;q=0, */*' } });
      assert.equal(refused.status, 406);
    });

    test('415: a POST body must be JSON', async (t) => {
      const h = await start(t);
      const answer = await mcpPost(h.url, initializeMessage(), { 'Content-Type': 'text/plain' });
      assert.equal(answer.status, 415);
      assert.equal(answer.headers['content-type'], 'application/json');
      assert.match(errorOf(answer).message, /Content-Type: application\/json/);
    });

    test('413: a body over maxBodyBytes is refused', async (t) => {
      const h = await start(t, { maxBodyBytes: 100 });
      const answer = await mcpPost(h.url, { ...initializeMessage(), padding: 'x'.repeat(200) });
      assert.equal(answer.status, 413);
      assert.match(errorOf(answer).message, /maxBodyBytes \(100 bytes\)/);
    });

    test('400: bad JSON, a bad message, a missing session id, an unsupported version header', async (t) => {
      const h = await start(t);
      const bad = await mcpPost(h.url, '{"jsonrpc":');
      assert.equal(bad.status, 400);
      assert.equal(errorOf(bad).code, -32700);
      const shape = await mcpPost(h.url, { jsonrpc: '1.0', id: 1, method: 'ping' });
      assert.equal(shape.status, 400);
      assert.equal(errorOf(shape).code, -32600);
      const missing = await mcpPost(h.url, PING, { 'MCP-Protocol-Version': '2025-11-25' });
      assert.equal(missing.status, 400);
      assert.match(errorOf(missing).message, /missing Mcp-Session-Id/);

      const { headers } = await openSession(h);
      const version = await mcpPost(h.url, PING, { ...headers, 'MCP-Protocol-Version': '1999-01-01' });
      assert.equal(version.status, 400);
      const error = errorOf(version);
      assert.match(error.message, /2025-03-26, 2025-06-18, 2025-11-25/);
      assert.deepEqual((error.data as { requested: string }).requested, '1999-01-01');
      const get = await send(h.url, {
        headers: { ...headers, Accept: 'text/event-stream', 'MCP-Protocol-Version': 'latest' },
      });
      assert.equal(get.status, 400);
    });

    test('a missing MCP-Protocol-Version header is accepted (2025-03-26 clients send none)', async (t) => {
      const h = await start(t);
      const { sessionId } = await openSession(h, { version: '2025-03-26' });
      const answer = await mcpPost(h.url, PING, { 'Mcp-Session-Id': sessionId });
      assert.equal(answer.status, 200);
      assert.deepEqual(messagesOf(answer.body), [{ jsonrpc: '2.0', id: 1, result: {} }]);
    });

    test('404: an unknown session, and a session after DELETE (204)', async (t) => {
      const h = await start(t);
      const unknown = await mcpPost(h.url, PING, { 'Mcp-Session-Id': 'no-such-session' });
      assert.equal(unknown.status, 404);
      assert.equal(errorOf(unknown).code, -32001);
      assert.match(errorOf(unknown).message, /POST initialize without Mcp-Session-Id/);

      const { headers, sessionId } = await openSession(h);
      const closed = new Promise<string>((resolve) =>
        h.server.on('sessionClosed', (_s, reason) => resolve(reason)),
      );
      const deleted = await send(h.url, { method: 'DELETE', headers });
      assert.equal(deleted.status, 204);
      assert.match(await closed, /DELETE/);
      assert.equal(h.transport.sessionCount, 0);
      assert.equal(h.server.getSession(sessionId), undefined);
      assert.equal((await mcpPost(h.url, PING, headers)).status, 404);
      assert.equal((await send(h.url, { method: 'DELETE', headers })).status, 404);
      assert.equal((await send(h.url, { headers: { ...headers, Accept: 'text/event-stream' } })).status, 404);
    });

    test('409: a session has one standalone GET stream at a time', async (t) => {
      const h = await start(t);
      const { headers } = await openSession(h);
      const first = await LiveStream.open(t, h.url, { headers });
      assert.equal(first.status, 200);
      assert.equal(first.headers['content-type'], 'text/event-stream');
      const second = await send(h.url, { headers: { ...headers, Accept: 'text/event-stream' } });
      assert.equal(second.status, 409);
      assert.match(errorOf(second).message, /already has its GET stream open/);
      first.close();
      // Once the server has seen the first one go, a new GET is welcome again.
      let status = 409;
      for (let i = 0; i < 200 && status === 409; i++) {
        if (i > 0) await delay(5);
        const again = await LiveStream.open(t, h.url, { headers });
        status = again.status;
        again.close();
      }
      assert.equal(status, 200);
    });

    test('405: other methods; GET and DELETE on a stateless server', async (t) => {
      const h = await start(t);
      const put = await send(h.url, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json' },
        body: '{}',
      });
      assert.equal(put.status, 405);
      assert.equal(put.headers.allow, 'GET, POST, DELETE');
      const stateless = await start(t, { stateless: true });
      for (const method of ['GET', 'DELETE']) {
        const answer = await send(stateless.url, { method, headers: { Accept: 'text/event-stream' } });
        assert.equal(answer.status, 405, method);
        assert.equal(answer.headers.allow, 'POST');
        assert.match(errorOf(answer).message, /stateless/);
      }
    });

    test('403: DNS-rebinding protection refuses foreign Origin and Host values', async (t) => {
      const h = await start(t, { dnsRebindingProtection: true });
      const origin = await mcpPost(h.url, initializeMessage(), { Origin: 'https://evil.example' });
      assert.equal(origin.status, 403);
      assert.match(errorOf(origin).message, /Origin "https:\/\/evil.example"/);
      const host = await mcpPost(h.url, initializeMessage(), { Host: 'evil.example' });
      assert.equal(host.status, 403);
      const local = await mcpPost(h.url, initializeMessage(), { Origin: 'http://localhost:5173' });
      assert.equal(local.status, 200);
      const listed = await start(t, { allowedOrigins: ['https://app.example'] });
      assert.equal(
        (await mcpPost(listed.url, initializeMessage(), { Origin: 'https://app.example' })).status,
        200,
      );
      assert.equal(
        (await mcpPost(listed.url, initializeMessage(), { Origin: 'https://other.example' })).status,
        403,
      );
    });

    test('401 without credentials; 403 for a session of another principal', async (t) => {
      const h = await start(t, {
        authenticate: (req) => req.headers.get('authorization')?.replace('Bearer ', '') || undefined,
      });
      const anonymous = await mcpPost(h.url, initializeMessage());
      assert.equal(anonymous.status, 401);
      assert.equal(anonymous.headers['www-authenticate'], 'Bearer');
      const { headers } = await openSession(h, { headers: { Authorization: 'Bearer alice' } });
      assert.equal((await mcpPost(h.url, PING, headers)).status, 200);
      const mallory = await mcpPost(h.url, PING, { ...headers, Authorization: 'Bearer mallory' });
      assert.equal(mallory.status, 403);
      const get = await send(h.url, {
        headers: { ...headers, Authorization: 'Bearer mallory', Accept: 'text/event-stream' },
      });
      assert.equal(get.status, 403);
      assert.equal(h.transport.sessionCount, 1);
      assert.equal(
        (await send(h.url, { method: 'DELETE', headers: { ...headers, Authorization: 'Bearer mallory' } }))
          .status,
        403,
      );
    });

    test('429 past maxInFlightPerSession; 503 past maxSessions', async (t) => {
      const h = await start(t, { maxInFlightPerSession: 1, maxSessions: 1 });
      let release!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      h.server.tool('block', {}, async () => {
        await gate;
        return 'done';
      });
      const { headers } = await openSession(h);
      const call = { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'block' } };
      const blocked = await LiveStream.open(t, h.url, { method: 'POST', headers, body: call });
      await until(() => [...h.server.sessions][0]?.inFlightCount === 1);
      const busy = await mcpPost(h.url, { ...PING, id: 8 }, headers);
      assert.equal(busy.status, 429);
      assert.equal(busy.headers['retry-after'], '1');
      const full = await mcpPost(h.url, initializeMessage());
      assert.equal(full.status, 503);
      assert.match(errorOf(full).message, /maxSessions/);
      release();
      const { message } = await blocked.message((m) => m.id === 7);
      assert.deepEqual(message.result, { content: [{ type: 'text', text: 'done' }] });
      await blocked.closed();
    });

    test('CORS: preflight 204, and answers expose Mcp-Session-Id', async (t) => {
      const h = await start(t, { cors: { origin: ['http://localhost:5173'] } });
      const preflight = await send(h.url, {
        method: 'OPTIONS',
        headers: { Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'POST' },
      });
      assert.equal(preflight.status, 204);
      assert.equal(preflight.headers['access-control-allow-origin'], 'http://localhost:5173');
      assert.equal(preflight.headers['access-control-allow-methods'], 'GET, POST, DELETE, OPTIONS');
      assert.match(String(preflight.headers['access-control-allow-headers']), /Mcp-Session-Id/);
      assert.match(String(preflight.headers['access-control-allow-headers']), /Last-Event-ID/);
      const answer = await mcpPost(h.url, initializeMessage(), { Origin: 'http://localhost:5173' });
      assert.equal(answer.status, 200);
      assert.match(String(answer.headers['access-control-expose-headers']), /Mcp-Session-Id/);
      assert.ok(answer.headers['mcp-session-id']);
    });

    test('a request id reused while in flight gets 400', async (t) => {
      const h = await start(t);
      let release!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      h.server.tool('block', {}, async () => {
        await gate;
        return 'done';
      });
      const { headers } = await openSession(h);
      const call = { jsonrpc: '2.0', id: 'same', method: 'tools/call', params: { name: 'block' } };
      const first = await LiveStream.open(t, h.url, { method: 'POST', headers, body: call });
      await until(() => [...h.server.sessions][0]?.inFlightCount === 1);
      const again = await mcpPost(h.url, call, headers);
      assert.equal(again.status, 400);
      assert.deepEqual(JSON.parse(again.body).id, 'same');
      release();
      assert.equal((await first.message((m) => m.id === 'same')).message.id, 'same');
    });

    test('initialize with a session id goes to that session, which refuses a second handshake', async (t) => {
      const h = await start(t);
      const { headers } = await openSession(h);
      const again = await mcpPost(h.url, initializeMessage(), headers);
      assert.equal(again.status, 200);
      const [answer] = messagesOf(again.body);
      assert.match((answer!.error as { message: string }).message, /already initialized/);
      assert.equal(h.transport.sessionCount, 1);
    });

    test('a failed initialize does not leave a session behind', async (t) => {
      const h = await start(t);
      const answer = await mcpPost(h.url, { jsonrpc: '2.0', id: 0, method: 'initialize', params: {} });
      assert.equal(answer.status, 200);
      assert.equal((messagesOf(answer.body)[0]!.error as { code: number }).code, -32602);
      await until(() => h.transport.sessionCount === 0);
      assert.equal(h.server.sessionCount, 0);
    });

    test('session ids come from sessionIdGenerator and must be visible ASCII', async (t) => {
      let n = 0;
      const h = await start(t, { sessionIdGenerator: () => (n++ === 0 ? 'custom-id-1' : 'bad id') });
      const ok = await mcpPost(h.url, initializeMessage());
      assert.equal(ok.headers['mcp-session-id'], 'custom-id-1');
      const errors: unknown[] = [];
      h.server.on('error', (error) => void errors.push(error));
      const bad = await mcpPost(h.url, initializeMessage());
      assert.equal(bad.status, 500);
      assert.match(String(errors[0]), /not visible ASCII/);
      assert.equal(h.transport.sessionCount, 1);
    });
  });
}

test('Accept parsing follows media ranges (no substring tricks)', async (t) => {
  const h = await startStreamable(t, 'node', {}, demoServer());
  const answer = await mcpPost(h.url, initializeMessage(), {
    Accept: 'application/jsonx, text/event-streamy',
  });
  assert.equal(answer.status, 406);
  assert.equal((await mcpPost(h.url, initializeMessage(), { Accept: ACCEPT })).status, 200);
});
