/** A stream the CLI writes to: `process.stdout`, `process.stderr`, or a test double. */
export interface OutputStream {
  write(chunk: string | Uint8Array): unknown;
  isTTY?: boolean | undefined;
  columns?: number | undefined;
}

/** Everything a command touches outside itself, so commands can run against test doubles. */
export interface CLIIO {
  stdout: OutputStream;
  stderr: OutputStream;
  /** Aborts on Ctrl-C (SIGINT); its reason is sent to the server with `notifications/cancelled`. */
  signal: AbortSignal;
  /** This package's version. */
  version: string;
}
