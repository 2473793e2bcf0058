import type { Exchange } from './exchange.ts';
import { type ResourceServer, resourceMetadataLocation } from './resource-server.ts';
import { respondText } from './respond.ts';

/** Any origin may read the document: it is public, and browser clients fetch it before they have a token. */
const OPEN_CORS = { 'Access-Control-Allow-Origin': '*' };

/** The Protected Resource Metadata document (RFC 9728) at its well-known paths. */
export class ResourceMetadataRoute {
  readonly #paths: ReadonlySet<string>;
  readonly #body: string;

  constructor(rs: ResourceServer) {
    this.#paths = new Set(resourceMetadataLocation(rs.resource).paths);
    this.#body = JSON.stringify(rs.metadata);
  }

  /** Answers the request when its path is one of the document's; false when it is not. */
  serve(ex: Exchange): boolean {
    const { method, path, headers } = ex.request;
    if (!this.#paths.has(path)) return false;
    if (method === 'GET' || method === 'HEAD') {
      const head = { 'Content-Type': 'application/json', 'Cache-Control': 'max-age=300', ...OPEN_CORS };
      ex.respond(200, head, method === 'HEAD' ? undefined : this.#body);
    } else if (method === 'OPTIONS') {
      const requested = headers.get('access-control-request-headers');
      ex.respond(204, {
        ...OPEN_CORS,
        'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS',
        ...(requested === null ? {} : { 'Access-Control-Allow-Headers': requested }),
        'Access-Control-Max-Age': '86400',
      });
    } else {
      const message = `Method Not Allowed: ${method} ${path}; the protected resource metadata is read with GET`;
      respondText(ex, 405, message, OPEN_CORS, { Allow: 'GET, HEAD, OPTIONS' });
    }
    return true;
  }
}
