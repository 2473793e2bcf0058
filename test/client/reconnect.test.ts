import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isMcpLiveError } from '../../src/protocol/mcp-live-error.ts';
import {
  clientFor,
  deferred,
  type Recorded,
  ReplayingEventStore,
  startStreamablePeer,
  waitFor,
} from './helpers.ts';

const isProgress = (value: number) => (message: Record<string, unknown>) =>
  message.method === 'notifications/progress' && (message.params as { progress: number }).progress === value;

function bodyMethod(request: Recorded): string | undefined {
  return (request.body as { method?: string } | undefined)?.method;
}

describe('resuming dropped streams with Last-Event-ID', () => {
  test('a POST stream cut mid-call resumes with GET + Last-Event-ID; replayed events are delivered once', async (t) => {
    const store = new ReplayingEventStore();
    const firstSent = deferred();
    const release = deferred();
    const peer = await startStreamablePeer(t, {
      eventStore: store,
      retryInterval: 10,
      setup: (server) =>
        server.registerTool('slow', {}, async (extra) => {
          const progressToken = extra._meta?.progressToken ?? 'none';
          await extra.sendNotification({
            method: 'notifications/progress',
            params: { progressToken, progress: 1 },
          });
          firstSent.resolve();
          await release.promise;
          await extra.sendNotification({
            method: 'notifications/progress',
            params: { progressToken, progress: 2 },
          });
          return { content: [{ type: 'text', text: 'done' }] };
        }),
    });
    const client = clientFor(t, { url: peer.url, reconnect: { initialDelay: 10, maxAttempts: 5 } });
    await client.connect();
    const progress: number[] = [];
    const call = client.callTool('slow', {}, { onProgress: (p) => progress.push(p.progress) });
    await firstSent.promise;
    await waitFor(() => progress.length === 1, 'the first progress notification');
    peer.requests.find((r) => bodyMethod(r) === 'tools/call')?.res.socket?.destroy();
    release.resolve();

    assert.deepEqual((await call).content, [{ type: 'text', text: 'done' }]);
    assert.deepEqual(progress, [1, 2], 'the replayed first progress is not delivered again');
    const resumed = peer.requests.filter(
      (r) => r.method === 'GET' && r.headers['last-event-id'] !== undefined,
    );
    assert.equal(resumed[0]?.headers['last-event-id'], store.idOf(isProgress(1)));
    assert.equal(resumed[0]?.headers['mcp-session-id'], client.sessionId);
  });

  test('the standalone GET stream resumes after a drop and replays the notification sent meanwhile, once', async (t) => {
    const store = new ReplayingEventStore();
    const peer = await startStreamablePeer(t, {
      eventStore: store,
      retryInterval: 10,
      setup: (server) => server.server.registerCapabilities({ resources: { subscribe: true } }),
    });
    const client = clientFor(t, { url: peer.url, protocol: '2025', reconnect: { initialDelay: 10 } });
    const updates: string[] = [];
    const states: string[] = [];
    client.onNotification('notifications/resources/updated', ({ uri }) => updates.push(uri));
    client.on('reconnecting', ({ attempt }) => states.push(`reconnecting ${attempt} ${client.reconnecting}`));
    client.on('reconnected', () => states.push(`reconnected ${client.reconnecting}`));
    await client.connect();
    const sdk = peer.servers[0]!.server;
    const listening = () =>
      peer.requests.filter((r) => r.method === 'GET' && r.res.headersSent && !r.res.writableEnded);
    await waitFor(() => listening().length === 1, 'the GET stream');
    await sdk.sendResourceUpdated({ uri: 'memo://before' });
    await waitFor(() => updates.includes('memo://before'), 'the first update');

    listening()[0]?.res.socket?.destroy();
    await sdk.sendResourceUpdated({ uri: 'memo://during' });
    await waitFor(() => updates.includes('memo://during'), 'the update sent while the stream was down');
    await sdk.sendResourceUpdated({ uri: 'memo://after' });
    await waitFor(() => updates.includes('memo://after'), 'the update on the resumed stream');

    assert.deepEqual(updates, ['memo://before', 'memo://during', 'memo://after']);
    assert.deepEqual(
      states,
      ['reconnecting 1 true', 'reconnected false'],
      'the client said it was reconnecting',
    );
    const resumed = peer.requests.filter(
      (r) => r.method === 'GET' && r.headers['last-event-id'] !== undefined,
    );
    assert.equal(
      resumed[0]?.headers['last-event-id'],
      store.idOf((m) => JSON.stringify(m).includes('memo://before')),
    );
  });

  test('with reconnect: false a cut POST stream rejects its call with a TRANSPORT error that says why', async (t) => {
    const started = deferred();
    const peer = await startStreamablePeer(t, {
      eventStore: new ReplayingEventStore(),
      setup: (server) =>
        server.registerTool('slow', {}, async () => {
          started.resolve();
          return new Promise(() => {});
        }),
    });
    const client = clientFor(t, { url: peer.url, reconnect: false });
    await client.connect();
    const call = client.callTool('slow');
    const rejected = assert.rejects(call, (error: unknown) => {
      assert.ok(isMcpLiveError(error, 'TRANSPORT'));
      assert.match(
        error.message,
        /^request \d+ got no response: the event stream of POST http:\/\/127\.0\.0\.1:\d+\/mcp (broke|ended)/,
      );
      return true;
    });
    await started.promise;
    const post = peer.requests.find((r) => bodyMethod(r) === 'tools/call');
    await waitFor(() => post?.res.headersSent === true, 'the event stream of the call');
    post?.res.socket?.destroy();
    await rejected;
    assert.equal(peer.requests.filter((r) => r.headers['last-event-id'] !== undefined).length, 0);
  });
});
