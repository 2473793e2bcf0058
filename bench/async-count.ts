// Counts what one `tools/call` makes the server create, by kind (promises, ticks, immediates, timers):
// `npm run bench:async -- [--wire 2025|2026] [--calls 2000]`. Unlike CPU time, the counts do not move
// with the machine's load, so they show a change in the hot path's work on a noisy host. One process
// serves the built `dist/` on 127.0.0.1 and calls it one call at a time over a keep-alive connection;
// the client side is callback-based `node:http`, whose own resources (its request, its ticks) are
// counted too and are the same for every build.
import { createHook } from 'node:async_hooks';
import { Agent, request } from 'node:http';
import { buildIfNeeded } from './spawn-target.ts';
import { echo, MESSAGE_INPUT } from './targets/echo.ts';
import { TARGETS } from './targets.ts';

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? undefined : process.argv[at + 1];
}

const wire = option('wire') ?? '2026';
if (wire !== '2025' && wire !== '2026') throw new Error(`--wire must be 2025 or 2026 (got ${wire})`);
const calls = Number(option('calls') ?? 2000);
if (!Number.isInteger(calls) || calls < 1) throw new Error(`--calls must be a positive integer`);

// The same build the bench's mcp-live targets run (made first if it is missing).
buildIfNeeded(TARGETS.find((target) => target.role === 'mcp-live')!);
const built = (path: string) => new URL(`../dist/${path}`, import.meta.url).href;
const { McpServer, StreamableHTTPServer }: typeof import('../src/index.ts') = await import(built('index.js'));

const server = new McpServer({ name: 'bench', version: '1.0.0' });
server.tool('echo', { input: MESSAGE_INPUT }, echo);
const http = new StreamableHTTPServer(server);
const { port } = await http.listen({ port: 0, host: '127.0.0.1' });
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function post(body: string, headers: Record<string, string>): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: '127.0.0.1',
        port,
        path: '/mcp',
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

let headers: Record<string, string>;
let call: (id: number) => string;
if (wire === '2026') {
  const meta = {
    'io.modelcontextprotocol/protocolVersion': '2026-07-28',
    'io.modelcontextprotocol/clientInfo': { name: 'bench', version: '1.0.0' },
    'io.modelcontextprotocol/clientCapabilities': {},
  };
  headers = { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'echo' };
  call = (id) =>
    JSON.stringify({
      jsonrpc: '2.0',
      id,
      method: 'tools/call',
      params: { name: 'echo', arguments: { message: 'hi' }, _meta: meta },
    });
} else {
  const opened = await post(
    JSON.stringify({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'bench', version: '1.0.0' },
      },
    }),
    {},
  );
  headers = {
    'mcp-session-id': String(opened.headers['mcp-session-id']),
    'mcp-protocol-version': '2025-06-18',
  };
  await post(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }), headers);
  call = (id) =>
    JSON.stringify({
      jsonrpc: '2.0',
      id,
      method: 'tools/call',
      params: { name: 'echo', arguments: { message: 'hi' } },
    });
}

// Warm up (connection open, code optimised), then count.
for (let id = 1; id <= 200; id++) await post(call(id), headers);
const counts = new Map<string, number>();
const hook = createHook({
  init(_id, type) {
    counts.set(type, (counts.get(type) ?? 0) + 1);
  },
});
hook.enable();
for (let id = 1; id <= calls; id++) await post(call(1000 + id), headers);
hook.disable();

const last = await post(call(1), headers);
if (last.status !== 200 || !last.body.includes('"text":"hi"')) {
  throw new Error(`the server did not answer the call: ${last.status} ${last.body.slice(0, 200)}`);
}
console.log(`${wire} tools/call, ${calls} calls: what each made, server and client together`);
for (const [type, count] of [...counts].sort((a, b) => b[1] - a[1])) {
  console.log(`  ${type.padEnd(20)} ${(count / calls).toFixed(2)}`);
}
agent.destroy();
await http.close();
