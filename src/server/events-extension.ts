import type { JSONRPCNotification } from '../protocol/jsonrpc.ts';
import { ProtocolError } from '../protocol/protocol-error.ts';
import type { SessionSelector } from './message-bus.ts';
import { samePrincipal } from './same-principal.ts';

/**
 * mcp-live's custom-events extension of `subscriptions/listen` (2026-07-28), as docs/events-extension.md
 * specifies it: its identifier in `capabilities.extensions` and as a key of a listen's `notifications`.
 */
export const EVENTS_EXTENSION = 'dev.mcp-live/events';

/** The extension's part of a listen filter, as honoured: the custom methods asked for, and the topics. */
export interface EventsFilter {
  /** Notification methods (other than the revision's own) the stream takes. */
  methods: string[];
  /** Topics the stream counts as subscribed to: a notification aimed at a topic reaches it only if listed. */
  topics?: string[];
}

/** The methods the revision's own filter fields govern: the extension does not carry them. */
const CORE_METHODS = new Set([
  'notifications/tools/list_changed',
  'notifications/prompts/list_changed',
  'notifications/resources/list_changed',
  'notifications/resources/updated',
  'notifications/subscriptions/acknowledged',
]);

const MAX_ENTRIES = 256;
const MAX_LENGTH = 512;

/** Reads and checks the extension's filter from a listen request; `undefined` when it asks for nothing. */
export function readEventsFilter(value: unknown): EventsFilter | undefined {
  if (value === undefined) return undefined;
  const where = `"notifications[${JSON.stringify(EVENTS_EXTENSION)}]"`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw ProtocolError.invalidParams(
      `${where} must be an object such as {"methods": ["chat_message"], "topics": ["room:general"]}`,
    );
  }
  const { methods, topics } = value as { methods?: unknown; topics?: unknown };
  const wanted = strings(methods, `${where}.methods`, 'notification method names');
  const filter: EventsFilter = { methods: wanted.filter((m) => !CORE_METHODS.has(m)) };
  if (topics !== undefined) filter.topics = strings(topics, `${where}.topics`, 'topic names');
  return filter.methods.length === 0 ? undefined : filter;
}

function strings(value: unknown, where: string, what: string): string[] {
  if (
    !Array.isArray(value) ||
    value.length > MAX_ENTRIES ||
    !value.every((v) => typeof v === 'string' && v !== '' && v.length <= MAX_LENGTH)
  ) {
    throw ProtocolError.invalidParams(
      `${where} must be an array of up to ${MAX_ENTRIES} ${what} (non-empty strings of at most ${MAX_LENGTH} characters)`,
    );
  }
  return [...new Set(value as string[])];
}

/** Whether a notification sent with `selector` is one a stream with `filter`, opened by `principal`, takes. */
export function takesEvent(
  filter: { readonly methods: ReadonlySet<string>; readonly topics: ReadonlySet<string> },
  principal: unknown,
  message: JSONRPCNotification,
  selector: SessionSelector | undefined,
): boolean {
  if (!filter.methods.has(message.method)) return false;
  if (selector?.subscribedTo !== undefined && !filter.topics.has(selector.subscribedTo)) return false;
  return selector?.principal === undefined || samePrincipal(selector.principal, principal);
}
