// A real Redis Cluster for tests: six redis-server processes on loopback (three primaries, one replica
// each), created with `redis-cli --cluster create`, with a short cluster-node-timeout so that a killed
// primary's replica takes over within a few seconds. Where the binaries are missing, tests skip with a
// message, except in CI, where they fail.
import { type ChildProcess, execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import { createClient } from 'redis';
import { findRedisBinary, freePort, launchRedisServer } from './redis-server.ts';

const run = promisify(execFile);

export interface ClusterNodeInfo {
  id: string;
  port: number;
  role: 'primary' | 'replica';
  /** The primary's id, for a replica. */
  primaryOf: string | undefined;
  failed: boolean;
  /** Slot ranges, for a primary: [from, to] inclusive. */
  slots: Array<[number, number]>;
}

export interface RedisClusterNode {
  readonly port: number;
  readonly url: string;
  readonly running: boolean;
  /** The process id, while it runs. */
  readonly pid: number | undefined;
  /** Sends `signal` and waits for the process to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again with the cluster state it saved (it rejoins, as a replica if it was replaced). */
  start(): Promise<void>;
}

export interface RedisClusterServer {
  readonly nodes: readonly RedisClusterNode[];
  /** Every node's URL, for `connectRedis({ cluster })`. */
  readonly urls: string[];
  /** The cluster as a running node sees it (CLUSTER NODES). */
  topology(): Promise<ClusterNodeInfo[]>;
  /** The slot of `key` (CLUSTER KEYSLOT), asked of a running node. */
  keySlot(key: string): Promise<number>;
  /** The port of the primary that serves `slot` now. */
  primaryFor(slot: number): Promise<number>;
  /** The keys matching `pattern` stored on the node on `port` (SCAN on that node alone). */
  keysOn(port: number, pattern: string): Promise<string[]>;
  /** The node on `port`. */
  node(port: number): RedisClusterNode;
  /**
   * Resolves once every slot has a running primary, every running node says cluster_state:ok, and
   * every running replica has caught up with its primary.
   */
  healthy(timeout?: number): Promise<void>;
  /** Stops every node and removes their files. */
  close(): Promise<void>;
}

export type RedisClusterForTests =
  | { cluster: RedisClusterServer; skip: false }
  | { cluster: undefined; skip: string };

export interface RedisClusterOptions {
  /** @default 3 */
  primaries?: number;
  /** ms a node may be unreachable before it counts as failing (`cluster-node-timeout`). @default 1_000 */
  nodeTimeout?: number;
  /**
   * `cluster-require-full-coverage`: with true (Redis's default), every node refuses commands while a
   * shard has no primary; with false, the other shards keep serving. @default true
   */
  requireFullCoverage?: boolean;
}

const INSTALL = 'apt-get install -y redis-server (it brings redis-cli)';

/**
 * Starts a Redis Cluster for one test file. Without redis-server or redis-cli it returns a skip reason,
 * or throws when `CI=true`.
 */
export async function redisClusterForTests(options: RedisClusterOptions = {}): Promise<RedisClusterForTests> {
  const server = findRedisBinary('redis-server');
  const cli = findRedisBinary('redis-cli');
  if (server === undefined || cli === undefined) {
    const missing = [server === undefined ? 'redis-server' : [], cli === undefined ? 'redis-cli' : []].flat();
    const why = `${missing.join(' and ')} not installed (${INSTALL}); the Redis Cluster tests need real ones`;
    if (process.env.CI === 'true') throw new Error(`${why}, and CI must run them`);
    return { cluster: undefined, skip: why };
  }
  return { cluster: await startRedisCluster(server, cli, options), skip: false };
}

export async function startRedisCluster(
  binary: string,
  cli: string,
  options: RedisClusterOptions = {},
): Promise<RedisClusterServer> {
  const count = (options.primaries ?? 3) * 2;
  const dir = await mkdtemp(join(tmpdir(), 'mcp-live-redis-cluster-'));
  const nodes: ClusterNode[] = [];
  // A crashed test process must not leave servers behind.
  const reap = () => {
    for (const node of nodes) node.child?.kill('SIGKILL');
  };
  process.once('exit', reap);
  const cluster: RedisClusterServer = {
    nodes,
    get urls() {
      return nodes.map((n) => n.url);
    },
    topology: () => topology(nodes),
    keySlot: async (key) => Number(await ask(nodes, ['CLUSTER', 'KEYSLOT', key])),
    async primaryFor(slot) {
      for (const node of await topology(nodes)) {
        if (node.role === 'primary' && !node.failed && node.slots.some(([a, b]) => slot >= a && slot <= b))
          return node.port;
      }
      throw new Error(`no primary serves slot ${slot}`);
    },
    keysOn: (port, pattern) =>
      once(`redis://127.0.0.1:${port}`, async (client) => {
        const keys: string[] = [];
        let cursor = '0';
        do {
          const reply = (await client.sendCommand(['SCAN', cursor, 'MATCH', pattern, 'COUNT', '1000'])) as [
            string,
            string[],
          ];
          [cursor] = reply;
          keys.push(...reply[1]);
        } while (cursor !== '0');
        return keys;
      }),
    node(port) {
      const node = nodes.find((n) => n.port === port);
      if (node === undefined) throw new Error(`no cluster node on port ${port}`);
      return node;
    },
    healthy: (timeout = 30_000) => healthy(nodes, timeout),
    async close() {
      process.off('exit', reap);
      await Promise.all(nodes.map((n) => n.stop('SIGKILL')));
      await rm(dir, { recursive: true, force: true });
    },
  };
  try {
    for (let i = 0; i < count; i++) {
      const node = new ClusterNode(binary, join(dir, String(i)), [
        '--cluster-node-timeout',
        String(options.nodeTimeout ?? 1_000),
        '--cluster-require-full-coverage',
        options.requireFullCoverage === false ? 'no' : 'yes',
      ]);
      nodes.push(node);
      await node.create();
    }
    await run(cli, [
      '--cluster',
      'create',
      ...nodes.map((n) => `127.0.0.1:${n.port}`),
      '--cluster-replicas',
      '1',
      '--cluster-yes',
    ]);
    await healthy(nodes, 30_000);
    return cluster;
  } catch (error) {
    await cluster.close();
    throw error;
  }
}

class ClusterNode implements RedisClusterNode {
  readonly #binary: string;
  readonly #dir: string;
  readonly #settings: readonly string[];
  port = 0;
  #busPort = 0;
  child: ChildProcess | undefined;

  constructor(binary: string, dir: string, settings: readonly string[]) {
    this.#binary = binary;
    this.#dir = dir;
    this.#settings = settings;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  async create(): Promise<void> {
    await mkdir(this.#dir, { recursive: true });
    for (let attempt = 1; ; attempt++) {
      this.port = await freePort();
      this.#busPort = await freePort();
      try {
        await this.start();
        return;
      } catch (error) {
        if (attempt >= 3) throw error;
      }
    }
  }

  async start(): Promise<void> {
    if (this.running) return;
    // The bus port is given, not port + 10000, which may be past 65535 for an ephemeral port.
    this.child = await launchRedisServer(this.#binary, this.port, this.#dir, [
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      join(this.#dir, 'nodes.conf'),
      '--cluster-port',
      String(this.#busPort),
      ...this.#settings,
      // A replica takes over however long it was cut off from its primary.
      '--cluster-replica-validity-factor',
      '0',
    ]);
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (child === undefined || !this.running) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }
}

/** Runs one command on the first running node that answers. */
async function ask(nodes: readonly ClusterNode[], args: string[]): Promise<unknown> {
  let last: unknown;
  for (const node of nodes.filter((n) => n.running)) {
    try {
      return await once(node.url, (client) => client.sendCommand(args));
    } catch (error) {
      last = error;
    }
  }
  throw new Error(`no running cluster node answered ${args.join(' ')}: ${String(last)}`);
}

async function once<T>(
  url: string,
  work: (client: { sendCommand(args: string[]): Promise<unknown> }) => Promise<T>,
): Promise<T> {
  const client = createClient({ url, socket: { reconnectStrategy: false, connectTimeout: 2_000 } });
  client.on('error', () => {});
  await client.connect();
  try {
    return await work(client);
  } finally {
    client.destroy();
  }
}

async function topology(nodes: readonly ClusterNode[]): Promise<ClusterNodeInfo[]> {
  const text = String(await ask(nodes, ['CLUSTER', 'NODES']));
  return text
    .trim()
    .split('\n')
    .map((line) => {
      const [id = '', address = '', flags = '', primary = '', , , , , ...slots] = line.split(' ');
      return {
        id,
        port: Number(/:(\d+)@/.exec(address)?.[1]),
        role: flags.includes('master') ? ('primary' as const) : ('replica' as const),
        primaryOf: primary === '-' ? undefined : primary,
        failed: /\bfail\b/.test(flags),
        slots: slots
          .filter((s) => /^\d/.test(s))
          .map((s) => {
            const [from, to = from] = s.split('-').map(Number);
            return [from!, to!] as [number, number];
          }),
      };
    });
}

async function healthy(nodes: readonly ClusterNode[], timeout: number): Promise<void> {
  const deadline = Date.now() + timeout;
  let why = '';
  while (Date.now() < deadline) {
    try {
      why = await unhealthy(nodes);
      if (why === '') return;
    } catch (error) {
      why = String(error);
    }
    await delay(100);
  }
  throw new Error(`the Redis Cluster was not healthy within ${timeout} ms: ${why}`);
}

/** Why the cluster is not healthy yet, or '' when it is. */
async function unhealthy(nodes: readonly ClusterNode[]): Promise<string> {
  const running = nodes.filter((n) => n.running);
  for (const node of running) {
    const info = String(await once(node.url, (c) => c.sendCommand(['CLUSTER', 'INFO'])));
    if (!/cluster_state:ok/.test(info)) return `node ${node.port} is not ok yet`;
    if (!/cluster_slots_ok:16384/.test(info)) return `node ${node.port} does not see every slot ok`;
    const replication = String(await once(node.url, (c) => c.sendCommand(['INFO', 'replication'])));
    if (/role:slave/.test(replication) && !/master_link_status:up/.test(replication))
      return `replica ${node.port} has not synced with its primary yet`;
    if (/master_sync_in_progress:1/.test(replication)) return `replica ${node.port} is syncing`;
  }
  const ports = new Set(running.map((n) => n.port));
  const seen = await topology(running);
  const serving = seen.filter((n) => n.role === 'primary' && n.slots.length > 0);
  const down = serving.find((n) => n.failed || !ports.has(n.port));
  if (down !== undefined) return `primary ${down.port} serves slots but is down`;
  return '';
}
