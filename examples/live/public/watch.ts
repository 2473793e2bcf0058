// Watches one connected client for the signs that the server is gone: its connection closed, its
// 2026-07-28 listen ended, or a silence (samples come every second) that a probe cannot break.
import type { Listen, McpClient } from '../../../src/client/index.ts';

export interface WatchEvents {
  /** The page should drop this client and connect anew. */
  lost(message: string, detail: string): void;
  /** The client is resuming a dropped stream on its own. */
  reconnecting(info: { attempt: number; delay: number; error: Error }): void;
  reconnected(): void;
}

/** `ping` where there is a session; 2026-07-28 has none, and asks `server/discover` instead. */
function probe(client: McpClient): Promise<unknown> {
  const options = { timeout: 3_000 };
  return client.transport === 'stateless'
    ? client.request('server/discover', {}, options)
    : client.ping(options);
}

/** Starts watching; returns the function that stops. */
export function watchClient(
  client: McpClient,
  events: WatchEvents,
): { stop(): void; follow(listen: Listen): void } {
  let heard = Date.now();
  let stopped = false;
  const lost = (message: string, detail: string) => {
    if (stopped) return;
    stop();
    events.lost(message, detail);
  };
  const watchdog = setInterval(() => {
    if (Date.now() - heard < 4_000) return;
    probe(client).then(
      () => {
        heard = Date.now();
      },
      (error: unknown) =>
        lost(
          'Lost the connection to the server.',
          `The server stopped answering: ${(error as Error).message}`,
        ),
    );
  }, 2_000);
  const off = [
    client.on('notification', () => {
      heard = Date.now();
    }),
    client.on('close', (reason) =>
      lost(
        'Lost the connection to the server.',
        reason === undefined ? 'The connection closed' : reason.message,
      ),
    ),
    client.on('reconnecting', (info) => !stopped && events.reconnecting(info)),
    client.on('reconnected', () => {
      heard = Date.now();
      if (!stopped) events.reconnected();
    }),
  ];
  function stop(): void {
    stopped = true;
    clearInterval(watchdog);
    for (const unsubscribe of off) unsubscribe();
  }
  return {
    stop,
    follow: (listen) =>
      void listen.closed.then(({ reason, error }) => {
        if (reason === 'closed') return;
        const why =
          reason === 'completed'
            ? 'The server ended the listen stream (it is shutting down)'
            : `The listen stream was lost: ${error?.message ?? 'no reason given'}`;
        lost('Lost the connection to the server.', why);
      }),
  };
}
