import { type Command, parseCommandLine } from './cli-args.ts';
import { isCLIError } from './cli-error.ts';
import type { CLIIO } from './cli-io.ts';
import { runCall } from './commands/call.ts';
import { runListen } from './commands/listen.ts';
import { runRead } from './commands/read.ts';
import { runTools } from './commands/tools.ts';
import { explainError } from './explain-error.ts';
import { usageText } from './usage.ts';

type ServerCommand = Exclude<Command, { name: 'help' | 'version' }>;

function dispatch(command: ServerCommand, io: CLIIO): Promise<number> {
  switch (command.name) {
    case 'tools':
      return runTools(command, io);
    case 'call':
      return runCall(command, io);
    case 'read':
      return runRead(command, io);
    case 'listen':
      return runListen(command, io);
  }
}

/** Runs one `mcp-live` command line (without `node` and the script) and resolves its exit code. */
export async function run(argv: readonly string[], io: CLIIO): Promise<number> {
  let command: Command;
  try {
    command = parseCommandLine(argv);
  } catch (error) {
    if (!isCLIError(error)) throw error;
    io.stderr.write(`mcp-live: ${error.message}\n`);
    return error.exitCode;
  }
  if (command.name === 'help') {
    io.stdout.write(usageText(command.topic));
    return 0;
  }
  if (command.name === 'version') {
    io.stdout.write(`mcp-live ${io.version}\n`);
    return 0;
  }
  try {
    return await dispatch(command, io);
  } catch (error) {
    if (io.signal.aborted) return 130;
    const { url, options } = command;
    const context = { url, timeout: options.timeout, headers: options.headers.length > 0 };
    const { message, exitCode } = explainError(error, context);
    io.stderr.write(`mcp-live: ${message}\n`);
    return exitCode;
  }
}
