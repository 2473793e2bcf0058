// The `mcp-live` executable: wires the process (argv, streams, Ctrl-C) to `run` and exits with its code.
import { readFileSync } from 'node:fs';
import { run } from './run.ts';

function packageVersion(): string {
  // ../../package.json from both src/cli/ and dist/cli/.
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

function drained(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => stream.write('', () => resolve()));
}

const interrupt = new AbortController();
process.once('SIGINT', () => {
  interrupt.abort('interrupted (Ctrl-C)');
  // A second Ctrl-C does not wait for the cancellation to reach the server.
  process.once('SIGINT', () => process.exit(130));
});
// `mcp-live listen … | head -1`: a reader that went away is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const code = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  signal: interrupt.signal,
  version: packageVersion(),
});
await Promise.all([drained(process.stdout), drained(process.stderr)]);
// Exit now: idle keep-alive sockets must not hold the process open.
process.exit(code);
