import type { JSONRPCMessage } from '../protocol/jsonrpc.ts';
import { McpLiveError } from '../protocol/mcp-live-error.ts';
import type {
  BusHandler,
  BusMessage,
  MessageBus,
  RelayPayload,
  SessionSelector,
} from '../server/message-bus.ts';

/**
 * The default `MessageBus`: links the `McpServer`s of one process that share it (each server gets its
 * own otherwise, and has nobody to talk to). Messages are delivered on a later microtask, as a
 * network bus would deliver them, never inside the publisher's call.
 */
export class MemoryMessageBus implements MessageBus {
  readonly #instances = new Map<string, Set<BusHandler>>();

  async publishToSession(owner: string, sessionId: string, message: JSONRPCMessage): Promise<void> {
    const handlers = this.#instances.get(owner);
    if (handlers === undefined) {
      throw new McpLiveError(
        'SESSION_NOT_FOUND',
        `Session "${sessionId}" is held by instance "${owner}", which no longer listens on this bus`,
      );
    }
    this.#deliver(handlers, { type: 'session', sessionId, message });
  }

  async broadcast(origin: string, message: JSONRPCMessage, selector?: SessionSelector): Promise<void> {
    const sent: BusMessage =
      selector === undefined
        ? { type: 'broadcast', origin, message }
        : { type: 'broadcast', origin, message, selector };
    for (const [instanceId, handlers] of this.#instances) {
      if (instanceId !== origin) this.#deliver(handlers, sent);
    }
  }

  async relay(instanceId: string, payload: RelayPayload): Promise<void> {
    const handlers = this.#instances.get(instanceId);
    if (handlers === undefined) {
      throw new McpLiveError('INSTANCE_GONE', `Instance "${instanceId}" does not listen on this bus`);
    }
    this.#deliver(handlers, { type: 'relay', payload });
  }

  async subscribe(instanceId: string, handler: BusHandler): Promise<() => Promise<void>> {
    let handlers = this.#instances.get(instanceId);
    if (handlers === undefined) {
      handlers = new Set();
      this.#instances.set(instanceId, handlers);
    }
    handlers.add(handler);
    return async () => {
      handlers.delete(handler);
      if (handlers.size === 0 && this.#instances.get(instanceId) === handlers) {
        this.#instances.delete(instanceId);
      }
    };
  }

  async close(): Promise<void> {
    this.#instances.clear();
  }

  /** Always ready: the bus links servers of this process. */
  async ready(): Promise<void> {}

  #deliver(handlers: Set<BusHandler>, message: BusMessage): void {
    for (const handler of [...handlers]) queueMicrotask(() => handler(message));
  }
}
