import { batchRefusal } from '../protocol/batches.ts';
import { errorText } from '../protocol/error-text.ts';
import {
  ErrorCode,
  type JSONRPCMessage,
  type JSONRPCNotification,
  type JSONRPCRequest,
  type JSONRPCResponse,
} from '../protocol/jsonrpc.ts';
import type { ClientCapabilities, Implementation, ServerCapabilities } from '../protocol/lifecycle.ts';
import { isLoggingLevel, LOGGING_LEVELS } from '../protocol/logging.ts';
import { isProtocolError, ProtocolError } from '../protocol/protocol-error.ts';
import { randomId } from '../protocol/random-id.ts';
import { claimedProtocolVersion, type RequestMeta } from '../protocol/request-meta.ts';
import { negotiateProtocolVersion } from '../protocol/versions.ts';
import type { Catalog } from './catalog.ts';
import type { Hooks } from './hooks.ts';
import type { InstrumentationSlot } from './instrumentation.ts';
import type { McpServer } from './mcp-server.ts';
import { isPromiseLike } from './promise-like.ts';
import { complete, getPrompt, listPrompts } from './prompt-methods.ts';
import { RequestContext } from './request-context.ts';
import { listResources, listTemplates, readResource, subscribe, unsubscribe } from './resource-methods.ts';
import { type SendOptions, Session } from './session.ts';
import {
  discover,
  finishStateless,
  prepareStateless,
  REMOVED_METHODS,
  runStateless,
  STATELESS_METHODS,
  type StatelessRun,
  type StatelessSettings,
  statelessError,
} from './stateless-requests.ts';
import type { SubscriptionHub } from './subscription-hub.ts';
import { callTool, listTools, type ToolMiddleware } from './tool-methods.ts';

/** What a transport knows about one incoming message beyond the session. */
export interface MessageExtra {
  /** The HTTP request headers this message came with. */
  headers?: Headers;
  /** Values from the transport's context function for this message. */
  values?: Record<string, unknown>;
  /** Who sent this message, as the transport authenticated its HTTP request. */
  principal?: unknown;
  /**
   * The JSON text of this message, when it arrived alone (not in a batch) and the transport keeps it:
   * a 2026-07-28 request's arguments are then read again from it if an input round needs them as they
   * arrived, instead of being copied up front.
   */
  text?: string;
  /**
   * This request's `_meta` envelope, when the transport has read it from `params` already and found
   * a revision this server speaks (the HTTP transport checks it against the mirrored headers first).
   */
  meta?: RequestMeta;
}

type Params = Record<string, unknown>;
/** A method's handler; `session` is the one the request came on (the handler-facing `ctx.session` is read-only). */
type MethodHandler = (params: Params, ctx: RequestContext, session: Session) => unknown;

interface Route {
  /** The server capability (and, for resources, sub-capability) the method needs. */
  capability?: keyof ServerCapabilities;
  subCapability?: string;
  handler: MethodHandler;
}

export interface DispatcherSettings {
  server: McpServer;
  catalog: Catalog;
  hooks: Hooks;
  instrumentation: InstrumentationSlot;
  middleware: readonly ToolMiddleware[];
  pageSize: number;
  info: Implementation;
  instructions: string | undefined;
  capabilities: () => ServerCapabilities;
  stateless: StatelessSettings;
  subscriptions: SubscriptionHub;
}

const DONE: Promise<void> = Promise.resolve();

/** Routes each incoming message of a session: lifecycle, capability checks, handlers, errors. */
export class Dispatcher {
  readonly #s: DispatcherSettings;
  readonly #routes: Map<string, Route>;

  constructor(settings: DispatcherSettings) {
    this.#s = settings;
    const { catalog, middleware, pageSize } = settings;
    this.#routes = new Map<string, Route>([
      ['ping', { handler: () => ({}) }],
      ['tools/list', { capability: 'tools', handler: (p) => listTools(catalog, p, pageSize) }],
      ['tools/call', { capability: 'tools', handler: (p, ctx) => callTool(catalog, p, ctx, middleware) }],
      [
        'resources/list',
        { capability: 'resources', handler: (p, ctx) => listResources(catalog, p, ctx, pageSize) },
      ],
      [
        'resources/templates/list',
        { capability: 'resources', handler: (p) => listTemplates(catalog, p, pageSize) },
      ],
      ['resources/read', { capability: 'resources', handler: (p, ctx) => readResource(catalog, p, ctx) }],
      [
        'resources/subscribe',
        {
          capability: 'resources',
          subCapability: 'subscribe',
          handler: (p, _ctx, session) => subscribe(catalog, p, session),
        },
      ],
      [
        'resources/unsubscribe',
        {
          capability: 'resources',
          subCapability: 'subscribe',
          handler: (p, _ctx, session) => unsubscribe(p, session),
        },
      ],
      ['prompts/list', { capability: 'prompts', handler: (p) => listPrompts(catalog, p, pageSize) }],
      ['prompts/get', { capability: 'prompts', handler: (p, ctx) => getPrompt(catalog, p, ctx) }],
      ['completion/complete', { capability: 'completions', handler: (p, ctx) => complete(catalog, p, ctx) }],
      ['logging/setLevel', { capability: 'logging', handler: (p, _ctx, session) => setLevel(p, session) }],
      ['server/discover', { handler: () => discover(settings.stateless) }],
      [
        'subscriptions/listen',
        { handler: (p, ctx) => settings.subscriptions.listen(p, ctx, settings.capabilities()) },
      ],
    ]);
  }

  /**
   * Handles one message; every response leaves through `session.send`. Settles when the message is
   * handled. Not async, so that no frame of it waits for a long request (a listen stream).
   */
  handle(session: Session, message: JSONRPCMessage, extra: MessageExtra = {}): Promise<unknown> {
    try {
      session.touch();
      if (!('method' in message)) {
        // A response to one of our requests; an id we never sent (or already settled) is ignored.
        session.resolveResponse(message as JSONRPCResponse);
        return DONE;
      }
      if (!('id' in message)) {
        this.#notification(session, message);
        return DONE;
      }
      const request = message as JSONRPCRequest;
      const probe = this.#s.instrumentation.current;
      if (probe === undefined) return this.#request(session, request, extra);
      return probe.request(session, request, extra, () => this.#request(session, request, extra));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Handles a JSON-RPC batch; refused unless the session negotiated a revision that has batches. */
  async handleBatch(session: Session, messages: JSONRPCMessage[], extra: MessageExtra = {}): Promise<void> {
    const refusal = batchRefusal(session.protocolVersion, messages);
    if (refusal !== undefined) throw refusal;
    await Promise.all(messages.map((m) => this.handle(session, m, extra)));
  }

  /** Serves one request; resolves to the response sent, `undefined` when none was. */
  async #request(
    session: Session,
    request: JSONRPCRequest,
    extra: MessageExtra,
  ): Promise<JSONRPCResponse | undefined> {
    const { id, method } = request;
    const controller = session.beginRequest(id);
    if (controller === undefined) {
      const refusal = errorResponse(
        id,
        ProtocolError.invalidRequest(
          `Request id ${JSON.stringify(id)} is already in use by a request in flight`,
        ),
      );
      return session.send(refusal, { relatedRequestId: id }) ? refusal : undefined;
    }
    const started = performance.now();
    const params = request.params ?? {};
    // A request that claims a revision in its _meta is stateless, whatever the connection it came on.
    const stateless =
      session.modern || (session.transport !== 'sse' && claimedProtocolVersion(params) !== undefined);
    let response: JSONRPCResponse;
    let aborted: boolean;
    let run: StatelessRun | undefined;
    try {
      if (stateless) {
        const prepared = prepareStateless(this.#s.stateless, session, method, params, extra.text, extra.meta);
        run = isPromiseLike(prepared) ? await prepared : prepared;
      }
      const ctx = new RequestContext({
        server: this.#s.server,
        session: run === undefined || session.modern ? session : requestSession(session, extra),
        requestId: id,
        method,
        controller,
        headers: extra.headers,
        values: extra.values,
        principal: extra.principal,
        meta: params._meta as Record<string, unknown> | undefined,
        stateless: run === undefined ? undefined : { meta: run.meta, rounds: run.rounds },
      });
      if (this.#s.hooks.has('beforeRequest')) await this.#s.hooks.run('beforeRequest', request, session);
      const routed =
        run === undefined
          ? this.#route(session, method, params, ctx)
          : this.#routeStateless(run, session, method, params, ctx);
      // A value that is there already is not awaited: a turn of the microtask queue saved.
      const result = isPromiseLike(routed) ? await routed : routed;
      response = { jsonrpc: '2.0', id, result: (result ?? {}) as Record<string, unknown> };
    } catch (error) {
      if (!isProtocolError(error) && !controller.signal.aborted)
        this.#s.server.reportError(error, session, request);
      response = errorResponse(id, stateless ? statelessError(error) : error, method);
    } finally {
      aborted = !session.endRequest(id, controller);
    }
    // A cancelled request gets no response; a closed session gets nothing at all.
    if (aborted) return undefined;
    const sent = session.send(response, { relatedRequestId: id });
    if (this.#s.hooks.has('afterRequest')) {
      this.#s.hooks.emit('afterRequest', request, response, session, performance.now() - started);
    }
    return sent ? response : undefined;
  }

  /** Not async: a listen stream waits here for hours, and an async frame would be held all along. */
  #routeStateless(
    run: StatelessRun,
    session: Session,
    method: string,
    params: Params,
    ctx: RequestContext,
  ): unknown {
    if (REMOVED_METHODS.has(method)) {
      throw ProtocolError.methodNotFound(method, 'does not exist in protocol revision 2026-07-28');
    }
    const route = this.#routes.get(method);
    if (route === undefined) throw ProtocolError.methodNotFound(method);
    this.#checkCapability(method, route, this.#s.capabilities());
    const settings = this.#s.stateless;
    const result = runStateless(settings, run, () => route.handler(params, ctx, session));
    type Result = Record<string, unknown> | undefined;
    if (!isPromiseLike(result)) return finishStateless(settings, method, params, (result as Result) ?? {});
    return result.then((value) => finishStateless(settings, method, params, (value as Result) ?? {}));
  }

  #route(session: Session, method: string, params: Params, ctx: RequestContext): unknown {
    if (method === 'initialize') return this.#initialize(session, params);
    if (session.protocolVersion === undefined && method !== 'ping') {
      throw ProtocolError.invalidRequest(
        `Session ${session.id} is not initialized: send "initialize" before "${method}"`,
      );
    }
    const route = STATELESS_METHODS.has(method) ? undefined : this.#routes.get(method);
    if (route === undefined) throw ProtocolError.methodNotFound(method);
    this.#checkCapability(method, route, session.serverCapabilities ?? this.#s.capabilities());
    return route.handler(params, ctx, session);
  }

  #checkCapability(method: string, route: Route, capabilities: ServerCapabilities): void {
    if (route.capability === undefined) return;
    const declared = capabilities[route.capability] as Record<string, unknown> | undefined;
    if (
      declared !== undefined &&
      (route.subCapability === undefined || declared[route.subCapability] === true)
    ) {
      return;
    }
    const what =
      route.subCapability === undefined ? route.capability : `${route.capability}.${route.subCapability}`;
    throw ProtocolError.methodNotFound(
      method,
      `needs the "${what}" capability, which this server did not declare`,
    );
  }

  #initialize(session: Session, params: Params) {
    if (session.protocolVersion !== undefined) {
      throw ProtocolError.invalidRequest(
        `Session ${session.id} is already initialized; open a new session instead`,
      );
    }
    if (typeof params.protocolVersion !== 'string') {
      throw ProtocolError.invalidParams('initialize needs a string "protocolVersion"');
    }
    const clientInfo = params.clientInfo as Implementation | undefined;
    if (typeof clientInfo !== 'object' || clientInfo === null || typeof clientInfo.name !== 'string') {
      throw ProtocolError.invalidParams('initialize needs "clientInfo" with a string "name"');
    }
    const capabilities = this.#s.capabilities();
    session.protocolVersion = negotiateProtocolVersion(params.protocolVersion);
    session.clientInfo = clientInfo;
    session.clientCapabilities = (params.capabilities ?? {}) as ClientCapabilities;
    session.serverCapabilities = capabilities;
    session.stateChanged();
    const result: Record<string, unknown> = {
      protocolVersion: session.protocolVersion,
      capabilities,
      serverInfo: this.#s.info,
    };
    if (this.#s.instructions !== undefined) result.instructions = this.#s.instructions;
    return result;
  }

  #notification(session: Session, notification: JSONRPCNotification): void {
    const params = notification.params;
    switch (notification.method) {
      case 'notifications/initialized':
        if (session.initialized) return;
        session.initialized = true;
        session.stateChanged();
        this.#s.hooks.emit('sessionInitialized', session);
        return;
      case 'notifications/cancelled': {
        const requestId = params?.requestId;
        if (typeof requestId === 'string' || typeof requestId === 'number') {
          session.cancelRequest(requestId, params?.reason ?? 'cancelled by the client');
        }
        return;
      }
      default:
        this.#s.hooks.emit('notification', notification.method, params, session);
    }
  }
}

/**
 * The session a stateless request's handler sees when it came on a connection that has one (stdio):
 * its own, for this request only, writing through the connection's.
 */
function requestSession(connection: Session, extra: MessageExtra): Session {
  const channel = { send: (m: JSONRPCMessage, o: SendOptions) => void connection.send(m, o) };
  return new Session(randomId(), {
    channel,
    transport: connection.transport,
    headers: extra.headers ?? connection.headers,
    principal: connection.principal,
    ephemeral: true,
    modern: true,
    connection,
  });
}

function setLevel(params: Params, session: Session) {
  if (!isLoggingLevel(params.level)) {
    throw ProtocolError.invalidParams(
      `logging/setLevel needs "level", one of ${LOGGING_LEVELS.join(', ')} (got ${JSON.stringify(params.level)})`,
    );
  }
  session.logLevel = params.level;
  session.stateChanged();
  return {};
}

function errorResponse(id: JSONRPCRequest['id'], error: unknown, method?: string): JSONRPCResponse {
  if (isProtocolError(error)) return { jsonrpc: '2.0', id, error: error.toJSON() };
  const message = errorText(error);
  return {
    jsonrpc: '2.0',
    id,
    error: {
      code: ErrorCode.InternalError,
      message: method === undefined ? message : `Internal error in ${method}: ${message}`,
    },
  };
}
