import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { addListener, callListeners, type Listeners } from '../../server/listeners.ts';
import { BodyReader } from './body-reader.ts';
import {
  type BodyResult,
  declaredLengthExceeds,
  type Exchange,
  type HTTPRequestInfo,
  type ResponseHeaders,
  type StreamSink,
  splitTarget,
} from './exchange.ts';
import { memoizeHeader } from './header-memo.ts';
import { isLoopbackAddress } from './origin-guard.ts';
import { answerThenDiscard } from './refused-body.ts';
import { type Corked, countHeldWrite, holdAnswer, scheduleFlush } from './write-batching.ts';

/** A Node request whose body a framework may already have read (Express `json()`, or Fastify via `raw.body`). */
export type NodeRequest = IncomingMessage & { body?: unknown; originalUrl?: string };

/** A header name `get` and `has` can look up in place: a token, as the transports pass. */
const TOKEN = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
/**
 * `name` lower-cased when it is a token (looked up in place), else `undefined`. Remembered: the
 * transports ask for the same few names on every request.
 */
const tokenName = memoizeHeader((name) => (TOKEN.test(name) ? name.toLowerCase() : undefined), 256);
const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** Where a response keeps the listeners `onClientGone` gave it, for the one `close` listener they share. */
const GONE = Symbol('mcp-live.client-gone');
type WatchedResponse = ServerResponse & { [GONE]?: Listeners };

/** A response closed: its client is gone unless everything was written first. */
function clientLeft(this: ServerResponse): void {
  const listeners = (this as WatchedResponse)[GONE];
  (this as WatchedResponse)[GONE] = undefined;
  if (!this.writableFinished) callListeners(listeners);
}

/**
 * A Node request's headers as a web `Headers`. `get` and `has` read Node's raw headers in place; the
 * first use of anything else builds a real `Headers` from them and hands every call to it from then
 * on. Building one validates every header and allocates a map, which costs microseconds on each
 * request and some hundred bytes for as long as a session keeps its opening request's headers, while
 * a transport reads only a few of them. It is an `instanceof Headers` (its prototype chain holds
 * `Headers.prototype`) and answers every method of one.
 */
class NodeHeaders implements Headers {
  readonly #raw: readonly string[];
  #full: Headers | undefined;

  constructor(raw: readonly string[]) {
    this.#raw = raw;
  }

  get(name: string): string | null {
    const token = this.#full === undefined ? tokenName(name) : undefined;
    if (token !== undefined) return lookUp(this.#raw, token);
    return this.#headers().get(name);
  }

  has(name: string): boolean {
    const token = this.#full === undefined ? tokenName(name) : undefined;
    if (token !== undefined) return lookUp(this.#raw, token) !== null;
    return this.#headers().has(name);
  }

  append(name: string, value: string): void {
    this.#headers().append(name, value);
  }

  set(name: string, value: string): void {
    this.#headers().set(name, value);
  }

  delete(name: string): void {
    this.#headers().delete(name);
  }

  getSetCookie(): string[] {
    return this.#headers().getSetCookie();
  }

  forEach(callback: (value: string, key: string, parent: Headers) => void, thisArg?: unknown): void {
    this.#headers().forEach((value, key) => {
      callback.call(thisArg, value, key, this);
    });
  }

  keys(): HeadersIterator<string> {
    return this.#headers().keys();
  }

  values(): HeadersIterator<string> {
    return this.#headers().values();
  }

  entries(): HeadersIterator<[string, string]> {
    return this.#headers().entries();
  }

  [Symbol.iterator](): HeadersIterator<[string, string]> {
    return this.#headers().entries();
  }

  /** What `console.log` shows: the headers, not an empty object. */
  [INSPECT](_depth: number, options: object, inspect: (value: unknown, options: object) => string): string {
    return inspect(this.#headers(), options);
  }

  #headers(): Headers {
    if (this.#full !== undefined) return this.#full;
    const full = new Headers();
    const raw = this.#raw;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = raw[i]!;
      // HTTP/2 pseudo-headers (`:path`) are not headers to a web `Headers`.
      if (name.charCodeAt(0) === 58) continue;
      try {
        full.append(name, raw[i + 1]!);
      } catch {
        // A value Node let through that `Headers` refuses: leave it out rather than fail the request.
      }
    }
    this.#full = full;
    return full;
  }
}
Object.setPrototypeOf(NodeHeaders.prototype, Headers.prototype);

/**
 * What `Headers.get(name)` returns once filled from `raw`: the values of `name` in order, trimmed of
 * HTTP whitespace, joined with `, ` (`; ` for `cookie`), leaving out values `Headers` refuses.
 */
function lookUp(raw: readonly string[], name: string): string | null {
  let found: string | null = null;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const key = raw[i]!;
    if (key.length !== name.length || key.toLowerCase() !== name) continue;
    const value = trimHTTPWhitespace(raw[i + 1]!);
    if (value.includes('\0') || value.includes('\n') || value.includes('\r')) continue;
    found = found === null ? value : `${found}${name === 'cookie' ? '; ' : ', '}${value}`;
  }
  return found;
}

function isHTTPWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

function trimHTTPWhitespace(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && isHTTPWhitespace(value.charCodeAt(start))) start++;
  while (end > start && isHTTPWhitespace(value.charCodeAt(end - 1))) end--;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}

class NodeRequestInfo implements HTTPRequestInfo {
  readonly method: string;
  readonly path: string;
  readonly search: string;
  readonly headers: Headers;
  readonly raw: NodeRequest;
  #url: URL | undefined;

  constructor(req: NodeRequest) {
    const { path, search } = splitTarget(req.originalUrl ?? req.url ?? '/');
    this.method = req.method ?? 'GET';
    this.path = path;
    this.search = search;
    this.headers = new NodeHeaders(req.rawHeaders);
    this.raw = req;
  }

  get remoteAddress(): string | undefined {
    return this.raw.socket.remoteAddress;
  }

  get url(): URL {
    if (this.#url === undefined) {
      const scheme = (this.raw.socket as { encrypted?: boolean }).encrypted === true ? 'https' : 'http';
      try {
        this.#url = new URL(
          this.path + this.search,
          `${scheme}://${this.headers.get('host') ?? 'localhost'}`,
        );
      } catch {
        this.#url = new URL(this.path + this.search, `${scheme}://localhost`);
      }
    }
    return this.#url;
  }
}

/** Where a response keeps its sink, for the two listeners every sink shares. */
const SINK = Symbol('mcp-live.sink');
type SinkResponse = ServerResponse & { [SINK]: NodeSink };

function responseDrained(this: ServerResponse): void {
  (this as SinkResponse)[SINK].drained();
}

function responseClosed(this: ServerResponse): void {
  (this as SinkResponse)[SINK].closed();
}

/**
 * The open body of a Node response. Its status line and headers go out with the first write, or on
 * their own at the end of the turn of the event loop the stream was opened in: a POST's stream whose
 * answer is ready at once leaves in one packet, head included.
 */
class NodeSink implements StreamSink {
  readonly #res: ServerResponse;
  #onDrain: ((target: unknown) => void) | undefined;
  #drainTarget: unknown;
  #onClose: ((target: unknown) => void) | undefined;
  #closeTarget: unknown;
  #corked = false;
  flushedInTurn = 0;
  #wrote = false;
  #closed = false;

  constructor(res: ServerResponse) {
    this.#res = res;
    // One pair of listeners for every sink (Node calls them on the response): no closures per stream.
    (res as SinkResponse)[SINK] = this;
    res.on('drain', responseDrained);
    res.on('close', responseClosed);
    // Clients (EventSource, fetch) report a stream open once its headers arrive, and it may stay quiet
    // until its first event or keep-alive: the head leaves before this turn ends, with or without events.
    setImmediate(flushHead, this);
  }

  write(chunk: string): boolean {
    if (this.#closed) return false;
    this.#wrote = true;
    // Writes made in one tick leave in one packet (a progress burst, a response after its last progress);
    // under load, those of one turn of the event loop do (write-batching.ts).
    if (!this.#corked) {
      this.#corked = true;
      this.#res.cork();
      scheduleFlush(this);
    } else {
      countHeldWrite();
    }
    return this.#res.write(chunk);
  }

  uncork(): void {
    if (!this.#corked) return;
    this.#corked = false;
    this.#res.uncork();
  }

  /** Sends the status line and headers unless a write already carried them. */
  flushHead(): void {
    if (this.#wrote || this.#closed) return;
    this.#wrote = true;
    this.#res.flushHeaders();
  }

  drained(): void {
    this.#onDrain?.(this.#drainTarget);
  }

  closed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#onClose?.(this.#closeTarget);
  }

  onDrain<T>(listener: (target: T) => void, target: T): void {
    this.#onDrain = listener as (target: unknown) => void;
    this.#drainTarget = target;
  }

  onClose<T>(listener: (target: T) => void, target: T): void {
    this.#onClose = listener as (target: unknown) => void;
    this.#closeTarget = target;
  }

  end(): void {
    if (this.#closed) return;
    this.#closed = true;
    // Ending flushes whatever is held (Node uncorks the socket fully); a later uncork would hit the next response.
    this.#corked = false;
    this.#res.end();
  }

  destroy(): void {
    // The client still learns that the stream had begun before it broke off, as when the head left at once.
    this.flushHead();
    this.uncork();
    this.#closed = true;
    this.#res.destroy();
  }
}

function flushHead(sink: NodeSink): void {
  sink.flushHead();
}

const loopbackServers = new WeakMap<object, boolean>();

/** Whether the server that accepted this connection listens on a loopback address only. */
function listensOnLoopback(req: IncomingMessage): boolean | undefined {
  const server = (req.socket as { server?: { address(): AddressInfo | string | null } }).server;
  if (server === undefined) return undefined;
  let known = loopbackServers.get(server);
  if (known === undefined) {
    const address = server.address();
    if (address === null) return undefined;
    known = typeof address === 'string' ? false : isLoopbackAddress(address.address);
    loopbackServers.set(server, known);
  }
  return known;
}

/**
 * A whole response. Its head is set at once (a bad header throws to whoever answered); its body and
 * end leave at once or with the other writes of a busy turn (`uncork`, write-batching.ts).
 */
class Answer implements Corked {
  flushedInTurn = 0;
  readonly #res: ServerResponse;
  readonly #body: string | undefined;

  constructor(res: ServerResponse, status: number, headers: ResponseHeaders | undefined, body?: string) {
    this.#res = res;
    this.#body = body;
    if (body === undefined) {
      if (headers !== undefined) res.writeHead(status, headers);
      else res.writeHead(status);
      return;
    }
    // With its length, Node sends the head and the body in one write, and the client reads no chunks.
    // (Object.assign, then the key: a spread followed by a key leaves V8's fast clone, ~0.7 µs.)
    const sized: ResponseHeaders = Object.assign({}, headers);
    sized['Content-Length'] = String(Buffer.byteLength(body));
    res.writeHead(status, sized);
  }

  send(): void {
    this.#res.end(this.#body);
  }

  uncork(): void {
    const res = this.#res;
    // A client that left while its answer waited gets nothing.
    if (res.destroyed) return;
    try {
      res.end(this.#body);
    } catch {
      // Nothing the turn's other answers should pay for: this connection is given up.
      res.destroy();
    }
  }
}

/** The Node adapter: one `http.IncomingMessage` and its `http.ServerResponse`. */
export class NodeExchange implements Exchange {
  readonly request: NodeRequestInfo;
  readonly #req: NodeRequest;
  readonly #res: ServerResponse;
  #refusedBody = false;
  /** The body did not arrive in time: the client gets its answer, then the connection is cut. */
  #slowBody = false;

  constructor(req: NodeRequest, res: ServerResponse) {
    this.#req = req;
    this.#res = res;
    this.request = new NodeRequestInfo(req);
  }

  get clientGone(): boolean {
    return this.#req.socket.destroyed || this.#res.destroyed;
  }

  get loopbackBind(): boolean | undefined {
    return listensOnLoopback(this.#req);
  }

  onClientGone(listener: () => void): void {
    const res = this.#res as WatchedResponse;
    if (this.clientGone) return void queueMicrotask(listener);
    if (res[GONE] === undefined) res.on('close', clientLeft);
    res[GONE] = addListener(res[GONE], listener);
  }

  readBody(limit: number, timeout = 0): Promise<BodyResult> {
    const req = this.#req;
    if (req.readableEnded) {
      // A framework read the body first: use what it parsed, or give up if it kept nothing.
      return Promise.resolve(
        req.body === undefined ? { ok: false, reason: 'aborted' } : readParsedBody(req.body),
      );
    }
    if (declaredLengthExceeds(this.request.headers, limit)) {
      this.#refusedBody = true;
      return Promise.resolve({ ok: false, reason: 'too-large' });
    }
    return new Promise((resolve) => {
      new BodyReader(req, limit, timeout, (result) => {
        if (!result.ok && result.reason === 'too-large') this.#refusedBody = true;
        if (!result.ok && result.reason === 'timeout') this.#slowBody = true;
        resolve(result);
      });
    });
  }

  respond(status: number, headers: ResponseHeaders | undefined, body?: string): void {
    const res = this.#res;
    if (res.headersSent || res.destroyed) return;
    if (this.#slowBody) {
      res.writeHead(status, { ...headers, Connection: 'close' });
      res.end(body, () => this.#req.socket.destroy());
      return;
    }
    // A refusal sent before the body was read must still reach a client that is uploading it. A request
    // without a body (a GET, a probe) keeps its connection: Node marks it complete only once it is read.
    if (this.#refusedBody || (!this.#req.complete && hasBody(this.#req))) {
      answerThenDiscard(this.#req, res, status, headers, body);
      return;
    }
    const answer = new Answer(res, status, headers, body);
    if (!holdAnswer(answer)) answer.send();
  }

  stream(status: number, headers: ResponseHeaders): StreamSink {
    const res = this.#res;
    const sink = new NodeSink(res);
    res.writeHead(status, headers);
    flattenHead(res);
    return sink;
  }
}

/**
 * Node builds a response's head line by line and keeps it for as long as the response lives: for an
 * event stream that stays open for hours, a tree of some forty small strings (about 1.3 KB). One flat
 * copy of the same text holds a quarter of that. Node's `_header` is internal: if it is ever gone or
 * not a string, nothing is done.
 */
function flattenHead(res: ServerResponse): void {
  const holder = res as unknown as { _header?: unknown };
  const head = holder._header;
  if (typeof head === 'string') holder._header = Buffer.from(head, 'latin1').toString('latin1');
}

/** Whether a request comes with a body: a length above 0, or a chunked one. */
function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function readParsedBody(body: unknown): BodyResult {
  if (typeof body === 'string') return { ok: true, text: body };
  if (body instanceof Uint8Array) return { ok: true, text: Buffer.from(body).toString('utf8') };
  return { ok: true, text: JSON.stringify(body) };
}
