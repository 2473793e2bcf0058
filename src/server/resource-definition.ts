import type { Annotations, Icon, ResourceContents } from '../protocol/content.ts';
import type { ReadResourceResult, Resource, ResourceTemplate } from '../protocol/resources.ts';
import { type CacheHint, checkHint } from './cache-hints.ts';
import type { RequestContext } from './request-context.ts';
import { checkScopes } from './required-scopes.ts';
import { UriTemplate } from './uri-template.ts';

/** What a resource handler may return: a whole result, contents, or text in the resource's MIME type. */
export type ResourceReturn = ReadResourceResult | ResourceContents | ResourceContents[] | string;

export interface ResourceConfig {
  name: string;
  title?: string;
  description?: string;
  mimeType?: string;
  size?: number;
  annotations?: Annotations;
  icons?: Icon[];
  _meta?: Record<string, unknown>;
  /** Caching hint of its `resources/read` results to stateless (2026-07-28) clients, over the server's `cache.resources`. */
  cache?: Partial<CacheHint>;
  /**
   * OAuth scopes a caller's token must grant to read or subscribe to it (all of them). Checked by
   * HTTP transports with an `oauth` resource server, which answer 403 `insufficient_scope` naming
   * them; other transports (stdio, an `authenticate` callback, the in-memory test client) do not.
   */
  scopes?: readonly string[];
}

export type ResourceHandler = (uri: string, ctx: RequestContext) => ResourceReturn | Promise<ResourceReturn>;

/** Variables taken from a URI that matched a template. */
export type TemplateVariables = Record<string, string | string[]>;

/** Suggests values for one template variable or prompt argument. */
export type Completer = (
  value: string,
  context: { arguments: Record<string, string>; ctx: RequestContext },
) => string[] | Promise<string[]>;

export interface ResourceTemplateConfig extends Omit<ResourceConfig, 'size'> {
  /** Lists concrete resources of this template for `resources/list`. */
  list?: (ctx: RequestContext) => Resource[] | Promise<Resource[]>;
  /** Completers for the template's variables, by name. */
  complete?: Record<string, Completer>;
}

export type ResourceTemplateHandler = (
  uri: string,
  variables: TemplateVariables,
  ctx: RequestContext,
) => ResourceReturn | Promise<ResourceReturn>;

export interface ResourceEntry {
  readonly resource: Resource;
  readonly handler: ResourceHandler;
  readonly cache: Partial<CacheHint> | undefined;
  readonly scopes: readonly string[] | undefined;
}

export interface TemplateEntry {
  readonly template: UriTemplate;
  readonly description: ResourceTemplate;
  readonly config: ResourceTemplateConfig;
  readonly handler: ResourceTemplateHandler;
  /** Registration order; the last tie-breaker when two templates match a URI equally well. */
  readonly order: number;
  readonly scopes: readonly string[] | undefined;
}

function describe<T extends object>(base: T, config: ResourceConfig): T {
  const out: Record<string, unknown> = { ...base, name: config.name };
  for (const key of ['title', 'description', 'mimeType', 'size', 'annotations', 'icons', '_meta'] as const) {
    if (config[key] !== undefined) out[key] = config[key];
  }
  return out as T;
}

export function defineResource(uri: string, config: ResourceConfig, handler: ResourceHandler): ResourceEntry {
  checkOwnHint(config.cache, `Resource ${uri}`);
  const scopes = checkScopes(config.scopes, `Resource ${uri}`);
  return { resource: describe({ uri } as Resource, config), handler, cache: config.cache, scopes };
}

function checkOwnHint(hint: Partial<CacheHint> | undefined, where: string): void {
  if (hint !== undefined)
    checkHint({ ttlMs: 0, cacheScope: 'private', ...hint }, `${where}: cache`, 'INVALID_DEFINITION');
}

export function defineTemplate(
  uriTemplate: string,
  config: ResourceTemplateConfig,
  handler: ResourceTemplateHandler,
  order: number,
): TemplateEntry {
  const template = new UriTemplate(uriTemplate);
  checkOwnHint(config.cache, `Resource template ${uriTemplate}`);
  const scopes = checkScopes(config.scopes, `Resource template ${uriTemplate}`);
  const { list: _list, complete: _complete, cache: _cache, ...rest } = config;
  return {
    template,
    description: describe({ uriTemplate } as ResourceTemplate, rest),
    config,
    handler,
    order,
    scopes,
  };
}

/** Turns whatever a resource handler returned into a `ReadResourceResult`. */
export function toReadResult(
  value: ResourceReturn,
  uri: string,
  mimeType: string | undefined,
): ReadResourceResult {
  if (typeof value === 'string') {
    return { contents: [mimeType === undefined ? { uri, text: value } : { uri, mimeType, text: value }] };
  }
  if (Array.isArray(value)) return { contents: value };
  if ('contents' in value && Array.isArray(value.contents)) return value as ReadResourceResult;
  return { contents: [value as ResourceContents] };
}
