import type { CancelledParams } from '../protocol/cancellation.ts';
import type { ElicitParams, ElicitResult } from '../protocol/elicitation.ts';
import type { JSONRPCNotification, RequestId } from '../protocol/jsonrpc.ts';
import type { LoggingMessageParams } from '../protocol/logging.ts';
import type { McpLiveError } from '../protocol/mcp-live-error.ts';
import type { PaginatedResult } from '../protocol/pagination.ts';
import type { ProgressParams } from '../protocol/progress.ts';
import type { Prompt } from '../protocol/prompts.ts';
import type { Resource, ResourceTemplate } from '../protocol/resources.ts';
import type { ListRootsResult } from '../protocol/roots.ts';
import type { CreateMessageParams, CreateMessageResult } from '../protocol/sampling.ts';
import type { Tool } from '../protocol/tools.ts';

/** Per-call options of every client request. */
export interface RequestOptions {
  /**
   * Aborting it rejects the call with `ABORTED` and tells the server: `notifications/cancelled` in a
   * session, closing the request's stream in MCP 2026-07-28.
   */
  signal?: AbortSignal;
  /**
   * Milliseconds to wait for the answer; on expiry the server is sent `notifications/cancelled`.
   * @default the client's `requestTimeout`
   */
  timeout?: number;
  /** Receives every `notifications/progress` the server sends about this call. */
  onProgress?: (progress: ProgressParams) => void;
  /**
   * Restart the timeout on every progress notification.
   * @default false
   */
  resetTimeoutOnProgress?: boolean;
}

export interface ListToolsResult extends PaginatedResult {
  tools: Tool[];
  [key: string]: unknown;
}

export interface ListResourcesResult extends PaginatedResult {
  resources: Resource[];
  [key: string]: unknown;
}

export interface ListResourceTemplatesResult extends PaginatedResult {
  resourceTemplates: ResourceTemplate[];
  [key: string]: unknown;
}

export interface ListPromptsResult extends PaginatedResult {
  prompts: Prompt[];
  [key: string]: unknown;
}

/** What a handler of a server-initiated request is given besides the params. */
export interface ServerRequestContext {
  /** Aborts when the server cancels the request or the client closes. */
  signal: AbortSignal;
  requestId: RequestId;
  method: string;
}

/** The requests a server may send to a client, with their params and results. */
export interface ServerRequestMap {
  'sampling/createMessage': { params: CreateMessageParams; result: CreateMessageResult };
  'elicitation/create': { params: ElicitParams; result: ElicitResult };
  'roots/list': { params: Record<string, unknown>; result: ListRootsResult };
}

/** Answers one server-initiated request; throw a `ProtocolError` to answer with that error. */
export type ServerRequestHandler<Params = Record<string, unknown>, Result = Record<string, unknown>> = (
  params: Params,
  context: ServerRequestContext,
) => Result | Promise<Result>;

/** The notifications a server sends, with their params. */
export interface ServerNotificationMap {
  'notifications/message': LoggingMessageParams;
  'notifications/progress': ProgressParams;
  'notifications/cancelled': CancelledParams;
  'notifications/resources/updated': { uri: string; [key: string]: unknown };
  'notifications/resources/list_changed': Record<string, unknown>;
  'notifications/tools/list_changed': Record<string, unknown>;
  'notifications/prompts/list_changed': Record<string, unknown>;
}

export type NotificationListener<Params = Record<string, unknown>> = (
  params: Params,
  notification: JSONRPCNotification,
) => void;

/** The events of `client.on()`. */
export interface McpClientEvents {
  /** Every notification the server sends, progress included. */
  notification: (notification: JSONRPCNotification) => void;
  /** A problem that does not end the connection: a stream that could not be resumed, a malformed message. */
  error: (error: McpLiveError) => void;
  /** The connection ended: `reason` is undefined after `close()`, the error when the connection was lost. */
  close: (reason: McpLiveError | undefined) => void;
  /**
   * The stream that carries the server's own messages (the SSE stream, Streamable HTTP's GET stream, or
   * a 2026-07-28 listen) dropped; it is reopened after `delay` ms (with `Last-Event-ID` where the wire
   * resumes). On a 2025 session, messages sent meanwhile arrive once it is; a listen has no replay.
   */
  reconnecting: (info: { attempt: number; delay: number; error: McpLiveError }) => void;
  /** That stream is open again. (When the client gives up on it instead, `error` or `close` says so.) */
  reconnected: () => void;
}
