// What the scaling suites ask of every client: each kind of call the live example serves.
import assert from 'node:assert/strict';
import { type ClusterPeer, jsonOf, readJSON } from './cluster-harness.ts';

const TOOLS = [
  'announce',
  'edit_document',
  'monitor_system',
  'send_message',
  'stream_data',
  'subscribe_updates',
  'unsubscribe_updates',
];

/** Every kind of call the example serves, as one client makes them; fails on the first that does not work. */
export async function everyCall(peer: ClusterPeer, tag: string): Promise<void> {
  const { client } = peer;
  const { tools } = await client.listTools();
  assert.deepEqual(tools.map((tool) => tool.name).sort(), TOOLS);
  const { resources } = await client.listResources();
  assert.ok(resources.some((r) => r.uri === 'metrics://current'));
  const { resourceTemplates } = await client.listResourceTemplates();
  assert.equal(resourceTemplates.length, 2);

  const progress: number[] = [];
  const streamed = jsonOf<{ count: number; results: Array<{ value: unknown }> }>(
    await client.callTool({ name: 'stream_data', arguments: { source: 'sequence', count: 5 } }, undefined, {
      onprogress: (p) => void progress.push(p.progress),
    }),
  );
  assert.deepEqual(
    streamed.results.map((r) => r.value),
    [0, 1, 2, 3, 4],
  );
  assert.deepEqual(progress, [1, 2, 3, 4, 5], `${peer.wire} ${peer.sessionId}: one progress per item`);

  const metrics = await readJSON<{ cpu?: unknown; memory?: unknown }>(peer, 'metrics://current');
  assert.equal(typeof metrics.cpu, 'number');
  const channel = await readJSON<{ channel: string }>(peer, `chat://${tag}`);
  assert.equal(channel.channel, tag);
  assert.deepEqual(await client.subscribeResource({ uri: 'chat://general' }), {});
  const subscribed = jsonOf<{ subscriptions: Record<string, unknown> }>(
    await client.callTool({ name: 'subscribe_updates', arguments: { topic: 'documents', filters: [tag] } }),
  );
  assert.deepEqual(subscribed.subscriptions.documents, [tag]);
  assert.deepEqual(await client.ping(), {});
}
