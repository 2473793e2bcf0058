// Peers for the client tests: the official SDK's servers over node:http on 127.0.0.1:0.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import {
  type EventStore,
  StreamableHTTPServerTransport,
} from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { McpClientOptions } from '../../src/client/client-options.ts';
import { McpClient } from '../../src/client/mcp-client.ts';

/** One HTTP request the peer received. */
export interface Recorded {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body of a POST. */
  body: unknown;
  res: ServerResponse;
}

export interface Peer {
  url: URL;
  requests: Recorded[];
  /** The McpServer of each session, in the order they were created. */
  servers: McpServer[];
}

export interface PeerOptions {
  /** Registers tools, resources and prompts on each session's server. */
  setup?: (server: McpServer) => void;
  eventStore?: EventStore;
  retryInterval?: number;
  /** Answer POSTs with application/json instead of an event stream. */
  enableJsonResponse?: boolean;
  /** When set, requests without `authorization: <auth>` get a 401. */
  auth?: string;
}

/**
 * An event store that numbers events and replays from the last one seen *inclusive*: an
 * at-least-once store, so a client that delivers a replayed event twice fails its tests.
 */
export class ReplayingEventStore implements EventStore {
  events: Array<{ id: string; streamId: string; message: JSONRPCMessage }> = [];

  async storeEvent(streamId: string, message: JSONRPCMessage): Promise<string> {
    const id = `event-${this.events.length + 1}`;
    this.events.push({ id, streamId, message });
    return id;
  }

  async replayEventsAfter(
    lastEventId: string,
    { send }: { send: (id: string, message: JSONRPCMessage) => Promise<void> },
  ): Promise<string> {
    const at = this.events.findIndex((event) => event.id === lastEventId);
    const last = this.events[at];
    if (last === undefined) return '';
    for (const event of this.events.slice(at)) {
      // Priming events carry no message.
      if (event.streamId === last.streamId && 'jsonrpc' in event.message) await send(event.id, event.message);
    }
    return last.streamId;
  }

  /** The id of the first stored event whose message matches `predicate`. */
  idOf(predicate: (message: Record<string, unknown>) => boolean): string | undefined {
    return this.events.find((event) => predicate(event.message as unknown as Record<string, unknown>))?.id;
  }
}

async function readJSON(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? undefined : JSON.parse(text);
}

function newServer(options: PeerOptions, servers: McpServer[]): McpServer {
  const server = new McpServer({ name: 'sdk-peer', version: '1.0.0' });
  options.setup?.(server);
  servers.push(server);
  return server;
}

async function listen(
  t: TestContext,
  handle: (req: IncomingMessage, res: ServerResponse, recorded: Recorded) => Promise<void>,
  options: PeerOptions,
  path: string,
): Promise<{ url: URL; requests: Recorded[] }> {
  const requests: Recorded[] = [];
  const http = createServer((req, res) => {
    void (async () => {
      const body = req.method === 'POST' ? await readJSON(req) : undefined;
      const recorded: Recorded = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
        res,
      };
      requests.push(recorded);
      if (options.auth !== undefined && req.headers.authorization !== options.auth) {
        const error = {
          jsonrpc: '2.0',
          id: null,
          error: { code: -32001, message: 'Unauthorized: missing bearer token' },
        };
        res
          .writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer realm="peer"' })
          .end(JSON.stringify(error));
        return;
      }
      await handle(req, res, recorded);
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
  });
  const { port } = http.address() as AddressInfo;
  return { url: new URL(`http://127.0.0.1:${port}${path}`), requests };
}

/** A stateful Streamable HTTP server (the SDK's) at `/mcp`, one McpServer per session. */
export async function startStreamablePeer(t: TestContext, options: PeerOptions = {}): Promise<Peer> {
  const transports = new Map<string, StreamableHTTPServerTransport>();
  const servers: McpServer[] = [];
  t.after(async () => {
    for (const server of servers) await server.close();
  });
  const { url, requests } = await listen(
    t,
    async (req, res, recorded) => {
      if (!req.url?.startsWith('/mcp')) return void res.writeHead(404).end('not found');
      const sessionId = req.headers['mcp-session-id'];
      const existing = typeof sessionId === 'string' ? transports.get(sessionId) : undefined;
      if (existing !== undefined) return existing.handleRequest(req, res, recorded.body);
      if (sessionId !== undefined) return void res.writeHead(404).end('unknown session');
      if (req.method !== 'POST') return void res.writeHead(400).end('no session');
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: randomUUID,
        onsessioninitialized: (id) => void transports.set(id, transport),
        onsessionclosed: (id) => void transports.delete(id),
        ...(options.eventStore && { eventStore: options.eventStore }),
        ...(options.retryInterval !== undefined && { retryInterval: options.retryInterval }),
        ...(options.enableJsonResponse && { enableJsonResponse: true }),
      });
      await newServer(options, servers).connect(transport);
      await transport.handleRequest(req, res, recorded.body);
    },
    options,
    '/mcp',
  );
  return { url, requests, servers };
}

/** An HTTP+SSE-only server (the SDK's legacy transport): `GET /sse`, `POST /messages?sessionId=…`. */
export async function startSSEPeer(t: TestContext, options: PeerOptions = {}): Promise<Peer> {
  const transports = new Map<string, SSEServerTransport>();
  const servers: McpServer[] = [];
  t.after(async () => {
    for (const server of servers) await server.close();
  });
  const { url, requests } = await listen(
    t,
    async (req, res, recorded) => {
      const path = new URL(req.url ?? '/', 'http://x');
      if (path.pathname === '/sse' && req.method === 'GET') {
        const transport = new SSEServerTransport('/messages', res);
        transports.set(transport.sessionId, transport);
        await newServer(options, servers).connect(transport);
        return;
      }
      const transport = transports.get(path.searchParams.get('sessionId') ?? '');
      if (path.pathname === '/messages' && req.method === 'POST' && transport !== undefined) {
        return transport.handlePostMessage(req, res, recorded.body);
      }
      res.writeHead(path.pathname === '/sse' ? 405 : 404, { allow: 'GET' }).end('not here');
    },
    options,
    '/sse',
  );
  return { url, requests, servers };
}

/** A client that the test closes when it ends. */
export function clientFor(t: TestContext, options: McpClientOptions): McpClient {
  const client = new McpClient(options);
  t.after(() => client.close());
  return client;
}

/** Resolves once `check` holds, polling; rejects after `timeout` ms with `what` in the message. */
export async function waitFor(check: () => boolean, what: string, timeout = 5000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeout) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A promise with its resolve function, for handlers a test releases by hand. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
