import type { JSONRPCRequest, JSONRPCResponse } from '../protocol/jsonrpc.ts';
import type { SessionView } from './session.ts';
import type { ListenStreamView } from './subscription-hub.ts';

/** The events an `McpServer` emits, with their listeners' arguments. */
export interface ServerEvents {
  /** A transport opened a session: before `initialize` (an HTTP+SSE stream opens it first). */
  sessionOpened: [session: SessionView];
  /** The session's client completed the handshake (`notifications/initialized`): it takes notifications now. */
  sessionInitialized: [session: SessionView];
  sessionClosed: [session: SessionView, reason: string];
  /** Before a request is handled; a listener that throws (a `ProtocolError`, say) refuses it. */
  beforeRequest: [request: JSONRPCRequest, session: SessionView];
  /** After a request was answered (not for cancelled ones). */
  afterRequest: [
    request: JSONRPCRequest,
    response: JSONRPCResponse,
    session: SessionView,
    durationMs: number,
  ];
  /** A handler failed, or a listener or transport reported a problem. */
  error: [error: unknown, context: { session?: SessionView; request?: JSONRPCRequest }];
  /** A 2026-07-28 client opened a `subscriptions/listen` stream on this instance; `server.notify(stream.id, …)` reaches it. */
  listenOpened: [stream: ListenStreamView];
  /** That stream closed: the client went away, or the server ended it. */
  listenClosed: [stream: ListenStreamView];
  /** A client notification the core does not handle itself (`notifications/roots/list_changed`, custom ones). */
  notification: [method: string, params: Record<string, unknown> | undefined, session: SessionView];
}

type Listener<A extends unknown[]> = (...args: A) => void | Promise<void>;

/** A small typed event hub; listeners' failures are reported to `error` listeners, never thrown at callers. */
export class Hooks {
  #listeners: { [K in keyof ServerEvents]?: Array<Listener<ServerEvents[K]>> } = {};

  on<K extends keyof ServerEvents>(event: K, listener: Listener<ServerEvents[K]>): () => void {
    const list = (this.#listeners[event] ?? []) as Array<Listener<ServerEvents[K]>>;
    (this.#listeners as Record<string, unknown>)[event] = list;
    list.push(listener);
    return () => {
      const index = list.indexOf(listener);
      if (index >= 0) list.splice(index, 1);
    };
  }

  has(event: keyof ServerEvents): boolean {
    return (this.#listeners[event]?.length ?? 0) > 0;
  }

  /** Calls every listener; failures go to `error` listeners (or the console when there are none). */
  emit<K extends keyof ServerEvents>(event: K, ...args: ServerEvents[K]): void {
    const list = this.#listeners[event] as Array<Listener<ServerEvents[K]>> | undefined;
    if (list === undefined) return;
    for (const listener of [...list]) {
      try {
        const result = listener(...args);
        if (result instanceof Promise) result.catch((error) => this.#fail(event, error));
      } catch (error) {
        this.#fail(event, error);
      }
    }
  }

  /** Awaits every listener in order; the first failure is thrown (used for `beforeRequest`). */
  async run<K extends keyof ServerEvents>(event: K, ...args: ServerEvents[K]): Promise<void> {
    const list = this.#listeners[event] as Array<Listener<ServerEvents[K]>> | undefined;
    if (list === undefined) return;
    for (const listener of [...list]) await listener(...args);
  }

  #fail(event: keyof ServerEvents, error: unknown): void {
    if (event !== 'error' && this.has('error')) this.emit('error', error, {});
    else console.error(`mcp-live: a "${event}" listener failed:`, error);
  }
}
