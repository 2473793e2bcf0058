import type { Server } from 'node:http';
import type { EventStore } from '../../server/event-store.ts';
import type { McpServer } from '../../server/mcp-server.ts';
import {
  cannotListenAgain,
  describeListening,
  type ListenAddress,
  type ListeningInfo,
  listenNode,
  parseListenAddress,
  type RequestDeadlines,
  refuseOpenBind,
} from '../listen.ts';
import { ClientLimits } from './client-limits.ts';
import {
  createFetchHandler,
  createNodeHandler,
  type FetchHandler,
  type NodeHandler,
} from './entry-points.ts';
import type { Exchange, ResponseHeaders } from './exchange.ts';
import {
  answerHealth,
  checkReadiness,
  HEALTH_TIMEOUT,
  type HealthProbe,
  isHealthPath,
  type ReadinessReport,
  type ResolvedHealthOptions,
} from './health.ts';
import type { ResolvedHTTPOptions } from './http-options.ts';
import { type ExchangeRelay, relayFor } from './relay.ts';
import { createAuthSettings, createRequestChecks, type RequestChecks } from './request-checks.ts';
import { ResourceMetadataRoute } from './resource-metadata.ts';
import { drainSessions, stopListening } from './shutdown.ts';
import type { Wire, WireContext, WireRoute } from './wire.ts';

interface Mounted {
  readonly wire: Wire;
  readonly checks: RequestChecks;
}

/**
 * The one HTTP engine under every wire: it serves the protected resource metadata (with `oauth`),
 * finds the wire a request is for, applies the checks every wire shares (Host/Origin guard, CORS
 * preflights, then authentication inside the wire), relays a
 * request for a session another instance holds (or takes the session over), counts sessions across
 * wires against `maxSessions`, listens, and shuts down. A wire only frames and answers its requests.
 */
export class HttpEngine {
  readonly server: McpServer;
  readonly #owner: string;
  readonly #wires: Mounted[];
  readonly #relay: ExchangeRelay;
  readonly #stopRelay: Array<() => void>;
  readonly #maxSessions: number;
  readonly #shutdownTimeout: number;
  readonly #deadlines: RequestDeadlines;
  readonly #authenticated: boolean;
  readonly #allowUnauthenticated: boolean;
  readonly #health: ResolvedHealthOptions | undefined;
  readonly #probes: HealthProbe[];
  readonly #metadata: ResourceMetadataRoute | undefined;
  #closing = false;
  #http: Server | undefined;

  /** `owner` names the public class in errors; `build` makes the wires with the engine's context. */
  constructor(
    server: McpServer,
    owner: string,
    shared: ResolvedHTTPOptions,
    build: (context: WireContext) => Wire[],
  ) {
    this.server = server;
    this.#owner = owner;
    this.#maxSessions = shared.maxSessions;
    this.#shutdownTimeout = shared.shutdownTimeout;
    this.#deadlines = { headersTimeout: shared.headersTimeout, bodyTimeout: shared.bodyTimeout };
    this.#allowUnauthenticated = shared.allowUnauthenticated;
    this.#health = shared.health;
    const engine = this;
    const auth = createAuthSettings(shared, server, owner);
    this.#authenticated = auth !== undefined;
    this.#metadata = shared.oauth === undefined ? undefined : new ResourceMetadataRoute(shared.oauth);
    const context: WireContext = {
      server,
      auth,
      get closing() {
        return engine.#closing;
      },
      hasRoom: () => this.#load() < this.#maxSessions,
      clients: new ClientLimits(shared.maxSessionsPerClient, shared.clientKey),
    };
    this.#wires = build(context).map((wire) => ({
      wire,
      checks: createRequestChecks(wire.options, wire.allow),
    }));
    this.#probes = healthProbes(server, this.#wires);
    this.#relay = relayFor(server);
    const handle = (exchange: Exchange) => this.#handle(exchange);
    this.#stopRelay = [...new Set(this.#wires.map((m) => m.wire.name))].map((name) =>
      this.#relay.serve(name, handle),
    );
  }

  /** Sessions held and stateless requests in flight, across wires. */
  get load(): number {
    return this.#load();
  }

  /** Asks the session store, the message bus and the event stores whether they answer, within `timeout` ms each. */
  readiness(timeout = this.#health?.timeout ?? HEALTH_TIMEOUT): Promise<ReadinessReport> {
    return checkReadiness(this.#probes, this.#closing, timeout);
  }

  /** Handles a `node:http` request; other paths go to `next` when given, or get 404. */
  readonly handleNode: NodeHandler = createNodeHandler(
    (exchange) => this.#handle(exchange),
    (error) => this.server.reportError(error),
  );

  /** Handles a web `Request`; other paths get 404. */
  readonly fetch: FetchHandler = createFetchHandler(
    (exchange) => this.#handle(exchange),
    (error) => this.server.reportError(error),
  );

  /** Starts a `node:http` server on `address`; it reports the first wire's endpoint. */
  async listen(address: ListenAddress): Promise<ListeningInfo> {
    if (this.#http !== undefined || this.#closing) throw cannotListenAgain(this.#owner, this.#closing);
    const { host } = parseListenAddress(address);
    const refused = refuseOpenBind(this.#owner, host, this.#authenticated, this.#allowUnauthenticated);
    if (refused !== undefined) throw refused;
    this.#http = await listenNode(address, (req, res) => void this.handleNode(req, res), this.#deadlines);
    return describeListening(this.#http, this.#wires[0]!.wire.path);
  }

  /**
   * Stops taking new sessions and requests (503), ends listen streams with their completion result,
   * waits up to `timeout` for in-flight handlers, then closes every session (aborting what still runs)
   * and the server `listen` started.
   */
  async close(timeout = this.#shutdownTimeout): Promise<void> {
    this.#closing = true;
    for (const stop of this.#stopRelay) stop();
    for (const { wire } of this.#wires) wire.beforeDrain();
    await drainSessions(this.server, () => this.#wires.flatMap((m) => m.wire.sessions()), timeout);
    for (const { wire } of this.#wires) wire.dispose();
    const http = this.#http;
    this.#http = undefined;
    await stopListening(http);
  }

  #load(): number {
    let load = 0;
    for (const { wire } of this.#wires) load += wire.load;
    return load;
  }

  /**
   * Answers one exchange if one of the wires takes it; false when the path is none of theirs. A
   * promise (of a taken exchange) only while something is still awaited (a body, a relay, a health probe).
   */
  #handle(entered: Exchange): Promise<unknown> | boolean {
    const ex = entered;
    const req = ex.request;
    // Probes come from the platform (a kubelet, a balancer): no Host/Origin guard, no authentication.
    if (this.#health !== undefined && isHealthPath(this.#health, req.path)) {
      return answerHealth(ex, this.#health, () => this.readiness());
    }
    if (this.#metadata?.serve(ex)) return true;
    for (const { wire, checks } of this.#wires) {
      const route = wire.route(req);
      if (route === undefined) continue;
      const origin = req.headers.get('origin');
      const cors = checks.cors?.headers(origin);
      const refused = checks.guard(req.headers, ex.loopbackBind);
      if (refused !== undefined) {
        wire.refuse(ex, 403, `Forbidden: ${refused}`, cors);
        return true;
      }
      if (req.method === 'OPTIONS' && checks.cors !== undefined) {
        ex.respond(204, checks.cors.preflight(origin, req.headers.get('access-control-request-headers')));
        return true;
      }
      const sessionId = wire.elsewhere(ex, route);
      if (sessionId !== undefined) return this.#relayElsewhere(ex, wire, route, cors, sessionId);
      const served = wire.serve(ex, route, cors);
      return served ?? true;
    }
    return false;
  }

  /** A request for a session another instance holds: relayed there, or the session taken over. */
  async #relayElsewhere(
    ex: Exchange,
    wire: Wire,
    route: WireRoute,
    cors: ResponseHeaders | undefined,
    sessionId: string,
  ): Promise<void> {
    const routed = await this.#relay.route(ex, sessionId, {
      transport: wire.name,
      maxBodyBytes: wire.options.maxBodyBytes,
      bodyTimeout: wire.options.bodyTimeout,
      maxBufferedBytes: wire.options.maxBufferedBytes,
      refuse: (e, status, message, headers) => wire.refuse(e, status, message, { ...cors, ...headers }),
      adopt: (record, gone, exchange) => wire.adopt(record, gone, exchange, route.base),
    });
    if (routed !== undefined) await wire.serve(routed, route, cors);
  }
}

/** The stores and the bus a readiness probe asks: one probe per distinct event store, named by its wires. */
function healthProbes(server: McpServer, wires: readonly Mounted[]): HealthProbe[] {
  const probes: HealthProbe[] = [
    { name: 'sessionStore', target: server.sessionStore },
    { name: 'messageBus', target: server.messageBus },
  ];
  const stores = new Map<EventStore, string[]>();
  for (const { wire } of wires) {
    if (wire.eventStore === undefined) continue;
    const names = stores.get(wire.eventStore) ?? [];
    stores.set(wire.eventStore, [...names, wire.name]);
  }
  for (const [target, names] of stores) {
    probes.push({ name: stores.size === 1 ? 'eventStore' : `eventStore (${names.join(', ')})`, target });
  }
  return probes;
}
