import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type BodyResult,
  declaredLengthExceeds,
  type Exchange,
  type HTTPRequestInfo,
  type ResponseHeaders,
  type StreamSink,
  splitTarget,
} from './exchange.ts';
import { isLoopbackAddress } from './origin-guard.ts';

/** A Node request whose body a framework may already have read (Express `json()`, or Fastify via `raw.body`). */
export type NodeRequest = IncomingMessage & { body?: unknown; originalUrl?: string };

function headersOf(req: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    // HTTP/2 pseudo-headers (`:path`) are not headers to a web `Headers`.
    if (name.charCodeAt(0) === 58) continue;
    try {
      headers.append(name, raw[i + 1]!);
    } catch {
      // A value Node let through that `Headers` refuses: leave it out rather than fail the request.
    }
  }
  return headers;
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
    this.headers = headersOf(req);
    this.raw = req;
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

class NodeSink implements StreamSink {
  readonly #res: ServerResponse;
  #onDrain: (() => void) | undefined;
  #onClose: (() => void) | undefined;
  #corked = false;
  #closed = false;

  constructor(res: ServerResponse) {
    this.#res = res;
    res.on('drain', () => this.#onDrain?.());
    res.on('close', () => {
      if (this.#closed) return;
      this.#closed = true;
      this.#onClose?.();
    });
  }

  write(chunk: string): boolean {
    if (this.#closed) return false;
    // Writes made in one tick leave in one packet (a progress burst, a response after its last progress).
    if (!this.#corked) {
      this.#corked = true;
      this.#res.cork();
      process.nextTick(uncork, this);
    }
    return this.#res.write(chunk);
  }

  uncork(): void {
    this.#corked = false;
    this.#res.uncork();
  }

  onDrain(listener: () => void): void {
    this.#onDrain = listener;
  }

  onClose(listener: () => void): void {
    this.#onClose = listener;
  }

  end(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#res.end();
  }

  destroy(): void {
    this.#closed = true;
    this.#res.destroy();
  }
}

function uncork(sink: NodeSink): void {
  sink.uncork();
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

/** The Node adapter: one `http.IncomingMessage` and its `http.ServerResponse`. */
export class NodeExchange implements Exchange {
  readonly request: NodeRequestInfo;
  readonly #req: NodeRequest;
  readonly #res: ServerResponse;
  #refusedBody = false;

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

  readBody(limit: number): Promise<BodyResult> {
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
      let size = 0;
      const chunks: Buffer[] = [];
      const finish = (result: BodyResult) => {
        req.off('data', onData);
        req.off('end', onEnd);
        req.off('error', onAbort);
        req.off('close', onAbort);
        resolve(result);
      };
      const onData = (chunk: Buffer) => {
        size += chunk.length;
        if (size > limit) {
          this.#refusedBody = true;
          req.pause();
          finish({ ok: false, reason: 'too-large' });
        } else chunks.push(chunk);
      };
      const onEnd = () => {
        const text =
          chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
        finish({ ok: true, text });
      };
      const onAbort = () => finish({ ok: false, reason: 'aborted' });
      req.on('data', onData);
      req.on('end', onEnd);
      req.on('error', onAbort);
      req.on('close', onAbort);
    });
  }

  respond(status: number, headers: ResponseHeaders | undefined, body?: string): void {
    const res = this.#res;
    if (res.headersSent || res.destroyed) return;
    if (this.#refusedBody) {
      // Do not read the rest of a refused body: close the connection soon after the answer leaves.
      res.writeHead(status, { ...headers, Connection: 'close' });
      const socket = this.#req.socket;
      res.once('finish', () => setTimeout(() => socket.destroy(), 250).unref());
    } else if (headers !== undefined) res.writeHead(status, headers);
    else res.writeHead(status);
    res.end(body);
  }

  stream(status: number, headers: ResponseHeaders): StreamSink {
    const sink = new NodeSink(this.#res);
    this.#res.writeHead(status, headers);
    // Send the status line now: a stream may stay quiet until its first event or keep-alive, and
    // clients (EventSource, fetch) wait for the headers before they report the stream open.
    this.#res.flushHeaders();
    return sink;
  }
}

function readParsedBody(body: unknown): BodyResult {
  if (typeof body === 'string') return { ok: true, text: body };
  if (body instanceof Uint8Array) return { ok: true, text: Buffer.from(body).toString('utf8') };
  return { ok: true, text: JSON.stringify(body) };
}
