import type {
  BatchObservableCallback,
  Counter,
  Histogram,
  Meter,
  ObservableUpDownCounter,
  UpDownCounter,
} from '@opentelemetry/api';
import type { McpServer } from '../server/mcp-server.ts';

/** The bucket bounds (s) the OpenTelemetry MCP conventions advise for operation durations. */
const DURATION_BUCKETS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];

/** Every metric an instrumented server records; the names are documented in docs/observability.md. */
export class ServerInstruments {
  readonly operationDuration: Histogram;
  readonly sessionDuration: Histogram;
  readonly activeRequests: UpDownCounter;
  readonly buffered: UpDownCounter;
  readonly overflows: Counter;
  readonly relayHops: Counter;
  readonly takeovers: Counter;
  readonly storeErrors: Counter;
  readonly #meter: Meter;
  readonly #observed: ObservableUpDownCounter[];
  readonly #observe: BatchObservableCallback;

  constructor(meter: Meter, server: McpServer) {
    this.#meter = meter;
    this.operationDuration = meter.createHistogram('mcp.server.operation.duration', {
      description: 'MCP request duration, from its arrival until its result is sent',
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    });
    this.sessionDuration = meter.createHistogram('mcp.server.session.duration', {
      description: 'How long MCP sessions lasted, from open to close',
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    });
    this.activeRequests = meter.createUpDownCounter('mcp_live.server.active_requests', {
      description: 'MCP requests being handled now',
      unit: '{request}',
    });
    this.buffered = meter.createUpDownCounter('mcp_live.stream.buffered', {
      description: 'Encoded events waiting for clients that are not reading (UTF-16 units: bytes for ASCII)',
      unit: 'By',
    });
    this.overflows = meter.createCounter('mcp_live.stream.overflows', {
      description: 'Event streams dropped because their client stopped reading (maxBufferedBytes)',
      unit: '{stream}',
    });
    this.relayHops = meter.createCounter('mcp_live.relay.hops', {
      description: 'HTTP requests relayed over the message bus to the instance holding their session',
      unit: '{request}',
    });
    this.takeovers = meter.createCounter('mcp_live.relay.takeovers', {
      description: 'Sessions this instance took over because the instance holding them was gone',
      unit: '{session}',
    });
    this.storeErrors = meter.createCounter('mcp_live.store.errors', {
      description: 'Failures of the session store, event store or message bus (STORE_UNAVAILABLE)',
      unit: '{error}',
    });
    const sessions = meter.createObservableUpDownCounter('mcp_live.server.sessions', {
      description: 'MCP sessions open on this instance',
      unit: '{session}',
    });
    const listens = meter.createObservableUpDownCounter('mcp_live.server.listen_streams', {
      description: 'subscriptions/listen streams (2026-07-28) open on this instance',
      unit: '{stream}',
    });
    this.#observed = [sessions, listens];
    // A series once seen is observed at 0 afterwards: a cumulative reader keeps a series' last value.
    const seen = new Set<string>();
    this.#observe = (result) => {
      const counts = countByTransport(server);
      for (const transport of counts.keys()) seen.add(transport);
      for (const transport of seen) {
        result.observe(sessions, counts.get(transport) ?? 0, { 'mcp_live.transport': transport });
      }
      result.observe(listens, server.subscriptionCount);
    };
    meter.addBatchObservableCallback(this.#observe, this.#observed);
  }

  /** Stops observing the server (its other instruments simply get no more values). */
  stop(): void {
    this.#meter.removeBatchObservableCallback(this.#observe, this.#observed);
  }
}

function countByTransport(server: McpServer): Map<string, number> {
  const counts = new Map<string, number>();
  for (const session of server.sessions) {
    counts.set(session.transport, (counts.get(session.transport) ?? 0) + 1);
  }
  return counts;
}
