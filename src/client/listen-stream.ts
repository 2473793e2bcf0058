import {
  isJSONRPCNotification,
  isJSONRPCResponse,
  type JSONRPCMessage,
  type JSONRPCNotification,
  type JSONRPCRequest,
  type RequestId,
} from '../protocol/jsonrpc.ts';
import { McpLiveError } from '../protocol/mcp-live-error.ts';
import { isProtocolError, ProtocolError } from '../protocol/protocol-error.ts';
import { MetaKey } from '../protocol/request-meta.ts';
import type { ResolvedReconnect } from './client-options.ts';
import { sleep } from './follow-event-stream.ts';
import { toLiveError } from './outgoing-requests.ts';
import { isRetryable } from './transport-error.ts';

const ACKNOWLEDGED = 'notifications/subscriptions/acknowledged';

/** The notifications a listen asks for: the `notifications` filter of `subscriptions/listen`. */
export interface ListenFilter {
  /** `notifications/tools/list_changed`. */
  toolsListChanged?: boolean;
  /** `notifications/prompts/list_changed`. */
  promptsListChanged?: boolean;
  /** `notifications/resources/list_changed`. */
  resourcesListChanged?: boolean;
  /** `notifications/resources/updated` for these URIs (what `resources/subscribe` did before). */
  resourceSubscriptions?: string[];
  /** Custom notification methods, optionally narrowed to topics (mcp-live's events extension). */
  'dev.mcp-live/events'?: { methods: string[]; topics?: string[] };
  /** Other extensions' members, passed through as given. */
  [extension: string]: unknown;
}

/** Options of `client.listen()`. */
export interface ListenOptions {
  /**
   * Milliseconds to wait for the server's acknowledgment, on the first listen and on each re-listen.
   * @default the client's `requestTimeout`
   */
  timeout?: number;
  /** Aborting it closes the listen, like `close()`. */
  signal?: AbortSignal;
}

/** How a listen ended. */
export interface ListenEnd {
  /**
   * `'closed'`: `close()`, its signal or `client.close()`; `'completed'`: the server ended it with a
   * completion result (it shuts down); `'lost'`: the stream dropped and re-listening failed.
   */
  reason: 'closed' | 'completed' | 'lost';
  /** Why it was lost, or the server's error answer. */
  error?: McpLiveError | ProtocolError;
}

/** An open `subscriptions/listen` stream (MCP 2026-07-28). Its notifications reach `onNotification`. */
export interface Listen {
  /** The part of the filter the server honours, as its acknowledgment said (extension members included). */
  readonly acknowledged: ListenFilter;
  /** The id of the listen request now open (it changes when the client re-listens). */
  readonly subscriptionId: RequestId;
  /** Resolves once the listen ended, saying how. */
  readonly closed: Promise<ListenEnd>;
  /** Ends the listen (closes its stream); resolves once it ended. */
  close(): Promise<void>;
}

/** What a `ListenStream` needs from its client. */
export interface ListenStreamOptions {
  filter: ListenFilter;
  timeout: number;
  signal?: AbortSignal | undefined;
  reconnect: ResolvedReconnect | false;
  /** Names the endpoint in messages. */
  label: string;
  nextId(): RequestId;
  /** POSTs a request and hands each message of its answer to `onMessage`; resolves when it ends. */
  exchange(
    request: JSONRPCRequest,
    signal: AbortSignal,
    onMessage: (message: JSONRPCMessage) => void,
  ): Promise<boolean>;
  deliver(notification: JSONRPCNotification): void;
  reconnecting(info: { attempt: number; delay: number; error: McpLiveError }): void;
  reconnected(): void;
  error(error: McpLiveError): void;
}

interface Outcome {
  completed: boolean;
  error: McpLiveError | ProtocolError | undefined;
}

/** A listen that re-listens, with the client's backoff, when its stream drops without a completion. */
export class ListenStream implements Listen {
  readonly closed: Promise<ListenEnd>;
  #options: ListenStreamOptions;
  #acknowledged: ListenFilter = {};
  #subscriptionId: RequestId = '';
  #stop = new AbortController();
  #end: (end: ListenEnd) => void = () => {};

  constructor(options: ListenStreamOptions) {
    this.#options = options;
    this.closed = new Promise((resolve) => {
      this.#end = resolve;
    });
    const { signal } = options;
    if (signal?.aborted) this.#stop.abort(signal.reason);
    else signal?.addEventListener('abort', () => void this.close(), { once: true });
  }

  get acknowledged(): ListenFilter {
    return this.#acknowledged;
  }

  get subscriptionId(): RequestId {
    return this.#subscriptionId;
  }

  /** Opens the stream; resolves once the server acknowledged it, rejects when it could not. */
  start(): Promise<void> {
    return new Promise((resolve, reject) => void this.#run(resolve, reject));
  }

  async close(): Promise<void> {
    this.#stop.abort(new McpLiveError('ABORTED', 'the listen was closed'));
    await this.closed;
  }

  async #run(acknowledged: () => void, failed: (error: unknown) => void): Promise<void> {
    const { reconnect } = this.#options;
    let first = true;
    let attempt = 0;
    for (;;) {
      const outcome = await this.#once(() => {
        if (first) acknowledged();
        else this.#options.reconnected();
        first = false;
        attempt = 0;
      });
      if (this.#stop.signal.aborted) {
        failed(new McpLiveError('ABORTED', 'the listen was closed before the server acknowledged it'));
        return this.#end({ reason: 'closed' });
      }
      if (outcome.completed) {
        if (first) acknowledged();
        return this.#end({ reason: 'completed' });
      }
      const error =
        outcome.error ??
        new McpLiveError(
          'TRANSPORT',
          `the listen stream of ${this.#options.label} ended without a completion`,
        );
      if (first) {
        failed(error);
        return this.#end({ reason: 'lost', error });
      }
      if (
        reconnect === false ||
        isProtocolError(error) ||
        !isRetryable(error) ||
        attempt >= reconnect.maxAttempts
      ) {
        const tries = attempt === 0 ? '' : ` after ${attempt} attempts to listen again`;
        const lost = new McpLiveError('TRANSPORT', `stopped listening${tries}: ${error.message}`, {
          cause: error,
        });
        this.#options.error(lost);
        return this.#end({ reason: 'lost', error: lost });
      }
      const delay = Math.min(reconnect.maxDelay, reconnect.initialDelay * reconnect.factor ** attempt);
      attempt++;
      this.#options.reconnecting({ attempt, delay, error: toLiveError(error) });
      if (!(await sleep(delay, this.#stop.signal))) return this.#end({ reason: 'closed' });
    }
  }

  /** One `subscriptions/listen` request, read to its end. */
  async #once(onAcknowledged: () => void): Promise<Outcome> {
    const { timeout, filter } = this.#options;
    const id = this.#options.nextId();
    const params = { notifications: filter };
    const request: JSONRPCRequest = { jsonrpc: '2.0', id, method: 'subscriptions/listen', params };
    const attempt = new AbortController();
    const stop = () => attempt.abort(this.#stop.signal.reason);
    this.#stop.signal.addEventListener('abort', stop, { once: true });
    const outcome: Outcome = { completed: false, error: undefined };
    let acknowledged = false;
    const timer = setTimeout(() => {
      const why = `subscriptions/listen at ${this.#options.label} got no acknowledgment within ${timeout} ms; pass a larger \`timeout\` to listen()`;
      outcome.error = new McpLiveError('TIMEOUT', why);
      attempt.abort(outcome.error);
    }, timeout);
    const onMessage = (message: JSONRPCMessage) => {
      if (isJSONRPCResponse(message)) {
        if (message.id !== id) return;
        if ('error' in message) {
          const { code, message: text, data } = message.error;
          outcome.error = new ProtocolError(code, `subscriptions/listen was refused: ${text}`, { data });
        } else outcome.completed = true;
        return;
      }
      if (!isJSONRPCNotification(message)) return;
      const meta = message.params?._meta as Record<string, unknown> | undefined;
      const tag = meta?.[MetaKey.SubscriptionId];
      if (tag !== undefined && tag !== id) return;
      if (message.method !== ACKNOWLEDGED) return void (acknowledged && this.#options.deliver(message));
      clearTimeout(timer);
      acknowledged = true;
      this.#acknowledged = (message.params?.notifications ?? {}) as ListenFilter;
      this.#subscriptionId = id;
      onAcknowledged();
    };
    try {
      await this.#options.exchange(request, attempt.signal, onMessage);
    } catch (error) {
      outcome.error ??= toLiveError(error);
    } finally {
      clearTimeout(timer);
      this.#stop.signal.removeEventListener('abort', stop);
    }
    return outcome;
  }
}
