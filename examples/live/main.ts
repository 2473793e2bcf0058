// `npm start`: the live example server. PORT, HOST and MCP_LIVE_TOKEN configure it; --port and --host win.
import { parseArgs } from 'node:util';
import { startLiveServer } from './live-server.ts';

function fail(message: string): never {
  console.error(`mcp-live example: ${message}`);
  process.exit(2);
}

function readArgs() {
  try {
    const options = {
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    } as const;
    return parseArgs({ options }).values;
  } catch (error) {
    return fail(`${(error as Error).message}; see --help`);
  }
}

const values = readArgs();
if (values.help === true) {
  console.log('Usage: npm start -- [--port 8080] [--host 127.0.0.1]\n');
  console.log(
    'Environment: PORT, HOST, MCP_LIVE_TOKEN (clients must then send "Authorization: Bearer <token>").',
  );
  process.exit(0);
}
const portText = String(values.port ?? process.env.PORT ?? '8080');
const port = Number(portText);
if (!/^\d+$/.test(portText) || port > 65_535)
  fail(`--port/PORT must be a port number from 0 to 65535 (got "${portText}")`);
const host = String(values.host ?? process.env.HOST ?? '127.0.0.1');
const token = process.env.MCP_LIVE_TOKEN || undefined;

const live = await startLiveServer({ port, host, token }).catch((error: unknown) =>
  fail(error instanceof Error ? error.message : String(error)),
);
const hint = token === undefined ? '' : '#token=<MCP_LIVE_TOKEN>';
console.log(`mcp-live example server ready on ${live.host}:${live.port}
  web page         ${live.url}${hint}
  Streamable HTTP  ${live.mcpUrl}
  HTTP+SSE         ${live.sseUrl}
  auth             ${token === undefined ? 'none (loopback only; set MCP_LIVE_TOKEN to require a bearer token)' : 'Authorization: Bearer <MCP_LIVE_TOKEN> on every MCP request'}`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: closing sessions…`);
    void live.close().then(() => process.exit(0));
  });
}
