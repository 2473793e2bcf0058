// Traffic that keeps flowing while something breaks under a deployment: a worker sends numbered
// notifications to every session (each retried until an instance takes it), and every client keeps
// asking tools/list through the proxy. What was acknowledged, what arrived and how each request ended
// are recorded, so that a test can say what was lost and what went unanswered.
import { setTimeout as delay } from 'node:timers/promises';
import type { McpServer } from '../../src/index.ts';
import { type ClusterPeer, until, withTimeout } from './cluster-harness.ts';

const METHOD = 'cluster/numbered';

export interface Tracked {
  readonly peer: ClusterPeer;
  /** Numbers the worker's notify acknowledged, in order, and when. */
  readonly acknowledged: number[];
  readonly ackedAt: number[];
  /**
   * Numbers whose notify failed before one went through: in doubt (Redis may have delivered the message
   * and died before answering), so they may arrive twice.
   */
  readonly retried: Set<number>;
  /** When the worker's notify last failed (0: never). */
  refusedAt: number;
}

export interface Outcome {
  readonly peer: ClusterPeer;
  /** When the request ended. */
  readonly at: number;
  /** `ok`, `unanswered` (no answer within 10 s), or `error: …`. */
  readonly outcome: string;
}

export interface Traffic {
  readonly tracked: readonly Tracked[];
  readonly outcomes: readonly Outcome[];
  /** Resolves once every session has `count` more acknowledged numbers than now. */
  more(count: number, what: string, ms?: number): Promise<void>;
  /** Stops sending and asking, then waits (bounded) for every acknowledged number to arrive. */
  stop(): Promise<void>;
  /**
   * Per session that missed numbers, or got one twice or out of order: which, when each was acknowledged
   * (relative to `since`), what it got. A number whose first notify failed (in doubt) may come twice.
   */
  missing(since: number): string[];
  /** The requests that got no answer at all, relative to `since`. */
  unanswered(since: number): string[];
  /** One line on the failed requests (how many, when the last one ended after `since`, named `what`), and one per kind. */
  failures(since: number, what: string): string[];
}

export const numbersOf = (peer: ClusterPeer): number[] => peer.of(METHOD).map((p) => p.n as number);

export function startTraffic(worker: McpServer, peers: readonly ClusterPeer[]): Traffic {
  const tracked: Tracked[] = peers.map((peer) => ({
    peer,
    acknowledged: [],
    ackedAt: [],
    retried: new Set(),
    refusedAt: 0,
  }));
  const outcomes: Outcome[] = [];
  let stopped = false;
  const send = async (t: Tracked) => {
    for (let n = 1; !stopped; n++) {
      for (;;) {
        try {
          await worker.notify(t.peer.sessionId, METHOD, { n });
          t.acknowledged.push(n);
          t.ackedAt.push(Date.now());
          break;
        } catch {
          t.refusedAt = Date.now();
          t.retried.add(n);
          if (stopped) return;
          await delay(100);
        }
      }
      await delay(40);
    }
  };
  const ask = async (peer: ClusterPeer) => {
    while (!stopped) {
      const outcome = await peer.client.listTools(undefined, { timeout: 10_000 }).then(
        () => 'ok',
        (error: Error) => (/timed out/i.test(error.message) ? 'unanswered' : `error: ${error.message}`),
      );
      outcomes.push({ peer, at: Date.now(), outcome });
      await delay(50);
    }
  };
  const running = [...tracked.map(send), ...peers.map(ask)];
  return {
    tracked,
    outcomes,
    async more(count, what, ms = 60_000) {
      const marks = tracked.map((t) => t.acknowledged.length);
      await until(() => tracked.every((t, i) => t.acknowledged.length >= marks[i]! + count), what, ms);
    },
    async stop() {
      stopped = true;
      await withTimeout(Promise.all(running), 30_000, 'the senders and askers to stop');
      await until(
        () => tracked.every((t) => numbersOf(t.peer).length >= t.acknowledged.length),
        'every acknowledged number to arrive',
        30_000,
      ).catch(() => {}); // missing() says which ones did not
    },
    missing(since) {
      return tracked.flatMap((t) => {
        // A number sent again after an in-doubt failure may arrive twice, one copy right after the other,
        // or (when sending stopped before it was acknowledged) once without an acknowledgement.
        const raw = numbersOf(t.peer);
        const acknowledged = new Set(t.acknowledged);
        const got = raw.filter(
          (n, i) => !t.retried.has(n) || (acknowledged.has(n) && !(i > 0 && raw[i - 1] === n)),
        );
        const seen = new Set(got);
        const lost = t.acknowledged.flatMap((n, i) =>
          seen.has(n) ? [] : [`${n} (acknowledged at +${t.ackedAt[i]! - since} ms)`],
        );
        const inOrder = got.length === t.acknowledged.length && got.every((n, i) => n === t.acknowledged[i]);
        if (lost.length === 0 && inOrder) return [];
        const gets = t.peer.gets.map((g) => g.replace(/@(\d+)/, (_, at) => `+${Number(at) - since} ms`));
        return [
          `${t.peer.wire} session ${t.peer.sessionId}: missing ${lost.join(', ') || 'none'}; got ${raw.join(',')}; GETs ${gets.join('; ') || 'none'}; errors ${t.peer.errors.map((e) => e.message).join('; ') || 'none'}`,
        ];
      });
    },
    unanswered(since) {
      return outcomes
        .filter((o) => o.outcome === 'unanswered')
        .map((o) => `${o.peer.wire} ${o.peer.sessionId}, ended at +${o.at - since} ms`);
    },
    failures(since, what) {
      const failed = outcomes.filter((o) => o.outcome !== 'ok');
      const last = Math.max(0, ...failed.map((o) => o.at - since));
      const kinds = new Map<string, number>();
      for (const o of failed) {
        const kind = o.outcome
          .replace(/[0-9a-f-]{36}/g, '<id>')
          .replace(/\d+/g, 'N')
          .slice(0, 200);
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      }
      return [
        `${failed.length} of ${outcomes.length} requests through the proxy failed, the last one ending ${last} ms after ${what}`,
        ...[...kinds].map(([kind, count]) => `${count} × ${kind}`),
      ];
    },
  };
}
