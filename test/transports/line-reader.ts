// Reads newline-delimited JSON-RPC from a stream (stdio's wire), for the stdio suites.
import type { Readable } from 'node:stream';

export type Message = Record<string, unknown> & {
  id?: unknown;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { code: number; message: string; data?: Record<string, unknown> };
};

/** Reads newline-delimited JSON from a stream, keeping the raw text too. */
export class LineReader {
  text = '';
  #partial = '';
  #lines: string[] = [];
  #waiting: Array<() => void> = [];
  #ended = false;

  constructor(stream: Readable) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      this.text += chunk;
      const lines = (this.#partial + chunk).split('\n');
      this.#partial = lines.pop()!;
      this.#lines.push(...lines);
      this.#wake();
    });
    stream.on('end', () => {
      this.#ended = true;
      this.#wake();
    });
  }

  #wake(): void {
    for (const wake of this.#waiting.splice(0)) wake();
  }

  /** The next message; throws once the stream ended. */
  async next(): Promise<Message> {
    while (this.#lines.length === 0) {
      if (this.#ended) throw new Error(`stdout ended after: ${this.text}`);
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
    return JSON.parse(this.#lines.shift()!) as Message;
  }

  /** Reads up to the first message `match` accepts; returns it and the ones before it. */
  async until(match: (m: Message) => boolean): Promise<{ found: Message; before: Message[] }> {
    const before: Message[] = [];
    for (;;) {
      const message = await this.next();
      if (match(message)) return { found: message, before };
      before.push(message);
    }
  }

  /** The response to request `id`, and what came before it. */
  answer(id: unknown): Promise<{ found: Message; before: Message[] }> {
    return this.until((m) => m.id === id && !('method' in m));
  }

  /** The response to request `id`. */
  async response(id: unknown): Promise<Message> {
    return (await this.answer(id)).found;
  }
}
