// An mcp-live server protected by OAuthResourceServer on 127.0.0.1:0, both HTTP wires on one port
// (Streamable HTTP at /mcp for 2025 sessions and 2026-07-28 requests, HTTP+SSE at /sse), through the
// Node adapter or the fetch one; its tools report who called them and what their token grants.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import {
  isOAuthPrincipal,
  OAuthResourceServer,
  type OAuthResourceServerOptions,
} from '../../src/oauth/index.ts';
import { s } from '../../src/schema/index.ts';
import { McpServer } from '../../src/server/mcp-server.ts';
import { McpHttpServer, type McpHttpServerOptions } from '../../src/transports/index.ts';
import { type Mode, toNodeListener } from '../transports/harness.ts';

export interface OAuthHost {
  server: McpServer;
  http: McpHttpServer;
  oauth: OAuthResourceServer;
  /** `http://127.0.0.1:PORT`: the resource, and the origin of both wires. */
  origin: string;
  /** Every error the server reported. */
  errors: unknown[];
}

/** What a tool sees of its caller. */
export interface Seen {
  sub: string;
  iss: string;
  client: string | undefined;
  scopes: readonly string[];
  sessionPrincipal: unknown;
}

/**
 * The demo server: `whoami` for anyone, `write_file` needs files:write, a resource and a prompt with
 * scopes, `ask_name` elicits (an input round in 2026-07-28).
 */
export function demoServer(): McpServer {
  const server = new McpServer({ name: 'oauth-demo', version: '1.0.0' });
  server.tool('whoami', {}, (_args, ctx) => {
    const p = ctx.principal;
    if (!isOAuthPrincipal(p)) return 'no principal';
    const seen: Seen = {
      sub: p.subject,
      iss: p.issuer,
      client: p.clientId,
      scopes: p.scopes,
      sessionPrincipal: ctx.session.principal,
    };
    return JSON.stringify(seen);
  });
  server.tool(
    'write_file',
    { scopes: ['files:write'], input: { path: s.string().required() } },
    ({ path }) => `wrote ${path}`,
  );
  server.resource('notes://secret', { name: 'secret', scopes: ['notes:read'] }, () => 'the secret note');
  server.resource('notes://public', { name: 'public' }, () => 'a public note');
  server.prompt('audit', { scopes: ['admin'] }, () => 'Audit everything');
  server.tool('ask_name', {}, async (_args, ctx) => {
    const answer = await ctx.elicit({
      message: 'Your name?',
      requestedSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
    });
    return `hello ${String(answer.content?.name)}`;
  });
  return server;
}

/**
 * Starts the host; `options` go to the OAuthResourceServer (`issuer` is required; the resource is the
 * host's origin, plus `resourcePath`), `http` to the transport.
 */
export async function startOAuthHost(
  t: TestContext,
  mode: Mode,
  options: Omit<OAuthResourceServerOptions, 'resource'> & { resourcePath?: string },
  http: Omit<McpHttpServerOptions, 'oauth'> = {},
  server = demoServer(),
): Promise<OAuthHost> {
  const errors: unknown[] = [];
  server.on('error', (error) => void errors.push(error));
  let handler: ((req: never, res: never) => void) | undefined;
  const node = createServer((req, res) => handler!(req as never, res as never));
  await new Promise<void>((resolve) => node.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(node.address() as AddressInfo).port}`;
  const { resourcePath = '', ...rest } = options;
  const oauth = new OAuthResourceServer({ resource: origin + resourcePath, ...rest });
  const transport = new McpHttpServer(server, { ...http, oauth });
  handler =
    mode === 'node'
      ? (req, res) => void transport.handleNode(req, res)
      : (toNodeListener(transport.fetch) as (req: never, res: never) => void);
  t.after(async () => {
    await transport.close({ timeout: 0 });
    await server.close();
    node.closeAllConnections();
    await new Promise((resolve) => node.close(resolve));
  });
  return { server, http: transport, oauth, origin, errors };
}

/** The parameters of a `Bearer` challenge, read as a client would. */
export function challengeOf(header: string | string[] | undefined | null): Record<string, string> {
  const value = Array.isArray(header) ? header.join(', ') : (header ?? '');
  const params: Record<string, string> = {};
  if (!value.startsWith('Bearer')) return params;
  for (const match of value.matchAll(/([a-z_]+)="([^"]*)"/g)) params[match[1]!] = match[2]!;
  return params;
}
