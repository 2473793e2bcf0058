// Notification payloads of any object type (an interface, not only Record<string, unknown>), and the
// sessionInitialized event: what a user of server.broadcast, server.notify and ctx.notify writes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { McpServer } from '../../src/index.ts';
import { connectTestClient } from '../../src/testing/index.ts';

/** A payload declared as an interface: it has no index signature. */
interface SystemMetrics {
  cpu: number;
  memory: { used: number; total: number };
}

test('an interface-typed payload goes through broadcast, notify and ctx.notify unchanged', async () => {
  const server = new McpServer({ name: 'payloads', version: '1' });
  const sample: SystemMetrics = { cpu: 0.25, memory: { used: 1, total: 4 } };
  server.tool('push', {}, (_args, ctx) => {
    ctx.notify('system_metrics', sample);
    return 'pushed';
  });
  const client = await connectTestClient(server);
  const heard: unknown[] = [];
  client.onNotification((n) => {
    if (n.method === 'system_metrics') heard.push(n.params);
  });
  await server.broadcast('system_metrics', sample);
  await server.notify(client.session.id, 'system_metrics', sample);
  await client.request('tools/call', { name: 'push', arguments: {} });
  assert.deepEqual(heard, [sample, sample, sample]);
  await client.close();
  await server.close();
});

test('sessionInitialized fires once, when the client completes the handshake, after sessionOpened', async () => {
  const server = new McpServer({ name: 'hooks', version: '1' });
  const events: string[] = [];
  server.on('sessionOpened', (session) => void events.push(`opened ${session.initialized}`));
  server.on('sessionInitialized', (session) => void events.push(`initialized ${session.initialized}`));
  const client = await connectTestClient(server);
  assert.deepEqual(events, ['opened false', 'initialized true']);
  await client.close();
  await server.close();
});
