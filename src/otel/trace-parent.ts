import {
  type Context,
  isSpanContextValid,
  type Link,
  type SpanContext,
  type TextMapGetter,
  type TextMapPropagator,
  trace,
} from '@opentelemetry/api';

/** The context a request's span continues, and the other traces it touches (as links). */
export interface TraceParent {
  readonly context: Context;
  readonly links: Link[];
}

const metaGetter: TextMapGetter<Record<string, unknown>> = {
  keys: (carrier) => Object.keys(carrier),
  get(carrier, key) {
    const value = carrier[key];
    return typeof value === 'string' ? value : undefined;
  },
};

const headersGetter: TextMapGetter<Headers> = {
  keys: (carrier) => [...carrier.keys()],
  get: (carrier, key) => carrier.get(key) ?? undefined,
};

/**
 * Where a request's span goes: under the trace context in its `params._meta` (what MCP and the
 * OpenTelemetry MCP conventions name the parent), else under its HTTP request's `traceparent` header,
 * else under the active context. The other two, when they carry a different span, become links.
 */
export function traceParentOf(
  active: Context,
  meta: unknown,
  headers: Headers | undefined,
  propagator: TextMapPropagator,
): TraceParent {
  const candidates: Context[] = [];
  if (
    typeof meta === 'object' &&
    meta !== null &&
    typeof (meta as { traceparent?: unknown }).traceparent === 'string'
  ) {
    candidates.push(propagator.extract(active, meta as Record<string, unknown>, metaGetter));
  }
  if (headers?.has('traceparent') === true)
    candidates.push(propagator.extract(active, headers, headersGetter));
  candidates.push(active);
  let parent: Context | undefined;
  let parentSpan: SpanContext | undefined;
  const links: Link[] = [];
  for (const candidate of candidates) {
    const span = trace.getSpanContext(candidate);
    const valid = span !== undefined && isSpanContextValid(span);
    if (parent === undefined) {
      if (!valid && candidate !== active) continue;
      parent = candidate;
      parentSpan = valid ? span : undefined;
    } else if (
      valid &&
      span.spanId !== parentSpan?.spanId &&
      !links.some((l) => l.context.spanId === span.spanId)
    ) {
      links.push({ context: span });
    }
  }
  return { context: parent ?? active, links };
}
