// Starts instances of the live example server (examples/live/main.ts) as child processes sharing one
// Redis, and tells when each listens: used by cluster.ts, the scaling tests and the scaling bench.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = fileURLToPath(new URL('../live/main.ts', import.meta.url));

export interface InstanceOptions {
  /** The Redis every instance shares (`--redis`); or give `redisCluster`. */
  redisUrl?: string;
  /** The nodes of the Redis Cluster every instance shares (`--redis-cluster`), instead of `redisUrl`. */
  redisCluster?: readonly string[];
  /** Its name on the message bus and in session records (`--instance-id`). */
  instanceId: string;
  /** @default 0 (a free port) */
  port?: number;
  /** More arguments for main.ts. @default [] */
  args?: readonly string[];
  /** Environment of the child. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** ms to wait for the "ready" banner. @default 30_000 */
  startTimeout?: number;
  /** Each line the child prints on stdout or stderr, after the banner. @default nothing */
  onLine?: (line: string) => void;
}

/** A running instance: its process, where it listens, and how it ended once it has. */
export interface Instance {
  readonly instanceId: string;
  readonly pid: number;
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** Resolves when the process has exited, with how. */
  readonly exited: Promise<string>;
  /** Whether the process is still running. */
  readonly running: boolean;
  /** The last lines it printed (stdout and stderr). */
  readonly output: string;
  /** Sends a signal to this process only. */
  kill(signal: NodeJS.Signals): void;
  /** SIGTERM, then SIGKILL if it has not exited after `timeout` ms; resolves once it is gone. */
  stop(timeout?: number): Promise<void>;
}

/**
 * `env` with `MCP_LIVE_REQUEST_STATE_KEYS` set: its own value, or one fresh key. Give every instance of
 * a deployment the result, so that an input round begun on one can finish on another.
 */
export function withSharedRequestStateKeys(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  if ((env.MCP_LIVE_REQUEST_STATE_KEYS ?? '').trim() !== '') return env;
  return { ...env, MCP_LIVE_REQUEST_STATE_KEYS: `cluster:${randomBytes(32).toString('base64')}` };
}

/**
 * Spawns `node --import tsx examples/live/main.ts --port 0 --redis … --instance-id …` (or
 * `--redis-cluster …`) and waits for its banner.
 */
export function startInstance(options: InstanceOptions): Promise<Instance> {
  const args = ['--import', 'tsx', MAIN, '--port', String(options.port ?? 0), '--host', '127.0.0.1'];
  if (options.redisCluster !== undefined) args.push('--redis-cluster', options.redisCluster.join(','));
  else if (options.redisUrl !== undefined) args.push('--redis', options.redisUrl);
  else return Promise.reject(new Error(`instance ${options.instanceId}: give redisUrl or redisCluster`));
  args.push('--instance-id', options.instanceId, ...(options.args ?? []));
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let ready = false;
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(signal === null ? `exit code ${code}` : signal));
  });
  const onChunk = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    output = (output + text).slice(-8_000);
    if (ready && options.onLine !== undefined) {
      for (const line of text.split('\n')) if (line.trim() !== '') options.onLine(line);
    }
  };
  child.stdout?.on('data', onChunk);
  child.stderr?.on('data', onChunk);

  return new Promise<Instance>((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`instance ${options.instanceId} (pid ${child.pid}) ${why}:\n${output.slice(-2_000)}`));
    };
    const timeout = options.startTimeout ?? 30_000;
    const timer = setTimeout(() => fail(`printed no banner within ${timeout} ms`), timeout);
    void exited.then((how) => {
      if (!ready) fail(`exited (${how}) before it was ready`);
    });
    const onBanner = () => {
      const match = /ready on \S+:(\d+)\n/.exec(output);
      if (match === null || !/\n\s+redis\s/.test(output)) return;
      ready = true;
      clearTimeout(timer);
      child.stdout?.off('data', onBanner);
      resolve(instance(child, options.instanceId, Number(match[1]), exited, () => output));
    };
    child.stdout?.on('data', onBanner);
  });
}

function instance(
  child: ChildProcess,
  instanceId: string,
  port: number,
  exited: Promise<string>,
  output: () => string,
): Instance {
  return {
    instanceId,
    pid: child.pid as number,
    port,
    origin: `http://127.0.0.1:${port}`,
    exited,
    get running() {
      return child.exitCode === null && child.signalCode === null;
    },
    get output() {
      return output();
    },
    kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
    async stop(timeout = 5_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          child.kill('SIGKILL');
          resolve();
        }, timeout);
      });
      await Promise.race([exited, late]);
      clearTimeout(timer);
      await exited;
    },
  };
}
