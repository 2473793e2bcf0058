export type { CancelledParams } from './cancellation.ts';
export { CancellationMethod } from './cancellation.ts';
export type { CompleteParams, CompleteResult, CompletionReference } from './completion.ts';
export { CompletionMethod, MAX_COMPLETION_VALUES } from './completion.ts';
export type {
  Annotations,
  AudioContent,
  BlobResourceContents,
  ContentBlock,
  EmbeddedResource,
  Icon,
  ImageContent,
  ResourceContents,
  ResourceLink,
  TextContent,
  TextResourceContents,
} from './content.ts';
export type { ElicitFormParams, ElicitParams, ElicitResult, ElicitURLParams } from './elicitation.ts';
export { ElicitationMethod } from './elicitation.ts';
export type {
  JSONRPCErrorObject,
  JSONRPCErrorResponse,
  JSONRPCMessage,
  JSONRPCNotification,
  JSONRPCRequest,
  JSONRPCResponse,
  JSONRPCResultResponse,
  RequestId,
} from './jsonrpc.ts';
export {
  ErrorCode,
  isJSONRPCErrorResponse,
  isJSONRPCNotification,
  isJSONRPCRequest,
  isJSONRPCResponse,
} from './jsonrpc.ts';
export type {
  ClientCapabilities,
  Implementation,
  InitializeParams,
  InitializeResult,
  ServerCapabilities,
} from './lifecycle.ts';
export { LifecycleMethod } from './lifecycle.ts';
export type { LoggingLevel, LoggingMessageParams } from './logging.ts';
export { isLevelEnabled, isLoggingLevel, LOGGING_LEVELS, LoggingMethod } from './logging.ts';
export type { McpLiveErrorCode } from './mcp-live-error.ts';
export { isMcpLiveError, McpLiveError } from './mcp-live-error.ts';
export type { PaginatedParams, PaginatedResult } from './pagination.ts';
export type { ParseResult } from './parse.ts';
export { parseMessages, readMessages, validateMessageShape } from './parse.ts';
export type { ProgressParams, ProgressToken } from './progress.ts';
export { ProgressMethod } from './progress.ts';
export type { GetPromptResult, Prompt, PromptArgument, PromptMessage } from './prompts.ts';
export { PromptsMethod } from './prompts.ts';
export { isProtocolError, ProtocolError } from './protocol-error.ts';
export type { RequestMeta, TraceContext } from './request-meta.ts';
export { MetaKey, ModernErrorCode } from './request-meta.ts';
export type { ReadResourceResult, Resource, ResourceTemplate } from './resources.ts';
export { ResourcesMethod } from './resources.ts';
export type { ListRootsResult, Root } from './roots.ts';
export { RootsMethod } from './roots.ts';
export type {
  CreateMessageParams,
  CreateMessageResult,
  ModelPreferences,
  SamplingMessage,
} from './sampling.ts';
export { SamplingMethod } from './sampling.ts';
export type { CallToolParams, CallToolResult, JSONSchema, Tool, ToolAnnotations } from './tools.ts';
export { ToolsMethod } from './tools.ts';
export type { LegacyProtocolVersion, ModernProtocolVersion, ProtocolVersion } from './versions.ts';
export {
  isLegacyProtocolVersion,
  isModernProtocolVersion,
  isSupportedProtocolVersion,
  LATEST_MODERN_PROTOCOL_VERSION,
  LATEST_PROTOCOL_VERSION,
  LEGACY_PROTOCOL_VERSIONS,
  MODERN_PROTOCOL_VERSIONS,
  negotiateProtocolVersion,
  SUPPORTED_PROTOCOL_VERSIONS,
  supportsBatches,
  supportsElicitation,
} from './versions.ts';
