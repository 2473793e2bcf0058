// A real redis-server for tests: on a free loopback port, in a temporary directory, with nothing
// persisted unless asked. Where the binary is missing, tests skip with a message, except in CI, where
// they fail.
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { createClient, type RedisClientType } from 'redis';

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /**
   * Stops the server (SIGTERM unless told) and waits for it to exit; `start()` brings it back on the
   * same port: empty, or with what its append-only file kept when started with `appendonly`.
   */
  stop(signal?: NodeJS.Signals): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and removes its directory. */
  close(): Promise<void>;
}

/** A started server, or why the tests that need one are skipped. */
export type RedisForTests = { server: RedisServer; skip: false } | { server: undefined; skip: string };

const INSTALL = 'apt-get install -y redis-server';

/**
 * Starts a redis-server for one test file. Without the binary it returns a skip reason, or throws when
 * `CI=true` (CI installs it, so a missing binary there is a broken setup, not a reason to skip).
 */
export async function redisForTests(options: RedisServerOptions = {}): Promise<RedisForTests> {
  const binary = findBinary();
  if (binary === undefined) {
    const why = `redis-server is not installed (${INSTALL}); the Redis store tests need a real one`;
    if (process.env.CI === 'true') throw new Error(`${why}, and CI must run them`);
    return { server: undefined, skip: why };
  }
  return { server: await startRedisServer(binary, options), skip: false };
}

export interface RedisServerOptions {
  /** Keep every write in an append-only file, synced before each reply (`appendfsync always`). @default false */
  appendonly?: boolean;
}

export async function startRedisServer(
  binary = findBinary() ?? 'redis-server',
  options: RedisServerOptions = {},
): Promise<RedisServer> {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-live-redis-'));
  const extra = options.appendonly === true ? ['--appendonly', 'yes', '--appendfsync', 'always'] : [];
  let port = 0;
  let child: ChildProcess | undefined;
  for (let attempt = 1; child === undefined; attempt++) {
    port = await freePort();
    try {
      child = await launchRedisServer(binary, port, dir, extra);
    } catch (error) {
      if (attempt >= 3) {
        await rm(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }
  // A crashed test process must not leave a server behind.
  process.once('exit', () => child?.kill('SIGKILL'));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill(signal);
    await exited;
  };
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop,
    async start() {
      if (child === undefined) child = await launchRedisServer(binary, port, dir, extra);
    },
    async close() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Spawns redis-server on 127.0.0.1:`port` with its files in `dir` and nothing persisted (`extra`
 * arguments come last and win), and resolves once it accepts connections.
 */
export function launchRedisServer(
  binary: string,
  port: number,
  dir: string,
  extra: readonly string[] = [],
): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  args.push('--dir', dir, '--daemonize', 'no', '--notify-keyspace-events', 'Ex', ...extra);
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error('it did not get ready within 10 s')), 10_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        child.off('exit', onExit);
        resolve(child);
      }
    };
    const onExit = (code: number | null) => fail(new Error(`it exited with code ${code}`));
    function fail(error: Error) {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`redis-server on port ${port}: ${error.message}\n${output.slice(-2_000)}`));
    }
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', onExit);
  });
}

function findBinary(): string | undefined {
  return findRedisBinary('redis-server');
}

/** The path of `name` (redis-server, redis-cli) on PATH or in /usr/bin, /usr/local/bin. */
export function findRedisBinary(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/local/bin'];
  for (const dir of dirs) {
    if (dir === '') continue;
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {}
  }
  return undefined;
}

/** A port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** A connected node-redis client that retries quickly (tests restart the server), closed by `t.after` if given. */
export async function connectClient(
  t: { after(fn: () => Promise<void> | void): void } | undefined,
  url: string,
): Promise<RedisClientType> {
  const client: RedisClientType = createClient({
    url,
    socket: { reconnectStrategy: (retries: number) => Math.min(50 * (retries + 1), 300) },
  });
  client.on('error', () => {});
  await client.connect();
  t?.after(() => closeClient(client));
  return client;
}

export async function closeClient(client: RedisClientType): Promise<void> {
  if (client.isReady) await client.close();
  else if (client.isOpen) client.destroy();
}

/** Resolves on the next `event` of `emitter`; rejects after `ms` (a bound, so that a broken test ends). */
export function nextEvent(
  emitter: { once(event: string, listener: (...args: unknown[]) => void): unknown },
  event: string,
  ms = 15_000,
): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${event}" event within ${ms} ms`)), ms);
    emitter.once(event, (...args) => {
      clearTimeout(timer);
      resolve(args);
    });
  });
}

/** A promise with its settle functions, to wait (with a bound) for a callback to happen. */
export function deferred<T = void>(ms = 15_000, what = 'the expected event') {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`${what} did not happen within ${ms} ms`)), ms);
    resolve = (value) => {
      clearTimeout(timer);
      res(value);
    };
    reject = (error) => {
      clearTimeout(timer);
      rej(error);
    };
  });
  return { promise, resolve, reject };
}
