import type { Command } from '../cli-args.ts';
import type { CLIIO } from '../cli-io.ts';
import { openConnection } from '../connection.ts';
import { formatJSON, formatResource, singleBlob } from '../format-result.ts';

/** `mcp-live read <url> <uri>` */
export async function runRead(command: Extract<Command, { name: 'read' }>, io: CLIIO): Promise<number> {
  const connection = await openConnection(command.url, command.options, io);
  try {
    const result = await connection.client.readResource(command.uri, { signal: io.signal });
    if (command.options.json) {
      io.stdout.write(formatJSON(result));
      return 0;
    }
    // Bytes go to a file or pipe as they are; a terminal gets a summary instead of binary noise.
    const blob = io.stdout.isTTY ? undefined : singleBlob(result);
    io.stdout.write(blob ?? formatResource(result));
    return 0;
  } finally {
    await connection.close();
  }
}
