import { McpLiveError } from '../../protocol/mcp-live-error.ts';
import {
  type BodyResult,
  declaredLengthExceeds,
  type Exchange,
  type HTTPRequestInfo,
  type ResponseHeaders,
  type StreamSink,
} from './exchange.ts';

const encoder = new TextEncoder();

/** Bytes a stream holds for a reader before `write` reports backpressure. */
const STREAM_HIGH_WATER_MARK = 64 * 1024;

/** A `ReadableStream` body fed by `write`; its reader's pace (`desiredSize`, `pull`) is the backpressure. */
class WebStreamSink implements StreamSink {
  readonly readable: ReadableStream<Uint8Array>;
  #controller!: ReadableStreamDefaultController<Uint8Array>;
  #onDrain: (() => void) | undefined;
  #onClose: (() => void) | undefined;
  #closed = false;
  readonly #signal: AbortSignal;
  readonly #onAbort = () => this.#gone();

  constructor(signal: AbortSignal) {
    this.readable = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.#controller = controller;
        },
        pull: () => this.#onDrain?.(),
        cancel: () => this.#gone(),
      },
      { highWaterMark: STREAM_HIGH_WATER_MARK, size: (chunk) => chunk.byteLength },
    );
    this.#signal = signal;
    signal.addEventListener('abort', this.#onAbort, { once: true });
  }

  write(chunk: string): boolean {
    if (this.#closed) return false;
    this.#controller.enqueue(encoder.encode(chunk));
    return (this.#controller.desiredSize ?? 0) > 0;
  }

  onDrain<T>(listener: (target: T) => void, target: T): void {
    this.#onDrain = () => listener(target);
  }

  onClose<T>(listener: (target: T) => void, target: T): void {
    this.#onClose = () => listener(target);
    if (this.#signal.aborted) queueMicrotask(this.#onAbort);
  }

  end(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#signal.removeEventListener('abort', this.#onAbort);
    this.#controller.close();
  }

  destroy(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#signal.removeEventListener('abort', this.#onAbort);
    this.#controller.error(
      new McpLiveError('TRANSPORT', 'The server dropped this event stream: the client stopped reading'),
    );
  }

  #gone(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#signal.removeEventListener('abort', this.#onAbort);
    try {
      this.#controller.close();
    } catch {
      // Already closed by the cancellation that brought us here.
    }
    this.#onClose?.();
  }
}

/** The fetch adapter: a web `Request` in, a web `Response` (possibly streaming) out. */
export class FetchExchange implements Exchange {
  readonly request: HTTPRequestInfo;
  readonly loopbackBind = undefined;
  /** Settles with the answer once `respond` or `stream` was called. */
  readonly response: Promise<Response>;
  readonly #req: Request;
  #resolve!: (response: Response) => void;
  #answered = false;

  constructor(req: Request) {
    this.#req = req;
    const url = new URL(req.url);
    this.request = {
      method: req.method,
      path: url.pathname,
      search: url.search,
      headers: req.headers,
      url,
      raw: req,
    };
    this.response = new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }

  get clientGone(): boolean {
    return this.#req.signal.aborted;
  }

  get answered(): boolean {
    return this.#answered;
  }

  onClientGone(listener: () => void): void {
    const signal = this.#req.signal;
    if (signal.aborted) queueMicrotask(listener);
    else signal.addEventListener('abort', listener, { once: true });
  }

  async readBody(limit: number, timeout = 0): Promise<BodyResult> {
    const body = this.#req.body;
    if (this.#req.bodyUsed) return { ok: false, reason: 'aborted' };
    if (declaredLengthExceeds(this.#req.headers, limit)) {
      body?.cancel().catch(() => {});
      return { ok: false, reason: 'too-large' };
    }
    if (body === null) return { ok: true, text: '' };
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let size = 0;
    let text = '';
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<'late'>((resolve) => {
      if (timeout > 0) timer = setTimeout(() => resolve('late'), timeout);
    });
    try {
      for (;;) {
        const read = await Promise.race([reader.read(), late]);
        if (read === 'late') {
          reader.cancel().catch(() => {});
          return { ok: false, reason: 'timeout' };
        }
        const { done, value } = read;
        if (done) break;
        size += value.byteLength;
        if (size > limit) {
          reader.cancel().catch(() => {});
          return { ok: false, reason: 'too-large' };
        }
        text += decoder.decode(value, { stream: true });
      }
    } catch {
      return { ok: false, reason: 'aborted' };
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
    return { ok: true, text: text + decoder.decode() };
  }

  respond(status: number, headers: ResponseHeaders | undefined, body?: string): void {
    if (this.#answered) return;
    this.#answered = true;
    this.#resolve(new Response(body ?? null, headers === undefined ? { status } : { status, headers }));
  }

  stream(status: number, headers: ResponseHeaders): StreamSink {
    const sink = new WebStreamSink(this.#req.signal);
    this.#answered = true;
    this.#resolve(new Response(sink.readable, { status, headers }));
    return sink;
  }
}
