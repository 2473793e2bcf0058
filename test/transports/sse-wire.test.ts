import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  EventStream,
  INITIALIZE,
  MODES,
  openSession,
  post,
  send,
  splitEventId,
  startSSE,
} from './harness.ts';

for (const mode of MODES) {
  describe(`SSE wire behaviour (${mode})`, () => {
    test('GET /sse answers an event stream whose first event is the endpoint, without an id', async (t) => {
      const h = await startSSE(t, mode);
      const stream = await EventStream.open(t, `${h.origin}/sse`);
      assert.equal(stream.status, 200);
      assert.equal(stream.headers['content-type'], 'text/event-stream');
      assert.equal(stream.headers['cache-control'], 'no-cache, no-transform');
      assert.equal(stream.headers['x-accel-buffering'], 'no');
      const first = await stream.next();
      assert.equal(first.event, 'endpoint');
      assert.equal(first.id, undefined);
      assert.match(first.data, /^\/message\?sessionId=[0-9a-f-]{36}$/);
    });

    test('a POST answers 202 with an empty body; the response and every later event carry increasing ids', async (t) => {
      const h = await startSSE(t, mode);
      const stream = await EventStream.open(t, `${h.origin}/sse`);
      const endpoint = new URL(await stream.endpoint(), h.origin).href;
      const accepted = await post(endpoint, INITIALIZE);
      assert.equal(accepted.status, 202);
      assert.equal(accepted.body, '');
      const answer = await stream.next();
      assert.equal(answer.event, 'message');
      const [key, first] = splitEventId(answer.id ?? '');
      assert.equal((JSON.parse(answer.data) as { id: number }).id, 0);
      await post(endpoint, { jsonrpc: '2.0', id: 'p', method: 'ping' });
      const pong = await stream.next();
      assert.equal(splitEventId(pong.id ?? '')[0], key);
      assert.ok(splitEventId(pong.id ?? '')[1] > first);
      assert.deepEqual(JSON.parse(pong.data), { jsonrpc: '2.0', id: 'p', result: {} });
    });

    for (const off of [{ eventStore: false }, { reconnectGracePeriod: 0 }] as const) {
      test(`without resumption (${JSON.stringify(off)}), events are numbered 1, 2, … as in 2024-11-05 servers`, async (t) => {
        const h = await startSSE(t, mode, off);
        const { stream, endpoint } = await openSession(t, h);
        await post(endpoint, { jsonrpc: '2.0', id: 'p', method: 'ping' });
        const pong = await stream.next();
        assert.deepEqual(JSON.parse(pong.data), { jsonrpc: '2.0', id: 'p', result: {} });
        assert.equal(pong.id, '2', 'the initialize answer was 1');
      });
    }

    test('a POST without sessionId gets 400', async (t) => {
      const h = await startSSE(t, mode);
      const res = await post(`${h.origin}/message`, { jsonrpc: '2.0', id: 1, method: 'ping' });
      assert.equal(res.status, 400);
      assert.match(res.body, /sessionId/);
    });

    test('a POST for an unknown session gets 404, and (with reconnectGracePeriod 0) so does one for a session whose stream closed', async (t) => {
      const h = await startSSE(t, mode, { reconnectGracePeriod: 0 });
      const unknown = await post(`${h.origin}/message?sessionId=nope`, {
        jsonrpc: '2.0',
        id: 1,
        method: 'ping',
      });
      assert.equal(unknown.status, 404);
      assert.match(unknown.body, /nope/);
      const { stream, endpoint, sessionId } = await openSession(t, h);
      stream.close();
      await waitForGone(h.sse, sessionId, h.server);
      const closed = await post(endpoint, { jsonrpc: '2.0', id: 1, method: 'ping' });
      assert.equal(closed.status, 404);
    });

    test('bad JSON gets 400 with a -32700 body; a malformed message gets 400 with -32600', async (t) => {
      const h = await startSSE(t, mode);
      const { endpoint } = await openSession(t, h);
      const bad = await post(endpoint, '{"jsonrpc": "2.0", ');
      assert.equal(bad.status, 400);
      assert.equal(bad.headers['content-type'], 'application/json');
      assert.equal((JSON.parse(bad.body) as { error: { code: number } }).error.code, -32700);
      const shape = await post(endpoint, '{"jsonrpc":"1.0","id":3,"method":"ping"}');
      assert.equal(shape.status, 400);
      assert.deepEqual(
        (JSON.parse(shape.body) as { id: number; error: { code: number } }).error.code,
        -32600,
      );
    });

    test('a POST that is not JSON gets 415', async (t) => {
      const h = await startSSE(t, mode);
      const { endpoint } = await openSession(t, h);
      const text = await send(endpoint, {
        method: 'POST',
        headers: { 'Content-Type': 'text/plain' },
        body: '{}',
      });
      assert.equal(text.status, 415);
      const none = await send(endpoint, { method: 'POST', body: '{}' });
      assert.equal(none.status, 415);
      const charset = await post(
        endpoint,
        { jsonrpc: '2.0', id: 9, method: 'ping' },
        {
          'Content-Type': 'application/json; charset=utf-8',
        },
      );
      assert.equal(charset.status, 202);
    });

    test('a body over maxBodyBytes gets 413, declared or streamed', async (t) => {
      const h = await startSSE(t, mode, { maxBodyBytes: 1024 });
      const { endpoint, stream } = await openSession(t, h);
      const big = JSON.stringify({
        jsonrpc: '2.0',
        id: 5,
        method: 'ping',
        params: { pad: 'x'.repeat(4096) },
      });
      const declared = await post(endpoint, big);
      assert.equal(declared.status, 413);
      assert.match(declared.body, /maxBodyBytes/);
      const chunked = await send(endpoint, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
        body: big,
      });
      assert.equal(chunked.status, 413);
      // The session is unharmed.
      assert.equal((await post(endpoint, { jsonrpc: '2.0', id: 6, method: 'ping' })).status, 202);
      assert.equal((await stream.message((m) => m.id === 6)).id, 6);
    });

    test('other methods get 405 with Allow; other paths get 404', async (t) => {
      const h = await startSSE(t, mode);
      const putSSE = await send(`${h.origin}/sse`, { method: 'PUT' });
      assert.equal(putSSE.status, 405);
      assert.equal(putSSE.headers.allow, 'GET');
      const getMessage = await send(`${h.origin}/message?sessionId=x`);
      assert.equal(getMessage.status, 405);
      assert.equal(getMessage.headers.allow, 'POST');
      const del = await send(`${h.origin}/message`, { method: 'DELETE' });
      assert.equal(del.status, 405);
      assert.equal((await send(`${h.origin}/elsewhere`)).status, 404);
    });

    test('a foreign Host or Origin gets 403 under DNS-rebinding protection; loopback ones pass', async (t) => {
      const h = await startSSE(t, mode, { dnsRebindingProtection: true });
      const host = await send(`${h.origin}/sse`, { headers: { Host: `evil.example:${h.port}` } });
      assert.equal(host.status, 403);
      assert.match(host.body, /evil\.example/);
      const origin = await send(`${h.origin}/sse`, { headers: { Origin: 'http://evil.example' } });
      assert.equal(origin.status, 403);
      const nullOrigin = await post(`${h.origin}/message?sessionId=x`, '{}', { Origin: 'null' });
      assert.equal(nullOrigin.status, 403);
      const local = await EventStream.open(t, `${h.origin}/sse`, {
        Host: `localhost:${h.port}`,
        Origin: 'http://localhost:5173',
      });
      assert.equal(local.status, 200);
      const v6 = await EventStream.open(t, `${h.origin}/sse`, { Host: `[::1]:${h.port}` });
      assert.equal(v6.status, 200);
    });

    test('allowedHosts and allowedOrigins replace the loopback rule', async (t) => {
      const h = await startSSE(t, mode, {
        allowedHosts: ['mcp.example.com'],
        allowedOrigins: ['https://app.example.com'],
      });
      const named = await EventStream.open(t, `${h.origin}/sse`, {
        Host: 'mcp.example.com:8443',
        Origin: 'https://app.example.com',
      });
      assert.equal(named.status, 200);
      assert.equal((await send(`${h.origin}/sse`)).status, 403, 'Host 127.0.0.1:PORT is not listed');
      const wrongOrigin = await send(`${h.origin}/sse`, {
        headers: { Host: 'mcp.example.com', Origin: 'https://other.example.com' },
      });
      assert.equal(wrongOrigin.status, 403);
    });

    test('without credentials: 401 with WWW-Authenticate before any stream opens, and for POSTs', async (t) => {
      const h = await startSSE(t, mode, {
        authenticate: (req) => {
          const token = req.headers.get('authorization');
          return token === null ? undefined : { user: token.slice('Bearer '.length) };
        },
        wwwAuthenticate: 'Bearer realm="mcp"',
      });
      const refused = await send(`${h.origin}/sse`);
      assert.equal(refused.status, 401);
      assert.equal(refused.headers['www-authenticate'], 'Bearer realm="mcp"');
      assert.notEqual(refused.headers['content-type'], 'text/event-stream');
      assert.equal(h.server.sessionCount, 0);

      const alice = { Authorization: 'Bearer alice' };
      const { endpoint, stream } = await openSession(t, h, { headers: alice });
      const anonymous = await post(endpoint, { jsonrpc: '2.0', id: 2, method: 'ping' });
      assert.equal(anonymous.status, 401);
      const mallory = await post(
        endpoint,
        { jsonrpc: '2.0', id: 3, method: 'ping' },
        { Authorization: 'Bearer mallory' },
      );
      assert.equal(mallory.status, 403);
      assert.equal((await post(endpoint, { jsonrpc: '2.0', id: 4, method: 'ping' }, alice)).status, 202);
      assert.equal((await stream.message()).id, 4, 'refused POSTs produced nothing on the stream');
    });

    test('streams over maxSessions get 503 with Retry-After', async (t) => {
      const h = await startSSE(t, mode, { maxSessions: 1 });
      await EventStream.open(t, `${h.origin}/sse`);
      const second = await send(`${h.origin}/sse`);
      assert.equal(second.status, 503);
      assert.ok(second.headers['retry-after']);
      assert.match(second.body, /maxSessions/);
    });

    test('a request over maxInFlightPerSession gets 429; notifications and responses still pass', async (t) => {
      const h = await startSSE(t, mode, { maxInFlightPerSession: 1 });
      let release = () => {};
      h.server.tool('hold', {}, () => new Promise<string>((resolve) => (release = () => resolve('done'))));
      const { endpoint, stream } = await openSession(t, h);
      const call = { jsonrpc: '2.0' as const, method: 'tools/call', params: { name: 'hold' } };
      assert.equal((await post(endpoint, { ...call, id: 1 })).status, 202);
      const over = await post(endpoint, { ...call, id: 2 });
      assert.equal(over.status, 429);
      assert.equal(over.headers['retry-after'], '1');
      assert.match(over.body, /maxInFlightPerSession/);
      assert.equal(
        (await post(endpoint, { jsonrpc: '2.0', method: 'notifications/roots/list_changed' })).status,
        202,
      );
      release();
      assert.equal((await stream.message((m) => m.id === 1)).id, 1);
    });

    test('a batch in a revision without batches gets 400 with -32600', async (t) => {
      const h = await startSSE(t, mode);
      const { endpoint } = await openSession(t, h);
      const batch = await post(endpoint, JSON.stringify([{ jsonrpc: '2.0', id: 1, method: 'ping' }]));
      assert.equal(batch.status, 400);
      assert.equal((JSON.parse(batch.body) as { error: { code: number } }).error.code, -32600);
    });

    test('CORS: preflight answers 204 and every answer names the allowed origin', async (t) => {
      const h = await startSSE(t, mode, { cors: { origin: ['https://app.example.com'] } });
      const preflight = await send(`${h.origin}/message`, {
        method: 'OPTIONS',
        headers: { Origin: 'https://app.example.com', 'Access-Control-Request-Method': 'POST' },
      });
      assert.equal(preflight.status, 204);
      assert.equal(preflight.headers['access-control-allow-origin'], 'https://app.example.com');
      assert.match(String(preflight.headers['access-control-allow-methods']), /POST/);
      assert.match(String(preflight.headers['access-control-allow-headers']), /Content-Type/);
      const stream = await EventStream.open(t, `${h.origin}/sse`, { Origin: 'https://app.example.com' });
      assert.equal(stream.headers['access-control-allow-origin'], 'https://app.example.com');
      const other = await send(`${h.origin}/message`, {
        method: 'POST',
        headers: { Origin: 'https://x.example' },
      });
      assert.equal(other.headers['access-control-allow-origin'], undefined);
      assert.equal((await send(`${h.origin}/sse`, { method: 'PUT' })).headers.allow, 'GET, OPTIONS');
    });
  });
}

async function waitForGone(
  sse: { sessionCount: number },
  id: string,
  server: { getSession(id: string): unknown },
): Promise<void> {
  const deadline = Date.now() + 3_000;
  while (server.getSession(id) !== undefined || sse.sessionCount > 0) {
    if (Date.now() > deadline) throw new Error(`session ${id} was not removed`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
