// The live example with Redis: `npm start -- --redis …` and its banner, its errors, chat and document
// updates that reach sessions of other instances (metrics stay per instance), and the cluster script.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { redactURL, startLiveServer } from '../../examples/live/live-server.ts';
import { startInstance } from '../../examples/scaling/instances.ts';
import { redisForTests } from '../stores/redis-server.ts';
import { connectPeer, jsonOf, readJSON, until, withTimeout } from './cluster-harness.ts';

const redis = await redisForTests();
after(() => redis.server?.close());
const skip = redis.skip;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Runs a script to its end (bounded), with what it printed. */
async function run(args: string[], env: NodeJS.ProcessEnv = {}, ms = 20_000) {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: ROOT,
    env: { ...process.env, REDIS_URL: '', REDIS_CLUSTER: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { code, stdout, stderr };
}

async function closedPort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

test('redactURL masks a password and leaves everything else', () => {
  assert.equal(redactURL('redis://user:hunter2@10.0.0.5:6380/2'), 'redis://user:***@10.0.0.5:6380/2');
  assert.equal(redactURL('rediss://:hunter2@cache.internal'), 'rediss://:***@cache.internal');
  assert.equal(redactURL('redis://127.0.0.1:6379'), 'redis://127.0.0.1:6379');
});

test('--help says what --redis shares between instances and what stays per process', async () => {
  const { code, stdout } = await run(['examples/live/main.ts', '--help']);
  assert.equal(code, 0);
  assert.match(stdout, /--redis\s+Redis URL/);
  assert.match(stdout, /env REDIS_URL/);
  assert.match(
    stdout,
    /--redis-cluster the same on a Redis Cluster: URLs of some of its nodes,\s+env REDIS_CLUSTER/,
  );
  assert.match(stdout, /--instance-id/);
  assert.match(stdout, /every instance shares: sessions[\s\S]*the chat history[\s\S]*the documents/);
  assert.match(stdout, /What stays per instance: the\s+system metrics/);
});

test('npm start -- --redis: the banner names the instance and the Redis it uses', { skip }, async (t) => {
  const instance = await startInstance({ redisUrl: redis.server!.url, instanceId: 'banner-1' });
  t.after(() => instance.stop());
  assert.match(instance.output, /\n {2}instance {9}banner-1\n/);
  assert.match(
    instance.output,
    new RegExp(`\\n {2}redis {12}redis://127\\.0\\.0\\.1:${redis.server!.port}\\n`),
  );

  // REDIS_URL does the same as --redis.
  const child = spawn(process.execPath, ['--import', 'tsx', 'examples/live/main.ts', '--port', '0'], {
    cwd: ROOT,
    env: { ...process.env, REDIS_URL: redis.server!.url },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  t.after(() => child.kill('SIGKILL'));
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  await until(() => /\n {2}redis .*\n/.test(out), 'the banner', 20_000);
  assert.match(out, /\n {2}instance {9}[0-9a-f-]{36}\n/, 'a random UUID without --instance-id');
  assert.match(out, new RegExp(`redis {12}redis://127\\.0\\.0\\.1:${redis.server!.port}`));
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const [code] = (await withTimeout(exited, 10_000, 'a clean stop')) as [number | null];
  assert.equal(code, 0, 'SIGTERM closes sessions and Redis, then exits 0');
});

test('an unreachable Redis stops the example with a clear error that hides the password', async () => {
  const port = await closedPort();
  const { code, stderr } = await run([
    'examples/live/main.ts',
    '--port',
    '0',
    '--redis',
    `redis://app:hunter2@127.0.0.1:${port}`,
  ]);
  assert.equal(code, 2);
  assert.match(
    stderr,
    new RegExp(`mcp-live example: connectRedis could not reach redis://\\S*127\\.0\\.0\\.1:${port}`),
  );
  assert.match(stderr, /Start Redis there \(redis-server\) or point --redis \/ REDIS_URL at a running one/);
  assert.match(stderr, /ECONNREFUSED/, 'the cause is named');
  assert.doesNotMatch(stderr, /hunter2/);

  const bad = await run(['examples/live/main.ts', '--redis', 'localhost:6379']);
  assert.equal(bad.code, 2);
  assert.match(
    bad.stderr,
    /--redis\/REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL \(got "localhost:6379"\)/,
  );
});

test('an unreachable Redis Cluster, or --redis with --redis-cluster, stops the example with a clear error', async () => {
  const [one, two] = [await closedPort(), await closedPort()];
  const { code, stderr } = await run([
    'examples/live/main.ts',
    '--port',
    '0',
    '--redis-cluster',
    `redis://app:hunter2@127.0.0.1:${one},redis://127.0.0.1:${two}`,
  ]);
  assert.equal(code, 2);
  assert.match(
    stderr,
    new RegExp(
      `connectRedis could not reach the Redis Cluster at redis://\\*\\*\\*@127\\.0\\.0\\.1:${one}, redis://127\\.0\\.0\\.1:${two}`,
    ),
  );
  assert.match(stderr, /point --redis-cluster \/ REDIS_CLUSTER at nodes of a running one/);
  assert.doesNotMatch(stderr, /hunter2/);

  const both = await run(['examples/live/main.ts', '--redis', 'redis://a', '--redis-cluster', 'redis://b']);
  assert.equal(both.code, 2);
  assert.match(
    both.stderr,
    /give --redis \(one Redis\) or --redis-cluster \(the nodes of a Redis Cluster\), not both/,
  );
  const bad = await run(['examples/live/main.ts', '--redis-cluster', 'redis://a:1,b:2']);
  assert.equal(bad.code, 2);
  assert.match(
    bad.stderr,
    /--redis-cluster\/REDIS_CLUSTER must be redis:\/\/ or rediss:\/\/ URLs separated by commas \(got "b:2"\)/,
  );
});

test('chat, documents and their updates are shared by the instances; metrics stay on their own', {
  skip,
}, async (t) => {
  const options = { port: 0, log: () => {}, redisUrl: redis.server!.url, metricsInterval: 50 };
  const a = await startLiveServer({ ...options, instanceId: 'topics-a' });
  t.after(() => a.close());
  const b = await startLiveServer({ ...options, instanceId: 'topics-b' });
  t.after(() => b.close());
  const alice = await connectPeer('streamable-http', new URL(a.url));
  t.after(() => alice.client.close());
  const bob = await connectPeer('sse', new URL(b.url));
  t.after(() => bob.client.close());
  const carol = await connectPeer('streamable-http', new URL(b.url));
  t.after(() => carol.client.close());
  assert.equal(a.server.sessionCount, 1);
  assert.equal(b.server.sessionCount, 2);

  // carol leaves "general" for "ops"; bob stays on general and views the "plan" document.
  jsonOf(
    await carol.client.callTool({
      name: 'subscribe_updates',
      arguments: { topic: 'chat', filters: ['ops'] },
    }),
  );
  jsonOf(
    await bob.client.callTool({
      name: 'subscribe_updates',
      arguments: { topic: 'documents', filters: ['plan'] },
    }),
  );
  jsonOf(await bob.client.callTool({ name: 'subscribe_updates', arguments: { topic: 'metrics' } }));

  const sent = jsonOf<{ delivered: number }>(
    await alice.client.callTool({ name: 'send_message', arguments: { message: 'hello from A' } }),
  );
  assert.equal(sent.delivered, 1, 'delivered counts this instance’s sessions');
  await until(() => bob.of('chat_message').some((m) => m.text === 'hello from A'), 'bob, on B, to hear A');
  jsonOf(
    await alice.client.callTool({ name: 'send_message', arguments: { message: 'to ops', channel: 'ops' } }),
  );
  await until(
    () => carol.of('chat_message').some((m) => m.text === 'to ops'),
    'carol, on ops at B, to hear A',
  );
  assert.deepEqual(
    carol.of('chat_message').map((m) => m.text),
    ['to ops'],
    'carol left general: its message did not reach her',
  );

  jsonOf(
    await alice.client.callTool({
      name: 'edit_document',
      arguments: { doc_id: 'plan', operation: 'set', data: { base_version: 0, text: 'step 1' } },
    }),
  );
  await until(() => bob.of('document_changed').length === 1, 'bob to hear of the edit made at A');
  assert.equal(bob.of('document_changed')[0]?.content, 'step 1');
  assert.deepEqual(
    [(await b.documents.get('plan')).version, (await b.documents.get('plan')).content],
    [1, 'step 1'],
    'B has the text edited at A, at the same version',
  );
  // bob, on B, edits on top of A's version; alice, on A, reads the result.
  jsonOf(
    await bob.client.callTool({
      name: 'edit_document',
      arguments: { doc_id: 'plan', operation: 'insert', data: { base_version: 1, position: 6, text: ', 2' } },
    }),
  );
  const plan = await readJSON<{ version: number; content: string }>(alice, 'doc://plan');
  assert.deepEqual([plan.version, plan.content], [2, 'step 1, 2']);
  const history = await readJSON<{ messages: { id: number; text: string }[] }>(bob, 'chat://general');
  assert.deepEqual(
    history.messages.map((m) => m.text),
    ['hello from A'],
    'B shows the message sent at A in its chat history',
  );

  await until(() => bob.of('system_metrics').length >= 3, 'metrics at B');
  assert.equal(alice.of('system_metrics').length, 0, 'alice subscribed to no metrics');
  assert.equal(a.server.instanceId, 'topics-a');
});

test('cluster.ts starts N instances behind the proxy and stops them all on SIGTERM', { skip }, async (t) => {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'examples/scaling/cluster.ts',
      '--instances',
      '2',
      '--redis',
      redis.server!.url,
      '--port',
      '0',
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  t.after(() => child.kill('SIGKILL'));
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  await until(() => /cluster-2 .*\(pid \d+\)\n/.test(out), 'the cluster banner', 30_000);
  const pids = [...out.matchAll(/\(pid (\d+)\)/g)].map((m) => Number(m[1]));
  assert.equal(pids.length, 2);
  // Should the cluster not stop its instances, they are killed here; once they are known gone, never.
  let gone = false;
  t.after(() => {
    if (!gone) for (const pid of pids) killQuietly(pid);
  });
  const mcp = /Streamable HTTP {2}(\S+)/.exec(out)?.[1];
  assert.ok(mcp !== undefined, out);

  const peer = await connectPeer('streamable-http', new URL(mcp));
  const { tools } = await peer.client.listTools();
  assert.ok(tools.some((tool) => tool.name === 'send_message'));
  await peer.client.close();

  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const [code] = (await withTimeout(exited, 15_000, 'the cluster stopping')) as [number | null];
  assert.equal(code, 0);
  for (const pid of pids) assert.equal(alive(pid), false, `instance pid ${pid} is gone`);
  gone = true;
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {}
}
