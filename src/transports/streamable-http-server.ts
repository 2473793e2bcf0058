import type { Server } from 'node:http';
import { McpLiveError } from '../protocol/mcp-live-error.ts';
import type { ProtocolVersion } from '../protocol/versions.ts';
import type { McpServer } from '../server/mcp-server.ts';
import type { Session, SessionInit } from '../server/session.ts';
import type { SessionRecord } from '../server/session-store.ts';
import { reportStoreErrors } from '../server/store-errors.ts';
import { MemoryEventStore } from '../stores/memory-event-store.ts';
import { authenticateRequest, DENIED } from './http/authenticate.ts';
import {
  createFetchHandler,
  createNodeHandler,
  type FetchHandler,
  type NodeHandler,
} from './http/entry-points.ts';
import type { Exchange, ResponseHeaders } from './http/exchange.ts';
import { type ExchangeRelay, relayFor } from './http/relay.ts';
import { createRequestChecks, type RequestChecks } from './http/request-checks.ts';
import { drainSessions, stopListening } from './http/shutdown.ts';
import {
  cannotListenAgain,
  describeListening,
  type ListenAddress,
  type ListeningInfo,
  listenNode,
} from './listen.ts';
import { joinPath } from './sse-endpoint.ts';
import type { StatelessRequestChannel } from './stateless-request-channel.ts';
import { fail, SSE_HEADERS, unsupportedVersion } from './streamable-http-answers.ts';
import { type ChannelSettings, StreamableChannel } from './streamable-http-channel.ts';
import {
  acceptsMediaType,
  isValidSessionId,
  readVersionHeader,
  wantsPrimingEvent,
} from './streamable-http-headers.ts';
import {
  type ResolvedStreamableOptions,
  resolveStreamableOptions,
  type StreamableHTTPServerOptions,
} from './streamable-http-options.ts';
import { acceptStreamablePost, type StreamablePostContext } from './streamable-http-post.ts';

/** Options of `StreamableHTTPServer.close`. */
export interface StreamableHTTPCloseOptions {
  /** ms to wait for in-flight handlers before aborting them. @default the `shutdownTimeout` option */
  timeout?: number;
}

const SHUTTING_DOWN = 'Service Unavailable: the server is shutting down';

/**
 * The Streamable HTTP transport (MCP 2025-03-26, 2025-06-18 and 2025-11-25) at `{base}/mcp`: clients
 * POST messages and read answers from the POST's event stream (or JSON body), open one GET stream for
 * what the server sends on its own, resume streams with `Last-Event-ID`, and end sessions with DELETE.
 * One instance serves many clients, each with its own session; `stateless: true` keeps none.
 *
 * @example
 * const http = new StreamableHTTPServer(server, { keepAliveInterval: 30_000 });
 * await http.listen(':8080'); // or http.createServer(http.handleNode), or Bun.serve({ fetch: http.fetch })
 */
export class StreamableHTTPServer {
  readonly server: McpServer;
  readonly #o: ResolvedStreamableOptions;
  readonly #guard: RequestChecks['guard'];
  readonly #cors: RequestChecks['cors'];
  readonly #auth: RequestChecks['auth'];
  readonly #channel: ChannelSettings;
  readonly #channels = new Map<string, StreamableChannel>();
  readonly #ephemeral = new Set<StreamableChannel>();
  /** Sessions of stateless (2026-07-28) requests in flight. */
  readonly #requests = new Set<Session>();
  readonly #post: StreamablePostContext;
  readonly #allow: string;
  /** The default store, made here: `close()` clears it. */
  readonly #ownStore: MemoryEventStore | undefined;
  readonly #relay: ExchangeRelay;
  readonly #stopRelay: () => void;
  readonly #stopStoreErrors: () => void;
  #opening = 0;
  #closing = false;
  #http: Server | undefined;

  constructor(server: McpServer, options: StreamableHTTPServerOptions = {}) {
    this.server = server;
    const o = resolveStreamableOptions(options);
    this.#o = o;
    this.#ownStore =
      options.eventStore === undefined && o.eventStore instanceof MemoryEventStore ? o.eventStore : undefined;
    const methods = o.stateless ? 'POST' : 'GET, POST, DELETE';
    this.#allow = o.cors === undefined ? methods : `${methods}, OPTIONS`;
    ({
      guard: this.#guard,
      cors: this.#cors,
      auth: this.#auth,
    } = createRequestChecks(o, server, this.#allow));
    const report = (error: unknown, session: Session | undefined) => server.reportError(error, session);
    const stream = {
      store: o.eventStore,
      maxBufferedBytes: o.maxBufferedBytes,
      report,
      unresponsive: (session: Session, reason: string) => void server.closeSession(session, reason),
    };
    const interval = o.keepAliveInterval;
    this.#channel = {
      post: { ...stream, keepAlive: { interval, mode: 'comment', pingTimeout: o.pingTimeout } },
      standalone: o.stateless
        ? undefined
        : { ...stream, keepAlive: { interval, mode: o.keepAlive, pingTimeout: o.pingTimeout } },
      report,
      onClose: (channel) => this.#forget(channel),
    };
    const self = this;
    this.#post = {
      server,
      options: o,
      auth: this.#auth,
      get closing() {
        return self.#closing;
      },
      stateless: {
        server,
        channel: {
          keepAlive: { interval, mode: 'comment', pingTimeout: o.pingTimeout },
          maxBufferedBytes: o.maxBufferedBytes,
          report,
        },
        openRequest: (ex, cors, principal, channel) => this.#openRequest(ex, cors, principal, channel),
      },
      open: (ex, base, cors, init) => this.#open(ex, base, cors, init),
      find: (ex, base, cors, principal) => this.#find(ex, base, cors, principal),
    };
    this.#relay = relayFor(server);
    this.#stopStoreErrors = reportStoreErrors(server, o.eventStore);
    this.#stopRelay = o.stateless
      ? () => {}
      : this.#relay.serve('streamable-http', (exchange) => this.#handle(exchange));
  }

  /** How many sessions this transport holds open. */
  get sessionCount(): number {
    return this.#channels.size;
  }

  /**
   * Handles a `node:http` request (also Express's and, with `reply.hijack()`, Fastify's `raw` ones).
   * A request for another path goes to `next` when given, or gets 404.
   */
  readonly handleNode: NodeHandler = createNodeHandler(
    (exchange) => this.#handle(exchange),
    (error) => this.server.reportError(error),
  );

  /** Handles a web `Request` (Hono, Bun, Deno, workers); other paths get 404. */
  readonly fetch: FetchHandler = createFetchHandler(
    (exchange) => this.#handle(exchange),
    (error) => this.server.reportError(error),
  );

  /** Starts a `node:http` server on `address`. */
  async listen(address: ListenAddress): Promise<ListeningInfo> {
    if (this.#http !== undefined || this.#closing) {
      throw cannotListenAgain('StreamableHTTPServer', this.#closing);
    }
    this.#http = await listenNode(address, (req, res) => void this.handleNode(req, res));
    return describeListening(this.#http, joinPath(this.#o.basePath, this.#o.endpoint));
  }

  /**
   * Stops taking new sessions and requests (503), waits up to `timeout` for in-flight handlers, then
   * closes every session of this transport (aborting what still runs) and the server `listen` started.
   */
  async close(options: StreamableHTTPCloseOptions = {}): Promise<void> {
    this.#closing = true;
    this.#stopRelay();
    this.#stopStoreErrors();
    // Listen streams end with their completion result instead of holding the drain to its timeout.
    this.server.endSubscriptions((session) => this.#requests.has(session));
    await drainSessions(this.server, () => this.#sessions(), options.timeout ?? this.#o.shutdownTimeout);
    this.#ownStore?.clear();
    const http = this.#http;
    this.#http = undefined;
    await stopListening(http);
  }

  /** Answers one exchange if it is for this transport; false when the path is not ours. */
  async #handle(entered: Exchange): Promise<boolean> {
    let ex = entered;
    const req = ex.request;
    const base = this.#o.dynamicBasePath === undefined ? this.#o.basePath : this.#o.dynamicBasePath(req);
    if (base === undefined) return false;
    const prefix = base.endsWith('/') ? base.slice(0, -1) : base;
    if (req.path !== prefix + this.#o.endpoint) return false;

    const origin = req.headers.get('origin');
    const cors = this.#cors?.headers(origin);
    const refused = this.#guard(req.headers, ex.loopbackBind);
    const sessionId = refused === undefined && req.method !== 'OPTIONS' ? this.#elsewhere(ex) : undefined;
    if (sessionId !== undefined) {
      const routed = await this.#route(ex, sessionId, prefix, cors);
      if (routed === undefined) return true;
      ex = routed;
    }
    if (refused !== undefined) {
      fail(ex, 403, `Forbidden: ${refused}`, cors);
    } else if (req.method === 'OPTIONS' && this.#cors !== undefined) {
      ex.respond(204, this.#cors.preflight(origin));
    } else if (req.method === 'POST') {
      await acceptStreamablePost(ex, prefix, cors, this.#post);
    } else if (
      (req.method === 'GET' || req.method === 'DELETE') &&
      !this.#o.stateless &&
      !req.headers.has('mcp-session-id')
    ) {
      const message = `Method Not Allowed: ${req.method} ${req.path} without Mcp-Session-Id; protocol revision 2026-07-28 uses POST only (subscriptions/listen instead of a GET stream), and a 2025 session names itself in Mcp-Session-Id`;
      fail(ex, 405, message, { ...cors, Allow: this.#allow });
    } else if (req.method === 'GET' && !this.#o.stateless) {
      await this.#get(ex, prefix, cors);
    } else if (req.method === 'DELETE' && !this.#o.stateless) {
      await this.#delete(ex, prefix, cors);
    } else {
      const why = this.#o.stateless ? 'this server is stateless' : `use ${this.#allow}`;
      fail(ex, 405, `Method Not Allowed: ${req.method} ${req.path}; ${why}`, { ...cors, Allow: this.#allow });
    }
    return true;
  }

  /**
   * A request for a session this instance does not hold: relayed to the instance that holds it, or,
   * when that one is gone, taken over here. Resolves to the exchange to go on with here, or
   * `undefined` once answered.
   */
  async #route(
    ex: Exchange,
    sessionId: string,
    base: string,
    cors: ResponseHeaders | undefined,
  ): Promise<Exchange | undefined> {
    return this.#relay.route(ex, sessionId, {
      transport: 'streamable-http',
      maxBodyBytes: this.#o.maxBodyBytes,
      maxBufferedBytes: this.#o.maxBufferedBytes,
      refuse: (e, status, message, headers) => fail(e, status, message, { ...cors, ...headers }),
      adopt: (record, gone, exchange) => this.#adopt(record, gone, exchange, base),
    });
  }

  /** The session a request names that this instance does not hold. */
  #elsewhere(ex: Exchange): string | undefined {
    const id = ex.request.headers.get('mcp-session-id');
    return this.#o.stateless || id === null || id === '' || this.#channels.has(id) ? undefined : id;
  }

  /** Takes over a session whose instance is gone, with the state and stream ids its record kept. */
  async #adopt(
    record: SessionRecord,
    gone: string | undefined,
    ex: Exchange,
    base: string,
  ): Promise<boolean> {
    if (this.#closing || record.streamKey === undefined || (record.base ?? base) !== base) return true;
    const channel = new StreamableChannel(this.#channel, base, record.principal, record.streamKey);
    const init: SessionInit = {
      channel,
      transport: 'streamable-http',
      headers: ex.request.headers,
      principal: record.principal,
      streamKey: channel.key,
      base,
    };
    let session: Session | undefined;
    try {
      session = await this.server.adoptSession(record, init, gone);
    } catch (error) {
      this.server.reportError(error);
      return true;
    }
    if (session === undefined) return this.#channels.has(record.id);
    channel.bind(session);
    this.#channels.set(session.id, channel);
    return true;
  }

  /** `GET`: the session's standalone stream, or the resumption of any of its streams with `Last-Event-ID`. */
  async #get(ex: Exchange, base: string, cors: ResponseHeaders | undefined): Promise<void> {
    const headers = ex.request.headers;
    if (!acceptsMediaType(headers.get('accept'), 'text/event-stream')) {
      return fail(ex, 406, 'Not Acceptable: a GET must accept text/event-stream', cors);
    }
    const channel = await this.#check(ex, base, cors);
    if (channel === undefined) return;
    if (this.#closing) return fail(ex, 503, SHUTTING_DOWN, cors);
    const session = channel.session;
    const answer = { ...SSE_HEADERS, ...cors, 'Mcp-Session-Id': session.id };
    const lastEventId = headers.get('last-event-id');
    const store = this.#o.eventStore;
    if (store !== undefined && lastEventId !== null && lastEventId !== '') {
      const streamId = await store.streamOf(lastEventId);
      if (streamId === undefined || !channel.owns(streamId)) {
        const message = `Bad Request: Last-Event-ID ${JSON.stringify(lastEventId)} is not an event of session "${session.id}"; open the stream without it`;
        return fail(ex, 400, message, cors);
      }
      if (session.closed) return this.#gone(ex, session.id, cors);
      return channel.resume(streamId, lastEventId, ex.stream(200, answer), () => {});
    }
    if (channel.standaloneOpen) {
      const message = `Conflict: session "${session.id}" already has its GET stream open; only one is allowed (a client that lost it resumes it with Last-Event-ID)`;
      return fail(ex, 409, message, cors);
    }
    const priming = store !== undefined && wantsPrimingEvent(session.protocolVersion ?? '');
    channel.connectStandalone(ex.stream(200, answer), {
      replayAfter: 'backlog',
      ...(priming ? { priming: { retry: this.#o.retryInterval } } : {}),
    });
  }

  /** `DELETE`: ends the session. */
  async #delete(ex: Exchange, base: string, cors: ResponseHeaders | undefined): Promise<void> {
    const channel = await this.#check(ex, base, cors);
    if (channel === undefined) return;
    await this.server.closeSession(channel.session, 'the client ended the session (DELETE)');
    ex.respond(204, cors);
  }

  /** The version header, the caller and the session of a GET or DELETE; `undefined` once refused. */
  async #check(ex: Exchange, base: string, cors: ResponseHeaders | undefined) {
    const header = readVersionHeader(ex.request.headers);
    if (header.kind === 'unsupported') return void unsupportedVersion(ex, header.value, cors);
    const principal = this.#auth === undefined ? undefined : await authenticateRequest(ex, this.#auth, cors);
    if (principal === DENIED) return undefined;
    return this.#find(ex, base, cors, principal);
  }

  #find(
    ex: Exchange,
    base: string,
    cors: ResponseHeaders | undefined,
    principal: unknown,
  ): StreamableChannel | undefined {
    const id = ex.request.headers.get('mcp-session-id');
    if (id === null || id === '') {
      const message = `Bad Request: missing Mcp-Session-Id header; POST initialize to ${ex.request.path} to start a session`;
      return void fail(ex, 400, message, cors);
    }
    const channel = this.#channels.get(id);
    if (channel === undefined || channel.session.closed || channel.base !== base) {
      return void this.#gone(ex, id, cors);
    }
    if (this.#auth !== undefined && !this.#o.samePrincipal(channel.principal, principal)) {
      return void fail(ex, 403, `Forbidden: session "${id}" belongs to another principal`, cors);
    }
    return channel;
  }

  #gone(ex: Exchange, id: string, cors: ResponseHeaders | undefined): void {
    const message = `Not Found: session "${id}" does not exist or has ended; POST initialize without Mcp-Session-Id to start a new one`;
    fail(ex, 404, message, cors, -32001);
  }

  async #open(
    ex: Exchange,
    base: string,
    cors: ResponseHeaders | undefined,
    init: { principal: unknown; values: Record<string, unknown> | undefined; version?: ProtocolVersion },
  ): Promise<StreamableChannel | undefined> {
    const stateless = this.#o.stateless;
    if (this.#closing) return void fail(ex, 503, SHUTTING_DOWN, cors);
    const held = (stateless ? this.#ephemeral.size : this.#channels.size) + this.#opening;
    if (held >= this.#o.maxSessions) {
      const message = `Service Unavailable: this server holds its maximum of ${this.#o.maxSessions} ${stateless ? 'requests' : 'sessions'} (maxSessions)`;
      return void fail(ex, 503, message, { ...cors, 'Retry-After': '5' });
    }
    const channel = new StreamableChannel(this.#channel, base, init.principal);
    const sessionInit: SessionInit = {
      channel,
      transport: 'streamable-http',
      headers: ex.request.headers,
      principal: init.principal,
      ephemeral: stateless,
      streamKey: channel.key,
      base,
    };
    if (init.values !== undefined) sessionInit.values = init.values;
    this.#opening++;
    let session: Session;
    try {
      const id = stateless ? undefined : this.#o.sessionIdGenerator?.();
      if (id !== undefined) sessionInit.id = id;
      session = await this.server.openSession(sessionInit);
    } catch (error) {
      this.server.reportError(error);
      return void fail(ex, 500, 'Internal Server Error: could not open a session', cors);
    } finally {
      this.#opening--;
    }
    channel.bind(session);
    if (!stateless && !isValidSessionId(session.id)) {
      await this.server.closeSession(session, 'invalid session id');
      const error = new McpLiveError(
        'INVALID_OPTION',
        `Session id ${JSON.stringify(session.id)} is not visible ASCII (0x21–0x7E); fix sessionIdGenerator`,
      );
      this.server.reportError(error);
      return void fail(ex, 500, 'Internal Server Error: could not open a session', cors);
    }
    if (this.#closing || session.closed) {
      await this.server.closeSession(session, 'server shutting down');
      return void fail(ex, 503, SHUTTING_DOWN, cors);
    }
    if (stateless) {
      this.#ephemeral.add(channel);
      if (init.version !== undefined) {
        // Stateless requests skip the handshake: the session is taken as initialized at the client's version.
        session.protocolVersion = init.version;
        session.serverCapabilities = this.server.capabilities;
        session.clientCapabilities = {};
        session.initialized = true;
      }
    } else this.#channels.set(session.id, channel);
    return channel;
  }

  /** The session of one stateless request; `undefined` once refused (shutting down, or at `maxSessions`). */
  async #openRequest(
    ex: Exchange,
    cors: ResponseHeaders | undefined,
    principal: unknown,
    channel: StatelessRequestChannel,
  ): Promise<Session | undefined> {
    if (this.#closing) return void fail(ex, 503, SHUTTING_DOWN, cors);
    const held = this.#channels.size + this.#ephemeral.size + this.#requests.size + this.#opening;
    if (held >= this.#o.maxSessions) {
      const message = `Service Unavailable: this server holds its maximum of ${this.#o.maxSessions} sessions and requests (maxSessions)`;
      return void fail(ex, 503, message, { ...cors, 'Retry-After': '5' });
    }
    const session = await this.server.openSession({
      channel,
      transport: 'streamable-http',
      headers: ex.request.headers,
      principal,
      ephemeral: true,
      modern: true,
    });
    this.#requests.add(session);
    session.signal.addEventListener('abort', () => this.#requests.delete(session), { once: true });
    return session;
  }

  #forget(channel: StreamableChannel): void {
    this.#ephemeral.delete(channel);
    const id = channel.session.id;
    if (this.#channels.get(id) === channel) this.#channels.delete(id);
  }

  #sessions(): Session[] {
    return [...[...this.#channels.values(), ...this.#ephemeral].map((c) => c.session), ...this.#requests];
  }
}
