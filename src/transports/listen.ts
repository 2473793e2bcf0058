import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpLiveError } from '../protocol/mcp-live-error.ts';

/**
 * Where to listen: a port (loopback only), `':8080'` (Go style: every interface), `'127.0.0.1:8080'`,
 * `'[::1]:8080'`, or parts.
 */
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

/**
 * Reads a `ListenAddress`. A port alone (`8080`, `'8080'`, `{ port }`) means loopback, which is safe;
 * `':8080'` means every interface, as in Go (host `undefined`).
 */
export function parseListenAddress(address: ListenAddress): { port: number; host: string | undefined } {
  if (typeof address === 'number') return { port: address, host: LOOPBACK };
  if (typeof address === 'object') return { port: address.port ?? 0, host: address.host ?? LOOPBACK };
  const text = address.trim();
  const match =
    /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(text) ??
    (/^\d+$/.test(text) ? [text, undefined, undefined, text] : null);
  if (match === null) {
    throw new McpLiveError(
      'INVALID_OPTION',
      `Cannot listen on ${JSON.stringify(address)}: use a port, ":8080", "host:8080" or "[::1]:8080"`,
    );
  }
  const host = match[1] ?? match[2];
  if (host === undefined) return { port: Number(match[3]), host: LOOPBACK };
  return { port: Number(match[3]), host: host === '' ? undefined : host };
}

/** How long a client of the server `listen()` starts may take to send a request. */
export interface RequestDeadlines {
  /** ms for the headers. */
  headersTimeout: number;
  /** ms for the body once the headers are in; 0: no limit. */
  bodyTimeout: number;
}

const LOOPBACK = '127.0.0.1';

/**
 * The refusal of a bind that would let anyone who reaches this machine call the server's tools: an
 * address that is not loopback, with no `authenticate`, unless `allowUnauthenticated` says so.
 */
export function refuseOpenBind(
  owner: string,
  host: string | undefined,
  authenticated: boolean,
  allowUnauthenticated: boolean,
): McpLiveError | undefined {
  if (authenticated || allowUnauthenticated || (host !== undefined && isLoopbackHost(host))) return undefined;
  const where = host === undefined ? 'every interface' : host;
  return new McpLiveError(
    'INVALID_OPTION',
    `${owner} will not listen on ${where} without authentication: anyone who can reach this machine could call its tools. Listen on loopback (a port alone, such as listen(8080)), pass an authenticate option, or set allowUnauthenticated: true when a proxy in front authenticates or the network is private`,
  );
}

function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\./.test(host);
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
