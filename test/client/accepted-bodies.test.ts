// The 202 answers to POSTed messages are read to their end, never cancelled: a cancelled body ends the
// request early, and browsers then list every such POST as failed (net::ERR_ABORTED in DevTools).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clientFor, startSSEPeer, startStreamablePeer } from './helpers.ts';

interface BodyRecord {
  status: number;
  read: boolean;
  cancelled: boolean;
}

/** A fetch that hands out each POST's body through a stream recording whether it was read to its end or cancelled. */
function recordingFetch(bodies: BodyRecord[]): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    if (init?.method !== 'POST' || response.body === null) return response;
    const record: BodyRecord = { status: response.status, read: false, cancelled: false };
    bodies.push(record);
    const reader = response.body.getReader();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const { done, value } = await reader.read();
        if (done) {
          record.read = true;
          controller.close();
        } else controller.enqueue(value);
      },
      cancel(reason) {
        record.cancelled = true;
        return reader.cancel(reason);
      },
    });
    const { status, statusText, headers } = response;
    return new Response(body, { status, statusText, headers });
  };
}

for (const [wire, start] of [
  ['sse', startSSEPeer],
  ['2025', startStreamablePeer],
] as const) {
  test(`${wire}: the 202 bodies of POSTed messages are read to their end, not cancelled`, async (t) => {
    const peer = await start(t);
    const bodies: BodyRecord[] = [];
    const client = clientFor(t, { url: peer.url, protocol: wire, fetch: recordingFetch(bodies) });
    await client.connect();
    await client.listTools().catch(() => {});
    const accepted = bodies.filter((body) => body.status === 202);
    assert.ok(accepted.length >= 1, `the server answered 202 (got ${bodies.map((b) => b.status)})`);
    assert.deepEqual(
      accepted.map(({ read, cancelled }) => ({ read, cancelled })),
      accepted.map(() => ({ read: true, cancelled: false })),
    );
  });
}
