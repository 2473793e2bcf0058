// client.listen(): subscriptions/listen against mcp-live's server. List changes and resource updates
// reach onNotification, tagged with the subscription id; custom events through dev.mcp-live/events;
// a dropped stream is listened to again with the reconnect backoff; a server that shuts down completes it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { JSONRPCNotification } from '../../src/protocol/jsonrpc.ts';
import { isMcpLiveError, type McpLiveError } from '../../src/protocol/mcp-live-error.ts';
import type { McpServer } from '../../src/server/mcp-server.ts';
import { clientFor, waitFor } from './helpers.ts';
import { SUBSCRIPTION_ID, startHost } from './modern-helpers.ts';

const EVENTS = 'dev.mcp-live/events';

function catalog(server: McpServer): void {
  server.tool('first', {}, () => 'ok');
  server.resource('memo://a', { name: 'a' }, () => 'a');
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('listen (2026-07-28)', () => {
  test('hears tool list changes and resource updates, tagged with its id, until it is closed', async (t) => {
    const host = await startHost(t, catalog);
    const client = clientFor(t, { url: host.url });
    await client.connect();
    const heard: JSONRPCNotification[] = [];
    client.on('notification', (notification) => heard.push(notification));
    const updated: string[] = [];
    client.onNotification('notifications/resources/updated', ({ uri }) => updated.push(uri));

    const listen = await client.listen({
      toolsListChanged: true,
      promptsListChanged: true,
      resourceSubscriptions: ['memo://a'],
    });
    assert.equal(listen.acknowledged.toolsListChanged, true);
    assert.deepEqual(listen.acknowledged.resourceSubscriptions, ['memo://a']);
    assert.equal(
      listen.acknowledged.promptsListChanged,
      undefined,
      'a server without prompts does not honour it',
    );
    assert.equal(host.server.subscriptionCount, 1);

    host.server.tool('second', {}, () => 'ok');
    await waitFor(() => heard.some((n) => n.method === 'notifications/tools/list_changed'), 'list_changed');
    await host.server.resourceUpdated('memo://a');
    await waitFor(() => updated.length === 1, 'the resource update');
    assert.deepEqual(updated, ['memo://a']);
    for (const notification of heard) {
      const meta = notification.params?._meta as Record<string, unknown> | undefined;
      assert.equal(meta?.[SUBSCRIPTION_ID], listen.subscriptionId);
    }
    assert.ok(
      !heard.some((n) => n.method === 'notifications/subscriptions/acknowledged'),
      'the acknowledgment is the listen answer, not a notification for listeners',
    );

    await listen.close();
    assert.deepEqual(await listen.closed, { reason: 'closed' });
    await waitFor(() => host.server.subscriptionCount === 0, 'the server to drop the listen');
    const before = heard.length;
    host.server.tool('third', {}, () => 'ok');
    await delay(100);
    assert.equal(heard.length, before, 'a closed listen hears nothing more');
  });

  test('custom events through dev.mcp-live/events: a broadcast of a method it asked for arrives, others do not', async (t) => {
    const host = await startHost(t, catalog);
    const client = clientFor(t, { url: host.url });
    await client.connect();
    assert.deepEqual(client.serverCapabilities?.extensions, { [EVENTS]: {} });
    const chat: Array<Record<string, unknown>> = [];
    client.onNotification('chat_message', (params) => chat.push(params));
    const other: string[] = [];
    client.onNotification('*', (_params, notification) => other.push(notification.method));
    const listen = await client.listen({
      [EVENTS]: { methods: ['chat_message', 'notifications/tools/list_changed'] },
    });
    assert.deepEqual(listen.acknowledged, { [EVENTS]: { methods: ['chat_message'] } });

    await host.server.broadcast('system_metrics', { cpu: 1 });
    await host.server.broadcast('chat_message', { text: 'hello, room' });
    await waitFor(() => chat.length === 1, 'the chat message');
    assert.equal(chat[0]?.text, 'hello, room');
    assert.deepEqual(other, ['chat_message']);
  });

  test('a stream the server drops abruptly is listened to again, with reconnecting and reconnected events', async (t) => {
    const host = await startHost(t, catalog);
    const client = clientFor(t, { url: host.url, reconnect: { initialDelay: 20, maxAttempts: 3 } });
    await client.connect();
    const events: string[] = [];
    client.on('reconnecting', ({ attempt, error }) => {
      events.push(`reconnecting ${attempt} ${error.code} (client.reconnecting ${client.reconnecting})`);
    });
    client.on('reconnected', () => events.push(`reconnected (client.reconnecting ${client.reconnecting})`));
    const changed: string[] = [];
    client.onNotification('notifications/tools/list_changed', () => changed.push('tools'));
    const listen = await client.listen({ toolsListChanged: true });
    const first = listen.subscriptionId;

    host.http.closeAllConnections();
    await waitFor(() => events.some((e) => e.startsWith('reconnected')), 'the client to listen again');
    assert.deepEqual(events, [
      'reconnecting 1 TRANSPORT (client.reconnecting true)',
      'reconnected (client.reconnecting false)',
    ]);
    assert.notEqual(listen.subscriptionId, first, 'a new listen request');
    await waitFor(() => host.server.subscriptionCount === 1, 'the new listen to reach the server');
    host.server.tool('after_drop', {}, () => 'ok');
    await waitFor(() => changed.length === 1, 'list_changed on the new stream');
  });

  test('gives up after the configured attempts: an error event, and closed says it was lost', async (t) => {
    const host = await startHost(t, catalog);
    const client = clientFor(t, { url: host.url, reconnect: { initialDelay: 10, maxAttempts: 2 } });
    await client.connect();
    const errors: McpLiveError[] = [];
    client.on('error', (error) => errors.push(error));
    let reconnecting = 0;
    client.on('reconnecting', () => reconnecting++);
    const listen = await client.listen({ toolsListChanged: true });
    // The server stops taking connections, then drops the open one.
    host.http.close();
    host.http.closeAllConnections();
    const end = await listen.closed;
    assert.equal(end.reason, 'lost');
    assert.ok(isMcpLiveError(end.error, 'TRANSPORT'));
    assert.match(end.error.message, /stopped listening after 2 attempts to listen again/);
    assert.equal(reconnecting, 2);
    assert.deepEqual(errors, [end.error]);
    assert.equal(client.reconnecting, false, 'a listen that was given up on is no longer reconnecting');
  });

  test('a server that shuts down completes the listen: closed says completed, and no re-listen follows', async (t) => {
    const host = await startHost(t, catalog);
    const client = clientFor(t, { url: host.url, reconnect: { initialDelay: 10 } });
    await client.connect();
    let reconnecting = 0;
    client.on('reconnecting', () => reconnecting++);
    const listen = await client.listen({ toolsListChanged: true });
    await host.transport.close({ timeout: 1_000 });
    assert.deepEqual(await listen.closed, { reason: 'completed' });
    await delay(50);
    assert.equal(reconnecting, 0);
  });

  test('a listen closed by its signal ends as closed; one never acknowledged rejects with TIMEOUT', async (t) => {
    const host = await startHost(t, catalog);
    const client = clientFor(t, { url: host.url });
    await client.connect();
    const controller = new AbortController();
    const listen = await client.listen({ toolsListChanged: true }, { signal: controller.signal });
    controller.abort();
    assert.deepEqual(await listen.closed, { reason: 'closed' });
    await waitFor(() => host.server.subscriptionCount === 0, 'the server to drop the listen');

    // A server that opens the stream and never says anything.
    const silent = clientFor(t, {
      url: host.url,
      fetch: async (input, init) => {
        if (!String(init?.body).includes('subscriptions/listen')) return fetch(input, init);
        const body = new ReadableStream<Uint8Array>({});
        return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
      },
    });
    await silent.connect();
    await assert.rejects(silent.listen({ toolsListChanged: true }, { timeout: 100 }), (error: unknown) => {
      assert.ok(isMcpLiveError(error, 'TIMEOUT'));
      assert.match(error.message, /got no acknowledgment within 100 ms/);
      return true;
    });
  });

  test('client.close() ends every listen, and a listen it cannot open rejects listen()', async (t) => {
    const host = await startHost(t, catalog);
    const client = clientFor(t, { url: host.url });
    await client.connect();
    const listen = await client.listen({ toolsListChanged: true });
    await assert.rejects(
      client.listen({ [EVENTS]: { methods: 'chat_message' } } as never),
      (error: unknown) => error instanceof Error && /subscriptions\/listen was refused/.test(error.message),
    );
    await client.close();
    assert.deepEqual(await listen.closed, { reason: 'closed' });
    await waitFor(() => host.server.subscriptionCount === 0, 'the server to drop the listen');
  });
});
