import {
  context,
  type Meter,
  metrics,
  propagation,
  SpanKind,
  SpanStatusCode,
  type TextMapPropagator,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import type { JSONRPCRequest, JSONRPCResponse } from '../protocol/jsonrpc.ts';
import { McpLiveError } from '../protocol/mcp-live-error.ts';
import type { MessageExtra } from '../server/dispatcher.ts';
import { type Instrumentation, instrumentationOf } from '../server/instrumentation.ts';
import type { McpServer } from '../server/mcp-server.ts';
import type { Session } from '../server/session.ts';
import { outcomeOf, requestAttributes, sessionAttributes, spanName } from './attributes.ts';
import { ServerInstruments } from './server-instruments.ts';
import { traceParentOf } from './trace-parent.ts';

/** Options of `instrument()`. */
export interface InstrumentOptions {
  /** Makes one span per MCP request. @default trace.getTracer('mcp-live'), from the global tracer provider */
  tracer?: Tracer;
  /** Records the metrics. @default metrics.getMeter('mcp-live'), from the global meter provider */
  meter?: Meter;
  /**
   * Reads the caller's trace context from `params._meta` and from HTTP headers.
   * @default propagation, the globally registered propagator (W3C trace context with the Node SDK)
   */
  propagator?: TextMapPropagator;
}

/**
 * Attaches OpenTelemetry to `server`: a SERVER span per MCP request (named and attributed as the
 * OpenTelemetry MCP conventions say, continuing the caller's trace from `params._meta` or the HTTP
 * `traceparent` header) and the metrics listed in docs/observability.md. Returns a function that
 * detaches it. A server that was never instrumented pays a null check per hook point.
 *
 * @example
 * import { instrument } from 'mcp-live/otel';
 * const stop = instrument(server); // the global tracer, meter and propagator
 */
export function instrument(server: McpServer, options: InstrumentOptions = {}): () => void {
  const slot = instrumentationOf(server);
  if (slot.current !== undefined) {
    throw new McpLiveError(
      'INVALID_OPTION',
      `instrument(): McpServer "${server.info.name}" is instrumented already; call the function the first instrument() returned before attaching another`,
    );
  }
  const tracer = options.tracer ?? trace.getTracer('mcp-live');
  const propagator = options.propagator ?? propagation;
  const instruments = new ServerInstruments(options.meter ?? metrics.getMeter('mcp-live'), server);
  const probe = createProbe(tracer, propagator, instruments);
  slot.current = probe;
  const stopListening = server.on('sessionClosed', (session) => {
    const seconds = (Date.now() - session.createdAt) / 1000;
    instruments.sessionDuration.record(
      seconds,
      sessionAttributes(session.transport, session.protocolVersion),
    );
  });
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    if (slot.current === probe) slot.current = undefined;
    stopListening();
    instruments.stop();
  };
}

function createProbe(
  tracer: Tracer,
  propagator: TextMapPropagator,
  instruments: ServerInstruments,
): Instrumentation {
  return {
    request: (session, request, extra, serve) =>
      serveTraced(tracer, propagator, instruments, session, request, extra, serve),
    buffered: (delta) => instruments.buffered.add(delta),
    overflowed: () => instruments.overflows.add(1),
    relayed: (direction) => instruments.relayHops.add(1, { 'mcp_live.relay.direction': direction }),
    tookOver: () => instruments.takeovers.add(1),
    storeFailed: () => instruments.storeErrors.add(1),
  };
}

async function serveTraced(
  tracer: Tracer,
  propagator: TextMapPropagator,
  instruments: ServerInstruments,
  session: Session,
  request: JSONRPCRequest,
  extra: MessageExtra,
  serve: () => Promise<JSONRPCResponse | undefined>,
): Promise<void> {
  const started = performance.now();
  const attributes = requestAttributes(session, request);
  const active = context.active();
  const parent = traceParentOf(active, request.params?._meta, extra.headers, propagator);
  const span = tracer.startSpan(
    spanName(request),
    { kind: SpanKind.SERVER, attributes: attributes.span, links: parent.links },
    parent.context,
  );
  const inFlight = { 'mcp.method.name': request.method, 'mcp_live.transport': session.transport };
  instruments.activeRequests.add(1, inFlight);
  let response: JSONRPCResponse | undefined;
  let failed = true;
  try {
    response = await context.with(trace.setSpan(parent.context, span), serve);
    failed = false;
  } finally {
    instruments.activeRequests.add(-1, inFlight);
    const outcome = failed
      ? { attributes: { 'error.type': '_OTHER' }, error: 'the request could not be served' }
      : outcomeOf(response);
    const version = attributes.claimed ?? session.protocolVersion;
    const ended =
      version === undefined ? outcome.attributes : { ...outcome.attributes, 'mcp.protocol.version': version };
    span.setAttributes(ended);
    if (outcome.error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.error });
    span.end();
    const seconds = (performance.now() - started) / 1000;
    instruments.operationDuration.record(seconds, { ...attributes.metric, ...ended });
  }
}
