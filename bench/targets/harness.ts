// What every bench target shares: its command line, the `listening` line, and a control channel that
// forces a GC and reports memory (IPC from the bench runner, or SIGUSR2 for anyone else's load).
import type { Server } from 'node:http';
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

/** Answers `{ type: 'memory' }` over IPC and SIGUSR2 (printed as a `memory {…}` line). */
export function serveControl(sessions: () => number): void {
  process.on('message', (message: unknown) => {
    if ((message as { type?: unknown } | null)?.type !== 'memory') return;
    void collect(sessions).then((report) => process.send?.(report));
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
