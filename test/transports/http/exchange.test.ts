import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  declaredLengthExceeds,
  isJSONMediaType,
  queryParam,
  splitTarget,
} from '../../../src/transports/http/exchange.ts';
import { FetchExchange } from '../../../src/transports/http/fetch-exchange.ts';

describe('exchange helpers', () => {
  test('splitTarget and queryParam read a request target without URL objects', () => {
    assert.deepEqual(splitTarget('/a/b?x=1&y'), { path: '/a/b', search: '?x=1&y' });
    assert.deepEqual(splitTarget('/a'), { path: '/a', search: '' });
    assert.equal(queryParam('?sessionId=abc&x=1', 'sessionId'), 'abc');
    assert.equal(queryParam('?x=1&sessionId=a%20b+c', 'sessionId'), 'a b c');
    assert.equal(queryParam('?sessionIdX=1&sessionId=2', 'sessionId'), '2');
    assert.equal(queryParam('?sessionId=first&sessionId=second', 'sessionId'), 'first');
    assert.equal(queryParam('?sessionId', 'sessionId'), '');
    assert.equal(queryParam('?other=1', 'sessionId'), undefined);
    assert.equal(queryParam('', 'sessionId'), undefined);
    assert.equal(queryParam('?sessionId=%E0%A4%A', 'sessionId'), '%E0%A4%A');
  });

  test('isJSONMediaType accepts application/json and +json types only', () => {
    assert.ok(isJSONMediaType('application/json'));
    assert.ok(isJSONMediaType('Application/JSON; charset=utf-8'));
    assert.ok(isJSONMediaType('application/vnd.api+json'));
    assert.ok(!isJSONMediaType('text/json'));
    assert.ok(!isJSONMediaType('text/plain'));
    assert.ok(!isJSONMediaType(null));
  });

  test('declaredLengthExceeds reads Content-Length', () => {
    assert.ok(declaredLengthExceeds(new Headers({ 'content-length': '11' }), 10));
    assert.ok(!declaredLengthExceeds(new Headers({ 'content-length': '10' }), 10));
    assert.ok(!declaredLengthExceeds(new Headers(), 10));
  });
});

describe('FetchExchange.readBody', () => {
  function streaming(chunks: number, size: number) {
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled === chunks) return controller.close();
        pulled++;
        controller.enqueue(new Uint8Array(size).fill(120));
      },
    });
    const request = new Request('http://localhost/message', {
      method: 'POST',
      body,
      duplex: 'half',
    } as RequestInit);
    return { request, pulled: () => pulled };
  }

  test('reads a body under the limit, decoding UTF-8 across chunks', async () => {
    const bytes = new TextEncoder().encode('{"text":"héllo ✓"}');
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const byte of bytes) controller.enqueue(new Uint8Array([byte]));
        controller.close();
      },
    });
    const exchange = new FetchExchange(
      new Request('http://localhost/', { method: 'POST', body, duplex: 'half' } as RequestInit),
    );
    assert.deepEqual(await exchange.readBody(1024), { ok: true, text: '{"text":"héllo ✓"}' });
  });

  test('stops reading as soon as the limit is passed', async () => {
    const { request, pulled } = streaming(1_000, 1024);
    const exchange = new FetchExchange(request);
    assert.deepEqual(await exchange.readBody(4096), { ok: false, reason: 'too-large' });
    assert.ok(pulled() < 10, `read ${pulled()} chunks of a 1000-chunk body`);
  });

  test('refuses a declared length over the limit without reading', async () => {
    const exchange = new FetchExchange(
      new Request('http://localhost/', {
        method: 'POST',
        body: 'x'.repeat(100),
        headers: { 'content-length': '100' },
      }),
    );
    assert.deepEqual(await exchange.readBody(10), { ok: false, reason: 'too-large' });
  });
});
