import type { IncomingMessage } from 'node:http';
import { type DeadlineQueue, deadlinesOf, type Expiring } from './deadline-queue.ts';
import type { BodyResult } from './exchange.ts';

/** Where a request keeps its body reader, for the listeners every reader shares. */
const READER = Symbol('mcp-live.body-reader');
type ReadRequest = IncomingMessage & { [READER]: BodyReader | undefined };

function readerData(this: IncomingMessage, chunk: Buffer): void {
  (this as ReadRequest)[READER]?.data(chunk);
}

function readerEnd(this: IncomingMessage): void {
  (this as ReadRequest)[READER]?.end();
}

function readerAbort(this: IncomingMessage): void {
  (this as ReadRequest)[READER]?.abort();
}

/**
 * Readers whose deadline is decided once the packet their request came in has been parsed. Not in a
 * microtask: Node runs those as the headers' callback returns, before it parses the body that came
 * with them. By the check phase of the same turn of the event loop it has, and the body has been read.
 */
let undecided: BodyReader[] = [];

function decideDeadlines(): void {
  const readers = undecided;
  undecided = [];
  for (const reader of readers) reader.decideDeadline();
}

/** Collects one request body under a byte limit; its listeners come off the request once it settles. */
export class BodyReader implements Expiring {
  readonly #req: IncomingMessage;
  readonly #limit: number;
  readonly #timeout: number;
  readonly #settle: (result: BodyResult) => void;
  readonly #chunks: Buffer[] = [];
  #size = 0;
  #settled = false;
  #deadlines: DeadlineQueue<Expiring> | undefined;

  constructor(req: IncomingMessage, limit: number, timeout: number, settle: (result: BodyResult) => void) {
    this.#req = req;
    this.#limit = limit;
    this.#timeout = timeout;
    this.#settle = settle;
    // Shared listeners that find the reader on the request: no bound functions per request.
    (req as ReadRequest)[READER] = this;
    req.on('data', readerData);
    req.on('end', readerEnd);
    req.on('error', readerAbort);
    req.on('close', readerAbort);
    // A body Node has parsed whole already only waits to be read, never for the client: no deadline.
    // Node parses the rest of the packet the headers came in once this returns: most bodies are whole
    // (and read) then, so whether to watch the clock is decided once per turn, after those packets.
    if (timeout > 0 && !req.complete && undecided.push(this) === 1) setImmediate(decideDeadlines);
  }

  /** Watches the clock unless the body is whole (or the reader done) by now. */
  decideDeadline(): void {
    if (this.#settled || this.#req.complete) return;
    this.#deadlines = deadlinesOf(this.#timeout);
    this.#deadlines.add(this);
  }

  /** The body did not arrive in time (called by its deadline queue). */
  expire(): void {
    this.#deadlines = undefined;
    this.#req.pause();
    this.#finish({ ok: false, reason: 'timeout' });
  }

  data(chunk: Buffer): void {
    this.#size += chunk.length;
    if (this.#size > this.#limit) {
      this.#req.pause();
      this.#finish({ ok: false, reason: 'too-large' });
    } else this.#chunks.push(chunk);
  }

  end(): void {
    const chunks = this.#chunks;
    const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
    this.#finish({ ok: true, text });
  }

  abort(): void {
    this.#finish({ ok: false, reason: 'aborted' });
  }

  #finish(result: BodyResult): void {
    this.#settled = true;
    this.#deadlines?.delete(this);
    const req = this.#req;
    req.off('data', readerData);
    req.off('end', readerEnd);
    req.off('error', readerAbort);
    req.off('close', readerAbort);
    // The request may stay open for hours (a listen stream's): it must not keep the body read.
    (req as ReadRequest)[READER] = undefined;
    this.#settle(result);
  }
}
