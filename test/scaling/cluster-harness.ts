// Three (or N) instances of the live example server as child processes, sharing a real redis-server
// (or a real Redis Cluster), behind the round-robin proxy on 127.0.0.1:0; official SDK clients that connect through it and record
// what they get; and a reader of session records, to tell which instance holds which session.
import { setTimeout as delay } from 'node:timers/promises';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createClient, createCluster } from 'redis';
import {
  type Instance,
  startInstance,
  withSharedRequestStateKeys,
} from '../../examples/scaling/instances.ts';
import { RoundRobinProxy } from '../../examples/scaling/round-robin-proxy.ts';
import type { Notice, Peer, Wire } from '../examples/live-harness.ts';

export { jsonOf, readJSON, textOf, until } from '../examples/live-harness.ts';
export type { Notice, Peer, Wire };
export const WIRES: readonly Wire[] = ['streamable-http', 'sse'];

export interface Cluster {
  readonly instances: Instance[];
  readonly proxy: RoundRobinProxy;
  /** The proxy's Streamable HTTP and HTTP+SSE endpoints. */
  readonly mcpUrl: URL;
  readonly sseUrl: URL;
  /** Which instance holds a session now, from its record in Redis. */
  ownerOf(sessionId: string): Promise<string | undefined>;
  /** The instance named `id`. */
  instance(id: string): Instance;
  /** Every client connected through `connect`, for broadcasts and final checks. */
  readonly peers: ClusterPeer[];
  /** Connects an official SDK client through the proxy (or straight to `origin`). */
  connect(wire: Wire, origin?: string): Promise<ClusterPeer>;
  /** Closes the clients, the proxy and the Redis reader, and stops every instance (SIGTERM, then SIGKILL). */
  close(): Promise<void>;
}

export interface ClusterPeer extends Peer {
  readonly wire: Wire;
  /** The session id the client uses (Mcp-Session-Id, or the SSE endpoint's sessionId). */
  readonly sessionId: string;
  /** Errors the SDK transport reported (dropped streams, failed reconnects). */
  readonly errors: Error[];
  /** Streamable HTTP: each GET the client made (its Last-Event-ID) and how it ended, for failure messages. */
  readonly gets: string[];
}

/**
 * Starts `count` instances named i1…iN against `redis` (one Redis's URL, or the node URLs of a Redis
 * Cluster), and the proxy in front of them.
 */
export async function startCluster(redis: string | readonly string[], count = 3): Promise<Cluster> {
  const env = withSharedRequestStateKeys();
  const where = typeof redis === 'string' ? { redisUrl: redis } : { redisCluster: redis };
  const started = await Promise.allSettled(
    Array.from({ length: count }, (_, i) => startInstance({ ...where, instanceId: `i${i + 1}`, env })),
  );
  const instances = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed !== undefined) {
    await Promise.all(instances.map((i) => i.stop()));
    throw failed.reason;
  }
  const proxy = new RoundRobinProxy({ upstreams: instances.map((i) => i.origin) });
  const origin = await proxy.listen(0);
  const reader =
    typeof redis === 'string'
      ? createClient({ url: redis })
      : createCluster({ rootNodes: redis.map((url) => ({ url })) });
  reader.on('error', () => {});
  await reader.connect();
  const peers: ClusterPeer[] = [];
  const cluster: Cluster = {
    instances,
    proxy,
    mcpUrl: new URL('/mcp', origin),
    sseUrl: new URL('/sse', origin),
    peers,
    instance(id) {
      const found = instances.find((i) => i.instanceId === id);
      if (found === undefined) throw new Error(`no instance ${id} in this cluster`);
      return found;
    },
    async ownerOf(sessionId) {
      const owner = await reader.hGet(`mcp-live:session:{${sessionId}}`, 'owner');
      return owner === null || owner === undefined ? undefined : (JSON.parse(owner) as string);
    },
    async connect(wire, direct) {
      const base = direct === undefined ? origin : new URL(direct);
      const peer = await connectPeer(wire, base);
      peers.push(peer);
      return peer;
    },
    async close() {
      await Promise.all(peers.map((p) => withTimeout(p.client.close(), 3_000).catch(() => {})));
      await proxy.close();
      await Promise.all(instances.map((i) => i.stop(3_000)));
      if (reader.isOpen) reader.destroy();
    },
  };
  return cluster;
}

/** An official SDK client over `wire` at `base`; Streamable HTTP clients retry their GET stream for a while. */
export async function connectPeer(wire: Wire, base: URL): Promise<ClusterPeer> {
  const client = new Client({ name: `cluster-test-${wire}`, version: '1.0.0' });
  const notices: Notice[] = [];
  const errors: Error[] = [];
  const gets: string[] = [];
  const tracedFetch: typeof fetch = async (input, init) => {
    if ((init?.method ?? 'GET') !== 'GET') return fetch(input, init);
    const last = new Headers(init?.headers).get('last-event-id') ?? '-';
    const at = Date.now();
    try {
      const response = await fetch(input, init);
      gets.push(`@${at} after ${last}: ${response.status}`);
      return response;
    } catch (error) {
      gets.push(`@${at} after ${last}: ${(error as Error).message}`);
      throw error;
    }
  };
  client.fallbackNotificationHandler = async (n) => {
    notices.push({ method: n.method, params: (n.params ?? {}) as Record<string, unknown> });
  };
  const transport =
    wire === 'sse'
      ? new SSEClientTransport(new URL('/sse', base))
      : new StreamableHTTPClientTransport(new URL('/mcp', base), {
          fetch: tracedFetch,
          reconnectionOptions: {
            initialReconnectionDelay: 200,
            maxReconnectionDelay: 1_000,
            reconnectionDelayGrowFactor: 1.5,
            maxRetries: 20,
          },
        });
  client.onerror = (error) => errors.push(error);
  await withTimeout(client.connect(transport), 10_000, `connecting over ${wire}`);
  const sessionId = sessionIdOf(transport);
  return {
    wire,
    client,
    notices,
    errors,
    gets,
    sessionId,
    of: (method) => notices.filter((n) => n.method === method).map((n) => n.params),
  };
}

function sessionIdOf(transport: SSEClientTransport | StreamableHTTPClientTransport): string {
  if (transport instanceof StreamableHTTPClientTransport) {
    if (transport.sessionId === undefined) throw new Error('the server issued no Mcp-Session-Id');
    return transport.sessionId;
  }
  // The SDK keeps the endpoint event's URL to itself; the session id is its query parameter.
  const endpoint = (transport as unknown as { _endpoint?: URL })._endpoint;
  const id = endpoint?.searchParams.get('sessionId');
  if (id === null || id === undefined) throw new Error('the SSE endpoint event named no sessionId');
  return id;
}

/**
 * Connects clients of `wire` through the proxy until each instance holds at least `each` of them
 * (round robin decides where a session opens); gives up after `max` clients.
 */
export async function spreadPeers(cluster: Cluster, wire: Wire, each = 1, max = 12): Promise<ClusterPeer[]> {
  const peers: ClusterPeer[] = [];
  const held = new Map(cluster.instances.map((i) => [i.instanceId, 0]));
  while ([...held.values()].some((n) => n < each)) {
    if (peers.length >= max) {
      throw new Error(
        `${max} ${wire} clients did not spread over every instance: ${JSON.stringify([...held])}`,
      );
    }
    const peer = await cluster.connect(wire);
    peers.push(peer);
    // Connecting takes three requests, as many as there are instances: without one more, every
    // session would open on the same instance.
    await peer.client.ping();
    const owner = await cluster.ownerOf(peer.sessionId);
    if (owner !== undefined) held.set(owner, (held.get(owner) ?? 0) + 1);
  }
  return peers;
}

/** Rejects after `ms` with a message naming `what`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what = 'the operation'): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Retries `attempt` every `every` ms until it resolves; rejects with the last error after `ms`. */
export async function eventually<T>(
  attempt: () => Promise<T>,
  ms: number,
  what: string,
  every = 200,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await withTimeout(attempt(), Math.max(1, deadline - Date.now()), what);
    } catch (error) {
      if (Date.now() >= deadline) {
        throw new Error(`${what} did not succeed within ${ms} ms: ${(error as Error).message}`);
      }
      await delay(every);
    }
  }
}
