import { isMcpLiveError } from '../../protocol/mcp-live-error.ts';
import type { Session } from '../../server/session.ts';

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
  /** Writes a comment; false when the stream is backed up (and so not idle). */
  writeComment(): boolean;
  /** The client stopped answering: close its session for this reason. */
  onUnresponsive(reason: string): void;
}

/**
 * Keeps one stream alive through proxies' idle timeouts and marks its session active while the
 * client is there. Returns the function that stops it.
 */
export function startKeepAlive(settings: KeepAliveSettings, target: KeepAliveTarget): () => void {
  if (settings.interval <= 0) return () => {};
  const { session } = target;
  let pinging = false;
  const tick = () => {
    if (session.closed) return;
    if (settings.mode === 'comment') {
      if (target.writeComment()) session.touch();
      return;
    }
    if (pinging) return;
    pinging = true;
    session.request('ping', undefined, { timeout: settings.pingTimeout }).then(
      () => {
        pinging = false;
        session.touch();
      },
      (error: unknown) => {
        pinging = false;
        // An error answer still proves the client is there.
        if (isMcpLiveError(error, 'REMOTE_ERROR')) session.touch();
        else if (isMcpLiveError(error, 'TIMEOUT')) {
          target.onUnresponsive(`the client did not answer a ping within ${settings.pingTimeout} ms`);
        }
      },
    );
  };
  const timer = setInterval(tick, settings.interval);
  (timer as { unref?: () => void }).unref?.();
  return () => clearInterval(timer);
}
