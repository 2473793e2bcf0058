import { McpLiveError } from '../protocol/mcp-live-error.ts';
import { ProtocolError } from '../protocol/protocol-error.ts';

/** The methods a 2026-07-28 server may ask a client for through an `input_required` result. */
export type InputMethod = 'elicitation/create' | 'sampling/createMessage' | 'roots/list';

/** One request for input, as `inputRequests` carries it. */
export interface InputRequest {
  method: InputMethod;
  params?: Record<string, unknown>;
}

/** What a request's sealed `requestState` holds between rounds. */
export interface RoundState {
  /** Answers of earlier rounds, by key. */
  answers: Record<string, unknown>;
  /** The handler's own values (`ctx.state`). */
  state: Record<string, unknown>;
}

const KEY_PREFIX: Record<InputMethod, string> = {
  'elicitation/create': 'elicit',
  'sampling/createMessage': 'sample',
  'roots/list': 'roots',
};

/**
 * The input rounds of one stateless request: every `ctx.elicit`, `ctx.sample` or `ctx.listRoots`
 * has a key (its own, or the next number: `elicit-0`, `sample-1`, … in the order the handler asks).
 * A key whose answer came back (in this retry's `inputResponses`, or sealed from an earlier round)
 * resolves at once; the first key without one makes the request end with `input_required`,
 * asking for it and for whatever else the handler asks before the next macrotask.
 */
export class InputRounds {
  #answers: Record<string, unknown> | undefined;
  #state: Record<string, unknown> | undefined;
  #next = 0;
  /** Made with the first ask: every `tools/call` has its rounds, and most never ask. */
  #missing: Map<string, InputRequest> | undefined;
  #waiting: Array<(error: unknown) => void> | undefined;
  #signal: Promise<void> | undefined;
  #raise: (() => void) | undefined;
  #closed = false;
  #given: Record<string, unknown> | undefined;

  constructor(previous: RoundState | undefined, responses: unknown) {
    // A previous round's state was just opened from its sealed JSON: it is this request's own already.
    this.#answers = previous?.answers;
    this.#state = previous?.state;
    // Answers are taken as they come; one no ask claims is ignored, a malformed one is asked again.
    if (typeof responses === 'object' && responses !== null)
      this.#given = responses as Record<string, unknown>;
  }

  /** Answers of this and earlier rounds, by key. */
  get answers(): Record<string, unknown> {
    this.#answers ??= {};
    return this.#answers;
  }

  /** The handler's own values (`ctx.state`), sealed with the next round. */
  get state(): Record<string, unknown> {
    this.#state ??= {};
    return this.#state;
  }

  /** Settles once the handler asked for input it does not have (the request then ends with `input_required`). */
  get needed(): Promise<void> {
    this.#signal ??= new Promise((resolve) => {
      this.#raise = resolve;
    });
    return this.#signal;
  }

  /** The requests to put in `inputRequests`. */
  get missing(): Record<string, InputRequest> {
    return this.#missing === undefined ? {} : Object.fromEntries(this.#missing);
  }

  /**
   * Asks for input under `key` (by default the method and the ask's number: `elicit-0`, `sample-1`):
   * the answer of a retry, or a promise that fails once the request has ended.
   */
  ask(method: InputMethod, params: Record<string, unknown> | undefined, key?: string): Promise<unknown> {
    const index = this.#next++;
    key ??= `${KEY_PREFIX[method]}-${index}`;
    const answers = this.answers;
    const given = this.#given;
    if (
      !(key in answers) &&
      given !== undefined &&
      Object.hasOwn(given, key) &&
      isValidAnswer(method, given[key])
    ) {
      answers[key] = given[key];
    }
    if (key in answers) return Promise.resolve(answers[key]);
    if (this.#closed) return Promise.reject(ended(method));
    this.#missing ??= new Map();
    this.#missing.set(key, params === undefined ? { method } : { method, params });
    if (this.#missing.size === 1) {
      // Let the handler ask for more in the same round (Promise.all of several asks) before answering.
      void this.needed;
      setTimeout(() => this.#raise?.(), 0);
    }
    return new Promise((_, reject) => {
      this.#waiting ??= [];
      this.#waiting.push(reject);
    });
  }

  /** The request has been answered with `input_required`: pending asks fail, so the handler's `finally` runs. */
  close(): void {
    this.#closed = true;
    const waiting = this.#waiting ?? [];
    this.#waiting = undefined;
    for (const reject of waiting) reject(ended('input'));
  }

  /** The state to seal into the `input_required` result. */
  toState(): RoundState {
    return { answers: this.answers, state: this.state };
  }
}

/** True when `value` is a `RoundState` (what a sealed `requestState` opened to). */
export function isRoundState(value: unknown): value is RoundState {
  if (typeof value !== 'object' || value === null) return false;
  const { answers, state } = value as Record<string, unknown>;
  return typeof answers === 'object' && answers !== null && typeof state === 'object' && state !== null;
}

/** `inputResponses` must be an object when present. */
export function checkInputResponses(value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw ProtocolError.invalidParams(
      '"inputResponses" must be an object of answers keyed like inputRequests',
    );
  }
}

/** A malformed answer counts as no answer: the request asks again instead of passing it on. */
function isValidAnswer(method: InputMethod, value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  switch (method) {
    case 'elicitation/create':
      return (
        (v.action === 'accept' || v.action === 'decline' || v.action === 'cancel') &&
        (v.content === undefined || (typeof v.content === 'object' && v.content !== null))
      );
    case 'sampling/createMessage':
      return (
        (v.role === 'assistant' || v.role === 'user') && typeof v.content === 'object' && v.content !== null
      );
    case 'roots/list':
      return (
        Array.isArray(v.roots) &&
        v.roots.every(
          (r) => typeof r === 'object' && r !== null && typeof (r as { uri?: unknown }).uri === 'string',
        )
      );
  }
}

function ended(what: string): McpLiveError {
  return new McpLiveError(
    'INPUT_REQUIRED',
    `This request was answered with input_required while the handler waited for ${what}; it runs again when the client retries with the answers`,
  );
}
