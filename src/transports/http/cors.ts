import type { ResponseHeaders } from './exchange.ts';

/** Cross-origin access for browser clients. */
export interface CORSOptions {
  /** Origins that may read responses: `'*'`, a list, or a predicate. @default '*' */
  origin?: string | readonly string[] | ((origin: string) => boolean);
  /**
   * Request headers a browser may send; the `Mcp-Param-*` headers a 2026-07-28 client mirrors tool
   * arguments into are allowed as a preflight names them.
   * @default ['Content-Type', 'Authorization', 'Last-Event-ID', 'Mcp-Protocol-Version', 'Mcp-Session-Id', 'Mcp-Method', 'Mcp-Name']
   */
  allowHeaders?: readonly string[];
  /** Response headers a browser may read. @default ['Mcp-Session-Id', 'WWW-Authenticate'] */
  exposeHeaders?: readonly string[];
  /** Allow cookies and HTTP auth; the origin is then echoed instead of `*`. @default false */
  credentials?: boolean;
  /** Seconds a browser may cache a preflight answer. @default 600 */
  maxAge?: number;
}

const DEFAULT_ALLOW_HEADERS = [
  'Content-Type',
  'Authorization',
  'Last-Event-ID',
  'Mcp-Protocol-Version',
  'Mcp-Session-Id',
  'Mcp-Method',
  'Mcp-Name',
];
const DEFAULT_EXPOSE_HEADERS = ['Mcp-Session-Id', 'WWW-Authenticate'];

/** The CORS headers of a transport's answers, precomputed once. */
export class CORSPolicy {
  readonly #accepts: (origin: string) => boolean;
  readonly #wildcard: boolean;
  readonly #credentials: boolean;
  readonly #expose: string;
  readonly #preflight: ResponseHeaders;
  readonly #allowHeaders: string;

  constructor(options: CORSOptions, methods: string) {
    const origin = options.origin ?? '*';
    this.#credentials = options.credentials ?? false;
    this.#wildcard = origin === '*' && !this.#credentials;
    this.#accepts =
      typeof origin === 'function'
        ? origin
        : origin === '*'
          ? () => true
          : typeof origin === 'string'
            ? (o) => o === origin
            : (o) => origin.includes(o);
    this.#expose = (options.exposeHeaders ?? DEFAULT_EXPOSE_HEADERS).join(', ');
    this.#allowHeaders = (options.allowHeaders ?? DEFAULT_ALLOW_HEADERS).join(', ');
    this.#preflight = {
      'Access-Control-Allow-Methods': methods,
      'Access-Control-Allow-Headers': this.#allowHeaders,
      'Access-Control-Max-Age': String(options.maxAge ?? 600),
    };
  }

  /** Headers for an answer to a request from `origin`; `undefined` when it gets none. */
  headers(origin: string | null): ResponseHeaders | undefined {
    if (origin === null || !this.#accepts(origin)) return undefined;
    const out: ResponseHeaders = this.#wildcard
      ? { 'Access-Control-Allow-Origin': '*' }
      : { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' };
    if (this.#credentials) out['Access-Control-Allow-Credentials'] = 'true';
    if (this.#expose !== '') out['Access-Control-Expose-Headers'] = this.#expose;
    return out;
  }

  /**
   * Headers for the answer to a preflight (`OPTIONS`) request; `requested` is its
   * `Access-Control-Request-Headers`, whose `Mcp-Param-*` names are allowed too.
   */
  preflight(origin: string | null, requested: string | null = null): ResponseHeaders {
    const base = this.headers(origin);
    if (base === undefined) return { Vary: 'Origin' };
    const params = (requested ?? '')
      .split(',')
      .map((name) => name.trim())
      .filter((name) => /^mcp-param-[!#$%&'*+\-.^_`|~0-9a-z]+$/i.test(name));
    if (params.length === 0) return { ...base, ...this.#preflight };
    return {
      ...base,
      ...this.#preflight,
      'Access-Control-Allow-Headers': `${this.#allowHeaders}, ${params.join(', ')}`,
    };
  }
}
