import type { BenchSession, SessionOptions } from './bench-session.ts';
import { SSESession } from './sse-session.ts';
import { StatelessSession } from './stateless-session.ts';
import { StreamableSession } from './streamable-session.ts';

/** The wire a client speaks: HTTP+SSE, 2025 Streamable HTTP sessions, or 2026-07-28 stateless requests. */
export type TransportKind = 'sse' | 'streamable' | 'stateless';

/**
 * Opens one client: an HTTP+SSE or Streamable HTTP session, or a 2026-07-28 client whose notification
 * stream is a `subscriptions/listen`.
 */
export function openSession(transport: TransportKind, options: SessionOptions): Promise<BenchSession> {
  if (transport === 'sse') return SSESession.open(options);
  if (transport === 'streamable') return StreamableSession.open(options);
  return StatelessSession.open(options);
}

export interface OpenResult {
  opened: number;
  elapsedMs: number;
  /** The longest a single successful open took. */
  slowestMs: number;
  /** Why opening stopped short, if it did. */
  failure?: string;
}

/**
 * Opens `count` more sessions into `into`, `concurrency` at a time. Stops early after `maxFailures`
 * failures (default: a handful, 0.5% of `count`) or at `deadline` (a `performance.now()` time), and says why.
 */
export async function openSessions(
  into: BenchSession[],
  count: number,
  concurrency: number,
  transport: TransportKind,
  options: SessionOptions,
  deadline: number,
  maxFailures = Math.max(3, Math.ceil(count / 200)),
): Promise<OpenResult> {
  const started = performance.now();
  let begun = 0;
  let opened = 0;
  let failures = 0;
  let slowestMs = 0;
  let firstError: string | undefined;
  const worker = async () => {
    while (begun < count && failures < maxFailures && performance.now() < deadline) {
      begun++;
      const t0 = performance.now();
      try {
        into.push(await openSession(transport, options));
        opened++;
        slowestMs = Math.max(slowestMs, performance.now() - t0);
      } catch (error) {
        failures++;
        firstError ??= (error as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  const result: OpenResult = { opened, elapsedMs: performance.now() - started, slowestMs };
  if (opened < count) {
    result.failure =
      firstError === undefined
        ? `opened ${opened} of ${count} before the phase's time limit (the slowest open took ${Math.round(slowestMs)} ms)`
        : `${failures} failed opens (first: ${firstError})`;
  }
  return result;
}
