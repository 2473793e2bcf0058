import { isMcpLiveError } from '../../protocol/mcp-live-error.ts';
import type { Session } from '../../server/session.ts';
import { encodeSSEComment } from './sse-encoder.ts';

/** `comment`: an SSE comment line no client code sees. `ping`: a JSON-RPC `ping` the client must answer. */
export type KeepAliveMode = 'comment' | 'ping';

export interface KeepAliveSettings {
  /** ms between keep-alives; 0 turns them off. */
  interval: number;
  mode: KeepAliveMode;
  /** ms a client has to answer a `ping` before its session is closed. */
  pingTimeout: number;
}

export interface KeepAliveTarget {
  /** `undefined` until the stream has a session (a beat then does nothing). */
  readonly session: Session | undefined;
  /** The stream's writer; a stream that is backed up gets no comment (it is not idle). */
  readonly writer: KeptWriter;
  /**
   * The client stopped answering: close its session for this reason. Given the target too, so that
   * one function can serve every target.
   */
  onUnresponsive(reason: string, target: this): void;
}

/** What keep-alive needs of a stream's writer. */
interface KeptWriter {
  readonly blocked: boolean;
  write(chunk: string): boolean;
}

const KEEP_ALIVE_COMMENT = encodeSSEComment('keep-alive');

/** One stream kept alive; `stop` when the stream ends. */
export interface KeepAlive {
  stop(): void;
}

const STOPPED: KeepAlive = { stop() {} };

/**
 * Keeps one stream alive through proxies' idle timeouts; in `ping` mode, closes the session of a
 * client that stopped answering. Neither marks the session active: only what the client sends does
 * (its answer to a ping among them). Every stream with the same interval shares one timer (see
 * `Wheel`).
 */
export function startKeepAlive(settings: KeepAliveSettings, target: KeepAliveTarget): KeepAlive {
  if (settings.interval <= 0) return STOPPED;
  let wheel = wheels.get(settings.interval);
  if (wheel === undefined) {
    wheel = new Wheel(settings.interval);
    wheels.set(settings.interval, wheel);
  }
  const beat = new Beat(settings, target, wheel);
  wheel.add(beat);
  return beat;
}

class Beat implements KeepAlive {
  readonly settings: KeepAliveSettings;
  /** Read at each beat, and told of silence as `target.onUnresponsive(…)`: it may be the stream's own record. */
  readonly target: KeepAliveTarget;
  readonly wheel: Wheel;
  slot = 0;
  pinging = false;
  stopped = false;

  constructor(settings: KeepAliveSettings, target: KeepAliveTarget, wheel: Wheel) {
    this.settings = settings;
    this.target = target;
    this.wheel = wheel;
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.wheel.remove(this);
  }

  beat(): void {
    const { session, writer } = this.target;
    if (session === undefined || session.closed) return;
    const settings = this.settings;
    if (settings.mode === 'comment') {
      if (!writer.blocked) writer.write(KEEP_ALIVE_COMMENT);
      return;
    }
    if (this.pinging) return;
    this.pinging = true;
    session.request('ping', undefined, { timeout: settings.pingTimeout }).then(
      () => {
        this.pinging = false;
      },
      (error: unknown) => {
        this.pinging = false;
        // An error answer comes from a client that is there: only silence closes its session.
        if (isMcpLiveError(error, 'TIMEOUT') && !this.stopped) {
          const target = this.target;
          target.onUnresponsive(`the client did not answer a ping within ${settings.pingTimeout} ms`, target);
        }
      },
    );
  }
}

/** Slots of a wheel: a tick visits one, so each tick writes to an eighth of the streams. */
const SLOTS = 8;
const wheels = new Map<number, Wheel>();

/**
 * One timer for every stream with the same interval, instead of one per stream (a timer and its
 * closures cost some 400 bytes a stream). The timer ticks SLOTS times an interval and visits one slot
 * each time; a stream joins the slot visited last, so its first keep-alive comes between 7/8 of an
 * interval and one interval after it opened, then one each interval, and streams opened at different
 * times are written to at different ticks. Without streams the timer stops.
 */
class Wheel {
  readonly #interval: number;
  readonly #slots: Array<Set<Beat>> = Array.from({ length: SLOTS }, () => new Set());
  #size = 0;
  #visit = 0;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(interval: number) {
    this.#interval = interval;
  }

  add(beat: Beat): void {
    // The slot visited last: its next visit is an interval after that one, less than one tick ago.
    beat.slot = (this.#visit + SLOTS - 1) % SLOTS;
    this.#slots[beat.slot]!.add(beat);
    if (this.#size++ > 0) return;
    const timer = setInterval(() => this.#tick(), Math.max(1, this.#interval / SLOTS));
    (timer as { unref?: () => void }).unref?.();
    this.#timer = timer;
  }

  remove(beat: Beat): void {
    if (!this.#slots[beat.slot]!.delete(beat) || --this.#size > 0) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
    wheels.delete(this.#interval);
  }

  #tick(): void {
    const slot = this.#slots[this.#visit]!;
    this.#visit = (this.#visit + 1) % SLOTS;
    for (const beat of slot) beat.beat();
  }
}
