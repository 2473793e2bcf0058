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
): string {
  let url = joinPath(base, settings.messageEndpoint);
  if (settings.useFullURLForMessageEndpoint && settings.baseURL !== undefined && settings.baseURL !== '') {
    url = joinPath(settings.baseURL, url);
  }
  url += `?sessionId=${encodeURIComponent(sessionId)}`;
  if (settings.appendQueryToMessageEndpoint && search.length > 1) url += `&${search.slice(1)}`;
  return url;
}
