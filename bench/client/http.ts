// The load generator's HTTP: a raw keep-alive pool for POSTs (see http-pool.ts) and an unpooled
// node:http agent for long-lived streams, so that streams never hold the pool's connections.
import { Agent, type IncomingMessage, request } from 'node:http';
import { HTTPPool } from './http-pool.ts';

export type { Reply } from './http-pool.ts';

export interface Agents {
  pool: HTTPPool;
  streams: Agent;
}

export function createAgents(base: URL, maxPooled: number): Agents {
  return {
    pool: new HTTPPool(base, maxPooled),
    streams: new Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY }),
  };
}

export function destroyAgents(agents: Agents): void {
  agents.pool.destroy();
  agents.streams.destroy();
}

/**
 * Opens a long-lived stream (a GET, or a POST of `body` such as a 2026-07-28 listen); resolves with the
 * response once a 200 arrives.
 */
export function openStream(
  agent: Agent,
  url: URL,
  headers: Record<string, string>,
  timeoutMs: number,
  body?: string,
): Promise<IncomingMessage> {
  const method = body === undefined ? 'GET' : 'POST';
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method, headers, agent },
      (res) => {
        clearTimeout(timer);
        if (res.statusCode !== 200) {
          res.resume();
          req.destroy();
          reject(new Error(`${method} ${url.pathname}: status ${res.statusCode}`));
          return;
        }
        resolve(res);
      },
    );
    const timer = setTimeout(
      () => req.destroy(new Error(`${method} ${url.pathname}: no response headers in ${timeoutMs} ms`)),
      timeoutMs,
    );
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end(body);
  });
}
