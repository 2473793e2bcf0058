// `npm start`: the live example server. PORT, HOST, MCP_LIVE_TOKEN, REDIS_URL and REDIS_CLUSTER
// configure it; --port, --host, --redis and --redis-cluster win.
import { parseArgs } from 'node:util';
import { type RequestStateKey, requestStateKeysFromEnv } from '../../src/index.ts';
import { redactURL, startLiveServer } from './live-server.ts';

function fail(message: string): never {
  console.error(`mcp-live example: ${message}`);
  process.exit(2);
}

const HELP = `Usage: npm start -- [--port 8080] [--host 127.0.0.1] [--redis redis://127.0.0.1:6379 | --redis-cluster URL,URL,…] [--instance-id ID]

  --port, -p      port to listen on (0 picks a free one)                   env PORT
  --host          address to listen on                                     env HOST
  --redis         Redis URL: run as one of several instances behind a      env REDIS_URL
                  load balancer; sessions, events and notifications go
                  through Redis, and any instance serves any session
  --redis-cluster the same on a Redis Cluster: URLs of some of its nodes,  env REDIS_CLUSTER
                  comma-separated (redis://10.0.0.1:6379,redis://10.0.0.2:6379)
  --instance-id   this instance's name on the bus and in session records
                  (default: a random UUID; unique per running process)
  MCP_LIVE_TOKEN  clients must then send "Authorization: Bearer <token>"
  MCP_LIVE_REQUEST_STATE_KEYS
                  keys that seal 2026-07-28 input rounds, "id:<base64>,…" (first
                  seals; openssl rand -base64 32): give every instance the same

With --redis or --redis-cluster, every instance shares: sessions (any instance serves any of them), the chat history
(chat://{channel}) and the documents (doc://{doc_id}) with their versions, and every notification
(chat_message, document_changed, resources/updated, 2026 listen streams). What stays per instance: the
system metrics, which describe the machine each instance runs on.
See docs/scaling.md; examples/scaling/cluster.ts runs N instances behind a round-robin proxy.`;

function readArgs() {
  try {
    const options = {
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      redis: { type: 'string' },
      'redis-cluster': { type: 'string' },
      'instance-id': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    } as const;
    return parseArgs({ options }).values;
  } catch (error) {
    return fail(`${(error as Error).message}; see --help`);
  }
}

const values = readArgs();
if (values.help === true) {
  console.log(HELP);
  process.exit(0);
}
const portText = String(values.port ?? process.env.PORT ?? '8080');
const port = Number(portText);
if (!/^\d+$/.test(portText) || port > 65_535)
  fail(`--port/PORT must be a port number from 0 to 65535 (got "${portText}")`);
const host = String(values.host ?? process.env.HOST ?? '127.0.0.1');
const token = process.env.MCP_LIVE_TOKEN || undefined;
const { redisUrl, redisCluster } = readRedis();
if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl))
  fail(`--redis/REDIS_URL must be a redis:// or rediss:// URL (got "${redactURL(redisUrl)}")`);
for (const url of redisCluster ?? []) {
  if (!/^rediss?:\/\/[^,\s]+$/.test(url))
    fail(
      `--redis-cluster/REDIS_CLUSTER must be redis:// or rediss:// URLs separated by commas (got "${redactURL(url)}")`,
    );
}
const instanceId = values['instance-id'];
if (instanceId !== undefined && !/^[\w.:-]{1,100}$/.test(instanceId))
  fail(`--instance-id must be 1–100 letters, digits, "_", "-", "." or ":" (got "${instanceId}")`);

/** One Redis or a cluster: a flag wins over the environment, and one of each kind is an error. */
function readRedis(): { redisUrl?: string; redisCluster?: string[] } {
  const split = (list: string) => list.split(',').map((u) => u.trim());
  if (values.redis !== undefined && values['redis-cluster'] !== undefined)
    fail('give --redis (one Redis) or --redis-cluster (the nodes of a Redis Cluster), not both');
  if (values.redis !== undefined) return { redisUrl: values.redis };
  if (values['redis-cluster'] !== undefined) return { redisCluster: split(values['redis-cluster']) };
  const url = process.env.REDIS_URL || undefined;
  const cluster = process.env.REDIS_CLUSTER || undefined;
  if (url !== undefined && cluster !== undefined)
    fail('REDIS_URL and REDIS_CLUSTER are both set: unset one, or say which with --redis or --redis-cluster');
  return cluster === undefined
    ? url === undefined
      ? {}
      : { redisUrl: url }
    : { redisCluster: split(cluster) };
}

let requestStateKeys: RequestStateKey[] | undefined;
try {
  requestStateKeys = requestStateKeysFromEnv(process.env.MCP_LIVE_REQUEST_STATE_KEYS);
} catch (error) {
  fail((error as Error).message);
}
const live = await startLiveServer({
  port,
  host,
  token,
  redisUrl,
  redisCluster,
  instanceId,
  requestStateKeys,
}).catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
// Before the banner: whoever waits for it (a test, a supervisor) may stop the server at once.
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: closing sessions…`);
    void live.close().then(() => process.exit(0));
  });
}

const hint = token === undefined ? '' : '#token=<MCP_LIVE_TOKEN>';
console.log(`mcp-live example server ready on ${live.host}:${live.port}
  web page         ${live.url}${hint}
  Streamable HTTP  ${live.mcpUrl}
  HTTP+SSE         ${live.sseUrl}
  auth             ${token === undefined ? 'none (loopback only; set MCP_LIVE_TOKEN to require a bearer token)' : 'Authorization: Bearer <MCP_LIVE_TOKEN> on every MCP request'}
  instance         ${live.instanceId}
  redis            ${live.redis ?? 'none (sessions in memory; --redis or REDIS_URL to run several instances)'}`);
