// The live example server: one McpServer with real tools and resources, served over Streamable HTTP
// (/mcp) and HTTP+SSE (/sse, /message) on one port, next to the web page that uses them (/). With a
// Redis URL, it is one instance of several: sessions, events and notifications go through Redis.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  isMcpLiveError,
  McpHttpServer,
  type McpHttpServerOptions,
  McpLiveError,
  McpServer,
  type RequestStateKey,
} from '../../src/index.ts';
import { connectRedis, type RedisStores } from '../../src/redis.ts';
import { registerAnnounce } from './announce.ts';
import { bearerAuthenticator, refuseOpenBind } from './auth.ts';
import { registerChat } from './chat.ts';
import { ChatStore } from './chat-store.ts';
import { DocumentStore } from './document-store.ts';
import { registerDocumentTools } from './document-tools.ts';
import { quietErrorLog } from './error-log.ts';
import { MetricsFeed } from './metrics-feed.ts';
import { loadPageAssets, servePage } from './page.ts';
import { RedisChatStorage, RedisDocumentStorage } from './redis-storage.ts';
import { registerStreamData } from './stream-data.ts';
import { registerSystemTools } from './system-tools.ts';
import { ToolRuns } from './tool-runs.ts';
import { registerTopicTools, TopicHub } from './topics.ts';

export interface LiveServerOptions {
  /** @default 8080 (0 picks a free port) */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** When set, every MCP request must carry `Authorization: Bearer <token>`; without it only loopback hosts are allowed. */
  token?: string | undefined;
  /** ms between two samples of the system metrics. @default 1000 */
  metricsInterval?: number;
  /** ms between two items of stream_data. @default 100 */
  streamDelay?: number;
  /** Where the server reports what it does. @default console.log */
  log?: (line: string) => void;
  /**
   * A Redis URL (`redis://[[user][:password]@]host[:port][/db]`): sessions, events and notifications
   * go through it, so that several instances behind a load balancer act as one server. @default none (all in memory)
   */
  redisUrl?: string | undefined;
  /**
   * The same on a Redis Cluster: URLs of some of its nodes, instead of `redisUrl`.
   * @default none
   */
  redisCluster?: readonly string[] | undefined;
  /** This instance's name on the message bus and in session records; unique per process. @default a random UUID */
  instanceId?: string | undefined;
  /** ms an HTTP+SSE session outlives its dropped stream, waiting for a resumption, when Redis is used. @default 30_000 */
  sseGracePeriod?: number;
  /** ms to wait for Redis when starting. @default 5_000 */
  redisConnectTimeout?: number;
  /**
   * Keys that seal the `requestState` of 2026-07-28 input rounds (`announce`'s confirmation); every
   * instance behind one load balancer needs the same ones. @default one random key per process
   */
  requestStateKeys?: readonly RequestStateKey[] | undefined;
}

export interface LiveServer {
  /** The web page, such as `http://127.0.0.1:8080/`. */
  url: string;
  /** The Streamable HTTP endpoint. */
  mcpUrl: string;
  /** The HTTP+SSE endpoint. */
  sseUrl: string;
  host: string;
  port: number;
  /** This instance's name on the message bus and in session records. */
  instanceId: string;
  /** The Redis URL with its password masked, when one Redis is used. */
  redisUrl: string | undefined;
  /** What the instance shares its state through, passwords masked: the Redis URL, or the cluster's nodes. */
  redis: string | undefined;
  server: McpServer;
  /** The shared documents (in Redis when `redisUrl` is set, so the same on every instance). */
  documents: DocumentStore;
  /** The chat history (in Redis when `redisUrl` is set). */
  chat: ChatStore;
  /** The recent stream_data and monitor_system calls, with how far each got and how it ended. */
  runs: ToolRuns;
  close(): Promise<void>;
}

export const WELCOME_TEXT =
  'Welcome to the mcp-live shared document.\n\nOpen this page in a second tab and type in either one: ' +
  'every edit goes through the edit_document tool and reaches every viewer as a notification.\n';

/** Builds the example's McpServer and starts serving it and the page; resolves once it listens. */
export async function startLiveServer(options: LiveServerOptions = {}): Promise<LiveServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token === '' ? undefined : options.token;
  const log = options.log ?? ((line: string) => console.log(line));
  const refusal = refuseOpenBind(host, token);
  if (refusal !== undefined) throw new McpLiveError('INVALID_OPTION', refusal);
  const assets = await loadPageAssets();
  const cluster = options.redisCluster?.length ? options.redisCluster : undefined;
  const redis =
    options.redisUrl || cluster
      ? await openRedis(options.redisUrl ?? '', cluster, options.redisConnectTimeout)
      : undefined;

  const server = new McpServer(
    { name: 'mcp-live example', version: '1.0.0', title: 'mcp-live live server' },
    {
      instructions:
        'Real system metrics (metrics://current, monitor_system), stream_data with progress, shared ' +
        'documents (edit_document, doc://{doc_id}), chat (send_message, chat://{channel}) and ' +
        'subscribe_updates for pushed notifications.',
      ...(options.instanceId ? { instanceId: options.instanceId } : {}),
      ...(options.requestStateKeys === undefined ? {} : { requestState: { keys: options.requestStateKeys } }),
      ...(redis === undefined ? {} : { sessionStore: redis.sessionStore, messageBus: redis.messageBus }),
    },
  );
  if (redis !== undefined) server.on('error', quietErrorLog());
  const hub = new TopicHub(server);
  // With Redis, every instance edits the same documents and shows the same chat history.
  const documents = new DocumentStore(
    redis === undefined ? {} : { storage: new RedisDocumentStorage(redis.client) },
  );
  const chat = new ChatStore(redis === undefined ? {} : { storage: new RedisChatStorage(redis.client) });
  const runs = new ToolRuns(log);
  const feed = new MetricsFeed(options.metricsInterval ?? 1000, (error) => server.reportError(error));

  registerStreamData(server, runs, options.streamDelay ?? 100);
  registerSystemTools(server, hub, feed, runs);
  registerDocumentTools(server, hub, documents);
  registerChat(server, hub, chat);
  registerTopicTools(server, hub);
  registerAnnounce(server);

  const mcp = new McpHttpServer(server, {
    keepAliveInterval: 15_000,
    health: true, // GET /livez and /readyz, without the token (docs/deployment.md)
    ...(token === undefined ? {} : { authenticate: bearerAuthenticator(token) }),
    ...(redis === undefined ? {} : sharedEvents(redis, options.sseGracePeriod ?? 30_000)),
  });
  const http = createServer((req, res) => {
    if (servePage(assets, req, res)) return;
    void mcp.handleNode(req, res, () => {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`Nothing at ${req.url}: the page is at /, MCP at /mcp (Streamable HTTP) and /sse (HTTP+SSE)\n`);
    });
  });
  try {
    await documents.seed('welcome', WELCOME_TEXT);
    // Take no traffic before this instance can hear the others (relayed requests, broadcasts).
    await redis?.messageBus.listening();
    await listen(http, options.port ?? 8080, host);
  } catch (error) {
    await server.close();
    await redis?.close();
    throw error;
  }
  feed.start();

  const { port, address } = http.address() as AddressInfo;
  const shown =
    address === '0.0.0.0' || address === '::'
      ? 'localhost'
      : address.includes(':')
        ? `[${address}]`
        : address;
  const origin = `http://${shown}:${port}`;
  let closing: Promise<void> | undefined;
  return {
    url: `${origin}/`,
    mcpUrl: `${origin}/mcp`,
    sseUrl: `${origin}/sse`,
    host: address,
    port,
    instanceId: server.instanceId,
    redisUrl: options.redisUrl ? redactURL(options.redisUrl) : undefined,
    redis: cluster
      ? `Redis Cluster via ${cluster.map(redactURL).join(', ')}`
      : options.redisUrl
        ? redactURL(options.redisUrl)
        : undefined,
    server,
    documents,
    chat,
    runs,
    close: () => {
      closing ??= (async () => {
        feed.stop();
        await mcp.close({ timeout: 1_000 });
        await server.close();
        await new Promise<void>((resolve) => {
          http.close(() => resolve());
          http.closeAllConnections();
        });
        await redis?.close();
      })();
      return closing;
    },
  };
}

/** A URL with its password, if any, replaced by `***`, fit for logs. */
export function redactURL(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password === '') return url;
    parsed.password = '***';
    return parsed.href;
  } catch {
    return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
  }
}

async function openRedis(
  url: string,
  cluster: readonly string[] | undefined,
  connectTimeout = 5_000,
): Promise<RedisStores> {
  try {
    return await connectRedis(cluster === undefined ? { url, connectTimeout } : { cluster, connectTimeout });
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    const what =
      cluster === undefined
        ? 'Start Redis there (redis-server) or point --redis / REDIS_URL at a running one'
        : 'Start the cluster, or point --redis-cluster / REDIS_CLUSTER at nodes of a running one';
    throw new McpLiveError(isMcpLiveError(error) ? error.code : 'STORE_UNAVAILABLE', `${why}. ${what}`, {
      cause: error,
    });
  }
}

/** Both transports keep their events in Redis, so that any instance can resume any stream. */
function sharedEvents(redis: RedisStores, sseGracePeriod: number): McpHttpServerOptions {
  return {
    streamableHTTP: { eventStore: redis.eventStore },
    sse: { eventStore: redis.eventStore, reconnectGracePeriod: sseGracePeriod },
  };
}

function listen(http: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    http.once('error', (error: NodeJS.ErrnoException) => {
      const busy = error.code === 'EADDRINUSE';
      const why = busy ? 'the port is in use; pick another one with PORT or --port' : error.message;
      const code = busy ? 'INVALID_OPTION' : 'TRANSPORT';
      reject(new McpLiveError(code, `Cannot listen on ${host}:${port}: ${why}`, { cause: error }));
    });
    http.listen(port, host, () => {
      http.removeAllListeners('error');
      resolve();
    });
  });
}
