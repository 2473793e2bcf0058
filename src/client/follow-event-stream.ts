import { isMcpLiveError, McpLiveError } from '../protocol/mcp-live-error.ts';
import type { ResolvedReconnect } from './client-options.ts';
import { type EventSourceMessage, readEventStream } from './read-event-stream.ts';
import { isRetryable, reasonOf } from './transport-error.ts';

/** Event ids already delivered in a session, so an event replayed after a reconnect is delivered once. */
export class SeenEventIds {
  #ids = new Set<string>();
  #limit: number;

  constructor(options: { limit?: number } = {}) {
    this.#limit = options.limit ?? 4096;
  }

  /** Records `id`; false when it had been seen already. */
  add(id: string): boolean {
    if (this.#ids.has(id)) return false;
    this.#ids.add(id);
    // Replays start at the last id the client saw, so only recent ids can come back.
    if (this.#ids.size > this.#limit) this.#ids.delete(this.#ids.values().next().value as string);
    return true;
  }

  clear(): void {
    this.#ids.clear();
  }
}

export interface FollowEventStreamOptions {
  /** Names the stream in error messages, e.g. `GET http://host/mcp`. */
  label: string;
  /** The response that opened the stream, when it is already at hand. */
  first?: Response;
  /** Opens (or reopens) the stream; resolves null when the server offers none. */
  open(lastEventId: string | undefined): Promise<Response | null>;
  /** Whether the stream may be reopened, given the last event id seen. */
  canResume(lastEventId: string | undefined): boolean;
  /** True once nothing more is expected from the stream. */
  isFinished(): boolean;
  onEvent(event: EventSourceMessage): void;
  /** Called once when the stream is lost for good (not when it finishes or `signal` aborts). */
  onGiveUp(error: McpLiveError): void;
  /** The stream dropped and is reopened after `delay` ms (attempt 1, 2, …). */
  onReconnecting?(attempt: number, delay: number, error: McpLiveError): void;
  /** A reopened stream is open again. */
  onReconnected?(): void;
  seen: SeenEventIds;
  reconnect: ResolvedReconnect | false;
  signal: AbortSignal;
}

/** Waits `milliseconds`; resolves false at once when `signal` aborts first. */
export function sleep(milliseconds: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const done = (ok: boolean) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(ok);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), milliseconds);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Reads an event stream and, when it ends or breaks before it is finished, reopens it with
 * `Last-Event-ID` after the server's `retry:` hint (or the policy's delay), backing off on each attempt.
 * Events whose id was seen before are skipped.
 */
export async function followEventStream(options: FollowEventStreamOptions): Promise<void> {
  const { signal, reconnect } = options;
  let response = options.first;
  let lastEventId: string | undefined;
  let retryHint: number | undefined;
  let attempt = 0;
  let opened = options.first !== undefined;
  let failure = new McpLiveError('TRANSPORT', `the event stream of ${options.label} ended`);
  for (;;) {
    if (response === undefined) {
      try {
        const next = await options.open(lastEventId);
        if (next === null) return;
        response = next;
        opened = true;
        if (attempt > 0) options.onReconnected?.();
      } catch (error) {
        if (signal.aborted) return;
        failure = isMcpLiveError(error)
          ? error
          : new McpLiveError('TRANSPORT', `${options.label} failed: ${reasonOf(error)}`, { cause: error });
        // A stream that never opened has nothing to resume: its failure is the whole story.
        if (!isRetryable(failure) || !opened) return options.onGiveUp(failure);
      }
    }
    if (response !== undefined) {
      const progress = { received: false };
      try {
        if (response.body === null) throw new TypeError('the response has no body');
        await readEventStream(
          response.body,
          {
            onEvent: (event) => {
              progress.received = true;
              if (event.id !== undefined && event.id !== '') {
                lastEventId = event.id;
                if (!options.seen.add(event.id)) return;
              }
              options.onEvent(event);
            },
            onRetry: (milliseconds) => {
              retryHint = milliseconds;
            },
          },
          signal,
        );
        failure = new McpLiveError('TRANSPORT', `the event stream of ${options.label} ended`);
      } catch (error) {
        const message = `the event stream of ${options.label} broke: ${reasonOf(error)}`;
        failure = new McpLiveError('TRANSPORT', message, { cause: error });
      }
      response = undefined;
      if (progress.received) attempt = 0;
    }
    if (signal.aborted || options.isFinished()) return;
    if (!options.canResume(lastEventId)) {
      const message = `${failure.message} and cannot be resumed: the server sent no event id`;
      return options.onGiveUp(new McpLiveError('TRANSPORT', message, { cause: failure }));
    }
    if (reconnect === false) return options.onGiveUp(failure);
    if (attempt >= reconnect.maxAttempts) {
      const message = `${failure.message}; gave up after ${attempt} reconnection attempts`;
      return options.onGiveUp(new McpLiveError('TRANSPORT', message, { cause: failure }));
    }
    const delay = Math.min(
      reconnect.maxDelay,
      (retryHint ?? reconnect.initialDelay) * reconnect.factor ** attempt,
    );
    attempt++;
    options.onReconnecting?.(attempt, delay, failure);
    if (!(await sleep(delay, signal))) return;
  }
}
