import { setImmediate as nextTurn } from 'node:timers/promises';
import { McpClient } from '../client/mcp-client.ts';
import type { McpLiveError } from '../protocol/mcp-live-error.ts';
import type { GlobalOptions } from './cli-args.ts';
import { CLIError } from './cli-error.ts';
import type { CLIIO } from './cli-io.ts';

/** setTimeout's largest delay (about 24.8 days): what `--timeout 0` means. */
const FOREVER = 2_147_483_647;
/** How long the CLI waits for a cancellation to be delivered, or for the session to end, before it exits anyway. */
const GRACE = 2_000;

/** A connected client, and what the CLI needs around it. */
export interface Connection {
  client: McpClient;
  /** Resolves once every POST in flight (such as a `notifications/cancelled`) was answered, or after a grace period. */
  flush(): Promise<void>;
  /** Ends the session; gives up waiting for the server after a grace period. */
  close(): Promise<void>;
}

/** Waits for `promise`, but no longer than `ms`. */
function within(promise: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

/** Rejects when `signal` aborts, so that Ctrl-C does not wait for a connection attempt. */
function interrupted(signal: AbortSignal): { promise: Promise<never>; dispose(): void } {
  let dispose = () => {};
  const promise = new Promise<never>((_, reject) => {
    const onAbort = () => reject(new CLIError('RUNTIME', 'interrupted'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    dispose = () => signal.removeEventListener('abort', onAbort);
  });
  promise.catch(() => {});
  return { promise, dispose };
}

/** Connects to `url` with the command line's headers, transport and timeout. */
export async function openConnection(
  url: string,
  options: GlobalOptions,
  io: CLIIO,
  /** Takes the client's non-fatal errors first; returning true keeps one from being printed as a warning. */
  onError: (error: McpLiveError) => boolean = () => false,
): Promise<Connection> {
  const posts = new Set<Promise<unknown>>();
  const trackingFetch: typeof fetch = (input, init) => {
    const response = globalThis.fetch(input, init);
    if (init?.method === 'POST') {
      const settled = response.then(
        () => {},
        () => {},
      );
      posts.add(settled);
      void settled.then(() => posts.delete(settled));
    }
    return response;
  };
  const client = new McpClient({
    url,
    ...(options.protocol === undefined ? { transport: options.transport } : { protocol: options.protocol }),
    headers: options.headers,
    fetch: trackingFetch,
    clientInfo: { name: 'mcp-live-cli', version: io.version },
    requestTimeout: options.timeout === 0 ? FOREVER : options.timeout * 1000,
  });
  let closing = false;
  client.on('error', (error) => {
    if (onError(error)) return;
    if (!closing && !options.quiet) io.stderr.write(`mcp-live: warning: ${error.message}\n`);
  });
  const abort = interrupted(io.signal);
  try {
    await Promise.race([client.connect(), abort.promise]);
  } catch (error) {
    void client.close();
    throw error;
  } finally {
    abort.dispose();
  }
  return {
    client,
    flush: async () => {
      // The client starts a cancellation's POST a few microtasks after the abort.
      await nextTurn();
      await within(Promise.all(posts), GRACE);
    },
    close: async () => {
      closing = true;
      await within(client.close(), GRACE);
    },
  };
}
