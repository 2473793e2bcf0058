import type { ListenFilter } from '../../client/listen-stream.ts';
import { McpLiveError } from '../../protocol/mcp-live-error.ts';
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
    // Say at once that the stream dropped, rather than stay silent while the client retries.
    client.on('reconnecting', ({ attempt, delay, error }) => {
      if (command.options.quiet || attempt > 1) return;
      io.stderr.write(
        `mcp-live: lost the stream from ${command.url} (${error.message}); reconnecting in ${Math.round(delay)} ms…\n`,
      );
    });
    client.on('reconnected', () => {
      if (!command.options.quiet) io.stderr.write(`mcp-live: listening to ${command.url} again\n`);
    });
    if (io.signal.aborted) return 130;
    io.signal.addEventListener('abort', () => end({ interrupted: true }), { once: true });
    const stateless = client.transport === 'stateless';
    if (stateless) {
      // 2026-07-28: one listen stream asks for every change and the custom events named.
      const listen = await client.listen(listenFilter(command), { signal: io.signal });
      void listen.closed.then(({ reason, error }) => {
        if (reason === 'closed') return;
        const why =
          reason === 'completed'
            ? 'the server ended the listen'
            : `the listen was lost${error ? ` (${error.message})` : ''}`;
        end({ interrupted: false, reason: new McpLiveError('SESSION_CLOSED', why) });
      });
    } else {
      if (command.events.length > 0) {
        throw new CLIError(
          'USAGE',
          `--event needs a 2026-07-28 server (listen with custom events); ${command.url} speaks ${client.protocolVersion}`,
        );
      }
      for (const uri of command.subscribe) await client.subscribe(uri, { signal: io.signal });
    }
    if (!command.options.quiet) {
      const via = stateless ? 'MCP 2026-07-28' : client.transport === 'sse' ? 'HTTP+SSE' : 'Streamable HTTP';
      io.stderr.write(`Listening to ${command.url} over ${via}; press Ctrl-C to stop.\n`);
    }
    const ending = await ended;
    if (ending.interrupted) return 130;
    const why = ending.reason === undefined ? '' : `: ${ending.reason.message}`;
    const what = ending.reason?.message.startsWith('stopped listening')
      ? 'could not be reached again'
      : stateless
        ? 'stopped'
        : 'ended the session';
    throw new CLIError('RUNTIME', `${command.url} ${what}${why}`);
  } finally {
    await connection.close();
  }
}

/** What a 2026-07-28 listen asks for: every list change, the `--subscribe` URIs, the `--event` methods. */
function listenFilter(command: Extract<Command, { name: 'listen' }>): ListenFilter {
  const filter: ListenFilter = {
    toolsListChanged: true,
    promptsListChanged: true,
    resourcesListChanged: true,
  };
  if (command.subscribe.length > 0) filter.resourceSubscriptions = command.subscribe;
  if (command.events.length > 0) filter['dev.mcp-live/events'] = { methods: command.events };
  return filter;
}
