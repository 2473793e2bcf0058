import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type EventSourceMessage, readEventStream } from '../../src/client/read-event-stream.ts';

function streamOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    pull(controller) {
      const chunk = chunks.shift();
      if (chunk === undefined) controller.close();
      else controller.enqueue(chunk);
    },
  });
}

/** Splits `text` into one-byte chunks, so every boundary (inside CRLF, inside a UTF-8 sequence) is crossed. */
function byteByByte(text: string): Uint8Array[] {
  return [...new TextEncoder().encode(text)].map((byte) => Uint8Array.of(byte));
}

describe('readEventStream', () => {
  test('parses whole events across arbitrary chunk boundaries, with ids, retry hints and comments', async () => {
    const wire =
      ': keep-alive\r\n\r\nid: 7\r\nretry: 250\r\ndata: {"text":"café 🚀"}\r\n\r\n' +
      'event: endpoint\ndata: /messages?sessionId=1\n\ndata: line one\ndata: line two\n\n';
    const events: EventSourceMessage[] = [];
    const retries: number[] = [];
    await readEventStream(
      streamOf(byteByByte(wire)),
      { onEvent: (event) => events.push(event), onRetry: (ms) => retries.push(ms) },
      new AbortController().signal,
    );
    assert.deepEqual(
      events.map(({ id, event, data }) => ({ id, event, data })),
      [
        { id: '7', event: undefined, data: '{"text":"café 🚀"}' },
        { id: undefined, event: 'endpoint', data: '/messages?sessionId=1' },
        { id: undefined, event: undefined, data: 'line one\nline two' },
      ],
    );
    assert.deepEqual(retries, [250]);
  });

  test('an event cut off by the end of the body is not delivered', async () => {
    const events: EventSourceMessage[] = [];
    await readEventStream(
      streamOf(byteByByte('data: whole\n\ndata: half')),
      { onEvent: (event) => events.push(event) },
      new AbortController().signal,
    );
    assert.deepEqual(
      events.map((event) => event.data),
      ['whole'],
    );
  });

  test('aborting the signal stops reading and resolves', async () => {
    const controller = new AbortController();
    const endless = new ReadableStream<Uint8Array>({ pull: () => new Promise(() => {}) });
    const reading = readEventStream(endless, { onEvent: () => {} }, controller.signal);
    controller.abort();
    await reading;
  });

  test('a body that breaks rejects with its error', async () => {
    const broken = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('data: one\n\n'));
        controller.error(new TypeError('terminated'));
      },
    });
    const events: string[] = [];
    await assert.rejects(
      readEventStream(broken, { onEvent: (event) => events.push(event.data) }, new AbortController().signal),
      /terminated/,
    );
  });
});
