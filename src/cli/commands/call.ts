import type { CallToolResult } from '../../protocol/tools.ts';
import type { Command } from '../cli-args.ts';
import { CLIError } from '../cli-error.ts';
import type { CLIIO } from '../cli-io.ts';
import { coerceArguments } from '../coerce-arguments.ts';
import { openConnection } from '../connection.ts';
import { formatJSON, formatToolError, formatToolResult } from '../format-result.ts';
import { unknownToolMessage } from '../format-tools.ts';
import { ProgressReporter } from '../progress-bar.ts';
import { listAllTools } from './tools.ts';

/** `mcp-live call <url> <tool> name=value…` */
export async function runCall(command: Extract<Command, { name: 'call' }>, io: CLIIO): Promise<number> {
  const { options } = command;
  const connection = await openConnection(command.url, options, io);
  try {
    const tools = await listAllTools(connection.client, io.signal);
    const tool = tools.find((candidate) => candidate.name === command.tool);
    if (tool === undefined) throw new CLIError('USAGE', unknownToolMessage(command.tool, tools));
    const args = coerceArguments(tool, command.args);
    const progress = options.quiet ? undefined : new ProgressReporter(io.stderr);
    let result: CallToolResult;
    try {
      result = await connection.client.callTool(tool.name, args, {
        signal: io.signal,
        onProgress: (update) => progress?.update(update),
        resetTimeoutOnProgress: true,
      });
    } catch (error) {
      if (!io.signal.aborted) throw error;
      // The client has sent notifications/cancelled; let it reach the server before the session ends.
      await connection.flush();
      if (!options.quiet) io.stderr.write(`mcp-live: cancelled "${tool.name}"\n`);
      return 130;
    } finally {
      progress?.clear();
    }
    if (options.json) io.stdout.write(formatJSON(result));
    if (result.isError) {
      io.stderr.write(`mcp-live: tool "${tool.name}" failed: ${formatToolError(result)}\n`);
      return 1;
    }
    if (!options.json) io.stdout.write(formatToolResult(result));
    return 0;
  } finally {
    await connection.close();
  }
}
