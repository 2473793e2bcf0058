// A small text/event-stream parser for tests: whole events out, whatever the chunk boundaries.

export interface ParsedEvent {
  event: string;
  data: string;
  id: string | undefined;
}

export class SSEParser {
  readonly events: ParsedEvent[] = [];
  readonly comments: string[] = [];
  #buffer = '';
  #data: string[] = [];
  #event = '';
  #id: string | undefined;
  #onEvent: ((event: ParsedEvent) => void) | undefined;
  #onComment: ((comment: string) => void) | undefined;

  constructor(onEvent?: (event: ParsedEvent) => void, onComment?: (comment: string) => void) {
    this.#onEvent = onEvent;
    this.#onComment = onComment;
  }

  feed(chunk: string): void {
    this.#buffer += chunk;
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.#buffer);
      // A lone CR at the very end may be the first half of a CRLF: wait for more.
      if (match === null || (match[0] === '\r' && match.index === this.#buffer.length - 1)) return;
      const line = this.#buffer.slice(0, match.index);
      this.#buffer = this.#buffer.slice(match.index + match[0].length);
      this.#line(line);
    }
  }

  #line(line: string): void {
    if (line === '') {
      if (this.#data.length > 0) {
        const event = { event: this.#event || 'message', data: this.#data.join('\n'), id: this.#id };
        this.events.push(event);
        this.#onEvent?.(event);
      }
      this.#data = [];
      this.#event = '';
      this.#id = undefined;
      return;
    }
    if (line.startsWith(':')) {
      const comment = line.slice(1).trimStart();
      this.comments.push(comment);
      this.#onComment?.(comment);
      return;
    }
    const colon = line.indexOf(':');
    const name = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (name === 'data') this.#data.push(value);
    else if (name === 'event') this.#event = value;
    else if (name === 'id') this.#id = value;
  }
}
