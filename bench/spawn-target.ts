// Starts a target in its own process, pinned to one core where `taskset` exists, with --expose-gc so
// that it can report memory after a forced GC over the IPC channel.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import type { MemoryReport } from './targets/harness.ts';
import type { TargetSpec } from './targets.ts';
import { ownVersion } from './versions.ts';

export interface RunningTarget {
  readonly spec: TargetSpec;
  readonly pid: number;
  readonly base: URL;
  /** Why the process is gone, once it is. */
  readonly exited: string | undefined;
  /** Forces a GC in the target and reads its memory. */
  memory(timeoutMs?: number): Promise<MemoryReport>;
  /** Starts sampling what the target allocates (`bench/targets/harness.ts`). */
  startAllocations(): Promise<void>;
  /** Stops sampling and has the target write the sampling heap profile to `file`. */
  stopAllocations(file: string): Promise<void>;
  stop(): Promise<void>;
}

export type StartResult =
  | { ok: true; target: RunningTarget }
  | { ok: false; status: 'unavailable' | 'failed'; reason: string };

export const hasTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0;

/** The target that runs mcp-live as its package ships (`dist/`), like the peers from `node_modules`. */
const FROM_BUILD = 'bench/targets/mcp-live.ts';
let built = false;
let builtFrom: string | undefined;

/** The version and commit of the sources `dist/` was built from in this process, once it was. */
export function measuredVersion(): string | undefined {
  return builtFrom;
}

/**
 * Builds `dist/` once per bench process (`npm run build`), before the first mcp-live target starts:
 * a user runs the compiled package, not the TypeScript sources through a loader (tsx's keeps every
 * function's name with a call per closure made, a cost no installed copy has).
 */
export function buildIfNeeded(spec: TargetSpec): void {
  if (built || spec.script !== FROM_BUILD) return;
  built = true;
  // Taken as the build starts: the sources may change while a long run goes on.
  builtFrom = ownVersion();
  const run = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', '--silent', 'build'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  if (run.status !== 0) {
    throw new Error(`npm run build failed, so mcp-live cannot run as built: ${String(run.stderr).trim()}`);
  }
}

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

export function startTarget(
  spec: TargetSpec,
  cpu: number | undefined,
  timeoutMs = 30_000,
  nodeFlags: readonly string[] = [],
): Promise<StartResult> {
  buildIfNeeded(spec);
  const node = [
    process.execPath,
    '--expose-gc',
    ...nodeFlags,
    '--import',
    'tsx',
    spec.script,
    '--port',
    '0',
    ...spec.args,
  ];
  const [command, ...args] = hasTaskset && cpu !== undefined ? ['taskset', '-c', String(cpu), ...node] : node;
  const child = spawn(command as string, args, { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  let tail = '';
  let exited: string | undefined;
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-4000);
  };
  child.stderr?.on('data', keep);
  child.on('exit', (code, signal) => {
    exited = `exited with ${signal ?? `code ${code}`}`;
  });

  /** Sends `message` over IPC and waits for the target's answer of type `answer`. */
  const ask = <T>(message: object, answer: string, ms: number) =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.off('message', onMessage);
        reject(new Error(`${spec.id} did not answer ${JSON.stringify(message)} in ${ms} ms`));
      }, ms);
      const onMessage = (reply: unknown) => {
        if ((reply as { type?: unknown } | null)?.type !== answer) return;
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(reply as T);
      };
      child.on('message', onMessage);
      child.send(message);
    });

  const target = (base: URL): RunningTarget => ({
    spec,
    pid: child.pid as number,
    base,
    get exited() {
      return exited;
    },
    memory: (ms = 30_000) => ask<MemoryReport>({ type: 'memory' }, 'memory', ms),
    startAllocations: async () => {
      await ask({ type: 'alloc-start' }, 'alloc-started', 10_000);
    },
    stopAllocations: async (file) => {
      await ask({ type: 'alloc-stop', file }, 'alloc-stopped', 60_000);
    },
    async stop() {
      if (exited !== undefined) return;
      child.kill('SIGTERM');
      if (!(await waitExit(child, 5_000))) {
        child.kill('SIGKILL');
        await waitExit(child, 5_000);
      }
    },
  });

  return new Promise<StartResult>((resolve) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve({ ok: false, status: 'failed', reason: `no "listening" line in ${timeoutMs} ms` });
    }, timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      out = (out + chunk.toString('utf8')).slice(-4000);
      const unavailable = /^unavailable: (.*)$/m.exec(out);
      const listening = /listening on (http:\/\/\S+)/.exec(out);
      if (unavailable === null && listening === null) return;
      clearTimeout(timer);
      child.stdout?.removeAllListeners('data');
      child.stdout?.resume();
      if (unavailable !== null)
        resolve({ ok: false, status: 'unavailable', reason: unavailable[1] as string });
      else resolve({ ok: true, target: target(new URL(`${listening?.[1]}/`)) });
    });
    // 'close' waits for stdout to drain, so an "unavailable:" line printed just before exiting is seen first.
    child.on('close', () => {
      clearTimeout(timer);
      const last = tail.trim().split('\n').slice(-3).join(' | ') || exited;
      resolve({ ok: false, status: 'failed', reason: `${spec.id} ${exited} before listening: ${last}` });
    });
  });
}
