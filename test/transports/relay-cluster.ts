// Two or more instances of one deployment in this process: McpServers sharing a session store, an
// event store and a message bus (the in-memory ones, standing in for Redis), each instance with its
// own HTTP server on 127.0.0.1:0. An instance can "crash": it leaves the bus and drops its
// connections, but its sessions stay in its memory and in the store, as after a kill -9.
import type { JSONRPCMessage } from '../../src/protocol/jsonrpc.ts';
import { McpLiveError } from '../../src/protocol/mcp-live-error.ts';
import { s } from '../../src/schema/index.ts';
import { McpServer } from '../../src/server/mcp-server.ts';
import type { BusHandler, MessageBus, RelayPayload, SessionSelector } from '../../src/server/message-bus.ts';
import { MemoryEventStore } from '../../src/stores/memory-event-store.ts';
import { MemoryMessageBus } from '../../src/stores/memory-message-bus.ts';
import { MemorySessionStore } from '../../src/stores/memory-session-store.ts';

/** A view of a shared bus for one instance, which a test can cut as a crash would. */
export class SeverableBus implements MessageBus {
  readonly #bus: MessageBus;
  readonly #stops: Array<() => Promise<void>> = [];
  readonly #listeners: Array<[string, BusHandler]> = [];
  #severed = false;
  /** While true, what this instance sends fails (as while its Redis connection is down). */
  failSends = false;
  /** Relay packets this instance sends that match fail, the others go through. */
  failRelays: ((payload: RelayPayload) => boolean) | undefined;

  constructor(bus: MessageBus) {
    this.#bus = bus;
  }

  sever(): Promise<void> {
    this.#severed = true;
    return Promise.all(this.#stops.map((stop) => stop())).then(() => {});
  }

  /** Stops listening for `ms`, then listens again (a subscriber re-subscribing after a Redis restart). */
  async blink(ms: number): Promise<void> {
    const stops = this.#stops.splice(0);
    await Promise.all(stops.map((stop) => stop()));
    setTimeout(() => {
      for (const [instanceId, handler] of this.#listeners) void this.subscribe(instanceId, handler);
    }, ms);
  }

  publishToSession(owner: string, sessionId: string, message: JSONRPCMessage): Promise<void> {
    return this.#check() ?? this.#bus.publishToSession(owner, sessionId, message);
  }

  broadcast(origin: string, message: JSONRPCMessage, selector?: SessionSelector): Promise<void> {
    return this.#check() ?? this.#bus.broadcast(origin, message, selector);
  }

  relay(instanceId: string, payload: RelayPayload): Promise<void> {
    if (this.failRelays?.(payload) === true) {
      return Promise.reject(new McpLiveError('STORE_UNAVAILABLE', 'Redis is unreachable'));
    }
    return this.#check() ?? this.#bus.relay(instanceId, payload);
  }

  async subscribe(instanceId: string, handler: BusHandler): Promise<() => Promise<void>> {
    const stop = await this.#bus.subscribe(instanceId, handler);
    this.#stops.push(stop);
    if (!this.#listeners.some(([, h]) => h === handler)) this.#listeners.push([instanceId, handler]);
    return stop;
  }

  async close(): Promise<void> {}

  #check(): Promise<never> | undefined {
    if (this.#severed) return Promise.reject(new McpLiveError('STORE_UNAVAILABLE', 'this instance crashed'));
    if (this.failSends) return Promise.reject(new McpLiveError('STORE_UNAVAILABLE', 'Redis is unreachable'));
    return undefined;
  }
}

export interface Deployment {
  sessionStore: MemorySessionStore;
  eventStore: MemoryEventStore;
  bus: MemoryMessageBus;
}

export function deployment(): Deployment {
  return {
    sessionStore: new MemorySessionStore(),
    eventStore: new MemoryEventStore(),
    bus: new MemoryMessageBus(),
  };
}

/**
 * One instance's McpServer with the tools the tests call: `whoami` (the instance that ran the call),
 * `burst` (sends `count` notifications/message, then answers), and `ask` (elicits, answers with the reply).
 */
export function instanceServer(d: Deployment, instanceId: string): { server: McpServer; bus: SeverableBus } {
  const bus = new SeverableBus(d.bus);
  const server = new McpServer(
    { name: 'relay-test', version: '1.0.0' },
    { sessionStore: d.sessionStore, messageBus: bus, instanceId },
  );
  server.tool('whoami', { description: 'The instance that ran this call' }, () => instanceId);
  server.tool('burst', { input: { count: s.integer().required() } }, ({ count }, ctx) => {
    for (let n = 1; n <= count; n++) ctx.log('info', { n });
    return `sent ${count}`;
  });
  server.tool('ask', {}, async (_args, ctx) => {
    const reply = await ctx.elicit({
      message: 'Name?',
      requestedSchema: { type: 'object', properties: { name: { type: 'string' } } },
    });
    return `${instanceId} got ${JSON.stringify(reply.content)}`;
  });
  return { server, bus };
}

export function textOf(message: Record<string, unknown>): string {
  const result = message.result as { content: Array<{ text: string }> };
  return result.content[0]!.text;
}
