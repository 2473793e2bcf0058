// What every card of the page shares: element lookup, the current client, reading tool results and resources.
import type { CallToolResult, McpClient } from '../../../src/client/index.ts';

export function $<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`the page has no #${id}`);
  return element as T;
}

let current: McpClient | undefined;

/** The connected client, or undefined while (re)connecting. */
export const currentClient = (): McpClient | undefined => current;

export function setCurrentClient(client: McpClient | undefined): void {
  current = client;
}

/** A successful tool result's first text block, parsed as JSON; an `isError` result throws its text. */
export function resultJSON<T>(result: CallToolResult): T {
  const block = result.content[0];
  const text = block?.type === 'text' ? block.text : '';
  if (result.isError === true) throw new Error(text);
  return JSON.parse(text) as T;
}

/** Reads a JSON resource. */
export async function readJSON<T>(client: McpClient, uri: string): Promise<T> {
  const { contents } = await client.readResource(uri);
  const first = contents[0];
  return JSON.parse(first !== undefined && 'text' in first ? first.text : 'null') as T;
}
