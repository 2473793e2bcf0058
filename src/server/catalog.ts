import { McpLiveError } from '../protocol/mcp-live-error.ts';
import type { PromptEntry } from './prompt-definition.ts';
import type { ResourceEntry, TemplateEntry, TemplateVariables } from './resource-definition.ts';
import type { ToolEntry } from './tool-definition.ts';
import { UriTemplate } from './uri-template.ts';

export type CatalogKind = 'tools' | 'resources' | 'prompts';

/** The definitions a server serves: shared by every session, changed at run time. */
export class Catalog {
  readonly tools = new Map<string, ToolEntry>();
  readonly resources = new Map<string, ResourceEntry>();
  readonly prompts = new Map<string, PromptEntry>();
  #templates: TemplateEntry[] = [];
  #order = 0;
  #onChange: (kind: CatalogKind) => void;

  constructor(onChange: (kind: CatalogKind) => void) {
    this.#onChange = onChange;
  }

  get templates(): readonly TemplateEntry[] {
    return this.#templates;
  }

  nextOrder(): number {
    return this.#order++;
  }

  addTool(entry: ToolEntry, replace: boolean): void {
    this.#add(this.tools, entry.name, entry, replace, 'tool');
    this.#onChange('tools');
  }

  addResource(entry: ResourceEntry, replace: boolean): void {
    this.#add(this.resources, entry.resource.uri, entry, replace, 'resource');
    this.#onChange('resources');
  }

  addPrompt(entry: PromptEntry, replace: boolean): void {
    this.#add(this.prompts, entry.prompt.name, entry, replace, 'prompt');
    this.#onChange('prompts');
  }

  addTemplate(entry: TemplateEntry, replace: boolean): void {
    const index = this.#templates.findIndex((t) => t.template.template === entry.template.template);
    if (index >= 0 && !replace) {
      throw new McpLiveError(
        'DUPLICATE_NAME',
        `A resource template "${entry.template.template}" is already registered; remove it first or pass { replace: true }`,
      );
    }
    if (index >= 0) this.#templates[index] = entry;
    else this.#templates.push(entry);
    this.#onChange('resources');
  }

  remove(kind: 'tool' | 'resource' | 'prompt' | 'template', key: string): boolean {
    let removed: boolean;
    if (kind === 'tool') removed = this.tools.delete(key);
    else if (kind === 'resource') removed = this.resources.delete(key);
    else if (kind === 'prompt') removed = this.prompts.delete(key);
    else {
      const before = this.#templates.length;
      this.#templates = this.#templates.filter((t) => t.template.template !== key);
      removed = this.#templates.length !== before;
    }
    if (removed) this.#onChange(kind === 'tool' ? 'tools' : kind === 'prompt' ? 'prompts' : 'resources');
    return removed;
  }

  /**
   * The template that serves `uri`. When several match, the most specific wins (see
   * `UriTemplate.compare`), then the one registered first.
   */
  matchTemplate(uri: string): { entry: TemplateEntry; variables: TemplateVariables } | undefined {
    let best: { entry: TemplateEntry; variables: TemplateVariables } | undefined;
    for (const entry of this.#templates) {
      const variables = entry.template.match(uri);
      if (variables === undefined) continue;
      if (
        best === undefined ||
        UriTemplate.compare(entry.template, best.entry.template) < 0 ||
        (UriTemplate.compare(entry.template, best.entry.template) === 0 && entry.order < best.entry.order)
      ) {
        best = { entry, variables };
      }
    }
    return best;
  }

  #add<T>(map: Map<string, T>, key: string, entry: T, replace: boolean, what: string): void {
    if (map.has(key) && !replace) {
      throw new McpLiveError(
        'DUPLICATE_NAME',
        `A ${what} "${key}" is already registered; remove it first or pass { replace: true }`,
      );
    }
    map.set(key, entry);
  }
}
