// Two McpServer instances in one test process, linked by a message bus and a shared session store,
// with sessions whose every outgoing message is recorded.
import type { TestContext } from 'node:test';
import type { JSONRPCMessage } from '../../src/protocol/jsonrpc.ts';
import { McpServer } from '../../src/server/mcp-server.ts';
import type { MessageBus } from '../../src/server/message-bus.ts';
import type { Session } from '../../src/server/session.ts';
import type { SessionStore } from '../../src/server/session-store.ts';
import { transportHost } from '../../src/server/transport-host.ts';
import { MemoryMessageBus } from '../../src/stores/memory-message-bus.ts';
import { MemorySessionStore } from '../../src/stores/memory-session-store.ts';
import type { RedisClientLike } from '../../src/stores/redis-client.ts';
import { RedisMessageBus } from '../../src/stores/redis-message-bus.ts';
import { RedisSessionStore } from '../../src/stores/redis-session-store.ts';
import { closeClient, connectClient, deferred } from './redis-server.ts';

export interface Recorded {
  session: Session;
  sent: JSONRPCMessage[];
  /** The next message not yet taken with `next()`, waited for (with a bound). */
  next(): Promise<JSONRPCMessage>;
}

export interface Instance {
  server: McpServer;
  bus: MessageBus;
  store: SessionStore;
  errors: unknown[];
}

/** Opens a session on `server` that records what it is sent; initialized unless told otherwise. */
export async function openRecorded(server: McpServer, initialized = true): Promise<Recorded> {
  const sent: JSONRPCMessage[] = [];
  const waiting: Array<(message: JSONRPCMessage) => void> = [];
  let taken = 0;
  const session = await transportHost(server).openSession({
    transport: 'test',
    channel: {
      send(message) {
        sent.push(message);
        const waiter = waiting.shift();
        if (waiter !== undefined) {
          taken++;
          waiter(message);
        }
      },
    },
  });
  if (initialized) {
    // As an initialize would: the session and its record in the store (other instances read it).
    session.protocolVersion = '2025-11-25';
    await server.sessionStore.update(session.id, { protocolVersion: '2025-11-25', initialized: true });
  }
  return {
    session,
    sent,
    next() {
      if (taken < sent.length) return Promise.resolve(sent[taken++]!);
      const message = deferred<JSONRPCMessage>(15_000, `a message to session ${session.id}`);
      waiting.push(message.resolve);
      return message.promise;
    },
  };
}

/** The method of a recorded notification. */
export function methodOf(message: JSONRPCMessage): string | undefined {
  return 'method' in message ? message.method : undefined;
}

function instance(server: McpServer, bus: MessageBus, store: SessionStore): Instance {
  const errors: unknown[] = [];
  server.on('error', (error) => void errors.push(error));
  return { server, bus, store, errors };
}

/** Instances A and B in one process: one MemoryMessageBus and one MemorySessionStore between them. */
export async function memoryPair(t: TestContext): Promise<[Instance, Instance]> {
  const bus = new MemoryMessageBus();
  const store = new MemorySessionStore();
  const make = (instanceId: string) => {
    const server = new McpServer(
      { name: instanceId, version: '1' },
      { instanceId, messageBus: bus, sessionStore: store },
    );
    t.after(() => server.close());
    return instance(server, bus, store);
  };
  return [make('A'), make('B')];
}

export interface RedisInstanceOptions {
  prefix: string;
  onRecovered?: { store?: () => void; bus?: () => void };
}

/** Instance `instanceId` with its own Redis connections (one for commands, one the bus listens on). */
export async function redisInstance(
  t: TestContext,
  url: string,
  instanceId: string,
  options: RedisInstanceOptions,
): Promise<Instance & { client: Awaited<ReturnType<typeof connectClient>> }> {
  const client = await connectClient(undefined, url);
  const like = client as unknown as RedisClientLike;
  const silent = () => {};
  const store = new RedisSessionStore({
    client: like,
    prefix: options.prefix,
    onError: silent,
    onRecovered: options.onRecovered?.store ?? silent,
  });
  const bus = new RedisMessageBus({
    client: like,
    prefix: options.prefix,
    onError: silent,
    onRecovered: options.onRecovered?.bus ?? silent,
  });
  const server = new McpServer(
    { name: instanceId, version: '1' },
    { instanceId, messageBus: bus, sessionStore: store },
  );
  t.after(async () => {
    await server.close();
    await bus.close();
    await store.close();
    await closeClient(client);
  });
  await bus.listening();
  return { ...instance(server, bus, store), client };
}
