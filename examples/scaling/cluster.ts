// N instances of the live example server sharing one Redis (or a Redis Cluster), behind the round-robin
// proxy, on this machine:
//
//   npx tsx examples/scaling/cluster.ts --instances 3 --redis redis://127.0.0.1:6379 --port 8080
//   npx tsx examples/scaling/cluster.ts --instances 3 --redis-cluster redis://127.0.0.1:7000,redis://127.0.0.1:7001
//
// Every request to the proxy goes to the next instance, so one session's requests land on all of them.
// Ctrl-C stops the proxy and every instance.
import { parseArgs } from 'node:util';
import { redactURL } from '../live/live-server.ts';
import { type Instance, startInstance, withSharedRequestStateKeys } from './instances.ts';
import { RoundRobinProxy } from './round-robin-proxy.ts';

const HELP = `Usage: npx tsx examples/scaling/cluster.ts [--instances 3] [--redis URL | --redis-cluster URL,URL,…] [--port 8080]

  --instances, -n  how many instances of examples/live/main.ts to start (1–32)
  --redis          the Redis they share (default: REDIS_URL, or redis://127.0.0.1:6379)
  --redis-cluster  or the Redis Cluster they share: URLs of some of its nodes, comma-separated
                   (default: REDIS_CLUSTER)
  --port, -p       the proxy's port on 127.0.0.1 (0 picks a free one); the instances take free ports
  --prefix         instance ids are <prefix>-1 … <prefix>-N (default: cluster)

Each instance is an ordinary \`npm start -- --redis …\`; MCP_LIVE_TOKEN and the rest of the
environment pass through to them. They share MCP_LIVE_REQUEST_STATE_KEYS (one fresh key when it is
unset), so that a 2026-07-28 input round begun on one instance finishes on any other.`;

function fail(message: string): never {
  console.error(`cluster: ${message}`);
  process.exit(2);
}

function readArgs() {
  try {
    return parseArgs({
      options: {
        instances: { type: 'string', short: 'n', default: '3' },
        redis: { type: 'string' },
        'redis-cluster': { type: 'string' },
        port: { type: 'string', short: 'p', default: '8080' },
        prefix: { type: 'string', default: 'cluster' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    return fail(`${(error as Error).message}; see --help`);
  }
}

const values = readArgs();
if (values.help === true) {
  console.log(HELP);
  process.exit(0);
}
const count = Number(values.instances);
if (!Number.isInteger(count) || count < 1 || count > 32) {
  fail(`--instances must be a whole number from 1 to 32 (got "${values.instances}")`);
}
const port = Number(values.port);
if (!/^\d+$/.test(values.port) || port > 65_535) {
  fail(`--port must be a port number from 0 to 65535 (got "${values.port}")`);
}
if (values.redis !== undefined && values['redis-cluster'] !== undefined) {
  fail('give --redis (one Redis) or --redis-cluster (the nodes of a Redis Cluster), not both');
}
const clusterList =
  values['redis-cluster'] ??
  (values.redis === undefined ? process.env.REDIS_CLUSTER || undefined : undefined);
const redisCluster = clusterList?.split(',').map((u) => u.trim());
const redisUrl = values.redis ?? (process.env.REDIS_URL || 'redis://127.0.0.1:6379');
const shared =
  redisCluster === undefined
    ? redactURL(redisUrl)
    : `the Redis Cluster via ${redisCluster.map(redactURL).join(', ')}`;

const instances: Instance[] = [];
let stopping = false;

async function stopAll(): Promise<void> {
  stopping = true;
  await Promise.all(instances.map((i) => i.stop()));
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.log(`\n${signal}: stopping the proxy and ${instances.length} instances…`);
    void Promise.all([proxy?.close(), stopAll()]).then(() => process.exit(0));
  });
}

let proxy: RoundRobinProxy | undefined;
// One set of requestState keys for every instance: an input round may finish on another instance.
const env = withSharedRequestStateKeys();
const started = await Promise.allSettled(
  Array.from({ length: count }, (_, i) =>
    startInstance({
      ...(redisCluster === undefined ? { redisUrl } : { redisCluster }),
      env,
      instanceId: `${values.prefix}-${i + 1}`,
      onLine: (line) => console.log(`[${values.prefix}-${i + 1}] ${line}`),
    }),
  ),
);
for (const result of started) if (result.status === 'fulfilled') instances.push(result.value);
const failure = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
if (failure !== undefined) {
  await stopAll();
  fail(`an instance did not start, so none runs: ${(failure.reason as Error).message}`);
}
for (const instance of instances) {
  void instance.exited.then((how) => {
    if (!stopping) {
      console.error(
        `[${instance.instanceId}] exited (${how}); the proxy moves its requests on to the other instances`,
      );
    }
  });
}

proxy = new RoundRobinProxy({
  upstreams: instances.map((i) => i.origin),
  onUpstreamError: (line) => console.error(`proxy: ${line}`),
});
const url = await proxy.listen(port).catch(async (error: Error) => {
  await stopAll();
  return fail(`the proxy cannot listen on 127.0.0.1:${port}: ${error.message}`);
});
console.log(`mcp-live cluster: ${count} instances sharing ${shared}, round-robin per request
  web page         ${url.origin}/
  Streamable HTTP  ${url.origin}/mcp
  HTTP+SSE         ${url.origin}/sse
${instances.map((i) => `  ${i.instanceId.padEnd(16)} ${i.origin} (pid ${i.pid})`).join('\n')}`);
