// When a corked stream's writes leave. Alone, a stream flushes at the end of the tick it was written
// in, at once. Under load the server reads many requests in one turn of the event loop, several of
// them for the same stream; flushing each stream once, after the turn's I/O callbacks have run, turns
// those writes into one socket write. Holding writes to the end of the turn costs a `setImmediate`
// (a few µs), which a quiet server should not pay: batching starts only when a probe saw a stream
// written in two ticks of one turn, and stops after a few turns in which nothing was coalesced.
// Either way, a burst to many streams (a broadcast) is not held whole: once `BURST` streams wait,
// they leave at once, so that the first clients read while the server still writes to the others.

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
/** Writes in this turn that joined a stream already holding or already flushed in it. */
let coalesced = 0;

/** Schedules the flush of `stream`, which was just corked because of a write. */
export function scheduleFlush(stream: Corked): void {
  if (batching) {
    if (held.push(stream) >= BURST) held = flush(held);
    if (!endOfTurnScheduled) scheduleEndOfTurn();
    return;
  }
  if (stream.flushedInTurn === turn) coalesced++;
  stream.flushedInTurn = turn;
  const waiting = inTick.push(stream);
  if (waiting === 1) process.nextTick(endOfTick);
  else if (waiting >= BURST) inTick = flush(inTick);
  if (!endOfTurnScheduled) {
    const now = performance.now();
    if (now - lastProbe >= PROBE_EVERY_MS) {
      // Probe: streams written from here to the end of this turn are counted against a fresh turn.
      lastProbe = now;
      turn++;
      stream.flushedInTurn = turn;
      coalesced = 0;
      scheduleEndOfTurn();
    }
  }
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
  turn++;
}
