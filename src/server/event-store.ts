import type { JSONRPCMessage } from '../protocol/jsonrpc.ts';

/** Receives one replayed event: its id and its message, in the order they were stored. */
export type ReplaySend = (eventId: string, message: JSONRPCMessage) => void;

/**
 * Numbered events per stream, kept so that a client that lost its connection can resume a stream
 * with `Last-Event-ID` and get what it missed. A transport names its streams; the store numbers
 * their events. Event ids must name their stream (so that a resumption finds it) and be unique across
 * every stream of the store. Every method answers with a promise, and a failure is a rejection: a
 * store that could answer at once (`MemoryEventStore`) still returns a promise here.
 */
export interface EventStore {
  /**
   * Stores one message of a stream; returns its event id. `json` is the message as the transport
   * encoded it (`JSON.stringify`), when it has it: a store may keep that text instead of the message.
   */
  append(streamId: string, message: JSONRPCMessage, json?: string): Promise<string>;
  /**
   * The id of the newest event of a stream, or, for a stream without events, an id that comes before
   * its first: replaying after it yields exactly the events appended later. Priming events carry it.
   */
  lastEventId(streamId: string): Promise<string>;
  /** The stream an event id names, without replaying; `undefined` for an id this store cannot have made. */
  streamOf(eventId: string): Promise<string | undefined>;
  /**
   * Sends, in order, the events of `lastEventId`'s stream that came after it and are still held;
   * returns that stream's id, or `undefined` for an id this store cannot have made.
   */
  replayAfter(lastEventId: string, send: ReplaySend): Promise<string | undefined>;
  /** Forgets a stream's events (its session ended). */
  deleteStream(streamId: string): Promise<void>;
  /**
   * Optional. The stream ended with every event handed to its connection (a POST's stream whose
   * responses were all written): a client resumes it only if that connection broke just then, so the
   * store may forget its events sooner than its usual age limit.
   */
  streamEnded?(streamId: string): Promise<void>;
  /**
   * Optional. Resolves when the store can serve calls now; rejects saying why not (`STORE_UNAVAILABLE`,
   * or `CLOSED` after `close()`). Readiness probes call it; a store without it counts as ready.
   */
  ready?(): Promise<void>;
  /**
   * Optional. Calls `listener` with failures that happen outside any call (a lost connection, told
   * once); returns a function that stops. Each HTTP transport using the store attaches here and tells its `error` listeners.
   */
  onError?(listener: (error: Error) => void): () => void;
}
