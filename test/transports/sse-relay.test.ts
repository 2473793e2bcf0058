// HTTP+SSE across instances: a POST that lands on an instance other than the stream's holder is
// relayed to the holder and answered on its stream; when the holder is gone, the client's reconnect
// to another instance (sessionId + Last-Event-ID) takes the session over and replays what it missed.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SessionRecord } from '../../src/server/session-store.ts';
import { EventStream, MODES, post, send, startSSE } from './harness.ts';
import { deployment, instanceServer, textOf } from './relay-cluster.ts';

const call = (id: number, name: string, args: Record<string, unknown> = {}) => ({
  jsonrpc: '2.0' as const,
  id,
  method: 'tools/call',
  params: { name, arguments: args },
});

for (const mode of MODES) {
  describe(`SSE across instances (${mode})`, () => {
    test('a POST on another instance is handled by the holder and answered on its stream', async (t) => {
      const d = deployment();
      const a = await startSSE(t, mode, {}, instanceServer(d, 'a').server);
      const b = await startSSE(t, mode, {}, instanceServer(d, 'b').server);
      const stream = await EventStream.open(t, `${a.origin}/sse`);
      const path = await stream.endpoint();
      const viaB = b.origin + path;

      const init = await post(viaB, {
        jsonrpc: '2.0',
        id: 0,
        method: 'initialize',
        params: {
          protocolVersion: '2024-11-05',
          capabilities: {},
          clientInfo: { name: 'raw', version: '0' },
        },
      });
      assert.equal(init.status, 202, init.body);
      const initialized = await stream.message((m) => m.id === 0);
      assert.equal((initialized.result as { protocolVersion: string }).protocolVersion, '2024-11-05');
      assert.equal((await post(viaB, { jsonrpc: '2.0', method: 'notifications/initialized' })).status, 202);

      assert.equal((await post(viaB, call(1, 'whoami'))).status, 202);
      assert.equal(textOf(await stream.message((m) => m.id === 1)), 'a');
      assert.equal(b.server.sessionCount, 0, 'B holds no session: it only relayed');
    });
  });
}

describe('SSE across instances', () => {
  test('an unknown session is 404 on every instance; bad input is refused by the holder', async (t) => {
    const d = deployment();
    const a = await startSSE(t, 'node', {}, instanceServer(d, 'a').server);
    const b = await startSSE(t, 'node', {}, instanceServer(d, 'b').server);
    for (const origin of [a.origin, b.origin]) {
      const answer = await post(`${origin}/message?sessionId=nope`, call(1, 'whoami'));
      assert.equal(answer.status, 404);
      assert.match(answer.body, /no open session "nope"/);
    }
    const stream = await EventStream.open(t, `${a.origin}/sse`);
    const viaB = b.origin + (await stream.endpoint());
    const broken = await post(viaB, '{"jsonrpc":');
    assert.equal(broken.status, 400);
    assert.equal(JSON.parse(broken.body).error.code, -32700);
    const wrongType = await send(viaB, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: '{}',
    });
    assert.equal(wrongType.status, 415);
  });

  test('when the session store cannot be reached, a POST for another instance’s session gets 503 naming it', async (t) => {
    const d = deployment();
    const a = await startSSE(t, 'node', {}, instanceServer(d, 'a').server);
    const b = await startSSE(t, 'node', {}, instanceServer(d, 'b').server);
    const stream = await EventStream.open(t, `${a.origin}/sse`);
    const viaB = b.origin + (await stream.endpoint());
    const get = d.sessionStore.get.bind(d.sessionStore);
    d.sessionStore.get = async () => {
      throw new Error('connection refused');
    };
    const answer = await post(viaB, call(1, 'whoami'));
    d.sessionStore.get = get;
    assert.equal(answer.status, 503);
    assert.equal(answer.headers['retry-after'], '2');
    assert.match(answer.body, /session store .* cannot be reached \(connection refused\)/);
  });

  test('the holder crashes: a reconnect to another instance resumes the session and replays what was missed', async (t) => {
    const d = deployment();
    const options = { reconnectGracePeriod: 10_000, eventStore: d.eventStore };
    const instanceA = instanceServer(d, 'a');
    const a = await startSSE(t, 'node', options, instanceA.server);
    const b = await startSSE(t, 'node', options, instanceServer(d, 'b').server);

    const stream = await EventStream.open(t, `${a.origin}/sse`);
    const path = await stream.endpoint();
    const sessionId = new URL(path, a.origin).searchParams.get('sessionId')!;
    await post(a.origin + path, {
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: {
        protocolVersion: '2024-11-05',
        capabilities: { elicitation: {} },
        clientInfo: { name: 'raw', version: '0' },
      },
    });
    await stream.message((m) => m.id === 0);
    await post(a.origin + path, { jsonrpc: '2.0', method: 'notifications/initialized' });
    await post(a.origin + path, {
      jsonrpc: '2.0',
      id: 1,
      method: 'logging/setLevel',
      params: { level: 'debug' },
    });
    await stream.message((m) => m.id === 1);

    // Five log messages and the answer arrive; the client has seen only up to the second.
    await post(a.origin + path, call(2, 'burst', { count: 5 }));
    let lastSeen = '';
    for (let n = 1; n <= 2; n++) {
      for (;;) {
        const event = await stream.next();
        if (event.event === 'message' && JSON.parse(event.data).params?.data?.n === n) {
          lastSeen = event.id ?? '';
          break;
        }
      }
    }
    await stream.message((m) => m.id === 2);

    // A crashes: off the bus, its connections cut; its record still names it.
    await instanceA.bus.sever();
    for (const { res } of a.gets) res.destroy();
    await stream.closed();
    const record = (await d.sessionStore.get(sessionId)) as SessionRecord;
    assert.equal(record.owner, 'a');
    assert.equal(record.logLevel, 'debug', 'the state was recorded for whoever takes over');

    const resumed = await EventStream.open(t, `${b.origin}/sse?sessionId=${sessionId}`, {
      'Last-Event-ID': lastSeen,
    });
    assert.equal(resumed.status, 200);
    const endpoint = await resumed.endpoint();
    assert.match(endpoint, new RegExp(`sessionId=${sessionId}`));
    const replayed: unknown[] = [];
    for (;;) {
      const message = await resumed.message();
      if (message.id === 2) break;
      replayed.push((message.params as { data: { n: number } }).data.n);
    }
    assert.deepEqual(replayed, [3, 4, 5], 'exactly the events after Last-Event-ID, in order');
    assert.equal((await d.sessionStore.get(sessionId))?.owner, 'b');

    // The session goes on at B, with its negotiated state: a tool call and an elicitation round trip.
    assert.equal((await post(b.origin + endpoint, call(3, 'whoami'))).status, 202);
    assert.equal(textOf(await resumed.message((m) => m.id === 3)), 'b');
    await post(b.origin + endpoint, call(4, 'ask'));
    const ask = await resumed.message((m) => m.method === 'elicitation/create');
    await post(b.origin + endpoint, {
      jsonrpc: '2.0',
      id: ask.id as string,
      result: { action: 'accept', content: { name: 'Ada' } },
    });
    assert.equal(textOf(await resumed.message((m) => m.id === 4)), 'b got {"name":"Ada"}');
  });

  test('a holder cut off from the others lets go of a session taken over meanwhile; its client follows', async (t) => {
    const d = deployment();
    const options = { reconnectGracePeriod: 10_000, eventStore: d.eventStore };
    const instanceA = instanceServer(d, 'a');
    const a = await startSSE(t, 'node', options, instanceA.server);
    const b = await startSSE(t, 'node', options, instanceServer(d, 'b').server);
    const closedAtA: string[] = [];
    instanceA.server.on('sessionClosed', (_session, reason) => void closedAtA.push(reason));

    const stream = await EventStream.open(t, `${a.origin}/sse`);
    const path = await stream.endpoint();
    const sessionId = new URL(path, a.origin).searchParams.get('sessionId')!;
    await post(a.origin + path, {
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: { protocolVersion: '2024-11-05', capabilities: {}, clientInfo: { name: 'raw', version: '0' } },
    });
    await stream.message((m) => m.id === 0);
    await post(a.origin + path, { jsonrpc: '2.0', method: 'notifications/initialized' });

    // A loses the bus but stays up, its stream to the client open. A POST lands on B, which cannot
    // reach A and takes the session over; the answer waits in the shared store.
    await instanceA.bus.sever();
    assert.equal((await post(b.origin + path, call(1, 'whoami'))).status, 202);
    assert.equal((await d.sessionStore.get(sessionId))?.owner, 'b');

    // A lets go: its stream ends (the events stay in the store), so the client reconnects to B.
    await stream.closed();
    assert.deepEqual(closedAtA, ['another instance took this session over']);
    assert.equal(instanceA.server.getSession(sessionId), undefined);
    const resumed = await EventStream.open(t, `${b.origin}/sse?sessionId=${sessionId}`);
    await resumed.endpoint();
    assert.equal(textOf(await resumed.message((m) => m.id === 1)), 'b');
  });
});
