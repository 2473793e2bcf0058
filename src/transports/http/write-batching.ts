// When a corked stream's writes leave. Alone, a stream flushes at the end of the tick it was written
// in, at once. Under load the server reads many requests in one turn of the event loop, several of
// them for the same stream; flushing each stream once, after the turn's I/O callbacks have run, turns
// those writes into one socket write. Holding writes to the end of the turn costs a `setImmediate`
// (a few µs), which a quiet server should not pay: batching starts only when a probe saw a stream
// written in two ticks of one turn, and stops after a few turns in which nothing was coalesced.

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

let batching = false;
let quietTurns = 0;
/** Counts turns seen by the check phase (and probes); a stream flushed twice in one turn shares it. */
let turn = 1;
let endOfTurnScheduled = false;
let lastProbe = 0;
/** Streams written in this turn while batching, flushed together at its end. */
let held: Corked[] = [];
/** Writes in this turn that joined a stream already holding or already flushed in it. */
let coalesced = 0;

/** Schedules the flush of `stream`, which was just corked because of a write. */
export function scheduleFlush(stream: Corked): void {
  if (batching) {
    held.push(stream);
    if (!endOfTurnScheduled) scheduleEndOfTurn();
    return;
  }
  if (stream.flushedInTurn === turn) coalesced++;
  stream.flushedInTurn = turn;
  process.nextTick(flushNow, stream);
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

function flushNow(stream: Corked): void {
  stream.uncork();
}

function endOfTurn(): void {
  endOfTurnScheduled = false;
  const streams = held;
  held = [];
  for (const stream of streams) stream.uncork();
  if (coalesced > 0) {
    batching = true;
    quietTurns = 0;
  } else if (batching && ++quietTurns >= QUIET_TURNS) {
    batching = false;
  }
  coalesced = 0;
  turn++;
}
