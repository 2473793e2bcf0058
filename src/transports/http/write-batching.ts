// When a corked stream's writes leave. Alone, a stream flushes at the end of the tick it was written
// in, at once. Under load the server reads many requests in one turn of the event loop, several of
// them for the same stream; flushing each stream once, after the turn's I/O callbacks have run, turns
// those writes into one socket write. Holding writes to the end of the turn costs a `setImmediate`
// (a few µs), which a quiet server should not pay: batching starts only when a probe saw a stream
// written in two ticks of one turn, and stops after a few turns in which nothing was coalesced.
// Either way, a burst to many streams (a broadcast) is not held whole: once `BURST` streams wait,
// they leave at once, so that the first clients read while the server still writes to the others.
//
// Whole answers (a POST answered with JSON, a 202) join in: a quiet server sends each at once; a busy
// one, which answered two requests in one turn, sends the turn's answers together at its end. Each
// write to a client that sleeps costs the kernel a wake-up of that client; answers written back to
// back wake it once, and the requests read in the same turn do not wait for one another's JavaScript.

/** A stream whose writes are held (corked) until `uncork`. */
export interface Corked {
  /** The turn in which the stream last flushed; written by this module only. */
  flushedInTurn: number;
  uncork(): void;
}

/** How often a quiet server checks whether its turns have become busy (ms). */
const PROBE_EVERY_MS = 2;
/** Turns in a row without a coalesced write after which batching stops. */
const QUIET_TURNS = 4;
/** Streams held at most: a write that makes this many flushes them. */
export const BURST = 64;

let batching = false;
let quietTurns = 0;
/** Counts turns seen by the check phase (and probes); a stream flushed twice in one turn shares it. */
let turn = 1;
let endOfTurnScheduled = false;
let lastProbe = 0;
/** Streams written in this turn while batching, flushed together at its end. */
let held: Corked[] = [];
/** Streams written in this tick while not batching, flushed together at its end. */
let inTick: Corked[] = [];
/** Writes in this turn that joined a stream already holding or already flushed in it, or another answer. */
let coalesced = 0;
/** Answers sent in this turn while not batching, counted from the probe that began it. */
let answers = 0;

/** Schedules the flush of `stream`, which was just corked because of a write. */
export function scheduleFlush(stream: Corked): void {
  if (batching) {
    holdToEndOfTurn(stream);
    return;
  }
  if (stream.flushedInTurn === turn) coalesced++;
  stream.flushedInTurn = turn;
  const waiting = inTick.push(stream);
  if (waiting === 1) process.nextTick(endOfTick);
  else if (waiting >= BURST) inTick = flush(inTick);
  if (probe()) stream.flushedInTurn = turn;
}

/**
 * Whether a whole answer waits for the end of this turn: it does while batching, and leaves then with
 * the turn's other writes (its `uncork` sends it); otherwise (false) the caller sends it now.
 */
export function holdAnswer(answer: Corked): boolean {
  if (batching) {
    if (held.length > 0) coalesced++;
    holdToEndOfTurn(answer);
    return true;
  }
  probe();
  if (++answers > 1) coalesced++;
  return false;
}

/**
 * Every `PROBE_EVERY_MS` at most, a quiet server starts a fresh turn: what is written from here to
 * its end is counted, and the end of the turn decides whether to batch. True when it probed.
 */
function probe(): boolean {
  if (endOfTurnScheduled) return false;
  const now = performance.now();
  if (now - lastProbe < PROBE_EVERY_MS) return false;
  lastProbe = now;
  turn++;
  coalesced = 0;
  answers = 0;
  scheduleEndOfTurn();
  return true;
}

/** Holds `corked` with this turn's writes, to its end; `BURST` held leave at once. */
function holdToEndOfTurn(corked: Corked): void {
  if (held.push(corked) >= BURST) held = flush(held);
  if (!endOfTurnScheduled) scheduleEndOfTurn();
}

/** Counts a write made to a stream that is already corked (it leaves with the stream's flush). */
export function countHeldWrite(): void {
  if (batching) coalesced++;
}

function scheduleEndOfTurn(): void {
  endOfTurnScheduled = true;
  setImmediate(endOfTurn);
}

/** Uncorks `streams`; returns the empty list to hold the next ones in. */
function flush(streams: Corked[]): Corked[] {
  for (const stream of streams) stream.uncork();
  return [];
}

function endOfTick(): void {
  if (inTick.length > 0) inTick = flush(inTick);
}

function endOfTurn(): void {
  endOfTurnScheduled = false;
  held = flush(held);
  if (coalesced > 0) {
    batching = true;
    quietTurns = 0;
  } else if (batching && ++quietTurns >= QUIET_TURNS) {
    batching = false;
  }
  coalesced = 0;
  answers = 0;
  turn++;
}
