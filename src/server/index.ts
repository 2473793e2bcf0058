export type { CacheHint, CacheOptions, CacheScope } from './cache-hints.ts';
export type { MessageExtra } from './dispatcher.ts';
export type { EventStore, ReplaySend } from './event-store.ts';
export type { ServerEvents } from './hooks.ts';
export type { McpServerOptions, Registered, RegisterOptions } from './mcp-server.ts';
export { McpServer } from './mcp-server.ts';
export type { BusHandler, BusMessage, MessageBus, RelayPayload, SessionSelector } from './message-bus.ts';
export type {
  PromptArgs,
  PromptArgumentConfig,
  PromptConfig,
  PromptHandler,
  PromptReturn,
} from './prompt-definition.ts';
export type { ClientRequestOptions, StatelessRequest } from './request-context.ts';
export { RequestContext } from './request-context.ts';
export type { RequestStateKey, RequestStateOptions } from './request-state.ts';
export { requestStateKeysFromEnv } from './request-state.ts';
export type {
  Completer,
  ResourceConfig,
  ResourceHandler,
  ResourceReturn,
  ResourceTemplateConfig,
  ResourceTemplateHandler,
  TemplateVariables,
} from './resource-definition.ts';
export {
  audio,
  blobResource,
  embeddedResource,
  image,
  json,
  resourceLink,
  text,
  textBlock,
  textResource,
  toolError,
} from './results.ts';
export type {
  SendOptions,
  SessionChannel,
  SessionInit,
  SessionRequestOptions,
  SessionView,
} from './session.ts';
export { asSession, Session } from './session.ts';
export type { SessionRecord, SessionStore } from './session-store.ts';
export type { ListenStreamView, SubscriptionFilter } from './subscription-hub.ts';
export type { ToolArgs, ToolConfig, ToolHandler, ToolReturn } from './tool-definition.ts';
export type { ToolCall, ToolMiddleware } from './tool-methods.ts';
export type { ContextValues, NotificationMap, NotificationParams } from './typed-maps.ts';
export { UriTemplate } from './uri-template.ts';
