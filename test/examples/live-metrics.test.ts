// The live server's metrics are the machine's: they agree with /proc and df, and CPU use rises while
// child processes keep every core busy.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import { CpuMeter, collectSystemMetrics } from '../../examples/live/metrics.ts';
import { connectPeer, jsonOf, readJSON, startLive, until } from './live-harness.ts';

const linux = existsSync('/proc/meminfo') && existsSync('/proc/stat');
const skipOffLinux = linux ? false : 'compares with /proc, which only Linux has';

function meminfo(field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync('/proc/meminfo', 'utf8'));
  assert.ok(match, `/proc/meminfo has ${field}`);
  return Number(match[1]) * 1024;
}

/** CPU time from /proc/stat as `top` counts it: iowait is idle; irq, softirq and steal are busy. */
function procStat(): { idle: number; total: number } {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = fields.map(Number) as number[];
  const idleAll = idle! + (iowait ?? 0);
  return { idle: idleAll, total: user! + nice! + system! + irq! + (softirq ?? 0) + (steal ?? 0) + idleAll };
}

const busyPercent = (a: { idle: number; total: number }, b: { idle: number; total: number }) =>
  100 * (1 - (b.idle - a.idle) / (b.total - a.total));

/** Keeps `count` cores busy in child processes; each stops by itself after `ms`. */
async function burn(count: number, ms: number): Promise<void> {
  const code = `const end = Date.now() + ${ms}; let x = 0; while (Date.now() < end) x += Math.sqrt(x + 1);`;
  const children = Array.from({ length: count }, () =>
    spawn(process.execPath, ['-e', code], { stdio: 'ignore' }),
  );
  await Promise.all(children.map((child) => once(child, 'exit')));
}

test('memory matches MemTotal and MemAvailable in /proc/meminfo', { skip: skipOffLinux }, async (t) => {
  const live = await startLive(t);
  const peer = await connectPeer(t, live);
  const metrics = await readJSON<{ memory: number; memoryBytes: { total: number; available: number } }>(
    peer,
    'metrics://current',
  );
  const total = meminfo('MemTotal');
  const available = meminfo('MemAvailable');
  assert.equal(metrics.memoryBytes.total, total);
  const drift = Math.abs(metrics.memoryBytes.available - available) / total;
  assert.ok(drift < 0.03, `available ${metrics.memoryBytes.available} vs MemAvailable ${available}`);
  const percent = (100 * (total - available)) / total;
  assert.ok(Math.abs(metrics.memory - percent) < 3, `memory ${metrics.memory}% vs ${percent.toFixed(1)}%`);
});

test('disk use of / matches df', async (t) => {
  const { stdout } = await promisify(execFile)('df', ['-P', '-B1', '/']).catch(() => ({ stdout: '' }));
  if (stdout === '') return t.skip('df is not available');
  const [, size, used, available, capacity] = stdout.trim().split('\n').at(-1)!.split(/\s+/);
  const metrics = await collectSystemMetrics(new CpuMeter());
  const { diskBytes } = metrics;
  const slack = Number(size) * 0.01; // files come and go between the two readings
  assert.equal(diskBytes.total, Number(size));
  assert.ok(Math.abs(diskBytes.used - Number(used)) < slack, `used ${diskBytes.used} vs df ${used}`);
  assert.ok(
    Math.abs(diskBytes.available - Number(available)) < slack,
    `available ${diskBytes.available} vs df ${available}`,
  );
  // df rounds its percentage up.
  assert.ok(
    Math.abs(Math.ceil(metrics.disk) - Number.parseInt(capacity!, 10)) <= 1,
    `${metrics.disk}% vs df ${capacity}`,
  );
});

test('load average matches /proc/loadavg', { skip: skipOffLinux }, async () => {
  const metrics = await collectSystemMetrics(new CpuMeter());
  const proc = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
  for (const [i, value] of metrics.load.entries()) {
    assert.ok(Math.abs(value - proc[i]!) < 0.5, `load[${i}] ${value} vs ${proc[i]}`);
  }
});

test('CPU use agrees with /proc/stat over the same window', { skip: skipOffLinux }, async () => {
  const meter = new CpuMeter();
  const before = procStat();
  meter.sample();
  await delay(1_000);
  const after = procStat();
  const measured = meter.sample();
  const expected = busyPercent(before, after);
  assert.ok(Math.abs(measured - expected) < 10, `meter ${measured}% vs /proc/stat ${expected.toFixed(1)}%`);
});

test('CPU use rises while every core is kept busy, in the meter and in system_metrics pushes', async (t) => {
  const cores = os.cpus().length;
  const busy = Math.min(cores, 4);
  const floor = Math.min(100, (100 * busy) / cores) * 0.5;
  const live = await startLive(t, { metricsInterval: 200 });
  const peer = await connectPeer(t, live);
  jsonOf(
    await peer.client.callTool({
      name: 'subscribe_updates',
      arguments: { topic: 'metrics', filters: ['cpu'] },
    }),
  );
  await until(() => peer.of('system_metrics').length > 0, 'a first push');

  const meter = new CpuMeter();
  meter.sample();
  const first = peer.of('system_metrics').length;
  await burn(busy, 1_500);
  const loaded = meter.sample();
  const during = peer
    .of('system_metrics')
    .slice(first, -1)
    .map((m) => m.cpu as number);
  assert.ok(loaded >= floor, `CPU ${loaded}% with ${busy} of ${cores} cores busy (expected ≥ ${floor}%)`);
  assert.ok(
    during.length > 0 && Math.max(...during) >= floor,
    `pushed CPU figures while busy: ${during.join(', ')}`,
  );
});
