import { errorText } from '../protocol/error-text.ts';
import { flatString } from '../protocol/flat-string.ts';
import type { ServerCapabilities } from '../protocol/lifecycle.ts';
import { McpLiveError } from '../protocol/mcp-live-error.ts';
import type { Hooks } from './hooks.ts';
import { Session, type SessionInit, type SessionState } from './session.ts';
import type { SessionRecord, SessionStore } from './session-store.ts';

export interface SessionRegistryOptions {
  store: SessionStore;
  /** This instance's name in session records. */
  instanceId: string;
  hooks: Hooks;
  /** Makes session ids. */
  newId: () => string;
  /** ms without traffic after which a session is closed; 0 never. */
  idleTimeout: number;
  /** What the server declares, for a session taken over after its `initialize`. */
  capabilities: () => ServerCapabilities;
  report(error: unknown, session?: Session): void;
}

/**
 * The sessions this instance holds: opened or taken over, closed or let go, their records kept in the
 * session store (state changes included, once per turn), and the idle ones swept.
 */
export class SessionRegistry {
  readonly #sessions = new Map<string, Session>();
  readonly #o: SessionRegistryOptions;
  readonly #changedStates = new Set<Session>();
  /** One function for every session (a closure per session would cost each its own). */
  readonly #onStateChange = (session: Session): void => this.#stateChanged(session);
  #sweeper: ReturnType<typeof setInterval> | undefined;

  constructor(options: SessionRegistryOptions) {
    this.#o = options;
  }

  get(id: string): Session | undefined {
    return this.#sessions.get(id);
  }

  values(): IterableIterator<Session> {
    return this.#sessions.values();
  }

  get size(): number {
    return this.#sessions.size;
  }

  /** Opens a session for a transport and records it; fires `sessionOpened`. */
  async open(init: SessionInit): Promise<Session> {
    if (init.ephemeral === true) return this.openEphemeral(init);
    // Flat: a generated id is often a tree of concatenated pieces, kept as long as the session.
    const id = flatString(init.id ?? this.#o.newId());
    this.#refuseTaken(id);
    const session = new Session(id, init, this.#onStateChange);
    this.#sessions.set(id, session);
    const record: SessionRecord = {
      id,
      transport: session.transport,
      owner: this.#o.instanceId,
      principal: session.principal,
      createdAt: session.createdAt,
      lastActivity: session.lastActivity,
    };
    if (init.streamKey !== undefined) record.streamKey = init.streamKey;
    if (init.base !== undefined) record.base = init.base;
    await this.#o.store.create(record);
    this.#startSweeper();
    this.#o.hooks.emit('sessionOpened', session);
    return session;
  }

  /**
   * Opens an ephemeral session (one stateless request's, or a test's): neither recorded nor announced,
   * so at once. Its id is not flattened: it lives as long as its request.
   */
  openEphemeral(init: SessionInit): Session {
    const id = init.id ?? this.#o.newId();
    this.#refuseTaken(id);
    return new Session(
      id,
      init.ephemeral === true ? init : { ...init, ephemeral: true },
      this.#onStateChange,
    );
  }

  /** Closes an ephemeral session: there is nothing to forget or announce, so at once. */
  closeEphemeral(session: Session, reason: string): void {
    session.close(reason);
  }

  #refuseTaken(id: string): void {
    if (this.#sessions.has(id)) {
      throw new McpLiveError(
        'DUPLICATE_NAME',
        `A session "${id}" is already open; session ids must be unique`,
      );
    }
  }

  /**
   * Takes over a session whose instance is gone: claims it in the store, then opens it here with the
   * state its record kept. `undefined` when the store cannot hand sessions over or another instance
   * holds it. Fires `sessionOpened`.
   */
  async adopt(record: SessionRecord, init: SessionInit, gone?: string): Promise<Session | undefined> {
    const store = this.#o.store;
    if (this.#sessions.has(record.id) || store.claim === undefined) return undefined;
    if (!(await store.claim(record.id, this.#o.instanceId, gone))) return undefined;
    if (this.#sessions.has(record.id)) return undefined;
    const session = new Session(record.id, { ...init, id: record.id }, this.#onStateChange);
    session.restore(record as SessionState);
    if (session.protocolVersion !== undefined) session.serverCapabilities = this.#o.capabilities();
    this.#sessions.set(record.id, session);
    this.#startSweeper();
    this.#o.hooks.emit('sessionOpened', session);
    return session;
  }

  /** Closes a session: aborts its handlers, ends its streams, forgets it and fires `sessionClosed`. */
  async close(sessionOrId: Session | string, reason: string): Promise<void> {
    const session = typeof sessionOrId === 'string' ? this.#sessions.get(sessionOrId) : sessionOrId;
    if (session === undefined) return;
    const wasOpen = !session.closed;
    session.close(reason);
    if (session.ephemeral || this.#sessions.get(session.id) !== session) return;
    this.#forget(session.id);
    try {
      await this.#o.store.delete(session.id);
    } finally {
      if (wasOpen) this.#o.hooks.emit('sessionClosed', session, reason);
    }
  }

  /** Closes every session and stops the idle sweeps. */
  async closeAll(reason: string): Promise<void> {
    this.#stopSweeper();
    await Promise.all([...this.#sessions.values()].map((s) => this.close(s, reason)));
  }

  /**
   * Another instance claimed a session held here (this one was cut off from the others meanwhile): it
   * closes here, with its streams, but its record and its events stay for the instance that has it now.
   */
  release(id: string): void {
    const session = this.#sessions.get(id);
    if (session === undefined) return;
    this.#forget(id);
    const reason = 'another instance took this session over';
    const wasOpen = !session.closed;
    session.close(reason, true);
    if (wasOpen) this.#o.hooks.emit('sessionClosed', session, reason);
  }

  #forget(id: string): void {
    this.#sessions.delete(id);
    if (this.#sessions.size === 0) this.#stopSweeper();
  }

  /** Records a session's changed state in the store, once per turn of the event loop. */
  #stateChanged(session: Session): void {
    if (session.ephemeral) return;
    if (this.#changedStates.size === 0) queueMicrotask(() => this.#recordStates());
    this.#changedStates.add(session);
  }

  #recordStates(): void {
    const sessions = [...this.#changedStates];
    this.#changedStates.clear();
    for (const session of sessions) {
      if (session.closed || this.#sessions.get(session.id) !== session) continue;
      this.#o.store.update(session.id, session.state).catch((cause: unknown) => {
        const why = `Could not record the state of session ${session.id}; another instance that takes it over would miss it: ${errorText(cause)}`;
        this.#o.report(new McpLiveError('STORE_UNAVAILABLE', why, { cause }), session);
      });
    }
  }

  #startSweeper(): void {
    const idle = this.#o.idleTimeout;
    if (this.#sweeper !== undefined || idle <= 0) return;
    // Checked twice per period, at least every minute: a session goes at most that long after its period ends.
    const every = Math.max(25, Math.min(60_000, Math.floor(idle / 2)));
    this.#sweeper = setInterval(() => this.#sweep(), every);
    this.#sweeper.unref?.();
  }

  #stopSweeper(): void {
    if (this.#sweeper !== undefined) clearInterval(this.#sweeper);
    this.#sweeper = undefined;
  }

  #sweep(): void {
    const idle = this.#o.idleTimeout;
    const cutoff = Date.now() - idle;
    for (const session of [...this.#sessions.values()]) {
      if (session.lastActivity < cutoff && session.inFlightCount === 0) {
        void this.close(session, `idle for more than ${idle} ms`);
      }
    }
  }
}
