// examples/sse-server.ts (the seed's Basic SSE Server) runs and answers the official SDK client.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { until } from './harness.ts';

test('the ported seed example serves stream_data, monitor_system and metrics://current', async (t) => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'examples/sse-server.ts', '127.0.0.1:0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  t.after(async () => {
    if (child.exitCode === null) {
      child.kill('SIGINT');
      await once(child, 'exit');
    }
  });
  let output = '';
  child.stdout.setEncoding('utf8');
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: string) => {
      output += chunk;
      const match = /Starting SSE server: (\S+)/.exec(output);
      if (match !== null) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the example exited with ${code}: ${output}`)));
  });

  const client = new Client({ name: 'example-test', version: '1.0.0' });
  const transport = new SSEClientTransport(new URL(url), {
    requestInit: { headers: { Authorization: 'Bearer demo', 'X-Request-ID': 'req-1' } },
  });
  await client.connect(transport);
  t.after(() => client.close());

  const progress: number[] = [];
  const result = await client.callTool(
    { name: 'stream_data', arguments: { source: 'sensors', count: 3 } },
    undefined,
    {
      onprogress: (p) => void progress.push(p.progress),
    },
  );
  const body = JSON.parse((result.content as Array<{ text: string }>)[0]!.text) as Record<string, unknown>;
  assert.equal(body.count, 3);
  assert.equal(body.requestId, 'req-1');
  assert.deepEqual(progress, [1, 2, 3]);

  const metrics: unknown[] = [];
  client.fallbackNotificationHandler = async (n) => void metrics.push({ method: n.method, params: n.params });
  const monitored = await client.callTool({ name: 'monitor_system', arguments: { duration: 0.05 } });
  assert.match((monitored.content as Array<{ text: string }>)[0]!.text, /"samples":1/);
  await until(() => metrics.length > 0);
  assert.deepEqual(metrics, [{ method: 'system_metrics', params: { cpu: 50.5, memory: 75.2, disk: 30.1 } }]);

  const read = await client.readResource({ uri: 'metrics://current' });
  assert.deepEqual(read.contents, [
    {
      uri: 'metrics://current',
      mimeType: 'application/json',
      text: '{"cpu":50.5,"memory":75.2,"disk":30.1}',
    },
  ]);
});
