// A small round-robin HTTP proxy, node:http only: each request (not each connection) goes to the next
// upstream, so that consecutive requests of one MCP session land on different instances. Responses
// stream through as they arrive (SSE), a client that goes away aborts its upstream request and an
// upstream that goes away mid-answer drops the client's connection. Like nginx's
// `proxy_next_upstream error`, a request whose upstream fails before answering moves on to the next
// one: always when the connection could not be made, and when it had already been sent only for
// idempotent methods (GET, HEAD, OPTIONS, PUT, DELETE), so that a POST is never run twice.
//
//   npx tsx examples/scaling/round-robin-proxy.ts --port 8080 http://127.0.0.1:3001 http://127.0.0.1:3002
import {
  Agent,
  type ClientRequest,
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

export interface RoundRobinProxyOptions {
  /** Where requests go, in turn: `http://host:port` origins. */
  upstreams: ReadonlyArray<string | URL>;
  /** ms an upstream has to accept a connection before the request moves on. @default 2_000 */
  connectTimeout?: number;
  /** Largest request body kept to send again to the next upstream; a larger one is not retried. @default 1_048_576 */
  maxRetryBody?: number;
  /** Told of each upstream failure, such as `POST /mcp → http://127.0.0.1:3001: connect ECONNREFUSED …`. @default nothing */
  onUpstreamError?: (line: string) => void;
}

/** What one upstream has done so far. */
export interface UpstreamStats {
  upstream: string;
  /** Requests sent to it (each attempt counts). */
  requests: number;
  /** Attempts that failed before it answered. */
  failures: number;
}

// RFC 9110 §7.6.1: headers for one connection only, never forwarded.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/** A round-robin reverse proxy over a fixed list of upstreams. */
export class RoundRobinProxy {
  readonly upstreams: readonly URL[];
  readonly #stats: UpstreamStats[];
  readonly #agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
  readonly #onUpstreamError: (line: string) => void;
  readonly #upstreams: Upstreams;
  #next = 0;
  #http: Server | undefined;

  constructor(options: RoundRobinProxyOptions) {
    if (options.upstreams.length === 0) throw new Error('RoundRobinProxy needs at least one upstream');
    this.upstreams = options.upstreams.map((u) => {
      const url = new URL(u);
      if (url.protocol !== 'http:') throw new Error(`RoundRobinProxy: upstream ${url} is not http://`);
      return url;
    });
    this.#stats = this.upstreams.map((u) => ({ upstream: u.origin, requests: 0, failures: 0 }));
    this.#onUpstreamError = options.onUpstreamError ?? (() => {});
    this.#upstreams = {
      urls: this.upstreams,
      connectTimeout: options.connectTimeout ?? 2_000,
      maxRetryBody: options.maxRetryBody ?? 1 << 20,
      send: (index, req) => this.#send(index, req),
      failed: (index, what) => this.#failed(index, what),
    };
  }

  /** Requests and failures per upstream so far. */
  stats(): UpstreamStats[] {
    return this.#stats.map((s) => ({ ...s }));
  }

  /** Proxies one request; usable as a `node:http` request listener. */
  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    new Exchange(this.#upstreams, req, res).start(this.#pick());
  };

  /** Listens on `port` (0 picks a free one) and `host`; resolves the proxy's origin, such as `http://127.0.0.1:8080`. */
  async listen(port: number, host = '127.0.0.1'): Promise<URL> {
    const http = createServer(this.handle);
    // SSE streams stay open for as long as the client wants them.
    http.requestTimeout = 0;
    this.#http = http;
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(port, host, () => {
        http.off('error', reject);
        resolve();
      });
    });
    const address = http.address() as AddressInfo;
    const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return new URL(`http://${shown}:${address.port}`);
  }

  /** Stops listening, drops every open connection (streams included) and the upstream connections. */
  async close(): Promise<void> {
    const http = this.#http;
    this.#http = undefined;
    if (http !== undefined) {
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
      await closed;
    }
    this.#agent.destroy();
  }

  #pick(): number {
    const index = this.#next;
    this.#next = (this.#next + 1) % this.upstreams.length;
    return index;
  }

  #send(index: number, req: IncomingMessage): ClientRequest {
    const upstream = this.upstreams[index] as URL;
    (this.#stats[index] as UpstreamStats).requests++;
    const outgoing = request({
      host: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers: forwardHeaders(req),
      agent: this.#agent,
      setHost: false,
    });
    outgoing.setNoDelay(true);
    return outgoing;
  }

  #failed(index: number, what: string): void {
    (this.#stats[index] as UpstreamStats).failures++;
    this.#onUpstreamError(what);
  }
}

/** What an exchange needs of its proxy. */
interface Upstreams {
  readonly urls: readonly URL[];
  readonly connectTimeout: number;
  readonly maxRetryBody: number;
  send(index: number, req: IncomingMessage): ClientRequest;
  failed(index: number, what: string): void;
}

/** One client request on its way through the upstreams, with what is needed to send it again. */
class Exchange {
  readonly #proxy: Upstreams;
  readonly #req: IncomingMessage;
  readonly #res: ServerResponse;
  readonly #body: Buffer[] = [];
  #bodyBytes = 0;
  #bodyKept = true;
  #bodyEnded = false;
  #attempts = 0;
  #current: ClientRequest | undefined;
  #answered = false;
  #errors: string[] = [];

  constructor(proxy: Upstreams, req: IncomingMessage, res: ServerResponse) {
    this.#proxy = proxy;
    this.#req = req;
    this.#res = res;
    req.on('data', (chunk: Buffer) => {
      if (this.#bodyKept) {
        this.#bodyBytes += chunk.length;
        if (this.#bodyBytes <= proxy.maxRetryBody) this.#body.push(chunk);
        else {
          this.#bodyKept = false;
          this.#body.length = 0;
        }
      }
      // Backpressure: the client waits while the upstream connection is not taking more.
      if (this.#current?.write(chunk) === false) {
        req.pause();
        this.#current.once('drain', () => req.resume());
      }
    });
    req.on('end', () => {
      this.#bodyEnded = true;
      this.#current?.end();
    });
    // The client went away (before or during the answer): nobody wants the upstream's work any more.
    res.on('close', () => {
      if (!res.writableFinished) this.#current?.destroy();
    });
  }

  start(index: number): void {
    const upstreams = this.#proxy.urls.length;
    if (this.#attempts >= upstreams || this.#res.destroyed) {
      if (!this.#res.destroyed) this.#badGateway();
      return;
    }
    this.#attempts++;
    const outgoing = this.#proxy.send(index, this.#req);
    this.#current = outgoing;
    let connected = false;
    const timer = setTimeout(
      () => outgoing.destroy(Object.assign(new Error('no connection'), { code: 'ETIMEDOUT' })),
      this.#proxy.connectTimeout,
    );
    outgoing.on('socket', (socket: Socket) => {
      if (!socket.connecting) {
        connected = true;
        clearTimeout(timer);
        return;
      }
      socket.once('connect', () => {
        connected = true;
        clearTimeout(timer);
      });
    });
    outgoing.on('response', (upstream) => {
      clearTimeout(timer);
      this.#answered = true;
      this.#relay(upstream);
    });
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (this.#answered || this.#res.destroyed) return;
      const origin = this.#proxy.urls[index]?.origin;
      const what = `${this.#req.method} ${this.#req.url} → ${origin}: ${error.code ?? error.message}`;
      this.#errors.push(what);
      this.#proxy.failed(index, what);
      const retry = (!connected || IDEMPOTENT.has(this.#req.method ?? '')) && this.#bodyKept;
      if (retry) this.start((index + 1) % upstreams);
      else this.#badGateway();
    });
    for (const chunk of this.#body) outgoing.write(chunk);
    if (this.#bodyEnded) outgoing.end();
  }

  #relay(upstream: IncomingMessage): void {
    const res = this.#res;
    res.writeHead(upstream.statusCode ?? 502, upstream.statusMessage, responseHeaders(upstream));
    res.flushHeaders();
    upstream.pipe(res);
    // An answer cut short upstream is cut short here too: the client must see an error, not an end.
    upstream.on('close', () => {
      if (!upstream.complete) res.destroy();
    });
  }

  #badGateway(): void {
    const res = this.#res;
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const body = `Bad gateway: no upstream answered ${this.#req.method} ${this.#req.url}\n${this.#errors.join('\n')}\n`;
    res.writeHead(502, {
      'content-type': 'text/plain; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  }
}

function connectionTokens(headers: IncomingHttpHeaders): Set<string> {
  const tokens = new Set(HOP_BY_HOP);
  for (const token of String(headers.connection ?? '').split(',')) {
    if (token.trim() !== '') tokens.add(token.trim().toLowerCase());
  }
  return tokens;
}

/** The client's headers as sent (names, case, repeats, Host included), minus hop-by-hop ones, plus X-Forwarded-*. */
function forwardHeaders(req: IncomingMessage): string[] {
  const drop = connectionTokens(req.headers);
  const out: string[] = [];
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    const lower = name.toLowerCase();
    if (drop.has(lower) || lower.startsWith('x-forwarded-')) continue;
    out.push(name, raw[i + 1] as string);
  }
  const before = req.headers['x-forwarded-for'];
  const client = req.socket.remoteAddress ?? '';
  out.push('X-Forwarded-For', before === undefined ? client : `${before}, ${client}`);
  out.push('X-Forwarded-Proto', 'http');
  if (req.headers.host !== undefined) out.push('X-Forwarded-Host', req.headers.host);
  return out;
}

function responseHeaders(upstream: IncomingMessage): string[] {
  const drop = connectionTokens(upstream.headers);
  const out: string[] = [];
  const raw = upstream.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    if (!drop.has((raw[i] as string).toLowerCase())) out.push(raw[i] as string, raw[i + 1] as string);
  }
  return out;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      port: { type: 'string', short: 'p', default: '8080' },
      host: { type: 'string', default: '127.0.0.1' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true || positionals.length === 0) {
    console.log(
      'Usage: npx tsx examples/scaling/round-robin-proxy.ts [--port 8080] [--host 127.0.0.1] UPSTREAM_URL...',
    );
    process.exit(values.help === true ? 0 : 2);
  }
  const proxy = new RoundRobinProxy({
    upstreams: positionals,
    onUpstreamError: (line) => console.error(`round-robin-proxy: ${line}`),
  });
  const url = await proxy.listen(Number(values.port), values.host);
  console.log(`round-robin proxy listening on ${url.origin} (pid ${process.pid}) → ${positionals.join(' ')}`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void proxy.close().then(() => process.exit(0)));
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
