import type { McpClientOptions } from './client-options.ts';
import { McpClient } from './mcp-client.ts';

/** Options of `connect()`: every client option but the URL. */
export type ConnectOptions = Omit<McpClientOptions, 'url'>;

/**
 * Creates a client for the MCP server at `url` and connects it.
 *
 * @example
 * const client = await connect('http://localhost:8080/mcp');
 * const { tools } = await client.listTools();
 */
export async function connect(url: string | URL, options: ConnectOptions = {}): Promise<McpClient> {
  const client = new McpClient({ ...options, url });
  await client.connect();
  return client;
}
