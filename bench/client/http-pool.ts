// A lean HTTP/1.1 client for the load generator's POSTs: raw keep-alive sockets, one request at a
// time on each, requests written as one string. It costs the load generator a fraction of what
// `http.request` does, so more of the box's second core is left measuring the server.
import { connect, type Socket } from 'node:net';

export interface Reply {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: string;
}

interface Job {
  head: string;
  body: string;
  timeoutMs: number;
  /** Sent again once already, after a reused connection turned out to be closed. */
  retried: boolean;
  resolve(reply: Reply): void;
  reject(error: Error): void;
}

const CRLF2 = Buffer.from('\r\n\r\n');
const MAX_RESPONSE = 8 << 20;

/** Reads one response from the front of `buf`; `undefined` while it is incomplete. */
function parseResponse(buf: Buffer): { reply: Reply; used: number; close: boolean } | undefined {
  const headEnd = buf.indexOf(CRLF2);
  if (headEnd === -1) return undefined;
  const lines = buf.toString('latin1', 0, headEnd).split('\r\n');
  const status = Number((lines[0] ?? '').split(' ')[1]);
  const headers: Record<string, string> = {};
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  const close = headers.connection?.toLowerCase() === 'close';
  let at = headEnd + 4;
  if (headers['transfer-encoding']?.toLowerCase().includes('chunked')) {
    const parts: Buffer[] = [];
    for (;;) {
      const lineEnd = buf.indexOf('\r\n', at);
      if (lineEnd === -1) return undefined;
      const size = Number.parseInt(buf.toString('latin1', at, lineEnd), 16);
      if (!Number.isFinite(size)) throw new Error('malformed chunk size');
      if (buf.length < lineEnd + 2 + size + 2) return undefined;
      if (size === 0) {
        // Trailers are not used by the servers measured here: the last chunk ends with an empty line.
        return {
          reply: { status, headers, body: Buffer.concat(parts).toString('utf8') },
          used: lineEnd + 4,
          close,
        };
      }
      parts.push(buf.subarray(lineEnd + 2, lineEnd + 2 + size));
      at = lineEnd + 2 + size + 2;
    }
  }
  const length = Number(headers['content-length'] ?? 0);
  if (buf.length < at + length) return undefined;
  return {
    reply: { status, headers, body: buf.toString('utf8', at, at + length) },
    used: at + length,
    close,
  };
}

class Connection {
  readonly socket: Socket;
  #buffer: Buffer = Buffer.alloc(0);
  #job: Job | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #served = 0;
  #heard = false;
  #done: (connection: Connection, reusable: boolean, retry?: Job) => void;

  constructor(
    host: string,
    port: number,
    done: (connection: Connection, reusable: boolean, retry?: Job) => void,
  ) {
    this.#done = done;
    this.socket = connect({ host, port, noDelay: true });
    this.socket.on('data', (chunk: Buffer) => this.#read(chunk));
    this.socket.on('error', (error) => this.#fail(error, true));
    this.socket.on('close', () => this.#fail(new Error('connection closed before the answer'), true));
  }

  /** Settles once the TCP handshake is done; rejects on an error or after `timeoutMs`. */
  connected(timeoutMs: number): Promise<void> {
    if (!this.socket.connecting) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no TCP connection in ${timeoutMs} ms`)), timeoutMs);
      this.socket.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
      this.socket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  }

  run(job: Job): void {
    this.#job = job;
    this.#heard = false;
    this.#timer = setTimeout(() => this.#fail(new Error(`no answer in ${job.timeoutMs} ms`)), job.timeoutMs);
    this.socket.write(job.head + job.body);
  }

  #read(chunk: Buffer): void {
    this.#heard = true;
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    if (this.#buffer.length > MAX_RESPONSE) {
      this.#fail(new Error(`answer over ${MAX_RESPONSE} bytes`));
      return;
    }
    const job = this.#job;
    if (job === undefined) return;
    let parsed: ReturnType<typeof parseResponse>;
    try {
      parsed = parseResponse(this.#buffer);
    } catch (error) {
      this.#fail(error as Error);
      return;
    }
    if (parsed === undefined) return;
    this.#buffer = this.#buffer.subarray(parsed.used);
    clearTimeout(this.#timer);
    this.#job = undefined;
    this.#served++;
    if (parsed.close) this.socket.destroy();
    this.#done(this, !parsed.close);
    job.resolve(parsed.reply);
  }

  #fail(error: Error, dropped = false): void {
    const job = this.#job;
    this.#job = undefined;
    clearTimeout(this.#timer);
    if (!this.socket.destroyed) this.socket.destroy();
    // A kept-alive connection the server closed just as we reused it: send once more on a new one.
    if (dropped && job !== undefined && !job.retried && this.#served > 0 && !this.#heard) {
      job.retried = true;
      this.#done(this, false, job);
      return;
    }
    this.#done(this, false);
    job?.reject(error);
  }
}

/** Keep-alive connections to one server, at most `max` of them; requests beyond wait in line. */
export class HTTPPool {
  readonly #host: string;
  readonly #port: number;
  readonly #max: number;
  readonly #idle: Connection[] = [];
  readonly #all = new Set<Connection>();
  readonly #queue: Job[] = [];

  constructor(base: URL, max: number) {
    this.#host = base.hostname;
    this.#port = Number(base.port);
    this.#max = max;
  }

  request(
    method: string,
    path: string,
    headers: Record<string, string>,
    body: string,
    timeoutMs: number,
  ): Promise<Reply> {
    let head = `${method} ${path} HTTP/1.1\r\nhost: ${this.#host}:${this.#port}\r\n`;
    for (const name in headers) head += `${name}: ${headers[name]}\r\n`;
    head += `content-length: ${Buffer.byteLength(body)}\r\n\r\n`;
    return new Promise((resolve, reject) => {
      const job: Job = { head, body, timeoutMs, retried: false, resolve, reject };
      const connection = this.#idle.pop() ?? (this.#all.size < this.#max ? this.#open() : undefined);
      if (connection === undefined) this.#queue.push(job);
      else connection.run(job);
    });
  }

  /**
   * Opens connections until `count` are open, `concurrency` handshakes at a time, and waits for them,
   * so that a run's first calls do not all connect at once: hundreds of simultaneous SYNs overflow the
   * server's accept queue, and a dropped SYN is sent again only after 1 s, 3 s, 7 s, which then shows
   * up as seconds-long calls in the measured windows.
   */
  async warm(count: number, timeoutMs: number, concurrency = 32): Promise<void> {
    const target = Math.min(count, this.#max);
    while (this.#all.size < target) {
      const batch: Promise<void>[] = [];
      while (batch.length < concurrency && this.#all.size < target) {
        const connection = this.#open();
        batch.push(connection.connected(timeoutMs));
      }
      await Promise.all(batch);
      for (const connection of this.#all) {
        if (!connection.socket.destroyed && !this.#idle.includes(connection)) this.#idle.push(connection);
      }
    }
  }

  #open(): Connection {
    const connection = new Connection(this.#host, this.#port, (c, reusable, retry) =>
      this.#release(c, reusable, retry),
    );
    this.#all.add(connection);
    return connection;
  }

  #release(connection: Connection, reusable: boolean, retry?: Job): void {
    if (!reusable) {
      if (!this.#all.delete(connection)) return;
      const at = this.#idle.indexOf(connection);
      if (at !== -1) this.#idle.splice(at, 1);
      const next = retry ?? this.#queue.shift();
      if (next !== undefined) this.#open().run(next);
      return;
    }
    const next = this.#queue.shift();
    if (next !== undefined) connection.run(next);
    else this.#idle.push(connection);
  }

  destroy(): void {
    for (const job of this.#queue.splice(0)) job.reject(new Error('pool destroyed'));
    for (const connection of [...this.#all]) connection.socket.destroy();
  }
}
