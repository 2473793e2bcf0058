import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { acceptsMediaType, acceptsPostTypes } from '../../src/transports/streamable-http-headers.ts';

describe('acceptsMediaType', () => {
  test('finds a type among ranges, with wildcards, any case and spacing', () => {
    const both = 'application/json, text/event-stream';
    assert.ok(acceptsMediaType(both, 'application/json'));
    assert.ok(acceptsMediaType(both, 'text/event-stream'));
    assert.ok(acceptsMediaType('TEXT/*', 'text/event-stream'));
    assert.ok(acceptsMediaType('text/html,*/*;q=0.8', 'application/json'));
    assert.ok(acceptsMediaType('  Application/JSON  ;charset=utf-8', 'application/json'));
    assert.ok(!acceptsMediaType('text/html, application/*+json', 'application/json'));
    assert.ok(!acceptsMediaType('', 'application/json'));
    assert.ok(!acceptsMediaType(null, 'application/json'));
  });

  test('q=0 refuses a range; the most specific range that matches decides (RFC 9110)', () => {
    assert.ok(!acceptsMediaType('application/json;q=0', 'application/json'));
    assert.ok(!acceptsMediaType('application/json; Q=0.000', 'application/json'));
    assert.ok(acceptsMediaType('application/json;q=0.1', 'application/json'));
    assert.ok(acceptsMediaType('application/json;level=1', 'application/json'));
    // A wildcard does not undo the refusal of the type itself, before it or after it.
    assert.ok(!acceptsMediaType('application/json;q=0, */*', 'application/json'));
    assert.ok(!acceptsMediaType('*/*, text/event-stream;q=0', 'text/event-stream'));
    assert.ok(!acceptsMediaType('text/*;q=0, */*', 'text/event-stream'));
    // The type named outright is accepted though its family or everything is refused.
    assert.ok(acceptsMediaType('text/*;q=0, text/event-stream', 'text/event-stream'));
    assert.ok(acceptsMediaType('*/*;q=0, application/json', 'application/json'));
    assert.ok(acceptsMediaType('*/*;q=0, application/*;q=0.5', 'application/json'));
    // Ranges as specific as each other: one that accepts is enough.
    assert.ok(acceptsMediaType('application/json;q=0, application/json;q=1', 'application/json'));
  });
});

describe('acceptsPostTypes', () => {
  test('needs both types, and gives the same verdict however often and among however many values it is asked', () => {
    const cases: Array<[string | null, boolean]> = [
      ['application/json, text/event-stream', true],
      ['*/*', true],
      ['application/json', false],
      ['application/json, text/event-stream;q=0', false],
      ['*/*, text/event-stream;q=0', false],
      ['', false],
      [null, false],
      [`application/json, text/event-stream, ${'x/y, '.repeat(100)}`, true],
    ];
    // Far more distinct values than are remembered, asked twice each, in between.
    const others = Array.from({ length: 300 }, (_, i) => [`text/x-${i}, text/event-stream`, false] as const);
    for (let pass = 0; pass < 2; pass++) {
      for (const [accept, verdict] of [...cases, ...others, ...cases]) {
        assert.equal(acceptsPostTypes(accept), verdict, `${pass}: ${accept}`);
      }
    }
  });
});
