import type { JSONRPCMessage } from '../protocol/jsonrpc.ts';
import { samePrincipal } from './same-principal.ts';
import type { Session } from './session.ts';

/**
 * Which sessions a broadcast is for, in a form that can travel to other instances (a function cannot).
 * Every field narrows the choice; an empty selector takes every initialized session.
 */
export interface SessionSelector {
  /**
   * Only sessions subscribed (`resources/subscribe`) to this resource URI or topic, and listen streams
   * of the custom-events extension that list it among their `topics`.
   */
  subscribedTo?: string;
  /** Only the sessions and listen streams of this principal (what `authenticate` returned), as plain data. */
  principal?: unknown;
}

/**
 * What the HTTP transports send each other to serve a request on the instance that holds its session:
 * a JSON object that is opaque to the bus, which carries it as it is, in order, to one instance.
 */
export type RelayPayload = Readonly<Record<string, unknown>>;

/** One message on a bus: for one session, for the sessions of every instance, or a relayed exchange's. */
export type BusMessage =
  | { type: 'session'; sessionId: string; message: JSONRPCMessage }
  | { type: 'broadcast'; origin: string; message: JSONRPCMessage; selector?: SessionSelector }
  | { type: 'relay'; payload: RelayPayload };

/** Receives what the bus delivers to one instance. */
export type BusHandler = (message: BusMessage) => void;

/**
 * Carries messages between the instances of one deployment: to the instance that holds a session's
 * stream, or to every instance. The in-memory bus links the servers of one process; a shared bus
 * (Redis) links processes. Delivery is at most once and unacknowledged, in order per publisher.
 */
export interface MessageBus {
  /**
   * Delivers `message` to session `sessionId`, held by instance `owner`. Rejects with
   * `SESSION_NOT_FOUND` when no instance `owner` listens, `STORE_UNAVAILABLE` when the bus cannot carry it.
   */
  publishToSession(owner: string, sessionId: string, message: JSONRPCMessage): Promise<void>;
  /** Delivers `message` to every listening instance except `origin` (which serves its own sessions). */
  broadcast(origin: string, message: JSONRPCMessage, selector?: SessionSelector): Promise<void>;
  /**
   * Delivers a relay payload to instance `instanceId`, in order with the payloads this bus sent it before.
   * Rejects with `INSTANCE_GONE` when that instance does not listen, `STORE_UNAVAILABLE` when the bus cannot carry it.
   */
  relay(instanceId: string, payload: RelayPayload): Promise<void>;
  /** Listens as instance `instanceId`; resolves to a function that stops listening. */
  subscribe(instanceId: string, handler: BusHandler): Promise<() => Promise<void>>;
  /** Stops every subscription and releases what the bus opened itself. */
  close(): Promise<void>;
  /**
   * Optional. Resolves when the bus can carry messages now and listens for every instance that
   * subscribed; rejects saying why not (`STORE_UNAVAILABLE`, or `CLOSED` after `close()`). Readiness
   * probes call it; a bus without it counts as ready.
   */
  ready?(): Promise<void>;
  /**
   * Optional. Calls `listener` with failures that happen outside any call (a lost connection, told
   * once); returns a function that stops. `McpServer` attaches here and tells its `error` listeners.
   */
  onError?(listener: (error: Error) => void): () => void;
}

/** Whether an initialized session is one a selector takes. */
export function matchesSelector(session: Session, selector: SessionSelector | undefined): boolean {
  if (session.protocolVersion === undefined || session.closed) return false;
  if (selector === undefined) return true;
  if (selector.subscribedTo !== undefined && !session.subscribedTo(selector.subscribedTo)) return false;
  return selector.principal === undefined || samePrincipal(selector.principal, session.principal);
}
