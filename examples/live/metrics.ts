// Real system metrics: CPU from os.cpus() deltas, memory from os.totalmem/freemem, disk from statfs,
// load from os.loadavg(). Percentages have one decimal, byte counts are exact.
import { statfs } from 'node:fs/promises';
import os from 'node:os';

export interface SystemMetrics {
  /** When the sample was taken (ISO 8601). */
  timestamp: string;
  /** Busy CPU time across every core since the previous sample, in percent. */
  cpu: number;
  /** Memory in use (total − available), in percent of the total. */
  memory: number;
  /** Space in use on `disk.path`, in percent, computed as `df` does: used / (used + available). */
  disk: number;
  /** 1, 5 and 15 minute load averages. */
  load: [number, number, number];
  cores: number;
  memoryBytes: { total: number; available: number; used: number };
  diskBytes: { path: string; total: number; available: number; used: number };
}

/** The fields of `SystemMetrics` a subscriber may pick (`subscribe_updates('metrics', [...])`). */
export const METRIC_FIELDS = ['cpu', 'memory', 'disk', 'load'] as const;
export type MetricField = (typeof METRIC_FIELDS)[number];

interface CpuTimes {
  idle: number;
  total: number;
}

function cpuTimes(): CpuTimes {
  let idle = 0;
  let total = 0;
  for (const { times } of os.cpus()) {
    idle += times.idle;
    total += times.user + times.nice + times.sys + times.idle + times.irq;
  }
  return { idle, total };
}

const round1 = (value: number) => Math.round(value * 10) / 10;
const round2 = (value: number) => Math.round(value * 100) / 100;

/** Measures CPU use between calls: each `sample()` covers the time since the one before. */
export class CpuMeter {
  #last = cpuTimes();

  sample(): number {
    const now = cpuTimes();
    const total = now.total - this.#last.total;
    const idle = now.idle - this.#last.idle;
    this.#last = now;
    // The kernel counts in ticks of 10 ms: two calls within a tick see no change at all.
    return total <= 0 ? 0 : round1(Math.min(100, Math.max(0, 100 * (1 - idle / total))));
  }
}

/** Takes one sample; the CPU figure covers the time since `meter`'s previous sample. */
export async function collectSystemMetrics(meter: CpuMeter, diskPath = '/'): Promise<SystemMetrics> {
  const cpu = meter.sample();
  const total = os.totalmem();
  const available = os.freemem(); // MemAvailable on Linux (libuv), not MemFree
  const fs = await statfs(diskPath);
  const diskTotal = fs.blocks * fs.bsize;
  const diskAvailable = fs.bavail * fs.bsize;
  const diskUsed = (fs.blocks - fs.bfree) * fs.bsize;
  const [one = 0, five = 0, fifteen = 0] = os.loadavg();
  return {
    timestamp: new Date().toISOString(),
    cpu,
    memory: round1((100 * (total - available)) / total),
    disk: diskUsed + diskAvailable === 0 ? 0 : round1((100 * diskUsed) / (diskUsed + diskAvailable)),
    load: [round2(one), round2(five), round2(fifteen)],
    cores: os.cpus().length,
    memoryBytes: { total, available, used: total - available },
    diskBytes: { path: diskPath, total: diskTotal, available: diskAvailable, used: diskUsed },
  };
}

/** A sample reduced to the fields a subscriber asked for (the timestamp always stays). */
export function pickMetrics(
  sample: SystemMetrics,
  fields: ReadonlySet<string> | 'all',
): Record<string, unknown> {
  if (fields === 'all') return { ...sample };
  const out: Record<string, unknown> = { timestamp: sample.timestamp };
  if (fields.has('cpu')) out.cpu = sample.cpu;
  if (fields.has('memory')) Object.assign(out, { memory: sample.memory, memoryBytes: sample.memoryBytes });
  if (fields.has('disk')) Object.assign(out, { disk: sample.disk, diskBytes: sample.diskBytes });
  if (fields.has('load')) out.load = sample.load;
  return out;
}
