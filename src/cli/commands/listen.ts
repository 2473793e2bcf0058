import type { McpLiveError } from '../../protocol/mcp-live-error.ts';
import type { Command } from '../cli-args.ts';
import { CLIError } from '../cli-error.ts';
import type { CLIIO } from '../cli-io.ts';
import { openConnection } from '../connection.ts';

type Ending = { interrupted: true } | { interrupted: false; reason: McpLiveError | undefined };

/** `mcp-live listen <url> [--subscribe <uri>…]`: one JSON line per notification until Ctrl-C. */
export async function runListen(command: Extract<Command, { name: 'listen' }>, io: CLIIO): Promise<number> {
  let end: (ending: Ending) => void = () => {};
  const ended = new Promise<Ending>((resolve) => {
    end = resolve;
  });
  // Streamable HTTP reports a GET stream it could not resume as an error, not a close; nothing more would arrive.
  const lost = (error: McpLiveError) => {
    if (!error.message.startsWith('stopped listening')) return false;
    end({ interrupted: false, reason: error });
    return true;
  };
  const connection = await openConnection(command.url, command.options, io, lost);
  const { client } = connection;
  try {
    client.onNotification('*', (_params, notification) => {
      io.stdout.write(`${JSON.stringify(notification)}\n`);
    });
    client.on('close', (reason) => end({ interrupted: false, reason }));
    if (io.signal.aborted) return 130;
    io.signal.addEventListener('abort', () => end({ interrupted: true }), { once: true });
    for (const uri of command.subscribe) await client.subscribe(uri, { signal: io.signal });
    if (!command.options.quiet) {
      const via = client.transport === 'sse' ? 'HTTP+SSE' : 'Streamable HTTP';
      io.stderr.write(`Listening to ${command.url} over ${via}; press Ctrl-C to stop.\n`);
    }
    const ending = await ended;
    if (ending.interrupted) return 130;
    const why = ending.reason === undefined ? '' : `: ${ending.reason.message}`;
    throw new CLIError('RUNTIME', `${command.url} ended the session${why}`);
  } finally {
    await connection.close();
  }
}
