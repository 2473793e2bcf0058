const brand = Symbol.for('mcp-live.CLIError');

/** `USAGE`: the command line is wrong (exit 2). `RUNTIME`: the server or the call failed (exit 1). */
export type CLIErrorCode = 'USAGE' | 'RUNTIME';

/** An error the CLI reports as is: its message is written for the person at the terminal. */
export class CLIError extends Error {
  override name = 'CLIError';
  readonly code: CLIErrorCode;
  readonly [brand] = true;

  constructor(code: CLIErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
  }

  /** 2 for usage errors, 1 for the rest. */
  get exitCode(): number {
    return this.code === 'USAGE' ? 2 : 1;
  }
}

/** True for a `CLIError` (optionally of one code), also one from another copy of this package. */
export function isCLIError(value: unknown, code?: CLIErrorCode): value is CLIError {
  return (
    typeof value === 'object' &&
    value !== null &&
    brand in value &&
    (code === undefined || (value as CLIError).code === code)
  );
}
