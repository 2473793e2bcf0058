// A Prometheus scrape of an instrumented server, as docs/observability.md wires it: the OpenTelemetry
// Prometheus exporter as the meter provider's reader, its handler mounted at /metrics beside /mcp.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { connect } from '../../src/client/index.ts';
import { instrument } from '../../src/otel/index.ts';
import { McpServer } from '../../src/server/mcp-server.ts';
import { text } from '../../src/server/results.ts';
import { McpHttpServer } from '../../src/transports/index.ts';

test('GET /metrics returns the metrics in the Prometheus text format, with the calls made', async (t) => {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const meters = new MeterProvider({ readers: [exporter] });
  const server = new McpServer({ name: 'scraped', version: '1.0.0' });
  server.tool('echo', {}, () => text('ok'));
  const stop = instrument(server, { meter: meters.getMeter('mcp-live') });
  const transport = new McpHttpServer(server);
  const http = createServer((req, res) => {
    void transport.handleNode(req, res, () => {
      if (req.url === '/metrics') exporter.getMetricsRequestHandler(req, res);
      else res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    await transport.close({ timeout: 0 });
    await server.close();
    stop();
    await meters.shutdown();
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
  });
  const origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const client = await connect(`${origin}/mcp`, { protocol: '2025' });
  t.after(() => client.close());
  await client.callTool('echo', {});

  const scrape = await fetch(`${origin}/metrics`);
  assert.equal(scrape.status, 200);
  assert.match(scrape.headers.get('content-type') ?? '', /^text\/plain/);
  const body = await scrape.text();
  assert.match(body, /^# TYPE mcp_server_operation_duration histogram$/m);
  assert.match(
    body,
    /^mcp_server_operation_duration_count\{mcp_method_name="tools\/call",[^}]*gen_ai_tool_name="echo"[^}]*\} 1$/m,
  );
  assert.match(body, /^mcp_live_server_sessions\{mcp_live_transport="streamable-http"[^}]*\} 1$/m);
  assert.match(body, /^mcp_live_server_listen_streams\{[^}]*\} 0$/m);
  assert.match(body, /^mcp_live_server_active_requests\{mcp_method_name="tools\/call"[^}]*\} 0$/m);
});
