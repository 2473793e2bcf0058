import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SSEParser } from './sse-parser.ts';

function parse(chunks: string[]): Array<[string, string]> {
  const events: Array<[string, string]> = [];
  const parser = new SSEParser((event, data) => events.push([event, data]));
  for (const chunk of chunks) parser.push(chunk);
  return events;
}

test('events split anywhere across chunks come out whole', () => {
  const wire =
    'event: endpoint\ndata: /message?sessionId=a\n\n: keep-alive\n\nevent: message\ndata: {"id":1}\n\n';
  const whole = parse([wire]);
  assert.deepEqual(whole, [
    ['endpoint', '/message?sessionId=a'],
    ['message', '{"id":1}'],
  ]);
  for (let cut = 1; cut < wire.length; cut++) {
    assert.deepEqual(parse([wire.slice(0, cut), wire.slice(cut)]), whole, `cut at ${cut}`);
  }
});

test('CRLF line ends and multi-line data are understood', () => {
  assert.deepEqual(parse(['data: a\r', '\ndata: b\r\n\r\n']), [['message', 'a\nb']]);
});
