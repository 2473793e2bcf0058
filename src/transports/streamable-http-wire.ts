import { McpLiveError } from '../protocol/mcp-live-error.ts';
import type { ProtocolVersion } from '../protocol/versions.ts';
import type { EventStore } from '../server/event-store.ts';
import { instrumentationOf } from '../server/instrumentation.ts';
import type { Session, SessionInit } from '../server/session.ts';
import type { SessionRecord } from '../server/session-store.ts';
import { reportStoreErrors } from '../server/store-errors.ts';
import { streamEventStore } from '../server/sync-event-store.ts';
import { transportHost } from '../server/transport-host.ts';
import { MemoryEventStore } from '../stores/memory-event-store.ts';
import { authenticateRequest, DENIED } from './http/authenticate.ts';
import type { Exchange, HTTPRequestInfo, ResponseHeaders } from './http/exchange.ts';
import { type Ownership, refuseSession } from './http/session-access.ts';
import { wantsPrimingEvent } from './http/sse-encoder.ts';
import { prefixOf, type Wire, type WireContext, type WireRoute } from './http/wire.ts';
import { joinPath } from './sse-endpoint.ts';
import type { StatelessRequestChannel } from './stateless-request-channel.ts';
import { fail, SSE_HEADERS, unsupportedVersion } from './streamable-http-answers.ts';
import { type ChannelSettings, StreamableChannel } from './streamable-http-channel.ts';
import { acceptsMediaType, isValidSessionId, readVersionHeader } from './streamable-http-headers.ts';
import type { ResolvedStreamableOptions } from './streamable-http-options.ts';
import { acceptStreamablePost, type StreamablePostContext } from './streamable-http-post.ts';

const SHUTTING_DOWN = 'Service Unavailable: the server is shutting down';

/**
 * The Streamable HTTP wire at `{base}/mcp`: 2025 sessions (POST, the GET stream, DELETE, resumption
 * with `Last-Event-ID`) and 2026-07-28 stateless requests (one POST each) on one endpoint.
 */
export class StreamableWire implements Wire {
  readonly name = 'streamable-http';
  readonly allow: string;
  readonly options: ResolvedStreamableOptions;
  readonly path: string;
  readonly eventStore: EventStore | undefined;
  readonly #context: WireContext;
  readonly #o: ResolvedStreamableOptions;
  readonly #ownership: Ownership;
  readonly #channel: ChannelSettings;
  readonly #channels = new Map<string, StreamableChannel>();
  readonly #ephemeral = new Set<StreamableChannel>();
  /** Sessions of stateless (2026-07-28) requests in flight. */
  readonly #requests = new Set<Session>();
  readonly #post: StreamablePostContext;
  /** The default store, made here: `dispose()` clears it. */
  readonly #ownStore: MemoryEventStore | undefined;
  readonly #stopStoreErrors: () => void;
  #opening = 0;

  /** `ownStore`: the user gave no event store, so the default one is this wire's to clear. */
  constructor(context: WireContext, o: ResolvedStreamableOptions, ownStore: boolean) {
    const { server } = context;
    this.#context = context;
    this.options = o;
    this.#o = o;
    this.#ownership = { authenticated: context.auth !== undefined, samePrincipal: o.samePrincipal };
    this.path = joinPath(o.basePath, o.endpoint);
    this.eventStore = o.eventStore;
    this.#ownStore = ownStore && o.eventStore instanceof MemoryEventStore ? o.eventStore : undefined;
    const methods = o.stateless ? 'POST' : 'GET, POST, DELETE';
    this.allow = o.cors === undefined ? methods : `${methods}, OPTIONS`;
    const report = (error: unknown, session: Session | undefined) => server.reportError(error, session);
    const stream = {
      // Resolved once per wire, not per POST: whether the store has a fast path does not change.
      store: o.eventStore === undefined ? undefined : streamEventStore(o.eventStore),
      maxBufferedBytes: o.maxBufferedBytes,
      instrumentation: instrumentationOf(server),
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
    this.#post = {
      server,
      options: o,
      auth: context.auth,
      get closing() {
        return context.closing;
      },
      stateless: {
        server,
        channel: {
          keepAlive: { interval, mode: 'comment', pingTimeout: o.pingTimeout },
          maxBufferedBytes: o.maxBufferedBytes,
          instrumentation: instrumentationOf(server),
          report,
        },
        openRequest: (ex, cors, principal, channel) => this.#openRequest(ex, cors, principal, channel),
      },
      open: (ex, base, cors, init) => this.#open(ex, base, cors, init),
      find: (ex, base, cors, principal) => this.#find(ex, base, cors, principal),
    };
    this.#stopStoreErrors = reportStoreErrors(server, o.eventStore);
  }

  /** Sessions held and being opened, and stateless requests in flight. */
  get load(): number {
    return this.#channels.size + this.#ephemeral.size + this.#requests.size + this.#opening;
  }

  /** How many sessions this wire holds open. */
  get sessionCount(): number {
    return this.#channels.size;
  }

  route(req: HTTPRequestInfo): WireRoute | undefined {
    const base = prefixOf(this.#o, req);
    if (base === undefined || req.path !== base + this.#o.endpoint) return undefined;
    return { base, endpoint: 'mcp' };
  }

  /** The session a request names that this instance does not hold. */
  elsewhere(ex: Exchange): string | undefined {
    if (ex.request.method === 'OPTIONS') return undefined;
    const id = ex.request.headers.get('mcp-session-id');
    return this.#o.stateless || id === null || id === '' || this.#channels.has(id) ? undefined : id;
  }

  refuse(ex: Exchange, status: number, message: string, headers: ResponseHeaders | undefined): void {
    fail(ex, status, message, headers);
  }

  serve(ex: Exchange, route: WireRoute, cors: ResponseHeaders | undefined): Promise<void> | undefined {
    const req = ex.request;
    const prefix = route.base;
    if (req.method === 'POST') {
      return acceptStreamablePost(ex, prefix, cors, this.#post);
    } else if (
      (req.method === 'GET' || req.method === 'DELETE') &&
      !this.#o.stateless &&
      !req.headers.has('mcp-session-id')
    ) {
      const message = `Method Not Allowed: ${req.method} ${req.path} without Mcp-Session-Id; protocol revision 2026-07-28 uses POST only (subscriptions/listen instead of a GET stream), and a 2025 session names itself in Mcp-Session-Id`;
      fail(ex, 405, message, { ...cors, Allow: this.allow });
    } else if (req.method === 'GET' && !this.#o.stateless) {
      return this.#get(ex, prefix, cors);
    } else if (req.method === 'DELETE' && !this.#o.stateless) {
      return this.#delete(ex, prefix, cors);
    } else {
      const why = this.#o.stateless ? 'this server is stateless' : `use ${this.allow}`;
      fail(ex, 405, `Method Not Allowed: ${req.method} ${req.path}; ${why}`, { ...cors, Allow: this.allow });
    }
    return undefined;
  }

  beforeDrain(): void {
    // Listen streams end with their completion result instead of holding the drain to its timeout.
    transportHost(this.#context.server).endSubscriptions((session) => this.#requests.has(session));
  }

  dispose(): void {
    this.#stopStoreErrors();
    this.#ownStore?.clear();
  }

  /** Takes over a session whose instance is gone, with the state and stream ids its record kept. */
  async adopt(record: SessionRecord, gone: string | undefined, ex: Exchange, base: string): Promise<boolean> {
    if (this.#context.closing || record.streamKey === undefined || (record.base ?? base) !== base)
      return true;
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
      session = await transportHost(this.#context.server).adoptSession(record, init, gone);
    } catch (error) {
      this.#context.server.reportError(error);
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
    if (this.#context.closing) return fail(ex, 503, SHUTTING_DOWN, cors);
    const session = channel.session;
    const answer = { ...SSE_HEADERS, ...cors, 'Mcp-Session-Id': session.id };
    const lastEventId = headers.get('last-event-id');
    const store = this.#o.eventStore;
    const priming = store !== undefined && wantsPrimingEvent(session.protocolVersion ?? '');
    const retry = { retry: this.#o.retryInterval };
    if (store !== undefined && lastEventId !== null && lastEventId !== '') {
      const streamId = await store.streamOf(lastEventId);
      if (streamId === undefined || !channel.owns(streamId)) {
        const message = `Bad Request: Last-Event-ID ${JSON.stringify(lastEventId)} is not an event of session "${session.id}"; open the stream without it`;
        return fail(ex, 400, message, cors);
      }
      if (session.closed) return this.#gone(ex, session.id, cors);
      const sink = ex.stream(200, answer);
      return channel.resume(streamId, lastEventId, sink, () => {}, priming ? retry : undefined);
    }
    if (channel.standaloneOpen) {
      const message = `Conflict: session "${session.id}" already has its GET stream open; only one is allowed (a client that lost it resumes it with Last-Event-ID)`;
      return fail(ex, 409, message, cors);
    }
    channel.connectStandalone(ex.stream(200, answer), {
      replayAfter: 'backlog',
      ...(priming ? { priming: retry } : {}),
    });
  }

  /** `DELETE`: ends the session. */
  async #delete(ex: Exchange, base: string, cors: ResponseHeaders | undefined): Promise<void> {
    const channel = await this.#check(ex, base, cors);
    if (channel === undefined) return;
    await this.#context.server.closeSession(channel.session, 'the client ended the session (DELETE)');
    ex.respond(204, cors);
  }

  /** The version header, the caller and the session of a GET or DELETE; `undefined` once refused. */
  async #check(ex: Exchange, base: string, cors: ResponseHeaders | undefined) {
    const header = readVersionHeader(ex.request.headers);
    if (header.kind === 'unsupported') return void unsupportedVersion(ex, header.value, cors);
    const caller =
      this.#context.auth === undefined ? undefined : await authenticateRequest(ex, this.#context.auth, cors);
    if (caller === DENIED) return undefined;
    return this.#find(ex, base, cors, caller?.principal);
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
    const refused = refuseSession(channel, base, principal, this.#ownership);
    if (refused?.status === 403) return void fail(ex, 403, refused.message, cors);
    if (refused !== undefined) return void this.#gone(ex, id, cors);
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
    if (this.#context.closing) return void fail(ex, 503, SHUTTING_DOWN, cors);
    if (!this.#context.hasRoom()) {
      const message = `Service Unavailable: this server holds its maximum of ${this.#o.maxSessions} ${stateless ? 'requests' : 'sessions'} (maxSessions)`;
      return void fail(ex, 503, message, { ...cors, 'Retry-After': '5' });
    }
    const { clients } = this.#context;
    const client = clients.take(ex.request, init.principal);
    if (client === undefined) return void fail(ex, 429, clients.refusal(), { ...cors, 'Retry-After': '5' });
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
      session = await transportHost(this.#context.server).openSession(sessionInit);
    } catch (error) {
      clients.release(client);
      this.#context.server.reportError(error);
      return void fail(ex, 500, 'Internal Server Error: could not open a session', cors);
    } finally {
      this.#opening--;
    }
    clients.holdFor(client, session);
    channel.bind(session);
    if (!stateless && !isValidSessionId(session.id)) {
      await this.#context.server.closeSession(session, 'invalid session id');
      const error = new McpLiveError(
        'INVALID_OPTION',
        `Session id ${JSON.stringify(session.id)} is not visible ASCII (0x21–0x7E); fix sessionIdGenerator`,
      );
      this.#context.server.reportError(error);
      return void fail(ex, 500, 'Internal Server Error: could not open a session', cors);
    }
    if (this.#context.closing || session.closed) {
      await this.#context.server.closeSession(session, 'server shutting down');
      return void fail(ex, 503, SHUTTING_DOWN, cors);
    }
    if (stateless) {
      this.#ephemeral.add(channel);
      if (init.version !== undefined) {
        // Stateless requests skip the handshake: the session is taken as initialized at the client's version.
        session.protocolVersion = init.version;
        session.serverCapabilities = this.#context.server.capabilities;
        session.clientCapabilities = {};
        session.initialized = true;
      }
    } else this.#channels.set(session.id, channel);
    return channel;
  }

  /** The session of one stateless request; `undefined` once refused (shutting down, or at `maxSessions`). */
  #openRequest(
    ex: Exchange,
    cors: ResponseHeaders | undefined,
    principal: unknown,
    channel: StatelessRequestChannel,
  ): Session | undefined {
    if (this.#context.closing) return void fail(ex, 503, SHUTTING_DOWN, cors);
    if (!this.#context.hasRoom()) {
      const message = `Service Unavailable: this server holds its maximum of ${this.#o.maxSessions} sessions and requests (maxSessions)`;
      return void fail(ex, 503, message, { ...cors, 'Retry-After': '5' });
    }
    const { clients } = this.#context;
    const client = clients.take(ex.request, principal);
    if (client === undefined) return void fail(ex, 429, clients.refusal(), { ...cors, 'Retry-After': '5' });
    let session: Session;
    try {
      session = transportHost(this.#context.server).openEphemeralSession({
        channel,
        transport: 'streamable-http',
        headers: ex.request.headers,
        principal,
        ephemeral: true,
        modern: true,
      });
    } catch (error) {
      clients.release(client);
      throw error;
    }
    clients.holdFor(client, session);
    this.#requests.add(session);
    session.onClosed(() => this.#requests.delete(session));
    return session;
  }

  #forget(channel: StreamableChannel): void {
    this.#ephemeral.delete(channel);
    const id = channel.session.id;
    if (this.#channels.get(id) === channel) this.#channels.delete(id);
  }

  sessions(): Session[] {
    return [...[...this.#channels.values(), ...this.#ephemeral].map((c) => c.session), ...this.#requests];
  }
}
