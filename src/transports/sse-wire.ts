import { McpLiveError } from '../protocol/mcp-live-error.ts';
import type { EventStore } from '../server/event-store.ts';
import { instrumentationOf } from '../server/instrumentation.ts';
import type { Session, SessionInit } from '../server/session.ts';
import type { SessionRecord } from '../server/session-store.ts';
import { reportStoreErrors } from '../server/store-errors.ts';
import { streamEventStore } from '../server/sync-event-store.ts';
import { transportHost } from '../server/transport-host.ts';
import { MemoryEventStore } from '../stores/memory-event-store.ts';
import { authenticateRequest, DENIED } from './http/authenticate.ts';
import { type Exchange, type HTTPRequestInfo, queryParam, type ResponseHeaders } from './http/exchange.ts';
import { InitializeDeadline } from './http/initialize-deadline.ts';
import { respondText } from './http/respond.ts';
import { prefixOf, type Wire, type WireContext, type WireRoute } from './http/wire.ts';
import { baseURLServes, buildEndpointURL, joinPath } from './sse-endpoint.ts';
import type { ResolvedSSEOptions } from './sse-options.ts';
import { acceptPost, type PostContext } from './sse-post.ts';
import { type ResumeContext, readResumeRequest, resumeStream, sseHeaders } from './sse-resume.ts';
import { SSEStream, type SSEStreamSettings } from './sse-stream.ts';

const SHUTTING_DOWN = 'Service Unavailable: the server is shutting down';

/**
 * The HTTP+SSE wire (2024-11-05): `GET {base}/sse` opens a session's stream, whose `endpoint` event
 * names `POST {base}/message?sessionId=…`; every answer rides the stream. As an extension, a session
 * outlives its dropped stream for `reconnectGracePeriod`, and a client that reconnects with its
 * `sessionId` and `Last-Event-ID` gets the events it missed.
 */
export class SSEWire implements Wire {
  readonly name = 'sse';
  readonly allow = 'GET, POST, OPTIONS';
  readonly options: ResolvedSSEOptions;
  readonly path: string;
  readonly eventStore: EventStore | undefined;
  readonly #context: WireContext;
  readonly #settings: SSEStreamSettings;
  /** By session id. */
  readonly #streams = new Map<string, SSEStream>();
  /** By the stream id of their events in the store (what `Last-Event-ID` names). */
  readonly #byKey = new Map<string, SSEStream>();
  readonly #post: PostContext;
  readonly #resume: ResumeContext | undefined;
  /** The default store, made here: `dispose()` clears it. */
  readonly #ownStore: MemoryEventStore | undefined;
  readonly #stopStoreErrors: () => void;
  #opening = 0;
  /** Hosts already told about a `baseURL` of another origin (a few, so that the log is not flooded). */
  readonly #warnedHosts = new Set<string>();
  readonly #initializeDeadline: InitializeDeadline;
  /** One function for every stream (a closure per stream would cost each session its own). */
  readonly #onEnded = (stream: SSEStream): void => this.#ended(stream);

  /** `ownStore`: the user gave no event store, so the default one is this wire's to clear. */
  constructor(context: WireContext, o: ResolvedSSEOptions, ownStore: boolean) {
    this.#context = context;
    this.options = o;
    this.path = joinPath(o.basePath, o.sseEndpoint);
    const store = o.reconnectGracePeriod > 0 ? o.eventStore : undefined;
    this.eventStore = store;
    this.#ownStore = ownStore && store instanceof MemoryEventStore ? store : undefined;
    this.#stopStoreErrors = reportStoreErrors(context.server, store);
    const { server } = context;
    this.#initializeDeadline = new InitializeDeadline(
      o.initializeTimeout,
      (session, reason) => void server.closeSession(session, reason),
    );
    this.#settings = {
      events: {
        // Resolved once per wire, not per stream: whether the store has a fast path does not change.
        store: store === undefined ? undefined : streamEventStore(store),
        numberWithoutStore: true,
        keepAlive: { interval: o.keepAliveInterval, mode: o.keepAlive, pingTimeout: o.pingTimeout },
        maxBufferedBytes: o.maxBufferedBytes,
        instrumentation: instrumentationOf(server),
        report: (error, session) => server.reportError(error, session),
        unresponsive: (session, reason) => void server.closeSession(session, reason),
      },
      gracePeriod: o.reconnectGracePeriod,
    };
    const ownership = { authenticated: context.auth !== undefined, samePrincipal: o.samePrincipal };
    this.#post = {
      server: context.server,
      options: o,
      auth: context.auth,
      ownership,
      get closing() {
        return context.closing;
      },
      stream: (id) => this.#streams.get(id),
    };
    this.#resume =
      store === undefined
        ? undefined
        : {
            options: o,
            store,
            ownership,
            get closing() {
              return context.closing;
            },
            bySession: (id) => this.#streams.get(id),
            byKey: (key) => this.#byKey.get(key),
          };
  }

  /** Sessions with an open stream, or waiting for their client to reconnect, and those being opened. */
  get load(): number {
    return this.#streams.size + this.#opening;
  }

  /** Sessions this wire holds. */
  get sessionCount(): number {
    return this.#streams.size;
  }

  route(req: HTTPRequestInfo): WireRoute | undefined {
    const base = prefixOf(this.options, req);
    if (base === undefined || !req.path.startsWith(base)) return undefined;
    const rest = req.path.slice(base.length);
    if (rest === this.options.sseEndpoint) return { base, endpoint: 'sse' };
    if (rest === this.options.messageEndpoint) return { base, endpoint: 'message' };
    return undefined;
  }

  elsewhere(ex: Exchange, route: WireRoute): string | undefined {
    const stream = route.endpoint === 'sse';
    if (ex.request.method !== (stream ? 'GET' : 'POST') || (stream && this.#resume === undefined)) {
      return undefined;
    }
    const sessionId = queryParam(ex.request.search, 'sessionId');
    return sessionId === undefined || sessionId === '' || this.#streams.has(sessionId)
      ? undefined
      : sessionId;
  }

  refuse(ex: Exchange, status: number, message: string, headers: ResponseHeaders | undefined): void {
    respondText(ex, status, message, headers);
  }

  serve(ex: Exchange, route: WireRoute, cors: ResponseHeaders | undefined): Promise<void> | undefined {
    const method = route.endpoint === 'sse' ? 'GET' : 'POST';
    if (ex.request.method !== method) {
      const allow = this.options.cors === undefined ? method : `${method}, OPTIONS`;
      const message = `Method Not Allowed: ${ex.request.method} ${ex.request.path}; use ${method}`;
      respondText(ex, 405, message, cors, { Allow: allow });
      return undefined;
    }
    return route.endpoint === 'sse'
      ? this.#openStream(ex, route.base, cors)
      : acceptPost(ex, route.base, cors, this.#post);
  }

  async adopt(record: SessionRecord, gone: string | undefined, ex: Exchange, base: string): Promise<boolean> {
    if (this.#resume === undefined || record.streamKey === undefined || (record.base ?? base) !== base) {
      return true;
    }
    if (this.#context.closing) return true;
    const { server } = this.#context;
    const stream = new SSEStream(server, this.#settings, {
      base,
      principal: record.principal,
      onEnded: this.#onEnded,
      key: record.streamKey,
      adopted: true,
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
      session = await transportHost(server).adoptSession(record, init, gone);
    } catch (error) {
      server.reportError(error);
      return true;
    }
    if (session === undefined) return this.#streams.has(record.id);
    this.#streams.set(session.id, stream);
    this.#byKey.set(stream.key, stream);
    stream.adopt(session, buildEndpointURL(this.options, base, session.id, ''));
    return true;
  }

  sessions(): Session[] {
    return [...this.#streams.values()].flatMap((s) => (s.session === undefined ? [] : [s.session]));
  }

  beforeDrain(): void {}

  dispose(): void {
    this.#initializeDeadline.stop();
    this.#stopStoreErrors();
    this.#ownStore?.clear();
  }

  /**
   * `GET {base}{sseEndpoint}`: authenticates, then resumes the session the request names (with
   * resumption on), or opens a new session and streams its messages.
   */
  async #openStream(ex: Exchange, base: string, cors: ResponseHeaders | undefined): Promise<void> {
    const { server, auth } = this.#context;
    if (this.#context.closing) return respondText(ex, 503, SHUTTING_DOWN, cors);
    const caller = auth === undefined ? undefined : await authenticateRequest(ex, auth, cors);
    if (caller === DENIED) return;
    const principal = caller?.principal;
    const resumption = this.#resume;
    const resume = resumption === undefined ? undefined : readResumeRequest(ex);
    if (resumption !== undefined && resume !== undefined) {
      return resumeStream(ex, base, cors, principal, resume, resumption);
    }
    if (!this.#context.hasRoom()) {
      const message = `Service Unavailable: this server holds its maximum of ${this.options.maxSessions} sessions (maxSessions)`;
      return respondText(ex, 503, message, cors, { 'Retry-After': '5' });
    }
    const { clients } = this.#context;
    const client = clients.take(ex.request, principal);
    if (client === undefined) return respondText(ex, 429, clients.refusal(), cors, { 'Retry-After': '5' });
    const stream = new SSEStream(server, this.#settings, { base, principal, onEnded: this.#onEnded });
    this.#opening++;
    let session: Session;
    try {
      const o = this.options;
      const values = o.contextFunc === undefined ? undefined : await o.contextFunc(ex.request);
      const init: SessionInit = {
        channel: stream,
        transport: 'sse',
        headers: ex.request.headers,
        principal,
        streamKey: stream.key,
        base,
      };
      if (values !== undefined) init.values = values;
      const id = o.sessionIdGenerator?.();
      if (id !== undefined) init.id = id;
      session = await transportHost(server).openSession(init);
    } catch (error) {
      clients.release(client);
      server.reportError(error);
      return respondText(ex, 500, 'Internal Server Error: could not open a session', cors);
    } finally {
      this.#opening--;
    }
    clients.holdFor(client, session);
    if (session.closed) {
      const message = `Service Unavailable: the session closed while opening (${session.closeReason})`;
      return respondText(ex, 503, message, cors);
    }
    if (this.#context.closing || ex.clientGone) {
      await server.closeSession(
        session,
        this.#context.closing ? 'server shutting down' : 'client disconnected',
      );
      return respondText(ex, 503, SHUTTING_DOWN, cors);
    }
    this.#streams.set(session.id, stream);
    this.#byKey.set(stream.key, stream);
    const sink = ex.stream(200, sseHeaders(cors));
    const host = ex.request.headers.get('host');
    this.#checkBaseURL(host);
    stream.open(session, sink, buildEndpointURL(this.options, base, session.id, ex.request.search, host));
    this.#initializeDeadline.watch(session);
  }

  /** Says once per host that `baseURL` names another origin than the one a client connected to. */
  #checkBaseURL(host: string | null): void {
    const { baseURL } = this.options;
    if (baseURL === undefined || baseURL === '' || !this.options.useFullURLForMessageEndpoint) return;
    if (host === null || this.#warnedHosts.has(host) || this.#warnedHosts.size >= 16) return;
    if (baseURLServes(baseURL, host)) return;
    this.#warnedHosts.add(host);
    const why = `SSEServer option baseURL ${baseURL} names another origin than the one a client connected to (Host: ${host}); its endpoint event carries a path instead of the full URL, since clients such as the official SDK refuse an endpoint on another origin. Set baseURL to the origin clients use, or leave it out`;
    this.#context.server.reportError(new McpLiveError('INVALID_OPTION', why));
  }

  #ended(stream: SSEStream): void {
    const id = stream.session?.id;
    if (id !== undefined && this.#streams.get(id) === stream) this.#streams.delete(id);
    this.#byKey.delete(stream.key);
  }
}
