// Per-session topic subscriptions. Each session keeps its own table in `session.data`, so it goes away
// with the session and nothing here needs cleaning up.
import { type McpServer, type Session, s, toolError } from '../../src/index.ts';
import { METRIC_FIELDS } from './metrics.ts';

export const TOPICS = ['metrics', 'chat', 'documents'] as const;
export type Topic = (typeof TOPICS)[number];

/** Which updates of a topic a session gets: every key, or only these (channels, document ids, metric fields). */
export type TopicFilter = ReadonlySet<string> | 'all';

/** The notification method each topic's updates are sent with. */
export const TOPIC_METHODS: Record<Topic, string> = {
  metrics: 'system_metrics',
  chat: 'chat_message',
  documents: 'document_changed',
};

const KEY = 'live.topics';
export const NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

function table(session: Session): Map<Topic, TopicFilter> {
  let topics = session.data.get(KEY) as Map<Topic, TopicFilter> | undefined;
  if (topics === undefined) {
    // What a new session gets: the `general` chat channel, nothing else.
    topics = new Map([['chat', new Set(['general'])]]);
    session.data.set(KEY, topics);
  }
  return topics;
}

/** Routes updates to the sessions subscribed to them. */
export class TopicHub {
  readonly #server: McpServer;

  constructor(server: McpServer) {
    this.#server = server;
  }

  /** Sets a session's filter for `topic`, replacing the one before. */
  subscribe(session: Session, topic: Topic, filter: TopicFilter): void {
    table(session).set(topic, filter);
  }

  unsubscribe(session: Session, topic: Topic): boolean {
    return table(session).delete(topic);
  }

  /** Adds one key (a channel, a document) to a session's filter; a session that gets everything keeps that. */
  join(session: Session, topic: Topic, key: string): void {
    const topics = table(session);
    const filter = topics.get(topic);
    if (filter === 'all') return;
    topics.set(topic, new Set([...(filter ?? []), key]));
  }

  filterOf(session: Session, topic: Topic): TopicFilter | undefined {
    return table(session).get(topic);
  }

  /** Every subscription of a session, as plain JSON. */
  describe(session: Session): Record<string, string[] | 'all'> {
    const out: Record<string, string[] | 'all'> = {};
    for (const [topic, filter] of table(session)) out[topic] = filter === 'all' ? 'all' : [...filter].sort();
    return out;
  }

  /**
   * Sends an update of `topic` about `key` to each initialized session whose filter takes it;
   * `params` may be computed per session. Resolves how many sessions got it.
   */
  publish(
    topic: Topic,
    key: string | undefined,
    params: Record<string, unknown> | ((filter: TopicFilter) => Record<string, unknown>),
  ): number {
    let delivered = 0;
    for (const session of this.#server.sessions) {
      if (!session.initialized || session.closed) continue;
      const filter = table(session).get(topic);
      if (filter === undefined) continue;
      if (key !== undefined && filter !== 'all' && !filter.has(key)) continue;
      const body = typeof params === 'function' ? params(filter) : params;
      if (session.notify(TOPIC_METHODS[topic], { topic, ...body })) delivered++;
    }
    return delivered;
  }

  /** How many sessions subscribe to `topic` at all. */
  subscriberCount(topic: Topic): number {
    let count = 0;
    for (const session of this.#server.sessions) if (table(session).has(topic)) count++;
    return count;
  }
}

/** Checks a topic's filters; returns what is wrong with them, or undefined. */
function checkFilters(topic: Topic, filters: readonly string[]): string | undefined {
  if (topic === 'metrics') {
    const bad = filters.filter((f) => !(METRIC_FIELDS as readonly string[]).includes(f));
    if (bad.length === 0) return undefined;
    return `unknown metric ${bad.map((f) => JSON.stringify(f)).join(', ')}: metrics filters are field names, any of ${METRIC_FIELDS.join(', ')}`;
  }
  const bad = filters.filter((f) => !NAME_PATTERN.test(f));
  if (bad.length === 0) return undefined;
  const what = topic === 'chat' ? 'channel names' : 'document ids';
  return `invalid ${bad.map((f) => JSON.stringify(f)).join(', ')}: ${topic} filters are ${what} of 1–64 letters, digits, "_" or "-"`;
}

/** Registers `subscribe_updates` and `unsubscribe_updates`. */
export function registerTopicTools(server: McpServer, hub: TopicHub): void {
  server.tool(
    'subscribe_updates',
    {
      description:
        'Subscribe this session to real-time updates of a topic. metrics: a system_metrics notification ' +
        'per sample (filters pick fields: cpu, memory, disk, load). chat: chat_message notifications ' +
        '(filters are channels). documents: document_changed notifications (filters are document ids). ' +
        'Without filters you get everything of the topic. Subscribing again replaces the filters.',
      input: {
        topic: s.string().enum(TOPICS).required(),
        filters: s.array(s.string()).maxItems(50).describe('Optional filters'),
      },
    },
    ({ topic, filters }, ctx) => {
      const problem = filters === undefined ? undefined : checkFilters(topic, filters);
      if (problem !== undefined) return toolError(`subscribe_updates(${topic}): ${problem}`);
      const filter: TopicFilter = filters === undefined || filters.length === 0 ? 'all' : new Set(filters);
      hub.subscribe(ctx.session, topic, filter);
      return JSON.stringify({
        topic,
        filters: filter === 'all' ? 'all' : [...filter],
        notification: TOPIC_METHODS[topic],
        subscriptions: hub.describe(ctx.session),
      });
    },
  );

  server.tool(
    'unsubscribe_updates',
    {
      description: 'Stop the updates of a topic for this session.',
      input: { topic: s.string().enum(TOPICS).required() },
    },
    ({ topic }, ctx) => {
      const removed = hub.unsubscribe(ctx.session, topic);
      return JSON.stringify({ topic, removed, subscriptions: hub.describe(ctx.session) });
    },
  );
}
