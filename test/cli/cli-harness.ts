// Shared by the CLI suites: a real mcp-live server on 127.0.0.1:0, and the CLI run as a real process.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { s } from '../../src/schema/index.ts';
import { json, McpServer, toolError } from '../../src/server/index.ts';
import { SSEServer, StreamableHTTPServer } from '../../src/transports/index.ts';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The wire a test server speaks. */
export type Kind = 'sse' | 'streamable-http';
export const KINDS: readonly Kind[] = ['sse', 'streamable-http'];

export interface TestServer {
  server: McpServer;
  /** The URL to give the CLI: `/sse` or `/mcp`. */
  url: string;
  /** Resolves when the `slow` tool's handler started. */
  slowStarted: Promise<void>;
  /** Resolves with the reason the `slow` tool's handler signal aborted with. */
  slowAborted: Promise<unknown>;
  /** Stops the HTTP server (what a crashed or stopped server looks like to the CLI). */
  stop(): Promise<void>;
}

/** A server with the fixture tools and a resource behind `kind`; closed after the test. */
export async function startServer(
  t: TestContext,
  kind: Kind,
  options: { authenticate?: (req: { headers: Headers }) => unknown } = {},
): Promise<TestServer> {
  const server = new McpServer({ name: 'cli-test', version: '1.0.0' });
  let started!: () => void;
  let aborted!: (reason: unknown) => void;
  const slowStarted = new Promise<void>((resolve) => {
    started = resolve;
  });
  const slowAborted = new Promise<unknown>((resolve) => {
    aborted = resolve;
  });
  server.tool(
    'add',
    {
      description: 'Adds two numbers',
      input: { a: s.number().required().describe('The first addend'), b: s.integer().default(2) },
    },
    ({ a, b }) => `${a + b}`,
  );
  server.tool(
    'echo',
    {
      description: 'Returns its arguments as structured content',
      input: {
        text: s.string().required(),
        times: s.integer(),
        loud: s.boolean(),
        tags: s.array(s.string()),
        ids: s.array(s.integer()),
        meta: s.object({ k: s.string() }),
        mode: s.string().enum(['fast', 'slow']).default('fast'),
      },
    },
    (args) => json(args),
  );
  server.tool('steps', { input: { count: s.integer().default(3) } }, ({ count }, ctx) => {
    for (let i = 1; i <= count; i++) ctx.progress(i, count, `step ${i}`);
    return 'done';
  });
  server.tool('fail', {}, () => toolError('the disk is full'));
  server.tool('slow', { description: 'Runs until cancelled' }, async (_args, ctx) => {
    ctx.signal.addEventListener('abort', () => aborted(ctx.signal.reason), { once: true });
    started();
    await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
    return 'cancelled';
  });
  server.resource('note://greeting', { name: 'greeting', mimeType: 'text/plain' }, () => 'hello, world');
  const transport =
    kind === 'sse' ? new SSEServer(server, options) : new StreamableHTTPServer(server, options);
  const { url } = await transport.listen('127.0.0.1:0');
  t.after(async () => {
    await transport.close({ timeout: 0 });
    await server.close();
  });
  return { server, url, slowStarted, slowAborted, stop: () => transport.close({ timeout: 0 }) };
}

/** A port nothing listens on: bound, then released. */
export async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

export interface CLIProcess {
  child: ChildProcess;
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves once `stream` matches `pattern`; rejects (with the output) if the process exits first. */
  waitFor(stream: 'stdout' | 'stderr', pattern: RegExp): Promise<void>;
  /** The exit code; `null` when a signal killed the process. */
  exited: Promise<number | null>;
}

/** Starts `node --import tsx src/cli/main.ts …args` (or `entry`); killed after the test if still running. */
export function startCLI(
  t: TestContext,
  args: readonly string[],
  entry = ['--import', 'tsx', 'src/cli/main.ts'],
): CLIProcess {
  const child = spawn(process.execPath, [...entry, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  const waiters = new Set<() => void>();
  for (const name of ['stdout', 'stderr'] as const) {
    child[name].setEncoding('utf8');
    child[name].on('data', (chunk: string) => {
      output[name] += chunk;
      for (const check of waiters) check();
    });
  }
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return {
    child,
    get stdout() {
      return output.stdout;
    },
    get stderr() {
      return output.stderr;
    },
    waitFor: (stream, pattern) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!pattern.test(output[stream])) return;
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
        void exited.then(() => {
          if (!waiters.delete(check)) return;
          reject(
            new Error(
              `the CLI exited before ${stream} matched ${pattern}\nstdout: ${output.stdout}\nstderr: ${output.stderr}`,
            ),
          );
        });
      }),
    exited,
  };
}

/** Runs the CLI to the end. */
export async function runCLI(
  t: TestContext,
  args: readonly string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cli = startCLI(t, args);
  const code = await cli.exited;
  return { code, stdout: cli.stdout, stderr: cli.stderr };
}

/** Does `act` every few milliseconds until `check` holds (for notifications sent before a stream is open). */
export async function repeatUntil(check: () => boolean, act: () => unknown): Promise<void> {
  while (!check()) {
    await act();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
