import type { JSONRPCMessage } from '../protocol/jsonrpc.ts';
import type { MessageExtra } from './dispatcher.ts';
import type { McpParamHeader } from './mcp-header-params.ts';
import type { McpServer } from './mcp-server.ts';
import type { RelayPayload } from './message-bus.ts';
import type { ScopeNeed } from './required-scopes.ts';
import type { Session, SessionInit } from './session.ts';
import type { SessionRecord } from './session-store.ts';

/**
 * What a transport needs from an `McpServer` and a handler or application never does: opening and
 * taking over sessions, handing them messages, and the hooks the HTTP wires use. Reach it with
 * `transportHost(server)` from `mcp-live/transport`, for a transport of your own.
 */
export interface TransportHost {
  /** Opens a session on `init.channel`; fires `sessionOpened` (ephemeral sessions are neither stored nor announced). */
  openSession(init: SessionInit): Promise<Session>;
  /** Opens an ephemeral session (one stateless request's) at once: it is neither stored nor announced. */
  openEphemeralSession(init: SessionInit): Session;
  /** Closes a session `openEphemeralSession` opened, at once. */
  closeEphemeralSession(session: Session, reason: string): void;
  /**
   * Takes over a session whose instance is gone (`gone`, found unreachable, or one the store no longer
   * counts as alive): claims it in the store, then opens it here with the state its record kept, on
   * `init`'s channel. `undefined` when the store cannot hand sessions over or another instance holds it.
   */
  adoptSession(record: SessionRecord, init: SessionInit, gone?: string): Promise<Session | undefined>;
  /**
   * Hands one incoming message of a session to the server; answers go out through the session's
   * channel. Settles once the message is handled (its value is of no use to a transport).
   */
  handleMessage(session: Session, message: JSONRPCMessage, extra?: MessageExtra): Promise<unknown>;
  /** Hands a JSON-RPC batch to the server; rejects with a `ProtocolError` where batches are not allowed. */
  handleBatch(session: Session, messages: JSONRPCMessage[], extra?: MessageExtra): Promise<void>;
  /** The arguments of tool `name` that Streamable HTTP clients mirror into `Mcp-Param-*` headers. */
  toolHeaderParams(name: string): readonly McpParamHeader[];
  /** The OAuth scopes the definition a request addresses asks for (a tool's, a resource's, a prompt's), if any. */
  scopeNeed(message: JSONRPCMessage): ScopeNeed | undefined;
  /**
   * Ends `subscriptions/listen` streams gracefully (their requests answer with the completion result):
   * every one, or those whose request came on a session `which` picks (the request's own, or the
   * connection's it came on). A transport that closes calls it before it drains.
   */
  endSubscriptions(which?: (session: Session) => boolean): void;
  /** Listens to the relay payloads this instance gets on the message bus; returns a function that stops. */
  onRelayPayload(listener: (payload: RelayPayload) => void): () => void;
}

/** The key under which an `McpServer` keeps its transport host (shared by copies of the package). */
export const TRANSPORT_HOST: unique symbol = Symbol.for('mcp-live.transportHost') as never;

/** What `server`'s transports use of it. */
export function transportHost(server: McpServer): TransportHost {
  return server[TRANSPORT_HOST];
}
