import { errorText } from '../../protocol/error-text.ts';
import { isMcpLiveError } from '../../protocol/mcp-live-error.ts';
import { type InstrumentationSlot, instrumentationOf } from '../../server/instrumentation.ts';
import type { McpServer } from '../../server/mcp-server.ts';
import type { RelayPayload } from '../../server/message-bus.ts';
import type { SessionRecord } from '../../server/session-store.ts';
import { transportHost } from '../../server/transport-host.ts';
import { type ExchangeHandler, wasTaken } from './entry-points.ts';
import {
  type BodyResult,
  bodyFailure,
  type Exchange,
  type ResponseHeaders,
  type StreamSink,
} from './exchange.ts';
import { RelayExchange } from './relay-exchange.ts';
import { type Packet, readPacket } from './relay-packets.ts';
import { encodeSSEEvent, wantsPrimingEvent } from './sse-encoder.ts';

/** How a transport answers a request it cannot route: its own error format, status and message. */
export type Refuse = (ex: Exchange, status: number, message: string, headers?: ResponseHeaders) => void;

/** What the entry instance needs to relay a request. */
export interface RouteOptions {
  /** The transport's name, as its session records carry it (`sse`, `streamable-http`). */
  transport: string;
  /** Bodies over this are not relayed: the holder answers 413. */
  maxBodyBytes: number;
  /** ms the client has to send a body; a slower one gets 408 here. */
  bodyTimeout: number;
  /** A relayed stream whose client stops reading is dropped once this much waits for it. */
  maxBufferedBytes: number;
  refuse: Refuse;
  /**
   * Takes over here a session whose holder is gone (`gone`, when one was found unreachable), going on
   * with `exchange`; false when another instance took it over first.
   */
  adopt(record: SessionRecord, gone: string | undefined, exchange: Exchange): Promise<boolean>;
}

/**
 * Where one pass of routing sends a request for a session this instance does not hold: served here
 * (`local`: the session is unknown, or is this instance's), taken over here (`adopt`: its holder is
 * gone), or already answered (relayed to its holder, or refused). `exchange` still has the body if it
 * was read.
 */
type Route =
  | { kind: 'local'; exchange: Exchange }
  | { kind: 'adopt'; exchange: Exchange; record: SessionRecord; gone?: string }
  | { kind: 'answered' };

interface Outgoing {
  readonly owner: string;
  readonly exchange: Exchange;
  readonly maxBuffered: number;
  readonly refuse: Refuse;
  sink: StreamSink | undefined;
  /** Bytes written since the sink last reported backpressure ended. */
  waiting: number;
  blocked: boolean;
  /** True once the holder got the request (the bus delivered it). */
  sent: boolean;
  /** True once a piece of the answer's body was written to the client. */
  written: boolean;
  /** Resolves the `route` call: the holder answered (or failed). */
  started(): void;
}

/** The client of a relayed stream reads again: what it owes starts from nothing. */
function unblocked(out: Outgoing): void {
  out.blocked = false;
  out.waiting = 0;
}

/** ms between two checks that the holders of relayed exchanges still listen and still serve them. */
const CHECK_INTERVAL = 2_000;
/** ms a holder's channel must stay without a listener before its session is taken over. */
const TAKEOVER_AFTER = 2_000;
const TAKEOVER_RETRY = 200;

const relays = new WeakMap<McpServer, ExchangeRelay>();

/** The relay of an `McpServer`, shared by every HTTP transport serving it. */
export function relayFor(server: McpServer): ExchangeRelay {
  let relay = relays.get(server);
  if (relay === undefined) {
    relay = new ExchangeRelay(server);
    relays.set(server, relay);
  }
  return relay;
}

/** True for an exchange another instance relayed here: it is answered here, never relayed again. */
export function isRelayed(ex: Exchange): boolean {
  return ex instanceof RelayExchange;
}

/**
 * Lets N instances behind any load balancer act as one server. A request for a session held by
 * another instance is relayed over the message bus to that instance, which serves it as if it had
 * come in there and streams the answer back; when the holder is gone, the instance the request
 * landed on takes the session over. Only requests for sessions not held here pay for any of this.
 */
export class ExchangeRelay {
  readonly #server: McpServer;
  readonly #instrumentation: InstrumentationSlot;
  readonly #handlers = new Map<string, ExchangeHandler[]>();
  /** Held here, relayed from elsewhere; by exchange id. */
  readonly #incoming = new Map<string, RelayExchange>();
  /** Landed here, relayed to their holder; by exchange id. */
  readonly #outgoing = new Map<string, Outgoing>();
  #next = 0;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(server: McpServer) {
    this.#server = server;
    this.#instrumentation = instrumentationOf(server);
    transportHost(server).onRelayPayload((packet) => this.#receive(packet));
  }

  /** Serves exchanges relayed to this instance for `transport`; returns a function that stops. */
  serve(transport: string, handler: ExchangeHandler): () => void {
    const list = this.#handlers.get(transport) ?? [];
    this.#handlers.set(transport, list);
    list.push(handler);
    return () => {
      const at = list.indexOf(handler);
      if (at >= 0) list.splice(at, 1);
    };
  }

  /**
   * Routes a request for session `sessionId`, which this instance does not hold: relays it to the
   * instance that holds it, or takes the session over (`options.adopt`) when that one is gone. Resolves
   * to the exchange to serve here (the session is here now, or unknown), or `undefined` once answered.
   */
  async route(ex: Exchange, sessionId: string, options: RouteOptions): Promise<Exchange | undefined> {
    let exchange = ex;
    // A second pass finds the instance that took the session over first, if one did.
    for (let attempt = 0; attempt < 2; attempt++) {
      const route = await this.#routeOnce(exchange, sessionId, options);
      if (route.kind === 'answered') return undefined;
      exchange = route.exchange;
      if (route.kind === 'local') break;
      if (await options.adopt(route.record, route.gone, exchange)) {
        this.#instrumentation.current?.tookOver();
        break;
      }
    }
    return exchange;
  }

  async #routeOnce(ex: Exchange, sessionId: string, options: RouteOptions): Promise<Route> {
    if (isRelayed(ex)) return { kind: 'local', exchange: ex };
    const server = this.#server;
    let record: SessionRecord | undefined;
    try {
      record = await server.sessionStore.get(sessionId);
    } catch (error) {
      this.#instrumentation.current?.storeFailed(error);
      const message = `Service Unavailable: session "${sessionId}" is not held by this instance, and the session store that knows its holder cannot be reached (${errorText(error)}); retry shortly`;
      options.refuse(ex, 503, message, { 'Retry-After': '2' });
      return { kind: 'answered' };
    }
    if (
      record === undefined ||
      record.transport !== options.transport ||
      record.owner === server.instanceId
    ) {
      return { kind: 'local', exchange: ex };
    }
    if (record.owner === undefined) return { kind: 'adopt', exchange: ex, record };
    let body: BodyResult | undefined;
    if (ex.request.method === 'POST') {
      body = await ex.readBody(options.maxBodyBytes, options.bodyTimeout);
      if (!body.ok && body.reason === 'aborted') return { kind: 'answered' };
      if (!body.ok && body.reason === 'timeout') {
        const failure = bodyFailure(body.reason, options);
        options.refuse(ex, failure.status, failure.message, undefined);
        return { kind: 'answered' };
      }
    }
    const gone = await this.#forward(ex, sessionId, record.owner, body, options);
    if (!gone) return { kind: 'answered' };
    const exchange = body === undefined ? ex : withBody(ex, body);
    return { kind: 'adopt', exchange, record, gone: record.owner };
  }

  /** Relays `ex` to `owner`; resolves once the answer started, true if `owner` no longer listens. */
  #forward(
    ex: Exchange,
    sessionId: string,
    owner: string,
    body: BodyResult | undefined,
    options: RouteOptions,
  ): Promise<boolean> {
    const server = this.#server;
    const x = `${server.instanceId}/${++this.#next}`;
    const req = ex.request;
    const open: Packet = {
      k: 'open',
      x,
      from: server.instanceId,
      t: options.transport,
      method: req.method,
      url: req.url.href,
      path: req.path,
      search: req.search,
      headers: [...req.headers],
    };
    if (body?.ok === true) open.body = body.text;
    else if (body !== undefined) open.big = true;
    if (ex.loopbackBind !== undefined) open.loopback = ex.loopbackBind;
    return new Promise<boolean>((resolve) => {
      const outgoing: Outgoing = {
        owner,
        exchange: ex,
        maxBuffered: options.maxBufferedBytes,
        refuse: options.refuse,
        sink: undefined,
        waiting: 0,
        blocked: false,
        sent: false,
        written: false,
        started: () => resolve(false),
      };
      this.#outgoing.set(x, outgoing);
      const since = Date.now();
      const publish = (): void => {
        server.messageBus.relay(owner, open as unknown as RelayPayload).then(
          () => {
            outgoing.sent = true;
            this.#instrumentation.current?.relayed('sent');
            this.#startChecks();
          },
          (error: unknown) => {
            if (this.#outgoing.get(x) !== outgoing) return;
            // No listener may be a holder re-subscribing after a Redis restart: gone only if it stays so.
            if (isMcpLiveError(error, 'INSTANCE_GONE') && Date.now() - since < TAKEOVER_AFTER) {
              const retry = setTimeout(publish, TAKEOVER_RETRY);
              retry.unref?.();
              return;
            }
            this.#outgoing.delete(x);
            if (isMcpLiveError(error, 'INSTANCE_GONE')) return resolve(true);
            this.#instrumentation.current?.storeFailed(error);
            const message = `Service Unavailable: session "${sessionId}" is held by another instance, and the message bus cannot reach it (${errorText(error)}); retry shortly`;
            options.refuse(ex, 503, message, { 'Retry-After': '2' });
            resolve(false);
          },
        );
      };
      publish();
    });
  }

  #receive(raw: RelayPayload): void {
    const packet = readPacket(raw);
    if (packet === undefined) return;
    if (packet.k === 'open') this.#serveIncoming(packet);
    else if (packet.k === 'gone') this.#incoming.get(packet.x)?.clientLeft();
    else if (packet.k === 'ping') this.#answerPing(packet);
    else if (packet.k === 'lost')
      this.#lost(packet.xs, 'the instance that holds the session lost this request');
    else this.#replyArrived(packet);
  }

  /** The holder's side: serves a relayed request through the transport it names. */
  #serveIncoming(open: Extract<Packet, { k: 'open' }>): void {
    this.#instrumentation.current?.relayed('received');
    const bus = this.#server.messageBus;
    const ex = new RelayExchange(
      open,
      (reply) => bus.relay(open.from, reply as unknown as RelayPayload),
      () => this.#incoming.delete(open.x),
    );
    this.#incoming.set(open.x, ex);
    const handlers = [...(this.#handlers.get(open.t) ?? [])];
    void (async () => {
      for (const handler of handlers) if (await wasTaken(handler(ex))) return;
      ex.respond(404, { 'Content-Type': 'text/plain; charset=utf-8' }, `Not Found: ${open.path}`);
    })().catch((error: unknown) => {
      this.#server.reportError(error);
      ex.respond(500, { 'Content-Type': 'text/plain; charset=utf-8' }, 'Internal Server Error');
    });
  }

  /** The holder's side: tells the entry which of its relayed exchanges are not served here (any more). */
  #answerPing(ping: Extract<Packet, { k: 'ping' }>): void {
    const lost = (ping.open ?? []).filter((x) => !this.#incoming.has(x));
    if (lost.length === 0 || ping.from === undefined) return;
    this.#server.messageBus
      .relay(ping.from, { k: 'lost', x: '-', xs: lost } as unknown as RelayPayload)
      .catch(() => {});
  }

  /** Ends relayed exchanges that will get no (more) answer: 502 before the answer started, a dropped stream after. */
  #lost(xs: readonly string[], why: string): void {
    for (const x of xs) {
      const out = this.#outgoing.get(x);
      if (out === undefined || !out.sent) continue;
      this.#outgoing.delete(x);
      if (out.sink !== undefined) endLostStream(out);
      else out.refuse(out.exchange, 502, `Bad Gateway: ${why}; retry`);
      out.started();
    }
  }

  /** The entry's side: a piece of the holder's answer, written to the client. */
  #replyArrived(packet: Extract<Packet, { k: 'respond' | 'head' | 'data' | 'end' }>): void {
    const out = this.#outgoing.get(packet.x);
    if (out === undefined) return;
    const ex = out.exchange;
    switch (packet.k) {
      case 'respond':
        this.#outgoing.delete(packet.x);
        ex.respond(packet.status, packet.headers, packet.body);
        out.started();
        return;
      case 'head': {
        const sink = ex.stream(packet.status, packet.headers);
        out.sink = sink;
        sink.onDrain(unblocked, out);
        sink.onClose((left) => this.#clientLeft(packet.x, left), out);
        out.started();
        return;
      }
      case 'data': {
        const sink = out.sink;
        if (sink === undefined) return;
        if (out.blocked) out.waiting += packet.chunk.length;
        out.written = true;
        if (!sink.write(packet.chunk)) out.blocked = true;
        if (out.waiting > out.maxBuffered) {
          this.#instrumentation.current?.overflowed();
          sink.destroy();
          this.#clientLeft(packet.x, out);
        }
        return;
      }
      case 'end':
        this.#outgoing.delete(packet.x);
        if (packet.drop === true) out.sink?.destroy();
        else out.sink?.end();
    }
  }

  #clientLeft(x: string, out: Outgoing): void {
    if (this.#outgoing.get(x) !== out) return;
    this.#outgoing.delete(x);
    this.#server.messageBus.relay(out.owner, { k: 'gone', x }).catch(() => {});
  }

  #startChecks(): void {
    if (this.#timer !== undefined || this.#outgoing.size === 0) return;
    this.#timer = setInterval(() => this.#check(), CHECK_INTERVAL);
    this.#timer.unref?.();
  }

  /**
   * Ends the relayed exchanges whose holder stopped listening, or whose answers cannot reach this
   * instance (its own channel is unreachable: a Redis Cluster node down), so that their clients can retry.
   */
  #check(): void {
    if (this.#outgoing.size === 0) {
      clearInterval(this.#timer);
      this.#timer = undefined;
      return;
    }
    const byOwner = new Map<string, string[]>();
    for (const [x, out] of this.#outgoing) {
      if (!out.sent) continue;
      const list = byOwner.get(out.owner) ?? [];
      byOwner.set(out.owner, list);
      list.push(x);
    }
    const from = this.#server.instanceId;
    const bus = this.#server.messageBus;
    // Answers come on this instance's own channel: if a ping to it does not get through, none will.
    bus.relay(from, { k: 'ping', x: '-', from } as unknown as RelayPayload).catch((error: unknown) => {
      const all = [...byOwner.values()].flat();
      this.#lost(all, `answers cannot reach the instance this request came in through (${errorText(error)})`);
    });
    for (const [owner, open] of byOwner) {
      const ping = { k: 'ping', x: '-', from, open } as unknown as RelayPayload;
      bus.relay(owner, ping).catch((error: unknown) => {
        this.#lost(open, `the instance that holds the session stopped answering (${errorText(error)})`);
      });
    }
  }
}

/**
 * Ends a relayed stream whose answer will not go on. A resumed event stream (`Last-Event-ID`) that got
 * nothing yet ends with that id again, as an event with empty data (for clients of 2025-11-25 and later,
 * which take it as a priming event): a client that tracks ids per connection, as the official SDK's does,
 * then resumes from where it was instead of starting afresh and missing what came in between.
 */
function endLostStream(out: Outgoing): void {
  const sink = out.sink!;
  const headers = out.exchange.request.headers;
  const lastEventId = headers.get('last-event-id');
  const version = headers.get('mcp-protocol-version') ?? '';
  if (out.written || lastEventId === null || lastEventId === '' || !wantsPrimingEvent(version)) {
    sink.destroy();
    return;
  }
  sink.write(encodeSSEEvent({ id: lastEventId, data: '' }));
  sink.end();
}

/** `ex` with its body already read: the local transport reads `body` again. */
function withBody(ex: Exchange, body: BodyResult): Exchange {
  return {
    request: ex.request,
    get clientGone() {
      return ex.clientGone;
    },
    loopbackBind: ex.loopbackBind,
    onClientGone: (listener) => ex.onClientGone(listener),
    readBody: async (limit) =>
      body.ok && body.text.length > limit ? { ok: false, reason: 'too-large' } : body,
    respond: (status, headers, text) => ex.respond(status, headers, text),
    stream: (status, headers) => ex.stream(status, headers),
  };
}
