import { createParser, type EventSourceMessage } from 'eventsource-parser';

export type { EventSourceMessage };

/** What `readEventStream` reports while it reads. */
export interface EventStreamCallbacks {
  onEvent(event: EventSourceMessage): void;
  /** The server's `retry:` hint, in milliseconds. */
  onRetry?(milliseconds: number): void;
}

/**
 * Reads a `text/event-stream` body to its end, reporting each whole event, however the bytes
 * were split into chunks. Resolves when the body ends or `signal` aborts; rejects when it breaks.
 */
export async function readEventStream(
  body: ReadableStream<Uint8Array>,
  callbacks: EventStreamCallbacks,
  signal: AbortSignal,
): Promise<void> {
  const parser = createParser({
    onEvent: (event) => callbacks.onEvent(event),
    onRetry: (milliseconds) => callbacks.onRetry?.(milliseconds),
  });
  const decoder = new TextDecoder();
  const reader = body.getReader();
  const stop = () => void reader.cancel(signal.reason).catch(() => {});
  if (signal.aborted) return stop();
  signal.addEventListener('abort', stop, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read().catch((error: unknown) => {
        if (signal.aborted) return { done: true as const, value: undefined };
        throw error;
      });
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
    }
    parser.feed(decoder.decode());
  } finally {
    signal.removeEventListener('abort', stop);
  }
}
