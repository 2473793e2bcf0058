/** Called once per complete event that carried data; comments (keep-alives) are skipped. */
export type SSEEventHandler = (event: string, data: string) => void;

const MAX_BUFFER = 8 << 20;

/**
 * An incremental `text/event-stream` parser: feed it decoded chunks in any split and it calls
 * `onEvent` once per complete event. Only `event` and `data` fields matter to the bench.
 */
export class SSEParser {
  #buffer = '';
  readonly #onEvent: SSEEventHandler;

  constructor(onEvent: SSEEventHandler) {
    this.#onEvent = onEvent;
  }

  push(chunk: string): void {
    let buffer = this.#buffer + chunk;
    if (buffer.includes('\r')) {
      // A trailing '\r' may be the first half of a "\r\n" split across chunks; keep it for the next one.
      const held = buffer.endsWith('\r') ? '\r' : '';
      buffer = buffer.slice(0, buffer.length - held.length).replace(/\r\n?/g, '\n') + held;
    }
    let start = 0;
    for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n', start)) {
      this.#dispatch(buffer.slice(start, end));
      start = end + 2;
    }
    this.#buffer = start === 0 ? buffer : buffer.slice(start);
    if (this.#buffer.length > MAX_BUFFER) throw new Error(`SSE event larger than ${MAX_BUFFER} bytes`);
  }

  #dispatch(block: string): void {
    let event = 'message';
    let data: string | undefined;
    for (const line of block.split('\n')) {
      if (line === '' || line.charCodeAt(0) === 58) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? '' : line.slice(colon + 1);
      if (value.charCodeAt(0) === 32) value = value.slice(1);
      if (field === 'data') data = data === undefined ? value : `${data}\n${value}`;
      else if (field === 'event') event = value;
    }
    if (data !== undefined) this.#onEvent(event, data);
  }
}
