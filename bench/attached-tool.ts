// A tracing tool (strace, perf) attached to a running target until stopped, as the profiler uses them.
import { spawn } from 'node:child_process';

export interface AttachedTool {
  /** Interrupts the tool (SIGINT: it writes what it gathered) and resolves with its stderr once it exits. */
  stop(): Promise<string>;
}

/** Runs `command args`, keeping the last `keep` characters of its stderr (what these tools report on). */
export function attachTool(command: string, args: readonly string[], keep = Infinity): AttachedTool {
  const tool = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  tool.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    err = keep === Infinity ? err + chunk : (err + chunk).slice(-keep);
  });
  const exited = new Promise<string>((resolve) => tool.on('close', () => resolve(err)));
  return {
    stop() {
      tool.kill('SIGINT');
      return exited;
    },
  };
}
