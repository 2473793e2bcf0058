// The live server's system tools, through the official SDK client over both transports:
// stream_data, monitor_system and metrics://current.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { connectPeer, jsonOf, readJSON, startLive, textOf, until, WIRES } from './live-harness.ts';

test('the server lists every tool and resource of the issue', async (t) => {
  const live = await startLive(t);
  const { client } = await connectPeer(t, live);
  const { tools } = await client.listTools();
  assert.deepEqual(tools.map((tool) => tool.name).sort(), [
    'announce',
    'edit_document',
    'monitor_system',
    'send_message',
    'stream_data',
    'subscribe_updates',
    'unsubscribe_updates',
  ]);
  const { resources } = await client.listResources();
  assert.ok(resources.some((r) => r.uri === 'metrics://current' && r.mimeType === 'application/json'));
  assert.ok(
    resources.some((r) => r.uri === 'doc://welcome'),
    'the seeded document is listed',
  );
  const { resourceTemplates } = await client.listResourceTemplates();
  assert.deepEqual(resourceTemplates.map((r) => r.uriTemplate).sort(), [
    'chat://{channel}',
    'doc://{doc_id}',
  ]);
});

for (const wire of WIRES) {
  describe(`over ${wire}`, () => {
    test('stream_data sends one progress notification per item and returns valid JSON', async (t) => {
      const live = await startLive(t, { streamDelay: 30 });
      const { client } = await connectPeer(t, live, wire);
      const progress: Array<{ progress: number; total?: number | undefined; message?: string | undefined }> =
        [];
      const result = await client.callTool(
        { name: 'stream_data', arguments: { source: 'sequence', count: 7 } },
        undefined,
        {
          onprogress: (p) => void progress.push(p),
        },
      );
      const body = jsonOf<{
        source: string;
        count: number;
        results: Array<{ index: number; value: unknown }>;
      }>(result);
      assert.equal(body.source, 'sequence');
      assert.equal(body.count, 7);
      assert.deepEqual(
        body.results.map((r) => r.value),
        [0, 1, 2, 3, 4, 5, 6],
      );
      assert.deepEqual(
        progress.map((p) => [p.progress, p.total]),
        [1, 2, 3, 4, 5, 6, 7].map((n) => [n, 7]),
      );
      assert.equal(progress[2]?.message, 'Produced 3/7 items from sequence');
      assert.equal(live.runs.all.at(-1)?.status, 'completed');
    });

    test('stream_data stops on the server when the client cancels', async (t) => {
      const live = await startLive(t, { streamDelay: 20 });
      const { client } = await connectPeer(t, live, wire);
      const controller = new AbortController();
      let seen = 0;
      const call = client.callTool(
        { name: 'stream_data', arguments: { source: 'random', count: 5000 } },
        undefined,
        {
          signal: controller.signal,
          onprogress: (p) => {
            seen = p.progress;
            if (p.progress === 3) controller.abort('enough');
          },
        },
      );
      await assert.rejects(call);
      const run = live.runs.all.at(-1)!;
      await until(() => run.status !== 'running', 'the run to end');
      assert.equal(run.status, 'cancelled');
      assert.ok(run.produced >= seen && run.produced < 5000, `stopped after ${run.produced} items`);
    });
  });
}

test('stream_data produces real items from the metrics and random sources', async (t) => {
  const live = await startLive(t, { streamDelay: 5 });
  const { client } = await connectPeer(t, live);
  const metrics = jsonOf<{ results: Array<{ value: { cpu: number; memory: number; disk: number } }> }>(
    await client.callTool({ name: 'stream_data', arguments: { source: 'metrics', count: 2 } }),
  );
  for (const { value } of metrics.results) {
    for (const key of ['cpu', 'memory', 'disk'] as const)
      assert.ok(value[key] >= 0 && value[key] <= 100, key);
  }
  const random = jsonOf<{ results: Array<{ value: number }> }>(
    await client.callTool({ name: 'stream_data', arguments: { source: 'random', count: 20 } }),
  );
  assert.ok(new Set(random.results.map((r) => r.value)).size > 1, 'random values differ');
});

test('stream_data names the sources it knows when given another', async (t) => {
  const live = await startLive(t);
  const { client } = await connectPeer(t, live);
  const result = await client.callTool({ name: 'stream_data', arguments: { source: 'sensors' } });
  assert.equal(result.isError, true);
  assert.match(textOf(result), /source/);
  assert.match(textOf(result), /sequence/);
});

test('monitor_system pushes each real sample as system_metrics and returns them all', async (t) => {
  const live = await startLive(t);
  const peer = await connectPeer(t, live, 'sse');
  const result = await peer.client.callTool({
    name: 'monitor_system',
    arguments: { duration: 0.35, interval: 0.1 },
  });
  const body = jsonOf<{ samples: number; metrics: Array<Record<string, unknown>> }>(result);
  assert.ok(body.samples >= 3, `${body.samples} samples`);
  assert.equal(body.metrics.length, body.samples);
  await until(() => peer.of('system_metrics').length === body.samples, 'every sample as a notification');
  assert.deepEqual(peer.of('system_metrics'), body.metrics);
  const sample = body.metrics[0]!;
  for (const key of ['cpu', 'memory', 'disk']) {
    const value = sample[key] as number;
    assert.ok(value >= 0 && value <= 100, `${key} is a percentage (${value})`);
  }
  assert.equal((sample.load as number[]).length, 3);
  assert.ok((sample.memoryBytes as { total: number }).total > 0);
});

test('monitor_system stops when cancelled', async (t) => {
  const live = await startLive(t);
  const peer = await connectPeer(t, live);
  const controller = new AbortController();
  const call = peer.client.callTool(
    { name: 'monitor_system', arguments: { duration: 600, interval: 0.1 } },
    undefined,
    {
      signal: controller.signal,
    },
  );
  await until(() => peer.of('system_metrics').length > 0, 'a first sample');
  controller.abort('stop');
  await assert.rejects(call);
  const run = live.runs.all.at(-1)!;
  assert.equal(run.tool, 'monitor_system');
  await until(() => run.status !== 'running', 'the run to end');
  assert.equal(run.status, 'cancelled');
});

test('metrics://current holds real JSON values and tells subscribers when they change', async (t) => {
  const live = await startLive(t, { metricsInterval: 50 });
  const peer = await connectPeer(t, live);
  const { contents } = await peer.client.readResource({ uri: 'metrics://current' });
  assert.equal(contents[0]?.mimeType, 'application/json');
  const first = await readJSON<{ cpu: number; memoryBytes: { total: number }; diskBytes: { total: number } }>(
    peer,
    'metrics://current',
  );
  assert.ok(first.memoryBytes.total > 0 && first.diskBytes.total > 0);
  await peer.client.subscribeResource({ uri: 'metrics://current' });
  await until(() => peer.of('notifications/resources/updated').length >= 2, 'two updates');
  assert.deepEqual(peer.of('notifications/resources/updated')[0], { uri: 'metrics://current' });
  const later = await readJSON<{ timestamp: string }>(peer, 'metrics://current');
  assert.notEqual(later.timestamp, (first as unknown as { timestamp: string }).timestamp, 'a newer sample');
});
