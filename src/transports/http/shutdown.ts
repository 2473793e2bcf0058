import type { Server } from 'node:http';
import type { McpServer } from '../../server/mcp-server.ts';
import type { Session } from '../../server/session.ts';

/**
 * Gives the in-flight handlers of a transport's sessions until `timeout` ms to finish, then closes
 * every session (aborting what still runs).
 */
export async function drainSessions(
  server: McpServer,
  sessions: () => Session[],
  timeout: number,
): Promise<void> {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline && sessions().some((s) => s.inFlightCount > 0)) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await Promise.all(sessions().map((s) => server.closeSession(s, 'server shutting down')));
}

/** Stops a server `listen` started, ending the connections it still holds. */
export function stopListening(http: Server | undefined): Promise<void> {
  if (http === undefined) return Promise.resolve();
  return new Promise<void>((resolve) => {
    http.close(() => resolve());
    http.closeAllConnections();
  });
}
