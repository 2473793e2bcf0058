import { McpLiveError } from '../protocol/mcp-live-error.ts';
import type { EventStore } from '../server/event-store.ts';
import { MemoryEventStore } from '../stores/memory-event-store.ts';
import { type HTTPServerOptions, type ResolvedHTTPOptions, resolveHTTPOptions } from './http/http-options.ts';

/** Options of an `SSEServer`: the shared HTTP ones, and what only HTTP+SSE has. */
export interface SSEServerOptions extends HTTPServerOptions {
  /** The public origin (and path prefix, if any) clients reach this server by, such as `https://api.example.com`. */
  baseURL?: string;
  /**
   * Put `baseURL` in the `endpoint` event, making it a full URL; without `baseURL` it is a path. A
   * client that connected by another host name gets the path (official clients refuse an endpoint on
   * another origin), and `error` listeners are told once per host. @default true
   */
  useFullURLForMessageEndpoint?: boolean;
  /** The stream's path, after the prefix. @default '/sse' */
  sseEndpoint?: string;
  /** The path messages are POSTed to, after the prefix. @default '/message' */
  messageEndpoint?: string;
  /** Copies the stream request's query string into the message endpoint, after `sessionId`. @default false */
  appendQueryToMessageEndpoint?: boolean;
  /**
   * Where each session's events wait for a client that reconnects (`GET {sse}?sessionId=…` with
   * `Last-Event-ID`); its event ids go on the wire. `false` keeps none: events are numbered 1, 2, …
   * and a dropped stream ends its session. It must keep events for at least `reconnectGracePeriod`.
   * @default new MemoryEventStore()
   */
  eventStore?: EventStore | false;
  /**
   * ms a session outlives its dropped stream, waiting for its client to reconnect; its handlers keep
   * running meanwhile. 0 (or `eventStore: false`) closes the session, aborting its handlers, as soon
   * as its stream drops: stock HTTP+SSE clients never resume, so resumption is opt-in. @default 0
   */
  reconnectGracePeriod?: number;
}

export type ResolvedSSEOptions = ResolvedHTTPOptions & {
  baseURL: string | undefined;
  useFullURLForMessageEndpoint: boolean;
  sseEndpoint: string;
  messageEndpoint: string;
  appendQueryToMessageEndpoint: boolean;
  eventStore: EventStore | undefined;
  reconnectGracePeriod: number;
};

function invalid(message: string): never {
  throw new McpLiveError('INVALID_OPTION', `SSEServer option ${message}`);
}

function endpoint(name: string, value: string): string {
  if (!value.startsWith('/') || value.includes('?')) {
    invalid(`${name} must be a path starting with "/" (got ${JSON.stringify(value)})`);
  }
  return value;
}

function limit(name: string, value: number, min: number): number {
  if (!Number.isFinite(value) || value < min) invalid(`${name} must be a number ≥ ${min} (got ${value})`);
  return value;
}

/** Applies defaults and checks values, once, at construction. */
export function resolveSSEOptions(options: SSEServerOptions): ResolvedSSEOptions {
  const sseEndpoint = endpoint('sseEndpoint', options.sseEndpoint ?? '/sse');
  const messageEndpoint = endpoint('messageEndpoint', options.messageEndpoint ?? '/message');
  if (sseEndpoint === messageEndpoint) {
    throw new McpLiveError(
      'INVALID_OPTION',
      `SSEServer options sseEndpoint and messageEndpoint must differ (both are ${sseEndpoint})`,
    );
  }
  if ((options as { idleTimeout?: unknown }).idleTimeout !== undefined) {
    invalid(
      "idleTimeout is gone: every wire now follows one idle policy, McpServer's sessionIdleTimeout (new McpServer(info, { sessionIdleTimeout: ms }))",
    );
  }
  const { eventStore } = options;
  return {
    ...resolveHTTPOptions(options, 'SSEServer'),
    baseURL: options.baseURL,
    useFullURLForMessageEndpoint: options.useFullURLForMessageEndpoint ?? true,
    sseEndpoint,
    messageEndpoint,
    appendQueryToMessageEndpoint: options.appendQueryToMessageEndpoint ?? false,
    eventStore: eventStore === false ? undefined : (eventStore ?? new MemoryEventStore()),
    reconnectGracePeriod: limit('reconnectGracePeriod', options.reconnectGracePeriod ?? 0, 0),
  };
}
