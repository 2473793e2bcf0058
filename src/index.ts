// The public API of mcp-live, by area. Every export is named here; test/exports.test.ts pins the list.

// Protocol
export type {
  CallToolResult,
  ClientCapabilities,
  ContentBlock,
  GetPromptResult,
  Implementation,
  JSONRPCMessage,
  JSONRPCNotification,
  JSONRPCRequest,
  JSONRPCResponse,
  LoggingLevel,
  McpLiveErrorCode,
  ProtocolVersion,
  ReadResourceResult,
  RequestId,
  ResourceContents,
  ServerCapabilities,
  Tool,
} from './protocol/index.ts';
export {
  ErrorCode,
  isMcpLiveError,
  isProtocolError,
  LATEST_PROTOCOL_VERSION,
  McpLiveError,
  ProtocolError,
  SUPPORTED_PROTOCOL_VERSIONS,
} from './protocol/index.ts';
// Schemas
export type {
  CompiledSchema,
  InferSchema,
  JSONSchemaInput,
  SchemaInput,
  SchemaIssue,
  ShapeRecord,
  ValidationResult,
} from './schema/index.ts';
export { compileSchema, formatIssues, jsonSchema, s, withJSONSchema } from './schema/index.ts';
// Server
export type {
  ClientRequestOptions,
  Completer,
  EventStore,
  McpServerOptions,
  MessageExtra,
  PromptArgs,
  PromptArgumentConfig,
  PromptConfig,
  PromptHandler,
  PromptReturn,
  Registered,
  RegisterOptions,
  ReplaySend,
  ResourceConfig,
  ResourceHandler,
  ResourceReturn,
  ResourceTemplateConfig,
  ResourceTemplateHandler,
  SendOptions,
  ServerEvents,
  SessionChannel,
  SessionInit,
  SessionRecord,
  SessionRequestOptions,
  SessionStore,
  TemplateVariables,
  ToolArgs,
  ToolCall,
  ToolConfig,
  ToolHandler,
  ToolMiddleware,
  ToolReturn,
} from './server/index.ts';
// Results
export {
  audio,
  blobResource,
  embeddedResource,
  image,
  json,
  McpServer,
  RequestContext,
  resourceLink,
  Session,
  text,
  textBlock,
  textResource,
  toolError,
  UriTemplate,
} from './server/index.ts';
// Stores
export type { MemoryEventStoreOptions } from './stores/index.ts';
export { MemoryEventStore, MemoryMessageBus, MemorySessionStore } from './stores/index.ts';
// Transports (stdio is in mcp-live/stdio)
export type {
  CORSOptions,
  HTTPRequestInfo,
  KeepAliveMode,
  ListenAddress,
  ListeningInfo,
  McpHttpServerOptions,
  NodeRequest,
  SSECloseOptions,
  SSEServerOptions,
  StreamableHTTPCloseOptions,
  StreamableHTTPServerOptions,
} from './transports/index.ts';
export { McpHttpServer, SSEServer, StreamableHTTPServer } from './transports/index.ts';
