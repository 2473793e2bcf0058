// The seed's "Basic SSE Server" (mcp-go's SSE transport page), ported to mcp-live.
// Run `npx tsx examples/sse-server.ts` (127.0.0.1:8080 unless given another address) and point an MCP
// client at http://127.0.0.1:8080/sse.
import { setTimeout as sleep } from 'node:timers/promises';
import { s } from '../src/schema/index.ts';
import { McpServer, toolError } from '../src/server/index.ts';
import { SSEServer } from '../src/transports/index.ts';

// Tool and resource capabilities (with subscribe and listChanged) follow from what is registered.
const server = new McpServer({ name: 'SSE Server', version: '1.0.0' });

server.tool(
  'stream_data',
  {
    description: 'Stream data with real-time updates',
    input: { source: s.string().required(), count: s.number().default(10) },
  },
  async ({ source, count }, ctx) => {
    // ctx.headers are this message's POST headers; ctx.session.headers are the SSE stream's.
    const authToken = ctx.headers.get('authorization') ?? ctx.session.headers.get('authorization');
    if (authToken === null) return toolError('authentication required');
    const requestId = ctx.headers.get('x-request-id');
    const userAgent = ctx.headers.get('user-agent');

    const results: Array<Record<string, unknown>> = [];
    for (let i = 0; i < count; i++) {
      results.push(generateData(source, i));
      // Bound to the caller's progressToken; sent only when the client asked for progress.
      ctx.progress(i + 1, count, `Processed ${i + 1}/${count} items from ${source}`);
      // Rejects as soon as the client cancels or disconnects (the seed's ctx.Done()).
      await sleep(100, undefined, { signal: ctx.signal });
    }
    return JSON.stringify({ source, results, count: results.length, requestId, userAgent });
  },
);

server.tool(
  'monitor_system',
  { description: 'Monitor system metrics in real-time', input: { duration: s.number().default(60) } },
  async ({ duration }, ctx) => {
    const metrics: Array<Record<string, number>> = [];
    const end = Date.now() + duration * 1_000;
    while (Date.now() < end) {
      await sleep(Math.min(5_000, end - Date.now()), undefined, { signal: ctx.signal });
      const current = collectSystemMetrics();
      metrics.push(current);
      // A custom notification method, as in the seed's SendNotificationToClient(ctx, "system_metrics", …).
      ctx.notify('system_metrics', current);
    }
    return JSON.stringify({ duration, metrics, samples: metrics.length });
  },
);

server.resource(
  'metrics://current',
  { name: 'Current System Metrics', description: 'Real-time system metrics', mimeType: 'application/json' },
  () => {
    const { cpu, memory, disk } = collectSystemMetrics();
    return JSON.stringify({ cpu, memory, disk });
  },
);

function generateData(source: string, index: number): Record<string, unknown> {
  return { source, index, value: `data_${index}` };
}

function collectSystemMetrics(): Record<string, number> {
  return { cpu: 50.5, memory: 75.2, disk: 30.1 };
}

// server.NewSSEServer(s) + sseServer.Start(":8080"). Every option of the seed's advanced example
// (WithStaticBasePath, WithKeepAliveInterval, WithBaseURL, …) is an SSEServer option: see docs/sse.md.
const sse = new SSEServer(server);
const { url } = await sse.listen(process.argv[2] ?? '127.0.0.1:8080');
console.log(`Starting SSE server: ${url}`);

process.once('SIGINT', () => {
  void sse.close().then(() => process.exit(0));
});
