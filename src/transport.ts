// mcp-live/transport: what a transport of your own needs from an McpServer. Handlers and applications
// never do: they see `ctx.session` as a read-only `SessionView`, from the root entry.
export type { MessageExtra } from './server/dispatcher.ts';
export type {
  SendOptions,
  SessionChannel,
  SessionInit,
  SessionRequestOptions,
  SessionState,
} from './server/session.ts';
export { asSession, Session } from './server/session.ts';
export type { TransportHost } from './server/transport-host.ts';
export { transportHost } from './server/transport-host.ts';
