// Streamable HTTP across instances: any instance answers any session's POST, GET and DELETE (relayed
// to the instance that holds the session, the answer streamed back); an answer to a server request
// may land anywhere; when the holder is gone, the next request takes the session over and the GET
// stream resumes there with Last-Event-ID.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { deployment, instanceServer, textOf } from './relay-cluster.ts';
import {
  errorOf,
  LiveStream,
  MODES,
  mcpPost,
  messagesOf,
  openSession,
  startStreamable,
} from './streamable-harness.ts';

const call = (id: number, name: string, args: Record<string, unknown> = {}, meta?: object) => ({
  jsonrpc: '2.0' as const,
  id,
  method: 'tools/call',
  params: meta === undefined ? { name, arguments: args } : { name, arguments: args, _meta: meta },
});

for (const mode of MODES) {
  describe(`Streamable HTTP across instances (${mode})`, () => {
    test('a POST on another instance is run by the holder and streamed back', async (t) => {
      const d = deployment();
      const a = await startStreamable(t, mode, {}, instanceServer(d, 'a').server);
      const b = await startStreamable(t, mode, {}, instanceServer(d, 'b').server);
      const { headers } = await openSession(a);

      const answer = await mcpPost(b.url, call(1, 'burst', { count: 2 }), headers);
      assert.equal(answer.status, 200, answer.body);
      assert.equal(answer.headers['content-type'], 'text/event-stream');
      const messages = messagesOf(answer.body);
      assert.deepEqual(
        messages.map((m) => (m.id === 1 ? 'result' : (m.params as { data: { n: number } }).data.n)),
        [1, 2, 'result'],
      );
      assert.equal(
        textOf((await mcpPost(b.url, call(2, 'whoami'), headers).then((r) => messagesOf(r.body)))[0]!),
        'a',
      );
      assert.equal(b.server.sessionCount, 0, 'B holds no session: it only relayed');
    });
  });
}

describe('Streamable HTTP across instances', () => {
  test('the GET stream and DELETE work through another instance; unknown sessions are 404 everywhere', async (t) => {
    const d = deployment();
    const instanceA = instanceServer(d, 'a');
    const a = await startStreamable(t, 'node', {}, instanceA.server);
    const b = await startStreamable(t, 'node', {}, instanceServer(d, 'b').server);
    const { sessionId, headers } = await openSession(a);

    const get = await LiveStream.open(t, b.url, { headers });
    assert.equal(get.status, 200);
    assert.equal(get.headers['mcp-session-id'], sessionId);
    await b.server.notify(sessionId, 'notifications/message', { level: 'info', data: 'from B' });
    await instanceA.server.notify(sessionId, 'notifications/message', { level: 'info', data: 'from A' });
    assert.equal(((await get.message()).message.params as { data: string }).data, 'from B');
    assert.equal(((await get.message()).message.params as { data: string }).data, 'from A');

    const second = await LiveStream.open(t, a.url, { headers });
    assert.equal(second.status, 409, 'one GET stream per session, wherever it was opened');

    const deleted = await fetch(b.url, { method: 'DELETE', headers });
    assert.equal(deleted.status, 204);
    await get.closed();
    for (const url of [a.url, b.url]) {
      const gone = await mcpPost(url, call(3, 'whoami'), headers);
      assert.equal(gone.status, 404);
      assert.equal(errorOf(gone).code, -32001);
    }
  });

  test('the answer to a server request may land on another instance', async (t) => {
    const d = deployment();
    const a = await startStreamable(t, 'node', {}, instanceServer(d, 'a').server);
    const b = await startStreamable(t, 'node', {}, instanceServer(d, 'b').server);
    const { headers } = await openSession(a, { capabilities: { elicitation: {} } });
    const asking = await LiveStream.open(t, a.url, { method: 'POST', headers, body: call(1, 'ask') });
    const { message: ask } = await asking.message((m) => m.method === 'elicitation/create');
    const reply = await mcpPost(
      b.url,
      { jsonrpc: '2.0', id: ask.id, result: { action: 'accept', content: { name: 'Ada' } } },
      headers,
    );
    assert.equal(reply.status, 202);
    const { message } = await asking.message((m) => m.id === 1);
    assert.equal(textOf(message), 'a got {"name":"Ada"}');
  });

  test('the holder crashes: the next request is taken over and the GET stream resumes with nothing lost', async (t) => {
    const d = deployment();
    const options = { eventStore: d.eventStore };
    const instanceA = instanceServer(d, 'a');
    const a = await startStreamable(t, 'node', options, instanceA.server);
    const b = await startStreamable(t, 'node', options, instanceServer(d, 'b').server);
    const { sessionId, headers } = await openSession(a, { capabilities: { elicitation: {} } });
    const set = await mcpPost(
      a.url,
      { jsonrpc: '2.0', id: 1, method: 'logging/setLevel', params: { level: 'debug' } },
      headers,
    );
    assert.equal(set.status, 200);

    const get = await LiveStream.open(t, a.url, { headers });
    for (let n = 1; n <= 5; n++)
      await instanceA.server.notify(sessionId, 'notifications/message', { level: 'info', data: n });
    let lastSeen = '';
    for (let n = 1; n <= 2; n++)
      lastSeen = (await get.message((m) => m.method === 'notifications/message')).id ?? '';
    assert.notEqual(lastSeen, '');

    await instanceA.bus.sever();
    a.dropConnections();
    await get.closed();

    // The next POST lands on B, which takes the session over, state and all.
    const who = await mcpPost(b.url, call(2, 'whoami'), headers);
    assert.equal(who.status, 200, who.body);
    assert.equal(textOf(messagesOf(who.body)[0]!), 'b');
    assert.equal((await d.sessionStore.get(sessionId))?.owner, 'b');
    const debug = await mcpPost(b.url, call(3, 'burst', { count: 1 }), headers);
    assert.equal(messagesOf(debug.body).length, 2, 'the log level set at A holds at B');

    const resumed = await LiveStream.open(t, b.url, { headers: { ...headers, 'Last-Event-ID': lastSeen } });
    assert.equal(resumed.status, 200);
    const replayed: unknown[] = [];
    for (let n = 3; n <= 5; n++) replayed.push((await resumed.message()).message.params);
    assert.deepEqual(
      replayed.map((p) => (p as { data: number }).data),
      [3, 4, 5],
    );
    await b.server.notify(sessionId, 'notifications/message', { level: 'info', data: 6 });
    assert.equal(((await resumed.message()).message.params as { data: number }).data, 6);
  });

  test('a holder that stops listening for a moment keeps its sessions: no takeover within the window', async (t) => {
    const d = deployment();
    const instanceA = instanceServer(d, 'a');
    const a = await startStreamable(t, 'node', {}, instanceA.server);
    const b = await startStreamable(t, 'node', {}, instanceServer(d, 'b').server);
    const { sessionId, headers } = await openSession(a);
    await instanceA.bus.blink(500);
    const who = await mcpPost(b.url, call(1, 'whoami'), headers);
    assert.equal(textOf(messagesOf(who.body)[0]!), 'a', 'relayed once A listened again');
    assert.equal((await d.sessionStore.get(sessionId))?.owner, 'a');
    assert.equal(b.server.sessionCount, 0);
  });

  test('a relayed request whose answer the holder could not send gets 502, not silence', async (t) => {
    const d = deployment();
    const instanceA = instanceServer(d, 'a');
    const a = await startStreamable(t, 'node', {}, instanceA.server);
    const b = await startStreamable(t, 'node', {}, instanceServer(d, 'b').server);
    const { headers } = await openSession(a);
    instanceA.bus.failSends = true;
    setTimeout(() => {
      instanceA.bus.failSends = false;
    }, 300);
    const answer = await mcpPost(b.url, call(1, 'whoami'), headers);
    assert.equal(answer.status, 502);
    assert.match(errorOf(answer).message, /lost this request; retry/);
    const again = await mcpPost(b.url, call(2, 'whoami'), headers);
    assert.equal(textOf(messagesOf(again.body)[0]!), 'a');
  });
  test('a resumed GET stream whose relay breaks before any event ends with its Last-Event-ID, not silence', async (t) => {
    const d = deployment();
    const options = { eventStore: d.eventStore };
    const instanceA = instanceServer(d, 'a');
    const a = await startStreamable(t, 'node', options, instanceA.server);
    const b = await startStreamable(t, 'node', options, instanceServer(d, 'b').server);
    const { sessionId, headers } = await openSession(a);
    const get = await LiveStream.open(t, a.url, { headers });
    await instanceA.server.notify(sessionId, 'custom/n', { n: 1 });
    const one = await get.message();
    get.close();

    // The holder's answer starts (status and headers reach B), then nothing more gets through.
    instanceA.bus.failRelays = (payload) => (payload as { k?: string }).k === 'data';
    const resumed = await LiveStream.open(t, b.url, { headers: { ...headers, 'Last-Event-ID': one.id! } });
    assert.equal(resumed.status, 200);
    await resumed.closed();
    // The client is told where it was, so that its next try resumes from there instead of starting afresh.
    assert.equal(resumed.body, `id: ${one.id}\ndata: \n\n`);
  });
});
