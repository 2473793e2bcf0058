// mcp-live's own server as the 2026-07-28 peer of the client tests, over node:http on 127.0.0.1:0,
// and a fetch that records what the client sent.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import { McpServer } from '../../src/server/mcp-server.ts';
import { McpHttpServer } from '../../src/transports/index.ts';

export const VERSION_KEY = 'io.modelcontextprotocol/protocolVersion';
export const CLIENT_INFO_KEY = 'io.modelcontextprotocol/clientInfo';
export const CAPABILITIES_KEY = 'io.modelcontextprotocol/clientCapabilities';
export const SUBSCRIPTION_ID = 'io.modelcontextprotocol/subscriptionId';

export interface Host {
  server: McpServer;
  transport: McpHttpServer;
  http: Server;
  /** The Streamable HTTP endpoint (`/mcp`). */
  url: URL;
}

/** An mcp-live server (both eras on `/mcp`, HTTP+SSE on `/sse`) that the test closes when it ends. */
export async function startHost(
  t: TestContext,
  setup: (server: McpServer) => void = () => {},
): Promise<Host> {
  const server = new McpServer(
    { name: 'modern-peer', version: '2.0.0' },
    { instructions: 'Use the echo tool to test.' },
  );
  setup(server);
  const transport = new McpHttpServer(server);
  const http = createServer((req, res) => void transport.handleNode(req, res));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    await transport.close({ timeout: 0 });
    await server.close();
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
  });
  const { port } = http.address() as AddressInfo;
  return { server, transport, http, url: new URL(`http://127.0.0.1:${port}/mcp`) };
}

/** One POST the client made. */
export interface Sent {
  headers: Headers;
  body: {
    id?: string | number;
    method: string;
    params?: Record<string, unknown> & { _meta?: Record<string, unknown> };
  };
  /** Aborts when the client closed (or abandoned) the request. */
  signal: AbortSignal | undefined;
}

/** A fetch that records every POST before passing it on. */
export function recordingFetch(): { fetch: typeof fetch; sent: Sent[]; methods(): string[] } {
  const sent: Sent[] = [];
  const recording: typeof fetch = (input, init) => {
    if (init?.method === 'POST' && typeof init.body === 'string') {
      sent.push({
        headers: new Headers(init.headers),
        body: JSON.parse(init.body) as Sent['body'],
        signal: init.signal ?? undefined,
      });
    }
    return fetch(input, init);
  };
  return { fetch: recording, sent, methods: () => sent.map((post) => post.body.method) };
}

/** The text of a tool result's first content block. */
export function textOf(result: { content?: unknown }): string {
  return (result.content as Array<{ text?: string }>)[0]?.text ?? '';
}
