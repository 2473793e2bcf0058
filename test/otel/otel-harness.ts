// The OpenTelemetry SDK as a user would wire it, with in-memory exporters: spans land in an
// InMemorySpanExporter, metrics in an InMemoryMetricExporter that `collect()` flushes on demand, and
// the async-hooks context manager carries the active span across awaits.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import { context, type Meter, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  AggregationTemporality,
  type DataPoint,
  InMemoryMetricExporter,
  MeterProvider,
  type MetricData,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { instrument } from '../../src/otel/index.ts';
import { McpServer } from '../../src/server/mcp-server.ts';
import { McpHttpServer } from '../../src/transports/index.ts';

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

export const propagator = new W3CTraceContextPropagator();

export interface Telemetry {
  tracer: Tracer;
  meter: Meter;
  /** Every span ended so far. */
  spans(): ReadableSpan[];
  /** Exports the metrics now and returns them by name. */
  collect(): Promise<Map<string, MetricData>>;
}

/** A tracer and a meter of their own for one test (or one instance), shut down after it. */
export function telemetry(t: TestContext): Telemetry {
  const spanExporter = new InMemorySpanExporter();
  const tracing = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spanExporter)] });
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({
    exporter: metricExporter,
    exportIntervalMillis: 3_600_000,
  });
  const metering = new MeterProvider({ readers: [reader] });
  t.after(async () => {
    await metering.shutdown();
    await tracing.shutdown();
  });
  return {
    tracer: tracing.getTracer('test'),
    meter: metering.getMeter('test'),
    spans: () => spanExporter.getFinishedSpans(),
    async collect() {
      metricExporter.reset();
      await reader.forceFlush();
      const byName = new Map<string, MetricData>();
      for (const resource of metricExporter.getMetrics()) {
        for (const scope of resource.scopeMetrics) {
          for (const metric of scope.metrics) byName.set(metric.descriptor.name, metric);
        }
      }
      return byName;
    },
  };
}

/** The data points of `name` whose attributes include `match`. */
export function pointsOf(
  metrics: Map<string, MetricData>,
  name: string,
  match: Record<string, unknown> = {},
): DataPoint<unknown>[] {
  const points = (metrics.get(name)?.dataPoints ?? []) as DataPoint<unknown>[];
  return points.filter((point) =>
    Object.entries(match).every(([key, value]) => point.attributes[key] === value),
  );
}

/** The sum of the values of `name`'s points matching `match` (a counter's or up-down counter's total). */
export function totalOf(metrics: Map<string, MetricData>, name: string, match: Record<string, unknown> = {}) {
  return pointsOf(metrics, name, match).reduce((sum, point) => sum + (point.value as number), 0);
}

/** How many values a histogram recorded at points matching `match`. */
export function countOf(metrics: Map<string, MetricData>, name: string, match: Record<string, unknown> = {}) {
  return pointsOf(metrics, name, match).reduce(
    (sum, point) => sum + (point.value as { count: number }).count,
    0,
  );
}

/** The one span named `name`; fails naming the spans there are otherwise. */
export function spanNamed(spans: ReadableSpan[], name: string): ReadableSpan {
  const found = spans.filter((span) => span.name === name);
  if (found.length !== 1) {
    throw new Error(
      `expected one span "${name}", got ${found.length} among ${spans.map((s) => s.name).join(', ')}`,
    );
  }
  return found[0]!;
}

/** A W3C traceparent for a made-up caller span, and its ids. */
export function callerTrace(seed: string): { traceparent: string; traceId: string; spanId: string } {
  const traceId = seed.repeat(32).slice(0, 32);
  const spanId = seed.repeat(16).slice(0, 16);
  return { traceparent: `00-${traceId}-${spanId}-01`, traceId, spanId };
}

export interface InstrumentedHost {
  server: McpServer;
  telemetry: Telemetry;
  http: Server;
  /** `http://127.0.0.1:PORT` */
  origin: string;
  /** The Streamable HTTP endpoint; HTTP+SSE is at `/sse`. */
  url: URL;
  /** Detaches the instrumentation (what `instrument()` returned). */
  stop(): void;
}

/**
 * An instrumented McpServer with every wire on one node:http server on 127.0.0.1:0 (`/mcp` for both
 * Streamable HTTP eras, `/sse` for HTTP+SSE); `setup` registers its tools before it serves.
 */
export async function startInstrumentedHost(
  t: TestContext,
  setup: (server: McpServer, telemetry: Telemetry) => void,
  options: ConstructorParameters<typeof McpHttpServer>[1] = {},
  server = new McpServer({ name: 'otel-test', version: '1.0.0' }),
): Promise<InstrumentedHost> {
  const observed = telemetry(t);
  setup(server, observed);
  const stop = instrument(server, { tracer: observed.tracer, meter: observed.meter, propagator });
  const transport = new McpHttpServer(server, options);
  const http = createServer((req, res) => void transport.handleNode(req, res));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    await transport.close({ timeout: 0 });
    await server.close();
    stop();
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
  });
  const origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return { server, telemetry: observed, http, origin, url: new URL(`${origin}/mcp`), stop };
}
