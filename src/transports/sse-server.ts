import type { Server } from 'node:http';
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
import { type Exchange, queryParam, type ResponseHeaders } from './http/exchange.ts';
import { type ExchangeRelay, relayFor } from './http/relay.ts';
import { createRequestChecks, type RequestChecks } from './http/request-checks.ts';
import { respondText } from './http/respond.ts';
import { drainSessions, stopListening } from './http/shutdown.ts';
import {
  cannotListenAgain,
  describeListening,
  type ListenAddress,
  type ListeningInfo,
  listenNode,
} from './listen.ts';
import { buildEndpointURL, joinPath } from './sse-endpoint.ts';
import { type ResolvedSSEOptions, resolveSSEOptions, type SSEServerOptions } from './sse-options.ts';
import { acceptPost, type PostContext } from './sse-post.ts';
import { type ResumeContext, readResumeRequest, resumeStream, sseHeaders } from './sse-resume.ts';
import { SSEStream, type SSEStreamSettings } from './sse-stream.ts';

/** Options of `SSEServer.close`. */
export interface SSECloseOptions {
  /** ms to wait for in-flight handlers before aborting them. @default the `shutdownTimeout` option */
  timeout?: number;
}

const SHUTTING_DOWN = 'Service Unavailable: the server is shutting down';

/**
 * The HTTP+SSE transport (MCP 2024-11-05, the one mcp-go's `SSEServer` speaks): a client opens
 * `GET {base}/sse`, learns its message URL from the `endpoint` event, POSTs requests there and reads
 * every answer from the stream. One instance serves many clients, each with its own session. As an
 * extension, a session outlives its dropped stream for `reconnectGracePeriod`, and a client that
 * reconnects with its `sessionId` and `Last-Event-ID` gets the events it missed.
 *
 * @example
 * const sse = new SSEServer(server, { basePath: '/mcp', keepAliveInterval: 30_000 });
 * await sse.listen(':8080'); // or http.createServer(sse.handleNode), or Bun.serve({ fetch: sse.fetch })
 */
export class SSEServer {
  readonly server: McpServer;
  readonly #o: ResolvedSSEOptions;
  readonly #guard: RequestChecks['guard'];
  readonly #cors: RequestChecks['cors'];
  readonly #auth: RequestChecks['auth'];
  readonly #settings: SSEStreamSettings;
  /** By session id. */
  readonly #streams = new Map<string, SSEStream>();
  /** By the stream id of their events in the store (what `Last-Event-ID` names). */
  readonly #byKey = new Map<string, SSEStream>();
  readonly #post: PostContext;
  readonly #resume: ResumeContext | undefined;
  /** The default store, made here: `close()` clears it. */
  readonly #ownStore: MemoryEventStore | undefined;
  readonly #relay: ExchangeRelay;
  readonly #stopRelay: () => void;
  readonly #stopStoreErrors: () => void;
  #opening = 0;
  #closing = false;
  #http: Server | undefined;
  /** One function for every stream (a closure per stream would cost each session its own). */
  readonly #onEnded = (stream: SSEStream): void => this.#ended(stream);

  constructor(server: McpServer, options: SSEServerOptions = {}) {
    this.server = server;
    const o = resolveSSEOptions(options);
    this.#o = o;
    ({
      guard: this.#guard,
      cors: this.#cors,
      auth: this.#auth,
    } = createRequestChecks(o, server, 'GET, POST, OPTIONS'));
    const store = o.reconnectGracePeriod > 0 ? o.eventStore : undefined;
    this.#ownStore =
      options.eventStore === undefined && store instanceof MemoryEventStore ? store : undefined;
    this.#settings = {
      keepAlive: { interval: o.keepAliveInterval, mode: o.keepAlive, pingTimeout: o.pingTimeout },
      maxBufferedBytes: o.maxBufferedBytes,
      idleTimeout: o.idleTimeout,
      store,
      gracePeriod: o.reconnectGracePeriod,
    };
    const self = this;
    this.#post = {
      server,
      options: o,
      auth: this.#auth,
      get closing() {
        return self.#closing;
      },
      stream: (id) => this.#streams.get(id),
    };
    this.#resume =
      store === undefined
        ? undefined
        : {
            options: o,
            store,
            get closing() {
              return self.#closing;
            },
            bySession: (id) => this.#streams.get(id),
            byKey: (key) => this.#byKey.get(key),
          };
    this.#relay = relayFor(server);
    this.#stopRelay = this.#relay.serve('sse', (exchange) => this.#handle(exchange));
    this.#stopStoreErrors = reportStoreErrors(server, store);
  }

  /** How many sessions this transport holds: with an open stream, or waiting for their client to reconnect. */
  get sessionCount(): number {
    return this.#streams.size;
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

  /** Starts a `node:http` server on `address` (the seed's `Start(":8080")`). */
  async listen(address: ListenAddress): Promise<ListeningInfo> {
    if (this.#http !== undefined || this.#closing) {
      throw cannotListenAgain('SSEServer', this.#closing);
    }
    this.#http = await listenNode(address, (req, res) => void this.handleNode(req, res));
    return describeListening(this.#http, joinPath(this.#o.basePath, this.#o.sseEndpoint));
  }

  /**
   * Stops taking new streams and requests (503), waits up to `timeout` for in-flight handlers, then
   * closes every session of this transport (aborting what still runs) and the server `listen` started.
   */
  async close(options: SSECloseOptions = {}): Promise<void> {
    this.#closing = true;
    this.#stopRelay();
    this.#stopStoreErrors();
    await drainSessions(this.server, () => this.#sessions(), options.timeout ?? this.#o.shutdownTimeout);
    this.#ownStore?.clear();
    const http = this.#http;
    this.#http = undefined;
    await stopListening(http);
  }

  /** Answers one exchange if it is for this transport; false when the path is not ours. */
  async #handle(ex: Exchange): Promise<boolean> {
    const req = ex.request;
    const base = this.#o.dynamicBasePath === undefined ? this.#o.basePath : this.#o.dynamicBasePath(req);
    if (base === undefined) return false;
    const prefix = base.endsWith('/') ? base.slice(0, -1) : base;
    if (!req.path.startsWith(prefix)) return false;
    const rest = req.path.slice(prefix.length);
    const kind =
      rest === this.#o.sseEndpoint ? 'sse' : rest === this.#o.messageEndpoint ? 'message' : undefined;
    if (kind === undefined) return false;

    const origin = req.headers.get('origin');
    const cors = this.#cors?.headers(origin);
    const refused = this.#guard(req.headers, ex.loopbackBind);
    if (refused !== undefined) {
      respondText(ex, 403, `Forbidden: ${refused}`, cors);
    } else if (req.method === 'OPTIONS' && this.#cors !== undefined) {
      ex.respond(204, this.#cors.preflight(origin));
    } else if (req.method !== (kind === 'sse' ? 'GET' : 'POST')) {
      const method = kind === 'sse' ? 'GET' : 'POST';
      const allow = this.#cors === undefined ? method : `${method}, OPTIONS`;
      respondText(ex, 405, `Method Not Allowed: ${req.method} ${req.path}; use ${method}`, cors, {
        Allow: allow,
      });
    } else {
      const sessionId = this.#elsewhere(ex, kind);
      const routed = sessionId === undefined ? ex : await this.#route(ex, sessionId, prefix, cors);
      if (routed === undefined) return true;
      if (kind === 'sse') await this.#openStream(routed, prefix, cors);
      else await acceptPost(routed, prefix, cors, this.#post);
    }
    return true;
  }

  /**
   * A POST for a session, or a stream resuming one, that this instance does not hold: relayed to the
   * instance that holds it, or, when that one is gone, taken over here (with resumption on). Resolves
   * to the exchange to go on with here, or `undefined` once answered.
   */
  async #route(
    ex: Exchange,
    sessionId: string,
    base: string,
    cors: ResponseHeaders | undefined,
  ): Promise<Exchange | undefined> {
    return this.#relay.route(ex, sessionId, {
      transport: 'sse',
      maxBodyBytes: this.#o.maxBodyBytes,
      maxBufferedBytes: this.#o.maxBufferedBytes,
      refuse: (e, status, message, headers) => respondText(e, status, message, cors, headers),
      adopt: (record, gone, exchange) => this.#adopt(record, gone, exchange, base),
    });
  }

  /** The session a request names that this instance does not hold (a POST's, or a resuming stream's). */
  #elsewhere(ex: Exchange, kind: 'sse' | 'message'): string | undefined {
    if (kind === 'sse' && this.#resume === undefined) return undefined;
    const sessionId = queryParam(ex.request.search, 'sessionId');
    return sessionId === undefined || sessionId === '' || this.#streams.has(sessionId)
      ? undefined
      : sessionId;
  }

  /** Takes over a session whose instance is gone; it waits for its client to reconnect. */
  async #adopt(
    record: SessionRecord,
    gone: string | undefined,
    ex: Exchange,
    base: string,
  ): Promise<boolean> {
    if (this.#resume === undefined || record.streamKey === undefined || (record.base ?? base) !== base) {
      return true;
    }
    if (this.#closing) return true;
    const stream = new SSEStream(this.server, this.#settings, {
      base,
      principal: record.principal,
      onEnded: this.#onEnded,
      key: record.streamKey,
    });
    const init: SessionInit = {
      channel: stream,
      transport: 'sse',
      headers: ex.request.headers,
      principal: record.principal,
      streamKey: record.streamKey,
      base,
    };
    let session: Session | undefined;
    try {
      session = await this.server.adoptSession(record, init, gone);
    } catch (error) {
      this.server.reportError(error);
      return true;
    }
    if (session === undefined) return this.#streams.has(record.id);
    this.#streams.set(session.id, stream);
    this.#byKey.set(stream.key, stream);
    stream.adopt(session, buildEndpointURL(this.#o, base, session.id, ''));
    return true;
  }

  /**
   * `GET {base}{sseEndpoint}`: authenticates, then resumes the session the request names (with
   * resumption on), or opens a new session and streams its messages.
   */
  async #openStream(ex: Exchange, base: string, cors: ResponseHeaders | undefined): Promise<void> {
    if (this.#closing) return respondText(ex, 503, SHUTTING_DOWN, cors);
    const principal = this.#auth === undefined ? undefined : await authenticateRequest(ex, this.#auth, cors);
    if (principal === DENIED) return;
    const resumption = this.#resume;
    const resume = resumption === undefined ? undefined : readResumeRequest(ex);
    if (resumption !== undefined && resume !== undefined) {
      return resumeStream(ex, base, cors, principal, resume, resumption);
    }
    if (this.#streams.size + this.#opening >= this.#o.maxSessions) {
      const message = `Service Unavailable: this server holds its maximum of ${this.#o.maxSessions} sessions (maxSessions)`;
      return respondText(ex, 503, message, cors, { 'Retry-After': '5' });
    }
    const stream = new SSEStream(this.server, this.#settings, {
      base,
      principal,
      onEnded: this.#onEnded,
    });
    this.#opening++;
    let session: Session;
    try {
      const values = this.#o.contextFunc === undefined ? undefined : await this.#o.contextFunc(ex.request);
      const init: SessionInit = {
        channel: stream,
        transport: 'sse',
        headers: ex.request.headers,
        principal,
        streamKey: stream.key,
        base,
      };
      if (values !== undefined) init.values = values;
      const id = this.#o.sessionIdGenerator?.();
      if (id !== undefined) init.id = id;
      session = await this.server.openSession(init);
    } catch (error) {
      this.server.reportError(error);
      return respondText(ex, 500, 'Internal Server Error: could not open a session', cors);
    } finally {
      this.#opening--;
    }
    if (session.closed) {
      return respondText(
        ex,
        503,
        `Service Unavailable: the session closed while opening (${session.closeReason})`,
        cors,
      );
    }
    if (this.#closing || ex.clientGone) {
      await this.server.closeSession(session, this.#closing ? 'server shutting down' : 'client disconnected');
      return respondText(ex, 503, SHUTTING_DOWN, cors);
    }
    this.#streams.set(session.id, stream);
    this.#byKey.set(stream.key, stream);
    const sink = ex.stream(200, sseHeaders(cors));
    stream.open(session, sink, buildEndpointURL(this.#o, base, session.id, ex.request.search));
  }

  #sessions(): Session[] {
    return [...this.#streams.values()].flatMap((s) => (s.session === undefined ? [] : [s.session]));
  }

  #ended(stream: SSEStream): void {
    const id = stream.session?.id;
    if (id !== undefined && this.#streams.get(id) === stream) this.#streams.delete(id);
    this.#byKey.delete(stream.key);
  }
}
