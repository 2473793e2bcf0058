import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  encodeSSEComment,
  encodeSSEEvent,
  encodeSSEMessage,
} from '../../../src/transports/http/sse-encoder.ts';
import { SSEParser } from '../sse-parser.ts';

describe('SSE encoding', () => {
  test('an event is its fields, one data line per line, and a blank line', () => {
    assert.equal(
      encodeSSEEvent({ event: 'endpoint', data: '/message?sessionId=1' }),
      'event: endpoint\ndata: /message?sessionId=1\n\n',
    );
    assert.equal(
      encodeSSEEvent({ id: 7, event: 'x', retry: 1500.7, data: 'a\nb\r\nc\rd' }),
      'id: 7\nevent: x\nretry: 1500\ndata: a\ndata: b\ndata: c\ndata: d\n\n',
    );
    assert.equal(encodeSSEEvent({ data: '' }), 'data: \n\n');
  });

  test('a line break in id or event cannot inject fields', () => {
    assert.equal(encodeSSEEvent({ id: '1\ndata: evil', data: 'ok' }), 'id: 1 data: evil\ndata: ok\n\n');
    assert.equal(encodeSSEEvent({ event: 'a\r\nid: 9', data: 'ok' }), 'event: a id: 9\ndata: ok\n\n');
  });

  test('comments start every line with a colon', () => {
    assert.equal(encodeSSEComment(), ':\n\n');
    assert.equal(encodeSSEComment('keep-alive'), ': keep-alive\n\n');
    assert.equal(encodeSSEComment('a\nb'), ': a\n: b\n\n');
  });

  test('a message event carries its id and the JSON as one data line', () => {
    const json = JSON.stringify({ jsonrpc: '2.0', method: 'm', params: { text: 'line1\nline2\u2028' } });
    const wire = encodeSSEMessage(3, json);
    assert.equal(wire, `id: 3\nevent: message\ndata: ${json}\n\n`);
    const parser = new SSEParser();
    parser.feed(wire);
    assert.deepEqual(parser.events, [{ event: 'message', id: '3', data: json }]);
  });

  test('what the encoder writes parses back to the same events, split at any byte', () => {
    const events = [
      { id: 1, event: 'message', data: '{"a":1}' },
      { event: 'endpoint', data: '/m?sessionId=x' },
      { id: 'z', data: 'multi\nline' },
    ];
    const wire = events.map(encodeSSEEvent).join('') + encodeSSEComment('keep-alive');
    for (let size = 1; size <= 7; size++) {
      const parser = new SSEParser();
      for (let i = 0; i < wire.length; i += size) parser.feed(wire.slice(i, i + size));
      assert.deepEqual(
        parser.events,
        events.map((e) => ({
          event: e.event ?? 'message',
          data: e.data,
          id: e.id === undefined ? undefined : String(e.id),
        })),
      );
      assert.deepEqual(parser.comments, ['keep-alive']);
    }
  });
});
