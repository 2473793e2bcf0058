import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/**
 * CPU seconds (user + system, every thread) a process has used so far, from `/proc/<pid>/stat`.
 * Its resolution is one clock tick (10 ms on most Linux), so measure windows of seconds.
 */
export function readCPUSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; fields after its closing parenthesis start at field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks();
}

export function canReadProcStat(): boolean {
  try {
    readCPUSeconds(process.pid);
    return true;
  } catch {
    return false;
  }
}

/**
 * Microseconds during which some runnable task waited for a CPU, from `/proc/pressure/cpu` (Linux PSI);
 * `undefined` where the kernel does not offer it. Its growth over a window shows other work competing.
 */
export function readCPUStallMicros(): number | undefined {
  try {
    const some = /^some .*total=(\d+)/m.exec(readFileSync('/proc/pressure/cpu', 'utf8'));
    return some === null ? undefined : Number(some[1]);
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds the hypervisor took from this machine's CPUs so far (the `steal` column of the `cpu`
 * line of `/proc/stat`, summed over every CPU), and how many CPUs that covers; `undefined` where the
 * kernel does not report it. On a virtual machine whose host is busy, it grows while the guest waits
 * for a physical CPU, and each wake-up of a quiet process then costs several times as much.
 */
export function readSteal(): { seconds: number; cpus: number } | undefined {
  try {
    const stat = readFileSync('/proc/stat', 'utf8');
    const total = /^cpu +(.*)$/m.exec(stat);
    const steal = total === null ? Number.NaN : Number(total[1]!.split(/ +/)[7]);
    if (!Number.isFinite(steal)) return undefined;
    const cpus = stat.match(/^cpu\d+ /gm)?.length ?? 1;
    return { seconds: steal / clockTicks(), cpus };
  } catch {
    return undefined;
  }
}

/** The share of the machine's CPU time the hypervisor took between two `readSteal` readings `seconds` apart; NaN where unknown. */
export function stealShare(
  before: ReturnType<typeof readSteal>,
  after: ReturnType<typeof readSteal>,
  seconds: number,
): number {
  return before === undefined || after === undefined
    ? Number.NaN
    : (after.seconds - before.seconds) / seconds / after.cpus;
}

/**
 * The most files (sockets included) a process may hold open: the soft limit in `/proc/self/limits`,
 * which targets inherit. `undefined` where it cannot be read.
 */
export function readOpenFileLimit(): number | undefined {
  try {
    const line = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return line === null ? undefined : Number(line[1]);
  } catch {
    return undefined;
  }
}
