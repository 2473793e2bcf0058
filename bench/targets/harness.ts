// What every bench target shares: its command line, the `listening` line, and a control channel that
// forces a GC and reports memory (IPC from the bench runner, or SIGUSR2 for anyone else's load).
import { writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { Session as Inspector } from 'node:inspector';
import type { AddressInfo } from 'node:net';

export interface TargetArgs {
  port: number;
  host: string;
  transport: 'sse' | 'streamable';
  keepAliveMs: number;
}

export interface MemoryReport {
  type: 'memory';
  rss: number;
  heapUsed: number;
  external: number;
  sessions: number;
}

/** The value after `--name` on the command line, if any. */
export function readOption(
  name: string,
  argv: readonly string[] = process.argv.slice(2),
): string | undefined {
  const at = argv.indexOf(`--${name}`);
  return at === -1 ? undefined : argv[at + 1];
}

/** Reads `--port N`, `--host H`, `--transport sse|streamable`, `--keep-alive MS`. */
export function parseTargetArgs(argv: readonly string[] = process.argv.slice(2)): TargetArgs {
  const value = (name: string) => readOption(name, argv);
  const transport = value('transport') ?? 'sse';
  if (transport !== 'sse' && transport !== 'streamable') {
    throw new Error(`--transport must be "sse" or "streamable", got ${JSON.stringify(transport)}`);
  }
  return {
    port: Number(value('port') ?? 0),
    host: value('host') ?? '127.0.0.1',
    transport,
    keepAliveMs: Number(value('keep-alive') ?? 15_000),
  };
}

async function collect(sessions: () => number): Promise<MemoryReport> {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3 && gc !== undefined; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  const m = process.memoryUsage();
  return { type: 'memory', rss: m.rss, heapUsed: m.heapUsed, external: m.external, sessions: sessions() };
}

/** One call of the in-process inspector, as a promise. */
function inspect(inspector: Inspector, method: string, params: object = {}): Promise<unknown> {
  return new Promise((resolve, reject) => {
    inspector.post(method, params, (error, result) => (error === null ? resolve(result) : reject(error)));
  });
}

/**
 * V8's sampling heap profiler, keeping the samples of objects a GC has freed since: what the process
 * allocates, not what it holds. One sample per 128 bytes on average.
 */
async function startAllocations(): Promise<Inspector> {
  // Loaded only here: a target that is not sampled runs as it always did.
  const { Session } = await import('node:inspector');
  const inspector = new Session();
  inspector.connect();
  await inspect(inspector, 'HeapProfiler.startSampling', {
    samplingInterval: 128,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  return inspector;
}

async function stopAllocations(inspector: Inspector, file: string): Promise<void> {
  const { profile } = (await inspect(inspector, 'HeapProfiler.stopSampling')) as { profile: unknown };
  inspector.disconnect();
  writeFileSync(file, JSON.stringify(profile));
}

/**
 * Answers `{ type: 'memory' }` over IPC and SIGUSR2 (printed as a `memory {…}` line), and samples
 * allocations between `{ type: 'alloc-start' }` and `{ type: 'alloc-stop', file }` (which writes the
 * sampling profile to `file`).
 */
export function serveControl(sessions: () => number): void {
  let sampling: Promise<Inspector> | undefined;
  process.on('message', (message: unknown) => {
    const m = message as { type?: unknown; file?: unknown } | null;
    if (m?.type === 'memory') void collect(sessions).then((report) => process.send?.(report));
    else if (m?.type === 'alloc-start') {
      sampling = startAllocations();
      void sampling.then(() => process.send?.({ type: 'alloc-started' }));
    } else if (m?.type === 'alloc-stop' && sampling !== undefined && typeof m.file === 'string') {
      const file = m.file;
      void sampling
        .then((inspector) => stopAllocations(inspector, file))
        .then(() => process.send?.({ type: 'alloc-stopped' }));
      sampling = undefined;
    }
  });
  process.on('SIGUSR2', () => {
    void collect(sessions).then((report) => console.log(`memory ${JSON.stringify(report)}`));
  });
  process.on('SIGTERM', () => process.exit(0));
  process.on('disconnect', () => process.exit(0));
}

/** Prints the line the runner (and anyone else) waits for: `<name> listening on http://host:port (pid N)`. */
export function announce(where: Server | { host: string; port: number }, name: string): void {
  const { host, port } =
    'address' in where
      ? { host: (where.address() as AddressInfo).address, port: (where.address() as AddressInfo).port }
      : where;
  console.log(`${name} listening on http://${host}:${port} (pid ${process.pid})`);
}

/** Prints why this target cannot run yet and exits with code 3, which the runner reports as "not available". */
export function unavailable(reason: string): never {
  console.log(`unavailable: ${reason}`);
  process.exit(3);
}

/** Reads a request body as a string, refusing more than `limit` bytes. */
export function readBody(req: NodeJS.ReadableStream, limit = 1 << 20): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) reject(new Error(`request body over ${limit} bytes`));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
