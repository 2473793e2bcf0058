/** What decides the message endpoint URL that the `endpoint` event announces. */
export interface EndpointURLSettings {
  messageEndpoint: string;
  baseURL?: string | undefined;
  useFullURLForMessageEndpoint: boolean;
  appendQueryToMessageEndpoint: boolean;
}

/** Joins a base path (`''`, `/mcp`, `/mcp/`) and an endpoint (`/message`) with exactly one slash. */
export function joinPath(base: string, path: string): string {
  const left = base.endsWith('/') ? base.slice(0, -1) : base;
  return path.startsWith('/') ? left + path : `${left}/${path}`;
}

/**
 * The URL a client must POST to: `[baseURL]{base}{messageEndpoint}?sessionId={id}[&{stream query}]`,
 * as mcp-go builds it. `search` is the stream request's query string (with its `?`).
 */
export function buildEndpointURL(
  settings: EndpointURLSettings,
  base: string,
  sessionId: string,
  search: string,
  host?: string | null,
): string {
  let url = joinPath(base, settings.messageEndpoint);
  const { baseURL } = settings;
  if (settings.useFullURLForMessageEndpoint && baseURL !== undefined && baseURL !== '') {
    // A client that connected by another name refuses an endpoint on another origin (the official
    // SDK does): it gets the path, with baseURL's own path prefix, which resolves against its URL.
    url = baseURLServes(baseURL, host) ? joinPath(baseURL, url) : joinPath(pathOf(baseURL), url);
  }
  url += `?sessionId=${encodeURIComponent(sessionId)}`;
  if (settings.appendQueryToMessageEndpoint && search.length > 1) url += `&${search.slice(1)}`;
  return url;
}

/**
 * Whether `baseURL` names the host the request came to (its `Host` header; `undefined` or `null`:
 * unknown, taken as yes).
 */
export function baseURLServes(baseURL: string, host: string | null | undefined): boolean {
  if (host === undefined || host === null || host === '') return true;
  try {
    const named = new URL(baseURL);
    return new URL(`${named.protocol}//${host}`).host === named.host;
  } catch {
    return true;
  }
}

function pathOf(baseURL: string): string {
  try {
    return new URL(baseURL).pathname;
  } catch {
    return '';
  }
}
