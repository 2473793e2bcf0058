// Server errors as one line each. With Redis, an outage makes the same failure every second (each
// metrics sample's resources/updated cannot reach the other instances): a line seen again within
// `quiet` ms is counted, and the count is printed with its next appearance.
import { isMcpLiveError, type JSONRPCRequest, type SessionView } from '../../src/index.ts';

type ErrorListener = (error: unknown, context: { session?: SessionView; request?: JSONRPCRequest }) => void;

export function quietErrorLog(print: (line: string) => void = console.error, quiet = 30_000): ErrorListener {
  const printedAt = new Map<string, number>();
  const skipped = new Map<string, number>();
  return (error, { session, request }) => {
    const where = `${request?.method ?? 'server'}${session === undefined ? '' : ` in session ${session.id}`}`;
    // A local McpLiveError says all there is to say; anything else may be a bug, so its stack helps.
    const what =
      isMcpLiveError(error) || !(error instanceof Error) ? String(error) : (error.stack ?? String(error));
    const line = `mcp-live example: ${where} failed: ${what}`;
    const now = Date.now();
    if (now - (printedAt.get(line) ?? Number.NEGATIVE_INFINITY) < quiet) {
      skipped.set(line, (skipped.get(line) ?? 0) + 1);
      return;
    }
    if (printedAt.size > 1_000) {
      printedAt.clear();
      skipped.clear();
    }
    printedAt.set(line, now);
    const count = skipped.get(line) ?? 0;
    skipped.delete(line);
    print(count === 0 ? line : `${line} (${count} more times since it was last shown)`);
  };
}
