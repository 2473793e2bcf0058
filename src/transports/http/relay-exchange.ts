import type { BodyResult, Exchange, HTTPRequestInfo, ResponseHeaders, StreamSink } from './exchange.ts';
import type { Packet } from './relay-packets.ts';

type OpenPacket = Extract<Packet, { k: 'open' }>;
type Reply = Extract<Packet, { k: 'respond' | 'head' | 'data' | 'end' }>;

/**
 * A request another instance relayed to this one (which holds its session), answered back over the
 * bus. The transport serves it like any other exchange; it is never relayed again.
 */
export class RelayExchange implements Exchange {
  readonly request: HTTPRequestInfo;
  readonly loopbackBind: boolean | undefined;
  readonly #open: OpenPacket;
  readonly #send: (packet: Reply) => Promise<void>;
  readonly #done: () => void;
  #gone = false;
  #onClose: (() => void) | undefined;
  #onGone: Array<() => void> = [];
  #finished = false;

  /**
   * `send` carries a reply to the entry instance (a failure means the entry, or the bus, is gone);
   * `done` is called once the exchange is over.
   */
  constructor(open: OpenPacket, send: (packet: Reply) => Promise<void>, done: () => void) {
    this.#open = open;
    this.#send = send;
    this.#done = done;
    this.loopbackBind = open.loopback;
    const headers = new Headers(open.headers);
    this.request = {
      method: open.method,
      path: open.path,
      search: open.search,
      headers,
      url: new URL(open.url),
      raw: open,
    };
  }

  get clientGone(): boolean {
    return this.#gone;
  }

  /** True once the answer ended (or the client left): the relay forgets the exchange. */
  get finished(): boolean {
    return this.#finished || this.#gone;
  }

  onClientGone(listener: () => void): void {
    if (this.#gone) queueMicrotask(listener);
    else this.#onGone.push(listener);
  }

  async readBody(limit: number): Promise<BodyResult> {
    const body = this.#open.body ?? '';
    if (this.#open.big === true || body.length > limit) return { ok: false, reason: 'too-large' };
    return { ok: true, text: body };
  }

  respond(status: number, headers: ResponseHeaders | undefined, body?: string): void {
    if (this.finished) return;
    this.#finished = true;
    this.#done();
    const packet: Reply = { k: 'respond', x: this.#open.x, status };
    if (headers !== undefined) packet.headers = headers;
    if (body !== undefined) packet.body = body;
    this.#post(packet);
  }

  stream(status: number, headers: ResponseHeaders): StreamSink {
    const x = this.#open.x;
    this.#post({ k: 'head', x, status, headers });
    return {
      write: (chunk) => {
        if (this.finished) return false;
        this.#post({ k: 'data', x, chunk });
        return true;
      },
      // The bus takes every write at once; a client that does not read is cut off by the entry.
      onDrain: () => {},
      onClose: (listener, target) => {
        const closed = () => listener(target);
        this.#onClose = closed;
        if (this.#gone) queueMicrotask(closed);
      },
      end: () => this.#finish(false),
      destroy: () => this.#finish(true),
    };
  }

  /** The entry reported that the client went away, or can no longer be reached. */
  clientLeft(): void {
    if (this.#gone) return;
    const finished = this.#finished;
    this.#gone = true;
    this.#done();
    this.#onClose?.();
    if (!finished) for (const listener of this.#onGone.splice(0)) listener();
  }

  #finish(drop: boolean): void {
    if (this.finished) return;
    this.#finished = true;
    this.#done();
    this.#post(drop ? { k: 'end', x: this.#open.x, drop: true } : { k: 'end', x: this.#open.x });
  }

  #post(packet: Reply): void {
    this.#send(packet).catch(() => this.clientLeft());
  }
}
