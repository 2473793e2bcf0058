import type { McpClient } from '../../client/mcp-client.ts';
import type { Tool } from '../../protocol/tools.ts';
import type { Command } from '../cli-args.ts';
import type { CLIIO } from '../cli-io.ts';
import { openConnection } from '../connection.ts';
import { formatJSON } from '../format-result.ts';
import { formatTools } from '../format-tools.ts';

/** Every tool the server lists, across pages. */
export async function listAllTools(client: McpClient, signal: AbortSignal): Promise<Tool[]> {
  const tools: Tool[] = [];
  let cursor: string | undefined;
  // A server that keeps handing out cursors must not keep the CLI forever.
  for (let page = 0; page < 1_000; page++) {
    const result = await client.listTools(cursor === undefined ? {} : { cursor }, { signal });
    tools.push(...result.tools);
    cursor = result.nextCursor;
    if (cursor === undefined) break;
  }
  return tools;
}

/** `mcp-live tools <url>` */
export async function runTools(command: Extract<Command, { name: 'tools' }>, io: CLIIO): Promise<number> {
  const connection = await openConnection(command.url, command.options, io);
  try {
    const tools = await listAllTools(connection.client, io.signal);
    io.stdout.write(command.options.json ? formatJSON(tools) : formatTools(tools));
    return 0;
  } finally {
    await connection.close();
  }
}
