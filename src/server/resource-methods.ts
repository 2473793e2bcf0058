import { ErrorCode } from '../protocol/jsonrpc.ts';
import { ProtocolError } from '../protocol/protocol-error.ts';
import type { ReadResourceResult, Resource } from '../protocol/resources.ts';
import type { Catalog } from './catalog.ts';
import { paginate } from './cursor.ts';
import type { RequestContext } from './request-context.ts';
import { toReadResult } from './resource-definition.ts';
import type { Session } from './session.ts';

function requireUri(params: Record<string, unknown>, method: string): string {
  const uri = params.uri;
  if (typeof uri !== 'string' || uri === '')
    throw ProtocolError.invalidParams(`${method} needs a string "uri"`);
  return uri;
}

export async function listResources(
  catalog: Catalog,
  params: Record<string, unknown>,
  ctx: RequestContext,
  pageSize: number,
) {
  const all: Resource[] = [...catalog.resources.values()].map((entry) => entry.resource);
  for (const entry of catalog.templates) {
    if (entry.config.list !== undefined) all.push(...(await entry.config.list(ctx)));
  }
  const { page, nextCursor } = paginate(all, 'resources/list', params.cursor, pageSize);
  return nextCursor === undefined ? { resources: page } : { resources: page, nextCursor };
}

export function listTemplates(catalog: Catalog, params: Record<string, unknown>, pageSize: number) {
  const all = catalog.templates.map((entry) => entry.description);
  const { page, nextCursor } = paginate(all, 'resources/templates/list', params.cursor, pageSize);
  return nextCursor === undefined ? { resourceTemplates: page } : { resourceTemplates: page, nextCursor };
}

export function notFound(uri: string): ProtocolError {
  return new ProtocolError(ErrorCode.ResourceNotFound, `Resource not found: ${uri}`, { data: { uri } });
}

/** Exists when a static resource has this URI or a template matches it. */
export function resourceExists(catalog: Catalog, uri: string): boolean {
  return catalog.resources.has(uri) || catalog.matchTemplate(uri) !== undefined;
}

export async function readResource(
  catalog: Catalog,
  params: Record<string, unknown>,
  ctx: RequestContext,
): Promise<ReadResourceResult> {
  const uri = requireUri(params, 'resources/read');
  const entry = catalog.resources.get(uri);
  if (entry !== undefined) return toReadResult(await entry.handler(uri, ctx), uri, entry.resource.mimeType);
  const match = catalog.matchTemplate(uri);
  if (match === undefined) throw notFound(uri);
  const value = await match.entry.handler(uri, match.variables, ctx);
  return toReadResult(value, uri, match.entry.description.mimeType);
}

export function subscribe(catalog: Catalog, params: Record<string, unknown>, session: Session) {
  const uri = requireUri(params, 'resources/subscribe');
  if (!resourceExists(catalog, uri)) throw notFound(uri);
  session.subscriptions.add(uri);
  session.stateChanged();
  return {};
}

export function unsubscribe(params: Record<string, unknown>, session: Session) {
  if (session.subscriptions.delete(requireUri(params, 'resources/unsubscribe'))) session.stateChanged();
  return {};
}
