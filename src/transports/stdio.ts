import type { Readable, Writable } from 'node:stream';
import { encodeMessage } from '../protocol/encode-message.ts';
import { ErrorCode, type JSONRPCMessage } from '../protocol/jsonrpc.ts';
import { McpLiveError } from '../protocol/mcp-live-error.ts';
import { parseMessages } from '../protocol/parse.ts';
import { isProtocolError } from '../protocol/protocol-error.ts';
import type { McpServer } from '../server/mcp-server.ts';
import type { Session } from '../server/session.ts';
import { transportHost } from '../server/transport-host.ts';

/** Options of a `StdioTransport`. */
export interface StdioTransportOptions {
  /** Where messages come from, one JSON-RPC message (or batch) per line. @default process.stdin */
  stdin?: Readable;
  /** Where messages go, one per line; nothing else is written to it, and it is never ended. @default process.stdout */
  stdout?: Writable;
  /** Longest line accepted, in bytes; a longer one gets a -32600 error and is skipped up to the next newline. @default 4_194_304 (4 MiB) */
  maxLineBytes?: number;
  /** ms `close()` waits for buffered output to reach `stdout` before giving up on it. @default 5_000 */
  flushTimeout?: number;
  /** Closes the transport when aborted, such as from a `SIGTERM` handler. */
  signal?: AbortSignal;
}

/**
 * The stdio transport: one session whose client writes newline-delimited JSON-RPC to stdin and reads
 * the answers from stdout (logs belong on stderr). It stops when stdin ends, `close()` is called,
 * `signal` aborts or the server closes the session.
 *
 * @example
 * const stdio = new StdioTransport(server);
 * process.once('SIGTERM', () => void stdio.close('SIGTERM'));
 * await stdio.start();
 * await stdio.closed;
 */
export class StdioTransport {
  readonly server: McpServer;
  #resolveClosed = () => {};
  /** Resolves once the transport stopped and wrote its last messages; nothing of it then keeps the process alive. */
  readonly closed = new Promise<void>((resolve) => {
    this.#resolveClosed = resolve;
  });
  readonly #o: Required<Omit<StdioTransportOptions, 'signal'>> & Pick<StdioTransportOptions, 'signal'>;
  #opening: Promise<Session> | undefined;
  #session: Session | undefined;
  #stopping: Promise<void> | undefined;
  #touch: ReturnType<typeof setInterval> | undefined;
  #line: Buffer[] = [];
  #lineBytes = 0;
  #skipping = false;
  #blocked = false;
  #pendingWrites = 0;
  #onSettled: (() => void) | undefined;

  constructor(server: McpServer, options: StdioTransportOptions = {}) {
    this.server = server;
    const { stdin = process.stdin, stdout = process.stdout, maxLineBytes = 4 * 1024 * 1024 } = options;
    if (!(maxLineBytes >= 1)) {
      const message = `StdioTransport option maxLineBytes must be a number ≥ 1 (got ${maxLineBytes})`;
      throw new McpLiveError('INVALID_OPTION', message);
    }
    this.#o = { ...options, stdin, stdout, maxLineBytes, flushTimeout: options.flushTimeout ?? 5_000 };
  }

  /** The session of the client on the other end, once `start()` resolved. */
  get session(): Session | undefined {
    return this.#session;
  }

  /** Opens the session and starts reading stdin; resolves once it is listening. */
  async start(): Promise<void> {
    if (this.#opening !== undefined || this.#stopping !== undefined) {
      const code = this.#stopping === undefined ? 'ALREADY_LISTENING' : 'CLOSED';
      throw new McpLiveError(code, 'This StdioTransport was already started; create a new one');
    }
    const { stdin, stdout, signal } = this.#o;
    const channel = { send: (m: JSONRPCMessage) => this.#write(m), close: (r: string) => void this.close(r) };
    this.#opening = transportHost(this.server).openSession({ channel, transport: 'stdio' });
    const session = await this.#opening;
    if (this.#stopping !== undefined) return;
    this.#session = session;
    // The open pipe is this session's keep-alive: the server's idle sweeper must not close it.
    this.#touch = setInterval(() => session.touch(), 1_000).unref();
    // Never removed: a late EPIPE must not crash the process.
    stdout.on('error', (error) => void this.close(`stdout failed: ${error.message}`));
    stdin.on('error', (error) => void this.close(`stdin failed: ${error.message}`));
    stdin.on('data', this.#onData).on('end', this.#onEnd).on('close', this.#onEnd);
    const onAbort = () => void this.close(`aborted: ${String(signal?.reason)}`);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();
    else if (stdin.readableEnded) this.#onEnd();
  }

  /** Stops reading stdin, closes the session (aborting in-flight handlers) and flushes stdout. Idempotent. */
  close(reason = 'transport closed'): Promise<void> {
    this.#stopping ??= this.#stop(reason);
    return this.#stopping;
  }

  async #stop(reason: string): Promise<void> {
    this.#detachInput();
    clearInterval(this.#touch);
    const session = await this.#opening?.catch(() => undefined);
    if (session !== undefined && this.server.subscriptionCount > 0) {
      // Listen streams of this connection end with their completion result, as the spec asks.
      transportHost(this.server).endSubscriptions((s) => s === session);
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    const closing = session && this.server.closeSession(session, reason);
    await closing?.catch((error) => this.server.reportError(error, session));
    if (this.#pendingWrites > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.#o.flushTimeout);
        this.#onSettled = () => resolve(clearTimeout(timer));
      });
    }
    this.#resolveClosed();
  }

  #detachInput(): void {
    this.#o.stdin.off('data', this.#onData).off('end', this.#onEnd).off('close', this.#onEnd);
    // Paused, stdin no longer holds the event loop open.
    this.#o.stdin.pause();
  }

  readonly #onEnd = (): void => {
    this.#detachInput();
    // A last line without a newline still counts, and its answer may go out before the session closes.
    this.#endLine();
    setImmediate(() => void this.close('stdin closed'));
  };

  readonly #onData = (chunk: Buffer | string): void => {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let start = 0;
    while (start < bytes.length && this.#stopping === undefined) {
      const newline = bytes.indexOf('\n', start);
      const piece = bytes.subarray(start, newline === -1 ? bytes.length : newline);
      if (!this.#skipping && this.#lineBytes + piece.length > this.#o.maxLineBytes) this.#overflow();
      else if (!this.#skipping) {
        this.#line.push(piece);
        this.#lineBytes += piece.length;
      }
      if (newline === -1) return;
      this.#endLine();
      start = newline + 1;
    }
  };

  #overflow(): void {
    this.#line = [];
    this.#lineBytes = 0;
    this.#skipping = true;
    const max = this.#o.maxLineBytes;
    const message = `Invalid Request: a line on stdin is longer than maxLineBytes (${max} bytes) and was skipped up to the next newline; send each message as one line of at most ${max} bytes`;
    this.#session?.send({ jsonrpc: '2.0', id: null, error: { code: ErrorCode.InvalidRequest, message } });
  }

  #endLine(): void {
    const text = this.#skipping ? '' : Buffer.concat(this.#line, this.#lineBytes).toString('utf8');
    this.#line = [];
    this.#lineBytes = 0;
    this.#skipping = false;
    if (text.trim() === '') return;
    const session = this.#session!;
    const parsed = parseMessages(text.endsWith('\r') ? text.slice(0, -1) : text);
    if (!parsed.ok) return void session.send(parsed.error);
    const done = parsed.batch
      ? transportHost(this.server).handleBatch(session, parsed.messages)
      : transportHost(this.server).handleMessage(session, parsed.messages[0]!);
    done.catch((error: unknown) => {
      if (isProtocolError(error)) session.send({ jsonrpc: '2.0', id: null, error: error.toJSON() });
      else this.server.reportError(error, session);
    });
  }

  #write(message: JSONRPCMessage): void {
    const encoded = encodeMessage(message, this.#session?.id, (e) =>
      this.server.reportError(e, this.#session),
    );
    if (encoded === undefined) return;
    this.#pendingWrites++;
    // The stream keeps the order; we keep the pressure off it: no input is read until it drains.
    if (!this.#o.stdout.write(`${encoded.json}\n`, this.#afterWrite) && !this.#blocked) {
      this.#blocked = true;
      this.#o.stdin.pause();
      this.#o.stdout.once('drain', () => {
        this.#blocked = false;
        if (this.#stopping === undefined) this.#o.stdin.resume();
      });
    }
  }

  readonly #afterWrite = (): void => {
    if (--this.#pendingWrites === 0) this.#onSettled?.();
  };
}

/**
 * Serves `server` over stdin and stdout (or the streams in `options`); resolves once the transport has
 * stopped: stdin ended, `options.signal` aborted or the server closed the session.
 *
 * @example
 * await serveStdio(new McpServer({ name: 'files', version: '1.0.0' }));
 */
export async function serveStdio(server: McpServer, options: StdioTransportOptions = {}): Promise<void> {
  const transport = new StdioTransport(server, options);
  await transport.start();
  await transport.closed;
}
