/** What a transport's callbacks (`authenticate`, `contextFunc`, `dynamicBasePath`) see of an HTTP request. */
export interface HTTPRequestInfo {
  readonly method: string;
  /** The path, without the query string, as the client sent it. */
  readonly path: string;
  /** The query string with its leading `?`, or `''`. */
  readonly search: string;
  readonly headers: Headers;
  /** The full URL, built from the `Host` header (and the TLS state where the adapter knows it). */
  readonly url: URL;
  /** The adapter's own request object: an `http.IncomingMessage` from `handleNode`, a `Request` from `fetch`. */
  readonly raw: unknown;
  /** The address of the connection's peer (`handleNode`); `undefined` where the adapter does not know it. */
  readonly remoteAddress?: string | undefined;
}

/** A request body read under a byte limit. */
export type BodyResult =
  | { ok: true; text: string }
  /**
   * `too-large`: over the limit (answer 413); `timeout`: the client took longer than it may (answer
   * 408); `aborted`: the client went away (answer nothing).
   */
  | { ok: false; reason: 'too-large' | 'timeout' | 'aborted' };

/** The answer to a body that could not be taken (`bodyFailure(reason)` for every wire). */
export function bodyFailure(
  reason: 'too-large' | 'timeout' | 'aborted',
  limits: { readonly maxBodyBytes: number; readonly bodyTimeout: number },
): { status: 400 | 408 | 413; message: string } {
  if (reason === 'too-large') {
    return {
      status: 413,
      message: `Payload Too Large: the body is over maxBodyBytes (${limits.maxBodyBytes} bytes)`,
    };
  }
  if (reason === 'timeout') {
    return {
      status: 408,
      message: `Request Timeout: the body did not arrive within bodyTimeout (${limits.bodyTimeout} ms)`,
    };
  }
  return { status: 400, message: 'Bad Request: the body could not be read' };
}

export type ResponseHeaders = Record<string, string>;

/**
 * The open body of a streaming response. `write` returns false once the client is not keeping up;
 * the writer then waits for `drain` before writing more.
 */
export interface StreamSink {
  write(chunk: string): boolean;
  /**
   * Sets the one listener called, with `target`, when the sink can take more after `write` returned
   * false. A shared function and its target rather than a closure: a stream may stay open for hours.
   */
  onDrain<T>(listener: (target: T) => void, target: T): void;
  /** Sets the one listener called once, with `target`, when the client goes away or the stream is cancelled. */
  onClose<T>(listener: (target: T) => void, target: T): void;
  /** Ends the response after what was written. */
  end(): void;
  /** Drops the connection without flushing (a client that stopped reading). */
  destroy(): void;
}

/**
 * One HTTP request and its response, as a transport sees it whatever the runtime: the Node adapter
 * writes to an `http.ServerResponse`, the fetch adapter builds a web `Response`. Exactly one of
 * `respond` and `stream` is called per exchange.
 */
export interface Exchange {
  readonly request: HTTPRequestInfo;
  /** True once the client has gone away. */
  readonly clientGone: boolean;
  /** Whether the listening socket this request came through is bound to a loopback address, if known. */
  readonly loopbackBind: boolean | undefined;
  /** Reads the body, up to `limit` bytes and within `timeout` ms (0: no time limit). */
  readBody(limit: number, timeout?: number): Promise<BodyResult>;
  /** Calls `listener` once if the client goes away before the response was written in full. */
  onClientGone(listener: () => void): void;
  respond(status: number, headers: ResponseHeaders | undefined, body?: string): void;
  stream(status: number, headers: ResponseHeaders): StreamSink;
}

/** A body's declared length exceeds `limit` (so it can be refused before a byte is read). */
export function declaredLengthExceeds(headers: Headers, limit: number): boolean {
  const value = headers.get('content-length');
  if (value === null) return false;
  const length = Number(value);
  return Number.isFinite(length) && length > limit;
}

/** Splits a request target (`/a/b?x=1`) into its path and its query string (with the `?`). */
export function splitTarget(target: string): { path: string; search: string } {
  const q = target.indexOf('?');
  return q === -1 ? { path: target, search: '' } : { path: target.slice(0, q), search: target.slice(q) };
}

/** The value of one query parameter, without building a `URLSearchParams`; `undefined` when absent. */
export function queryParam(search: string, name: string): string | undefined {
  let at = 1;
  while (at < search.length) {
    const end = search.indexOf('&', at);
    const stop = end === -1 ? search.length : end;
    const eq = search.indexOf('=', at);
    const keyEnd = eq === -1 || eq > stop ? stop : eq;
    if (keyEnd - at === name.length && search.startsWith(name, at)) {
      const raw = keyEnd === stop ? '' : search.slice(keyEnd + 1, stop);
      if (!raw.includes('%') && !raw.includes('+')) return raw;
      try {
        return decodeURIComponent(raw.replaceAll('+', ' '));
      } catch {
        return raw;
      }
    }
    at = stop + 1;
  }
  return undefined;
}

/** True when a media type (a `Content-Type` value) is JSON: `application/json` or `application/*+json`. */
export function isJSONMediaType(value: string | null): boolean {
  if (value === null) return false;
  const semi = value.indexOf(';');
  const type = (semi === -1 ? value : value.slice(0, semi)).trim().toLowerCase();
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}
