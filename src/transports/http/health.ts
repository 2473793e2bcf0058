import { errorText } from '../../protocol/error-text.ts';
import type { Exchange } from './exchange.ts';

/** Liveness and readiness endpoints of an HTTP server (its `health` option). */
export interface HealthOptions {
  /**
   * Path of the liveness probe: `200` as long as the process answers, while `close()` drains too.
   * Not under `basePath`. @default '/livez'
   */
  livePath?: string;
  /**
   * Path of the readiness probe: `200` when the session store, the message bus and every event store
   * answer and `close()` has not begun, else `503`; the JSON body names what fails. Not under
   * `basePath`. @default '/readyz'
   */
  readyPath?: string;
  /** ms each store or bus has to answer a readiness probe before it counts as failing. @default 2_000 */
  timeout?: number;
}

/** The `health` option with its defaults applied. */
export interface ResolvedHealthOptions {
  readonly livePath: string;
  readonly readyPath: string;
  readonly timeout: number;
}

/** One dependency's state in a readiness report: `error` says why it is not ready. */
export type HealthCheck = { readonly ok: true } | { readonly ok: false; readonly error: string };

/** What a readiness probe found: the body of the readiness endpoint, and what `readiness()` resolves to. */
export interface ReadinessReport {
  /** `'draining'` once `close()` has begun, else `'not ready'` when a check failed, else `'ready'`. */
  readonly status: 'ready' | 'not ready' | 'draining';
  /**
   * `shutdown`, `sessionStore`, `messageBus`, then the event stores: `eventStore`, or one per wire
   * (`eventStore (sse)`, `eventStore (streamable-http)`) when the wires have stores of their own.
   */
  readonly checks: Readonly<Record<string, HealthCheck>>;
}

/** ms each store or bus has to answer a readiness probe, unless `health.timeout` says otherwise. */
export const HEALTH_TIMEOUT = 2_000;

/** A store or bus the readiness probe asks, under the name the report gives it. */
export interface HealthProbe {
  readonly name: string;
  readonly target: { ready?(): Promise<void> };
}

/** Applies the defaults of the `health` option and checks it; `fail` throws the owner's error. */
export function resolveHealthOptions(
  health: boolean | HealthOptions | undefined,
  fail: (message: string) => never,
): ResolvedHealthOptions | undefined {
  if (health === undefined || health === false) return undefined;
  const options = health === true ? {} : health;
  const path = (name: string, value: string) => {
    if (!/^\/[^?#\s]*$/.test(value)) {
      fail(`health.${name} must be a path that starts with "/" (got ${JSON.stringify(value)})`);
    }
    return value;
  };
  const livePath = path('livePath', options.livePath ?? '/livez');
  const readyPath = path('readyPath', options.readyPath ?? '/readyz');
  if (livePath === readyPath) fail(`health.livePath and health.readyPath must differ (both ${livePath})`);
  const timeout = options.timeout ?? HEALTH_TIMEOUT;
  if (!Number.isFinite(timeout) || timeout < 1) fail(`health.timeout must be a number ≥ 1 (got ${timeout})`);
  return { livePath, readyPath, timeout };
}

/** Asks every probe at once, each within `timeout` ms; `closing` makes the report `'draining'`. */
export async function checkReadiness(
  probes: readonly HealthProbe[],
  closing: boolean,
  timeout: number,
): Promise<ReadinessReport> {
  const results = await Promise.all(probes.map((probe) => runProbe(probe, timeout)));
  const checks: Record<string, HealthCheck> = {
    shutdown: closing
      ? { ok: false, error: 'close() has begun: the server drains its sessions and takes no new ones' }
      : { ok: true },
  };
  probes.forEach((probe, i) => {
    checks[probe.name] = results[i]!;
  });
  const failed = results.some((check) => !check.ok);
  return { status: closing ? 'draining' : failed ? 'not ready' : 'ready', checks };
}

/** Whether a request is for one of the health paths. */
export function isHealthPath(health: ResolvedHealthOptions, path: string): boolean {
  return path === health.livePath || path === health.readyPath;
}

/** Answers a request for one of the health paths (`isHealthPath`). */
export async function answerHealth(
  ex: Exchange,
  health: ResolvedHealthOptions,
  readiness: () => Promise<ReadinessReport>,
): Promise<void> {
  const { method, path } = ex.request;
  const headers = { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' };
  if (method !== 'GET' && method !== 'HEAD') {
    const message = `Method Not Allowed: ${path} answers GET and HEAD`;
    ex.respond(405, { 'Content-Type': 'text/plain; charset=utf-8', Allow: 'GET, HEAD' }, message);
    return;
  }
  const [status, body] =
    path === health.livePath
      ? [200, { status: 'alive' }]
      : await readiness().then((report) => [report.status === 'ready' ? 200 : 503, report] as const);
  ex.respond(status, headers, method === 'HEAD' ? undefined : `${JSON.stringify(body)}\n`);
}

async function runProbe(probe: HealthProbe, timeout: number): Promise<HealthCheck> {
  const { target } = probe;
  if (target.ready === undefined) return { ok: true };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const kind = target.constructor?.name ?? 'it';
      reject(new Error(`${probe.name} (${kind}) did not answer within ${timeout} ms`));
    }, timeout);
  });
  try {
    await Promise.race([target.ready(), late]);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: errorText(error) };
  } finally {
    clearTimeout(timer);
  }
}
