// Shared by the live example's suites: a live server per test on 127.0.0.1:0, clients of the official
// SDK over either transport that record every notification, and small readers of tool results.

import type { TestContext } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { type LiveServer, type LiveServerOptions, startLiveServer } from '../../examples/live/live-server.ts';

export type Wire = 'streamable-http' | 'sse';
export const WIRES: readonly Wire[] = ['streamable-http', 'sse'];

/** Starts the live server for one test and closes it after. */
export async function startLive(t: TestContext, options: LiveServerOptions = {}): Promise<LiveServer> {
  const live = await startLiveServer({ port: 0, log: () => {}, ...options });
  t.after(() => live.close());
  return live;
}

export interface Notice {
  method: string;
  params: Record<string, unknown>;
}

/** An SDK client and every notification it got that the SDK does not handle itself. */
export interface Peer {
  client: Client;
  notices: Notice[];
  /** The notifications of one method so far. */
  of(method: string): Array<Record<string, unknown>>;
}

/** Connects an official SDK client over `wire`; it is closed after the test. */
export async function connectPeer(
  t: TestContext,
  live: LiveServer,
  wire: Wire = 'streamable-http',
  headers: Record<string, string> = {},
): Promise<Peer> {
  const client = new Client({ name: `live-test-${wire}`, version: '1.0.0' });
  const notices: Notice[] = [];
  client.fallbackNotificationHandler = async (n) => {
    notices.push({ method: n.method, params: (n.params ?? {}) as Record<string, unknown> });
  };
  const transport =
    wire === 'sse'
      ? new SSEClientTransport(new URL(live.sseUrl), { requestInit: { headers } })
      : new StreamableHTTPClientTransport(new URL(live.mcpUrl), { requestInit: { headers } });
  await client.connect(transport);
  t.after(() => client.close());
  return {
    client,
    notices,
    of: (method) => notices.filter((n) => n.method === method).map((n) => n.params),
  };
}

/** The text of a tool result's first block. */
export function textOf(result: unknown): string {
  const content = (result as { content?: Array<{ type: string; text?: string }> }).content ?? [];
  const first = content[0];
  if (first?.type !== 'text' || first.text === undefined)
    throw new Error(`no text block in ${JSON.stringify(result)}`);
  return first.text;
}

/** A successful tool result's text, parsed as JSON; fails on `isError`. */
export function jsonOf<T = Record<string, unknown>>(result: unknown): T {
  if ((result as { isError?: boolean }).isError === true) throw new Error(`tool failed: ${textOf(result)}`);
  return JSON.parse(textOf(result)) as T;
}

/** Reads a JSON resource. */
export async function readJSON<T = Record<string, unknown>>(peer: Peer, uri: string): Promise<T> {
  const { contents } = await peer.client.readResource({ uri });
  const first = contents[0] as { text?: string } | undefined;
  return JSON.parse(first?.text ?? 'null') as T;
}

/** Waits until `condition` holds, polling; fails naming `what` after `timeout` ms. */
export async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeout = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeout} ms`);
    await delay(10);
  }
}

let barriers = 0;

/**
 * Resolves once every notification the server sent `peer` before this call has arrived: the peer
 * sends itself a chat message on a channel of its own, which travels the same stream behind them.
 */
export async function barrier(peer: Peer): Promise<void> {
  const channel = `barrier-${++barriers}`;
  jsonOf(await peer.client.callTool({ name: 'send_message', arguments: { message: 'barrier', channel } }));
  await until(() => peer.of('chat_message').some((m) => m.channel === channel), `the ${channel} message`);
}
