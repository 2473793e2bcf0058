import { flatString } from '../protocol/flat-string.ts';
import type { JSONRPCNotification, RequestId } from '../protocol/jsonrpc.ts';
import type { ServerCapabilities } from '../protocol/lifecycle.ts';
import { McpLiveError } from '../protocol/mcp-live-error.ts';
import { ProtocolError } from '../protocol/protocol-error.ts';
import { randomId } from '../protocol/random-id.ts';
import { MetaKey } from '../protocol/request-meta.ts';
import { EVENTS_EXTENSION, type EventsFilter, readEventsFilter, takesEvent } from './events-extension.ts';
import { ListenNotification } from './listen-notification.ts';
import type { SessionSelector } from './message-bus.ts';
import type { RequestContext } from './request-context.ts';
import type { SendOptions } from './session.ts';

/** What a `subscriptions/listen` request opts in to (2026-07-28), with mcp-live's custom-events extension. */
export interface SubscriptionFilter {
  toolsListChanged?: boolean;
  promptsListChanged?: boolean;
  resourcesListChanged?: boolean;
  resourceSubscriptions?: string[];
  [EVENTS_EXTENSION]?: EventsFilter;
}

type ListKind = 'tools' | 'prompts' | 'resources';

const FLAG: Record<ListKind, 'toolsListChanged' | 'promptsListChanged' | 'resourcesListChanged'> = {
  tools: 'toolsListChanged',
  prompts: 'promptsListChanged',
  resources: 'resourcesListChanged',
};

/** An open `subscriptions/listen` stream, as `listenOpened` and `listenClosed` listeners see it. */
export interface ListenStreamView {
  /**
   * Unique across instances and unguessable: `server.notify(id, …)` reaches this stream from any
   * instance. Not the subscription id the client sees (that is its listen request's JSON-RPC id).
   */
  readonly id: string;
  /** Whoever the transport authenticated for the listen request, if anyone. */
  readonly principal: unknown;
  /** What the server honours of what the stream asked for. */
  readonly notifications: SubscriptionFilter;
}

/** What the hub tells the server about streams opening and closing. */
export interface SubscriptionHubSettings {
  maxSubscriptions: number;
  instanceId: string;
  opened?: (stream: ListenStreamView) => void;
  closed?: (stream: ListenStreamView) => void;
}

/** Whether a targeted `notify` reached the stream, the stream never asked for that method, or is gone. */
export type StreamDelivery = 'sent' | 'not-asked' | 'missing';

/**
 * One open listen stream. A class, not closures: a server may hold ten thousand of them for hours,
 * and each closure with its context costs about a hundred bytes.
 */
class Subscription {
  readonly id: RequestId;
  readonly view: ListenStreamView;
  readonly filter: SubscriptionFilter;
  readonly uris: ReadonlySet<string>;
  /** The custom events it asked for (the extension), if any. */
  readonly events:
    | { readonly methods: ReadonlySet<string>; readonly topics: ReadonlySet<string> }
    | undefined;
  readonly ctx: RequestContext;
  readonly #hub: SubscriptionHub;
  readonly #resolve: (result: Record<string, unknown> | undefined) => void;

  constructor(
    hub: SubscriptionHub,
    view: ListenStreamView,
    filter: SubscriptionFilter,
    ctx: RequestContext,
    resolve: (result: Record<string, unknown> | undefined) => void,
  ) {
    this.#hub = hub;
    this.id = ctx.requestId;
    this.view = view;
    this.filter = filter;
    this.uris = new Set(filter.resourceSubscriptions);
    const events = filter[EVENTS_EXTENSION];
    this.events =
      events === undefined ? undefined : { methods: new Set(events.methods), topics: new Set(events.topics) };
    this.ctx = ctx;
    this.#resolve = resolve;
  }

  /** Ends the subscription gracefully: its request answers with the completion result. */
  end(): void {
    this.#hub.remove(this);
    this.#resolve(completionOf(this.id));
  }

  /** The request was aborted (the client left, or cancelled it): no answer. */
  aborted(): void {
    this.#hub.remove(this);
    this.#resolve(undefined);
  }
}

/** The result a listen request ends with when the server ends it. */
const completionOf = (id: RequestId) => ({ _meta: { [MetaKey.SubscriptionId]: id } });

/**
 * The open `subscriptions/listen` streams of this instance: each hears only what it opted in to,
 * every frame tagged with its subscription id.
 */
export class SubscriptionHub {
  readonly #subscriptions = new Set<Subscription>();
  readonly #byStream = new Map<string, Subscription>();
  readonly #settings: SubscriptionHubSettings;

  constructor(settings: SubscriptionHubSettings) {
    this.#settings = settings;
  }

  get size(): number {
    return this.#subscriptions.size;
  }

  /**
   * Serves one `subscriptions/listen` request: acknowledges the subset it can honour, then holds the
   * request open until the client goes away (no answer) or the server ends it (the completion result).
   * A listen of which nothing can be honoured is acknowledged and completed at once.
   */
  listen(params: Record<string, unknown>, ctx: RequestContext, capabilities: ServerCapabilities) {
    const requested = params.notifications;
    if (typeof requested !== 'object' || requested === null || Array.isArray(requested)) {
      throw ProtocolError.invalidParams(
        'subscriptions/listen needs "notifications": an object such as {"toolsListChanged": true, "resourceSubscriptions": ["file:///a"]}',
      );
    }
    const filter = honoured(requested as Record<string, unknown>, capabilities);
    const id = ctx.requestId;
    if (Object.keys(filter).length > 0 && this.#subscriptions.size >= this.#settings.maxSubscriptions) {
      throw new ProtocolError(
        -32603,
        `This server holds its maximum of ${this.#settings.maxSubscriptions} subscriptions (maxSubscriptions); retry later`,
      );
    }
    ctx.session.notify(
      'notifications/subscriptions/acknowledged',
      { _meta: { [MetaKey.SubscriptionId]: id }, notifications: filter },
      { relatedRequestId: id },
    );
    if (Object.keys(filter).length === 0) return completionOf(id);
    return new Promise<Record<string, unknown> | undefined>((resolve) => {
      const view: ListenStreamView = {
        id: flatString(`${LISTEN_PREFIX}${this.#settings.instanceId}:${randomId()}`),
        principal: ctx.session.principal,
        notifications: filter,
      };
      const subscription = new Subscription(this, view, filter, ctx, resolve);
      this.#subscriptions.add(subscription);
      this.#byStream.set(view.id, subscription);
      ctx.onAbort(() => subscription.aborted());
      this.#settings.opened?.(view);
    });
  }

  /** Takes a subscription off the hub (once); its stream's listeners hear it closed. */
  remove(subscription: Subscription): void {
    if (!this.#subscriptions.delete(subscription)) return;
    this.#byStream.delete(subscription.view.id);
    this.#settings.closed?.(subscription.view);
  }

  /** Tells every stream that opted in to changes of `kind`'s list. */
  listChanged(kind: ListKind): void {
    const flag = FLAG[kind];
    const notification = new ListenNotification(`notifications/${kind}/list_changed`, {});
    for (const s of this.#subscriptions) {
      if (s.filter[flag] === true) this.#send(s, notification);
    }
  }

  /** Tells every stream subscribed to `uri` that it changed; returns how many were told. */
  resourceUpdated(uri: string): number {
    let count = 0;
    const notification = new ListenNotification('notifications/resources/updated', { uri });
    for (const s of this.#subscriptions) {
      if (!s.uris.has(uri)) continue;
      this.#send(s, notification);
      count++;
    }
    return count;
  }

  /**
   * Hands a custom notification (a broadcast) to every stream whose custom-events filter takes it;
   * returns how many got it.
   */
  custom(message: JSONRPCNotification, selector: SessionSelector | undefined): number {
    let count = 0;
    const notification = new ListenNotification(message.method, message.params ?? {});
    for (const s of this.#subscriptions) {
      if (s.events === undefined || !takesEvent(s.events, s.ctx.session.principal, message, selector))
        continue;
      this.#send(s, notification);
      count++;
    }
    return count;
  }

  /**
   * Sends a notification to one stream of this instance, if it asked for that method: a custom one
   * through the custom-events extension's `methods`, a standard one through its filter.
   */
  notifyStream(streamId: string, message: JSONRPCNotification): StreamDelivery {
    const s = this.#byStream.get(streamId);
    if (s === undefined) return 'missing';
    const params = message.params ?? {};
    if (!asked(s, message.method, params)) return 'not-asked';
    this.#send(s, new ListenNotification(message.method, params));
    return 'sent';
  }

  /** Ends every subscription gracefully (server shutdown), or those `which` picks. */
  endAll(which?: (ctx: RequestContext) => boolean): void {
    for (const s of [...this.#subscriptions]) if (which === undefined || which(s.ctx)) s.end();
  }

  #send(s: Subscription, notification: ListenNotification): void {
    const options: SendOptions = { relatedRequestId: s.id };
    const json = notification.json(s.id);
    if (json !== undefined) options.json = json;
    s.ctx.session.send(notification.message(s.id), options);
  }
}

/** Marks the ids of listen streams, so that `notify` can tell them from session ids. */
export const LISTEN_PREFIX = 'listen:';

/** The instance that holds stream `id` (`listen:{instanceId}:{uuid}`). */
export function streamOwner(id: string): string {
  return id.slice(LISTEN_PREFIX.length, id.lastIndexOf(':'));
}

function asked(s: Subscription, method: string, params: Record<string, unknown>): boolean {
  if (s.events?.methods.has(method) === true) return true;
  if (method === 'notifications/resources/updated') return s.uris.has(String(params.uri));
  const kind = /^notifications\/(tools|prompts|resources)\/list_changed$/.exec(method)?.[1] as ListKind;
  return kind !== undefined && s.filter[FLAG[kind]] === true;
}

/** The part of a filter this server can honour: list changes it announces, subscriptions it supports. */
function honoured(requested: Record<string, unknown>, capabilities: ServerCapabilities): SubscriptionFilter {
  const filter: SubscriptionFilter = {};
  for (const kind of ['tools', 'prompts', 'resources'] as const) {
    const flag = FLAG[kind];
    const declared = capabilities[kind] as { listChanged?: boolean } | undefined;
    if (requested[flag] === true && declared?.listChanged === true) filter[flag] = true;
  }
  const uris = requested.resourceSubscriptions;
  if (uris !== undefined) {
    if (!Array.isArray(uris) || !uris.every((u) => typeof u === 'string')) {
      throw ProtocolError.invalidParams(
        '"notifications.resourceSubscriptions" must be an array of resource URIs',
      );
    }
    if (capabilities.resources?.subscribe === true && uris.length > 0)
      filter.resourceSubscriptions = [...uris];
  }
  const events = readEventsFilter(requested[EVENTS_EXTENSION]);
  if (events !== undefined && capabilities.extensions?.[EVENTS_EXTENSION] !== undefined) {
    filter[EVENTS_EXTENSION] = events;
  }
  return filter;
}

/** The listen cap was set to something that is not a positive number. */
export function checkMaxSubscriptions(value: number): number {
  if (!(Number.isInteger(value) && value > 0)) {
    throw new McpLiveError(
      'INVALID_OPTION',
      `McpServer option maxSubscriptions must be a positive integer (got ${value})`,
    );
  }
  return value;
}
