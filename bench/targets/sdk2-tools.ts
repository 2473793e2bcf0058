// The bench's tools on the official SDK v2's McpServer (`@modelcontextprotocol/server`), built by a
// factory as its docs show: per session (sessionful Streamable HTTP, legacy SSE) or per request
// (`createMcpHandler`, 2026-07-28).
import {
  acceptedContent,
  type CallToolResult,
  type InputRequiredResult,
  inputRequired,
  McpServer,
} from '@modelcontextprotocol/server';
import { z } from 'zod';

export interface SDK2Effects {
  /** Sends a log message through every connected session's server; returns how many. */
  broadcast(data: string): number;
  /** Publishes `notifications/resources/updated` for `uri` to the open listen streams. */
  touch(uri: string): void;
}

const text = (value: string): CallToolResult => ({ content: [{ type: 'text', text: value }] });
const confirmation = z.object({ ok: z.boolean() });

/** One server with `echo`, `broadcast`, `confirm` (an input round), `touch` and the resource `bench://live`. */
export function createSDK2Server(effects: SDK2Effects): McpServer {
  const server = new McpServer(
    { name: 'bench-sdk2', version: '1.0.0' },
    { capabilities: { logging: {}, resources: { subscribe: true } } },
  );
  server.registerTool('echo', { inputSchema: z.object({ message: z.string() }) }, ({ message }) =>
    text(message),
  );
  server.registerTool('broadcast', { inputSchema: z.object({ message: z.string() }) }, ({ message }) =>
    text(`sent ${effects.broadcast(message)}`),
  );
  server.registerTool(
    'confirm',
    { inputSchema: z.object({ message: z.string() }) },
    ({ message }, ctx): CallToolResult | InputRequiredResult => {
      const answer = acceptedContent(ctx.mcpReq.inputResponses, 'confirm', confirmation);
      if (answer === undefined) {
        return inputRequired({
          inputRequests: {
            confirm: inputRequired.elicit({ message: 'Go ahead?', requestedSchema: confirmation }),
          },
        });
      }
      return text(answer.ok ? `confirmed ${message}` : 'declined');
    },
  );
  server.registerTool('touch', { inputSchema: z.object({ uri: z.string() }) }, ({ uri }) => {
    effects.touch(uri);
    return text('sent');
  });
  server.registerResource('live', 'bench://live', { mimeType: 'text/plain' }, async (uri) => ({
    contents: [{ uri: uri.href, text: 'live' }],
  }));
  return server;
}

/** `broadcast` over the servers of open sessions (2025 wires): a log message through each connected one. */
export function broadcastTo(servers: () => Iterable<McpServer>): (data: string) => number {
  return (data) => {
    let count = 0;
    for (const server of servers()) {
      if (!server.isConnected()) continue;
      server.sendLoggingMessage({ level: 'info', data }).catch(() => {});
      count++;
    }
    return count;
  };
}
