// The CPU time redis-server reports of itself (INFO: used_cpu_user + used_cpu_sys), summed over every
// node given: one Redis, or every primary and replica of a Redis Cluster, so that replication counts
// too, with the replicas' part apart, and the commands the primaries processed. Each node is asked
// over its own connection.
import { createClient } from 'redis';

export interface RedisCPU {
  /**
   * CPU seconds used so far, summed over the nodes, the part of it the replicas used, and the commands
   * the primaries processed (a replica's are copies of its primary's writes).
   */
  read(): Promise<{ total: number; replicas: number; commands: number }>;
  close(): Promise<void>;
}

export async function openRedisCPU(urls: readonly string[]): Promise<RedisCPU> {
  const clients = await Promise.all(
    urls.map(async (url) => {
      const client = createClient({ url });
      client.on('error', () => {});
      await client.connect();
      return client;
    }),
  );
  const field = (text: string, name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(text)?.[1]);
  return {
    async read() {
      const infos = await Promise.all(
        clients.map((c) => c.sendCommand(['INFO', 'cpu', 'replication', 'stats'])),
      );
      let total = 0;
      let replicas = 0;
      let commands = 0;
      for (const info of infos) {
        const text = String(info);
        const seconds = field(text, 'used_cpu_user') + field(text, 'used_cpu_sys');
        total += seconds;
        if (/role:slave/.test(text)) replicas += seconds;
        else commands += field(text, 'total_commands_processed');
      }
      return { total, replicas, commands };
    },
    async close() {
      await Promise.all(clients.map((c) => c.close().catch(() => c.destroy())));
    },
  };
}
