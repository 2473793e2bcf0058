// mcp-live's bench target: `npm run bench:target -- --transport sse|streamable --port N [--redis URL |
// --redis-cluster URL,URL,…]`. Serves `echo`, `broadcast` and `fanout` on 127.0.0.1 and prints a line
// containing `listening` when ready. With `--redis` or `--redis-cluster`, it is one instance of several
// sharing that Redis or Redis Cluster (bench/scaling).
import { echo, MESSAGE_INPUT } from './echo.ts';
import { announce, parseTargetArgs, serveControl } from './harness.ts';

// mcp-live as a user installs it: the build (`dist/`, which the bench makes first, see
// bench/spawn-target.ts), typed from the sources it is built from.
const built = (path: string) => new URL(`../../dist/${path}`, import.meta.url).href;
const { McpServer, SSEServer, StreamableHTTPServer }: typeof import('../../src/index.ts') = await import(
  built('index.js')
);
const { connectRedis }: typeof import('../../src/redis.ts') = await import(built('redis.js'));

const args = parseTargetArgs();
const argAfter = (name: string) => {
  const at = process.argv.indexOf(name);
  return at === -1 ? undefined : (process.argv[at + 1] ?? '');
};
const redisUrl = argAfter('--redis');
const redisCluster = argAfter('--redis-cluster')?.split(',');
const redis =
  redisCluster !== undefined
    ? await connectRedis({ cluster: redisCluster })
    : redisUrl !== undefined
      ? await connectRedis({ url: redisUrl })
      : undefined;
const server = new McpServer(
  { name: 'bench', version: '1.0.0' },
  {
    // Raised above the largest listen level, as maxSessions below, so that the bench measures cost, not caps.
    maxSubscriptions: 100_000,
    ...(redis && { sessionStore: redis.sessionStore, messageBus: redis.messageBus }),
  },
);
const input = MESSAGE_INPUT;

server.tool('echo', { input }, echo);
server.tool('broadcast', { input }, async ({ message }) => {
  const count = await server.broadcast('notifications/message', { level: 'info', data: message });
  return { content: [{ type: 'text', text: `sent ${count}` }] };
});

// The 2026-07-28 scenarios: an input round (`ctx.elicit` ends a stateless request with input_required;
// the retry carries the answer), and `touch`, which sends `notifications/resources/updated` to every
// listen stream that listed the URI.
server.tool('confirm', { input }, async ({ message }, ctx) => {
  const answer = await ctx.elicit(
    {
      message: 'Go ahead?',
      requestedSchema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] },
    },
    { key: 'confirm' },
  );
  const ok = answer.action === 'accept' && answer.content?.ok === true;
  return { content: [{ type: 'text', text: ok ? `confirmed ${message}` : 'declined' }] };
});
const touchInput = { type: 'object', properties: { uri: { type: 'string' } }, required: ['uri'] } as const;
server.tool('touch', { input: touchInput }, async ({ uri }) => ({
  content: [{ type: 'text', text: `sent ${await server.resourceUpdated(String(uri))}` }],
}));
server.resource('bench://live', { name: 'live' }, () => 'live');
// A custom notification to every session and to every 2026-07-28 listen that asked for it (through the
// dev.mcp-live/events extension), on every instance: what bench/scaling's fan-out phase times.
const fanoutInput = { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] } as const;
server.tool('fanout', { input: fanoutInput }, async ({ n }) => {
  const count = await server.broadcast('bench/fanout', { n });
  return { content: [{ type: 'text', text: `sent ${count}` }] };
});

// Limits are raised above the largest scale level so that the bench measures cost, not the default caps.
const limits = {
  keepAliveInterval: args.keepAliveMs,
  maxSessions: 100_000,
  ...(redis && { eventStore: redis.eventStore }),
};

if (args.transport === 'sse') {
  // As the live example does with Redis: an SSE session outlives its dropped stream, for a resumption.
  const sse = new SSEServer(server, { ...limits, ...(redis && { reconnectGracePeriod: 30_000 }) });
  const info = await sse.listen({ port: args.port, host: args.host });
  announce(info, 'mcp-live-sse');
} else {
  const streamable = new StreamableHTTPServer(server, limits);
  announce(await streamable.listen({ port: args.port, host: args.host }), 'mcp-live-streamable');
}
serveControl(() => server.sessionCount + server.subscriptionCount);
