// Per-session topic subscriptions. A session's filters are kept as marker URIs in its resource
// subscriptions (`live-topic://chat/general`, `live-topic://metrics/*`), for two reasons: a
// `SessionSelector` ({ subscribedTo }) can pick the sessions of a channel or a document on every
// instance, so chat and document updates travel over the message bus; and a session store that keeps
// subscriptions hands them to the instance that takes the session over. No client can subscribe to
// these URIs itself: no resource has them.
import { type McpServer, type SessionView, s, toolError } from '../../src/index.ts';
import { asSession } from '../../src/transport.ts';
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

export const NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

const MARKER = 'live-topic://';
const ALL = '*';

/** The marker URI of one key of a topic, or of all of it (`key` undefined). */
export function topicMarker(topic: Topic, key?: string): string {
  return `${MARKER}${topic}/${key ?? ALL}`;
}

function markersOf(session: SessionView, topic?: Topic): string[] {
  const prefix = topic === undefined ? MARKER : `${MARKER}${topic}/`;
  return [...session.subscriptions].filter((uri) => uri.startsWith(prefix));
}

/** Routes updates to the sessions subscribed to them. */
export class TopicHub {
  readonly #server: McpServer;

  constructor(server: McpServer) {
    this.#server = server;
    // What a new session gets: the `general` chat channel. A session taken over from another instance
    // comes with the markers its store kept, and keeps them.
    server.on('sessionOpened', (session) => {
      if (markersOf(session).length === 0) this.#mark(session, [topicMarker('chat', 'general')]);
    });
  }

  /** Sets a session's filter for `topic`, replacing the one before. */
  subscribe(session: SessionView, topic: Topic, filter: TopicFilter): void {
    for (const uri of markersOf(session, topic)) asSession(session).subscriptions.delete(uri);
    const keys = filter === 'all' ? [undefined] : [...filter];
    this.#mark(
      session,
      keys.map((key) => topicMarker(topic, key)),
    );
  }

  unsubscribe(view: SessionView, topic: Topic): boolean {
    const markers = markersOf(view, topic);
    const session = asSession(view);
    for (const uri of markers) session.subscriptions.delete(uri);
    if (markers.length > 0) session.stateChanged();
    return markers.length > 0;
  }

  /** Adds one key (a channel, a document) to a session's filter; a session that gets everything keeps that. */
  join(session: SessionView, topic: Topic, key: string): void {
    if (this.filterOf(session, topic) === 'all' || session.subscriptions.has(topicMarker(topic, key))) return;
    this.#mark(session, [topicMarker(topic, key)]);
  }

  filterOf(session: SessionView, topic: Topic): TopicFilter | undefined {
    const keys = markersOf(session, topic).map((uri) => uri.slice(`${MARKER}${topic}/`.length));
    if (keys.length === 0) return undefined;
    return keys.includes(ALL) ? 'all' : new Set(keys);
  }

  /** Every subscription of a session, as plain JSON. */
  describe(session: SessionView): Record<string, string[] | 'all'> {
    const out: Record<string, string[] | 'all'> = {};
    for (const topic of TOPICS) {
      const filter = this.filterOf(session, topic);
      if (filter !== undefined) out[topic] = filter === 'all' ? 'all' : [...filter].sort();
    }
    return out;
  }

  /**
   * Sends an update of `topic` about `key` to every session whose filter takes it, on every instance
   * (through the message bus when the server has a shared one). Resolves how many sessions of this
   * instance got it; the other instances deliver theirs on their own.
   */
  async publish(topic: Topic, key: string, params: Record<string, unknown>): Promise<number> {
    const body = { topic, ...params };
    const method = TOPIC_METHODS[topic];
    // A session's markers are either `*` or keys, never both, so no session gets the update twice.
    const counts = await Promise.all([
      this.#server.broadcast(method, body, { subscribedTo: topicMarker(topic) }),
      this.#server.broadcast(method, body, { subscribedTo: topicMarker(topic, key) }),
    ]);
    return counts[0] + counts[1];
  }

  /**
   * Sends an update of `topic` to this instance's sessions that take it, with `params` computed per
   * session from its filter (metrics describe this instance's machine, so they stay here).
   */
  publishLocal(topic: Topic, params: (filter: TopicFilter) => Record<string, unknown>): number {
    let delivered = 0;
    for (const session of this.#server.sessions) {
      if (!session.initialized || session.closed) continue;
      const filter = this.filterOf(session, topic);
      if (filter === undefined) continue;
      if (session.notify(TOPIC_METHODS[topic], { topic, ...params(filter) })) delivered++;
    }
    return delivered;
  }

  #mark(view: SessionView, markers: string[]): void {
    // Topics ride on the session's subscription set, which the session store records, so that an
    // instance taking the session over keeps them: changing what the protocol records takes the whole
    // session (mcp-live/transport).
    const session = asSession(view);
    for (const uri of markers) session.subscriptions.add(uri);
    session.stateChanged();
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

const NO_SESSION =
  'Topic updates go to a session: connect with a 2025 protocol revision (Streamable HTTP or HTTP+SSE). ' +
  'A 2026-07-28 client hears them on subscriptions/listen with the dev.mcp-live/events extension: ' +
  '{"dev.mcp-live/events": {"methods": ["chat_message", "document_changed"], "topics": ["live-topic://chat/general", "live-topic://documents/*"]}} ' +
  '(docs/events-extension.md).';

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
      // A 2026-07-28 request has no session to deliver later notifications to.
      if (ctx.stateless) return toolError(NO_SESSION);
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
      if (ctx.stateless) return toolError(NO_SESSION);
      const removed = hub.unsubscribe(ctx.session, topic);
      return JSON.stringify({ topic, removed, subscriptions: hub.describe(ctx.session) });
    },
  );
}
