export type {
  CallToolResult,
  ClientCapabilities,
  CompleteParams,
  CompleteResult,
  ContentBlock,
  CreateMessageParams,
  CreateMessageResult,
  ElicitParams,
  ElicitResult,
  GetPromptResult,
  Implementation,
  InitializeResult,
  JSONRPCNotification,
  ListRootsResult,
  LoggingLevel,
  LoggingMessageParams,
  McpLiveErrorCode,
  ProgressParams,
  Prompt,
  ReadResourceResult,
  Resource,
  ResourceTemplate,
  ServerCapabilities,
  Tool,
} from '../protocol/index.ts';
export {
  ErrorCode,
  isMcpLiveError,
  isProtocolError,
  McpLiveError,
  ProtocolError,
} from '../protocol/index.ts';
export type {
  ClientProtocol,
  ClientTransportKind,
  HeadersOption,
  McpClientOptions,
  ReconnectOptions,
} from './client-options.ts';
export type {
  ListPromptsResult,
  ListResourcesResult,
  ListResourceTemplatesResult,
  ListToolsResult,
  McpClientEvents,
  NotificationListener,
  RequestOptions,
  ServerNotificationMap,
  ServerRequestContext,
  ServerRequestHandler,
  ServerRequestMap,
} from './client-types.ts';
export type { ConnectOptions } from './connect.ts';
export { connect } from './connect.ts';
export type { HTTPErrorRequest, HTTPErrorResponse } from './http-error.ts';
export { HTTPError, isHTTPError } from './http-error.ts';
export type { Listen, ListenEnd, ListenFilter, ListenOptions } from './listen-stream.ts';
export { McpClient } from './mcp-client.ts';
export type { TransportErrorData } from './transport-error.ts';
