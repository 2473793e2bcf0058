import { McpLiveError } from '../protocol/mcp-live-error.ts';
import type { EventStore } from '../server/event-store.ts';
import { MemoryEventStore } from '../stores/memory-event-store.ts';
import { type HTTPServerOptions, type ResolvedHTTPOptions, resolveHTTPOptions } from './http/http-options.ts';
import type { PostAnswer } from './post-target.ts';

/** Options of a `StreamableHTTPServer`: the shared HTTP ones, and what only Streamable HTTP has. */
export interface StreamableHTTPServerOptions extends HTTPServerOptions {
  /** The MCP endpoint, after the prefix; `''` serves the prefix itself. @default '/mcp' */
  endpoint?: string;
  /**
   * No 2025 sessions: every POST gets a fresh ephemeral session, no `Mcp-Session-Id` is issued or
   * needed, `initialize` is optional, GET and DELETE get 405, and the server cannot send requests to
   * clients. (2026-07-28 requests are stateless whatever this says.) @default false
   */
  stateless?: boolean;
  /**
   * How a POST of a 2025 session that carries requests is answered. `true`: always one
   * `application/json` body (what else its requests send goes to the GET stream). `false`: always an
   * event stream. Unset: one JSON body when every response is ready at once (before anything else was
   * sent for the requests, within the turn of the event loop that received them), else an event
   * stream, which then carries progress, logs and server requests, keep-alive and resumption.
   * @default undefined (JSON when ready at once)
   */
  jsonResponse?: boolean;
  /** Where events wait for a client to resume a stream with `Last-Event-ID`; `false` keeps none. @default new MemoryEventStore() */
  eventStore?: EventStore | false;
  /** ms a 2025-11-25 client waits before reconnecting, sent as `retry:` in priming events; 0 sends none. @default 1_000 */
  retryInterval?: number;
  /**
   * Treat a POST stream the client closed as the cancellation of its requests. Up to 2025-11-25 the
   * spec says a disconnect is not a cancellation, so by default handlers run on and their answers
   * wait in the event store for a resumption (2026-07-28 requests are always cancelled). @default false
   */
  cancelOnDisconnect?: boolean;
}

export type ResolvedStreamableOptions = ResolvedHTTPOptions & {
  endpoint: string;
  stateless: boolean;
  /** `jsonResponse` as a mode. */
  postAnswer: PostAnswer;
  eventStore: EventStore | undefined;
  retryInterval: number;
  cancelOnDisconnect: boolean;
};

/** Applies defaults and checks values, once, at construction. */
export function resolveStreamableOptions(options: StreamableHTTPServerOptions): ResolvedStreamableOptions {
  const shared = resolveHTTPOptions(options, 'StreamableHTTPServer');
  const endpoint = (options.endpoint ?? '/mcp').replace(/\/+$/, '');
  if ((endpoint !== '' && !endpoint.startsWith('/')) || endpoint.includes('?')) {
    throw new McpLiveError(
      'INVALID_OPTION',
      `StreamableHTTPServer option endpoint must be '' or a path starting with "/" (got ${JSON.stringify(options.endpoint)})`,
    );
  }
  if (endpoint === '' && shared.basePath === '' && options.dynamicBasePath === undefined) {
    throw new McpLiveError(
      'INVALID_OPTION',
      "StreamableHTTPServer option endpoint '' serves the prefix itself: give a basePath (such as '/mcp') too",
    );
  }
  const retryInterval = options.retryInterval ?? 1_000;
  if (!Number.isFinite(retryInterval) || retryInterval < 0) {
    throw new McpLiveError(
      'INVALID_OPTION',
      `StreamableHTTPServer option retryInterval must be a number ≥ 0 (got ${retryInterval})`,
    );
  }
  const stateless = options.stateless ?? false;
  const { eventStore } = options;
  return {
    ...shared,
    endpoint,
    stateless,
    postAnswer: options.jsonResponse === undefined ? 'auto' : options.jsonResponse ? 'json' : 'stream',
    // Stateless servers have no GET stream to resume on, so they keep no events.
    eventStore: stateless || eventStore === false ? undefined : (eventStore ?? new MemoryEventStore()),
    retryInterval,
    cancelOnDisconnect: options.cancelOnDisconnect ?? false,
  };
}
