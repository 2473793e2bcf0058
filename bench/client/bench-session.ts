import type { Agents } from './http.ts';

/** One MCP client session as the load generator drives it, whatever the transport. */
export interface BenchSession {
  /** Sends a request and resolves with its `result`; rejects on a JSON-RPC error, HTTP error or timeout. */
  call(method: string, params: Record<string, unknown>): Promise<unknown>;
  /** Server-initiated notifications arriving on the session's stream. */
  onNotification: ((method: string, params: unknown) => void) | undefined;
  /** Ends the session; `tellServer: false` skips any goodbye request (the server is already gone). */
  close(tellServer?: boolean): void;
}

export interface SessionOptions {
  base: URL;
  agents: Agents;
  /** Bounds every request, and the whole opening handshake. */
  timeoutMs: number;
  /**
   * Streamable HTTP: open the standalone GET stream that server-initiated notifications (broadcasts)
   * arrive on; 2026-07-28: open a `subscriptions/listen` stream. Throughput runs do without it; scale
   * and listen runs need it. @default true
   */
  notificationStream?: boolean;
}

export const CLIENT_INFO = { name: 'mcp-live-bench', version: '1.0.0' };
