import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpLiveError } from '../protocol/mcp-live-error.ts';

/** Where to listen: a port, `':8080'` (Go style: every interface), `'127.0.0.1:8080'`, `'[::1]:8080'`, or parts. */
export type ListenAddress = number | string | { port?: number; host?: string };

/** Where a server listens once `listen` resolved. */
export interface ListeningInfo {
  /** The address bound, such as `127.0.0.1`, `::` or `0.0.0.0`. */
  host: string;
  port: number;
  /** The URL of the SSE endpoint, with `localhost` for an any-interface bind. */
  url: string;
}

/** The error for `listen()` on a server that already listens (or was closed): each listens once. */
export function cannotListenAgain(name: string, closed: boolean): McpLiveError {
  return closed
    ? new McpLiveError('CLOSED', `This ${name} was closed; create another ${name} to listen again`)
    : new McpLiveError(
        'ALREADY_LISTENING',
        `This ${name} is already listening; create another ${name} to listen again`,
      );
}

/** Reads a `ListenAddress`; a missing host means every interface, as in Go and Node. */
export function parseListenAddress(address: ListenAddress): { port: number; host: string | undefined } {
  if (typeof address === 'number') return { port: address, host: undefined };
  if (typeof address === 'object') return { port: address.port ?? 0, host: address.host };
  const text = address.trim();
  const match =
    /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(text) ??
    (/^\d+$/.test(text) ? [text, undefined, '', text] : null);
  if (match === null) {
    throw new McpLiveError(
      'INVALID_OPTION',
      `Cannot listen on ${JSON.stringify(address)}: use a port, ":8080", "host:8080" or "[::1]:8080"`,
    );
  }
  const host = match[1] ?? match[2];
  return { port: Number(match[3]), host: host === '' || host === undefined ? undefined : host };
}

/** How long a client of the server `listen()` starts may take to send a request. */
export interface RequestDeadlines {
  /** ms for the headers. */
  headersTimeout: number;
  /** ms for the body once the headers are in; 0: no limit. */
  bodyTimeout: number;
}

/** Starts a `node:http` server for `handler` (loaded on demand, so fetch-only runtimes never load it). */
export async function listenNode(
  address: ListenAddress,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  deadlines?: RequestDeadlines,
): Promise<Server> {
  const { createServer } = await import('node:http');
  const { port, host } = parseListenAddress(address);
  const options =
    deadlines === undefined
      ? {}
      : {
          headersTimeout: deadlines.headersTimeout,
          // Node's own backstop for the whole request; the transports answer a slow body first (408).
          requestTimeout:
            deadlines.bodyTimeout > 0 ? deadlines.headersTimeout + deadlines.bodyTimeout + 1_000 : 0,
          // How often Node checks those deadlines (every 30 s by default, which would blur a 10 s one).
          connectionsCheckingInterval: Math.max(
            250,
            Math.min(5_000, Math.floor(deadlines.headersTimeout / 4)),
          ),
        };
  const server = createServer(options, handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    const done = () => {
      server.off('error', reject);
      resolve();
    };
    if (host === undefined) server.listen(port, done);
    else server.listen(port, host, done);
  });
  return server;
}

/** The host, port and display URL of a listening server. */
export function describeListening(server: Server, path: string): ListeningInfo {
  const { address, port } = server.address() as AddressInfo;
  const any = address === '::' || address === '0.0.0.0';
  const shown = any ? 'localhost' : address.includes(':') ? `[${address}]` : address;
  return { host: address, port, url: `http://${shown}:${port}${path}` };
}
