import { isMcpLiveError } from '../../protocol/mcp-live-error.ts';
import type { Session } from '../../server/session.ts';
import type { EventStreamWriter } from './event-stream-writer.ts';
import { encodeSSEComment } from './sse-encoder.ts';

/** `comment`: an SSE comment line no client code sees. `ping`: a JSON-RPC `ping` the client must answer. */
export type KeepAliveMode = 'comment' | 'ping';

export interface KeepAliveSettings {
  /** ms between keep-alives; 0 turns them off. */
  interval: number;
  mode: KeepAliveMode;
  /** ms a client has to answer a `ping` before its session is closed. */
  pingTimeout: number;
}

export interface KeepAliveTarget {
  readonly session: Session;
  /** The stream's writer; a stream that is backed up gets no comment (it is not idle). */
  readonly writer: EventStreamWriter;
  /** The client stopped answering: close its session for this reason. */
  onUnresponsive(reason: string): void;
}

const KEEP_ALIVE_COMMENT = encodeSSEComment('keep-alive');

/**
 * Keeps one stream alive through proxies' idle timeouts; in `ping` mode, closes the session of a
 * client that stopped answering. Neither marks the session active: only what the client sends does
 * (its answer to a ping among them). Returns the function that stops it.
 */
export function startKeepAlive(settings: KeepAliveSettings, target: KeepAliveTarget): () => void {
  if (settings.interval <= 0) return () => {};
  const { session, writer } = target;
  let pinging = false;
  const timer = setInterval(() => {
    if (session.closed) return;
    if (settings.mode === 'comment') {
      if (!writer.blocked) writer.write(KEEP_ALIVE_COMMENT);
      return;
    }
    if (pinging) return;
    pinging = true;
    session.request('ping', undefined, { timeout: settings.pingTimeout }).then(
      () => {
        pinging = false;
      },
      (error: unknown) => {
        pinging = false;
        // An error answer comes from a client that is there: only silence closes its session.
        if (isMcpLiveError(error, 'TIMEOUT')) {
          target.onUnresponsive(`the client did not answer a ping within ${settings.pingTimeout} ms`);
        }
      },
    );
  }, settings.interval);
  (timer as { unref?: () => void }).unref?.();
  return () => clearInterval(timer);
}
