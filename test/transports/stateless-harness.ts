// Shared by the 2026-07-28 wire suites: requests as a conforming stateless client sends them (the
// mirrored headers and the `_meta` envelope), answered as one JSON body or read as a live stream.
import type { TestContext } from 'node:test';
import { LiveStream, mcpPost } from './streamable-harness.ts';

export const MODERN = '2026-07-28';
export const SUBSCRIPTION_ID = 'io.modelcontextprotocol/subscriptionId';
export const SERVER_INFO = 'io.modelcontextprotocol/serverInfo';

export interface ModernOptions {
  /** Headers over (or, set to `undefined`, instead of) the standard ones. */
  headers?: Record<string, string | undefined>;
  /** `io.modelcontextprotocol/clientCapabilities`. @default {} */
  capabilities?: Record<string, unknown>;
  /** Other `_meta` keys (a log level, a progress token); `undefined` removes a standard one. */
  meta?: Record<string, unknown>;
  /** @default 1 */
  id?: string | number;
}

/** The body of a stateless request: `params` with the `_meta` every 2026-07-28 request carries. */
export function modernMessage(
  method: string,
  params: Record<string, unknown> = {},
  options: ModernOptions = {},
) {
  const meta: Record<string, unknown> = {
    'io.modelcontextprotocol/protocolVersion': MODERN,
    'io.modelcontextprotocol/clientInfo': { name: 'wire-test', version: '1.0.0' },
    'io.modelcontextprotocol/clientCapabilities': options.capabilities ?? {},
    ...options.meta,
  };
  for (const key of Object.keys(meta)) if (meta[key] === undefined) delete meta[key];
  return { jsonrpc: '2.0', id: options.id ?? 1, method, params: { ...params, _meta: meta } } as const;
}

/** The headers a stateless client mirrors from its request: version, method, and the name or uri. */
export function modernHeaders(
  method: string,
  params: Record<string, unknown> = {},
  extra: Record<string, string | undefined> = {},
): Record<string, string> {
  const headers: Record<string, string | undefined> = {
    'MCP-Protocol-Version': MODERN,
    'Mcp-Method': method,
  };
  const name = method === 'resources/read' ? params.uri : params.name;
  if (typeof name === 'string' && ['tools/call', 'prompts/get', 'resources/read'].includes(method)) {
    headers['Mcp-Name'] = name;
  }
  Object.assign(headers, extra);
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) if (value !== undefined) out[key] = value;
  return out;
}

/** POSTs one stateless request and reads its whole answer. */
export function modernPost(
  url: string,
  method: string,
  params: Record<string, unknown> = {},
  options: ModernOptions = {},
) {
  return mcpPost(url, modernMessage(method, params, options), modernHeaders(method, params, options.headers));
}

/** POSTs one stateless request and hands back its answer as it arrives; `t.after` closes it. */
export function openModern(
  t: TestContext,
  url: string,
  method: string,
  params: Record<string, unknown> = {},
  options: ModernOptions = {},
): Promise<LiveStream> {
  return LiveStream.open(t, url, {
    method: 'POST',
    headers: modernHeaders(method, params, options.headers),
    body: modernMessage(method, params, options),
  });
}

/** A JSON answer's parsed body. */
export function jsonOf(response: { body: string }): {
  jsonrpc: string;
  id: string | number | null;
  result?: Record<string, unknown>;
  error?: { code: number; message: string; data?: unknown };
} {
  return JSON.parse(response.body);
}

/** The subscription id a listen frame or result carries in `_meta`. */
export function subscriptionOf(payload: unknown): unknown {
  const meta = (payload as { _meta?: Record<string, unknown> } | undefined)?._meta;
  return meta?.[SUBSCRIPTION_ID];
}

/** Polls an async `check` until it holds, or fails after `timeout` ms. */
export async function eventually(
  check: () => Promise<boolean>,
  what: string,
  timeout = 3_000,
): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not hold within ${timeout} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
