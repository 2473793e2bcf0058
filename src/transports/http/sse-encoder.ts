/** One server-sent event as the `text/event-stream` format describes it. */
export interface SSEEvent {
  /** The event type; clients dispatch `message` when it is absent. */
  event?: string;
  id?: string | number;
  /** The payload; line breaks in it become several `data:` lines. */
  data: string;
  /** Tells the client how many ms to wait before reconnecting. */
  retry?: number;
}

const LINE_BREAK = /\r\n|\r|\n/;

function field(name: string, value: string | number): string {
  const text = String(value);
  // A line break would end the field early and let the rest pose as other fields.
  return LINE_BREAK.test(text) ? `${name}: ${text.split(LINE_BREAK).join(' ')}\n` : `${name}: ${text}\n`;
}

/** Encodes one event: its fields, one `data:` line per line of `data`, then the blank line that ends it. */
export function encodeSSEEvent(event: SSEEvent): string {
  let out = '';
  if (event.id !== undefined) out += field('id', event.id);
  if (event.event !== undefined) out += field('event', event.event);
  if (event.retry !== undefined) out += `retry: ${Math.max(0, Math.floor(event.retry))}\n`;
  for (const line of event.data.split(LINE_BREAK)) out += `data: ${line}\n`;
  return `${out}\n`;
}

/** Encodes a comment, which clients ignore; used as a keep-alive that no client code sees. */
export function encodeSSEComment(text = ''): string {
  if (text === '') return ':\n\n';
  return `${text
    .split(LINE_BREAK)
    .map((line) => `: ${line}`)
    .join('\n')}\n\n`;
}

/**
 * Encodes a JSON-RPC message as a `message` event (without an id when `id` is undefined). `json` must
 * come from `JSON.stringify`, which never emits a raw line break, so this skips the line splitting of
 * `encodeSSEEvent` (the hot path).
 */
export function encodeSSEMessage(id: string | number | undefined, json: string): string {
  return id === undefined
    ? `event: message\ndata: ${json}\n\n`
    : `id: ${id}\nevent: message\ndata: ${json}\n\n`;
}

/** Priming events (an id and empty data) are for 2025-11-25 and later: older clients fail on empty data. */
export function wantsPrimingEvent(version: string): boolean {
  return version >= '2025-11-25';
}
