// The official SDK v2's 2026-07-28 path, as its "Serve over HTTP" guide shows: `createMcpHandler` with a
// factory (a fresh McpServer per request), mounted on node:http with `toNodeHandler` behind the
// localhost Host/Origin guards. `touch` publishes through `handler.notify.resourceUpdated`, as its
// "Notifications" guide shows, to the `subscriptions/listen` streams the handler holds.
import { createServer } from 'node:http';
import {
  localhostHostValidation,
  localhostOriginValidation,
  toNodeHandler,
} from '@modelcontextprotocol/node';
import { createMcpHandler, type McpHttpHandler } from '@modelcontextprotocol/server';
import { announce, parseTargetArgs, serveControl } from './harness.ts';
import { createSDK2Server } from './sdk2-tools.ts';

const args = parseTargetArgs();
let open = 0;
const handler: McpHttpHandler = createMcpHandler(
  () => createSDK2Server({ broadcast: () => 0, touch: (uri) => handler.notify.resourceUpdated(uri) }),
  // Raised from its default (1,024 listen streams) above the largest listen level, as for mcp-live.
  { maxSubscriptions: 100_000, keepAliveMs: args.keepAliveMs },
);
const nodeHandler = toNodeHandler(handler);
const validateHost = localhostHostValidation();
const validateOrigin = localhostOriginValidation();

const http = createServer((req, res) => {
  if (!validateHost(req, res) || !validateOrigin(req, res)) return;
  // Counted for the memory report only: the handler keeps no count of its open exchanges.
  open++;
  res.once('close', () => open--);
  // Node types `method` as optional; a request that reached the server has one.
  void nodeHandler(req as Parameters<typeof nodeHandler>[0], res);
});

serveControl(() => open);
http.listen(args.port, args.host, () => announce(http, 'sdk2-stateless'));
