import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { McpServer } from '../../src/server/mcp-server.ts';
import { MemoryEventStore } from '../../src/stores/memory-event-store.ts';
import { samePrincipal } from '../../src/transports/http/http-options.ts';
import * as transports from '../../src/transports/index.ts';
import { resolveSSEOptions } from '../../src/transports/sse-options.ts';

describe('SSEServer options', () => {
  test('defaults are the documented ones', () => {
    const o = resolveSSEOptions({});
    assert.equal(o.basePath, '');
    assert.equal(o.sseEndpoint, '/sse');
    assert.equal(o.messageEndpoint, '/message');
    assert.equal(o.useFullURLForMessageEndpoint, true);
    assert.equal(o.appendQueryToMessageEndpoint, false);
    assert.equal(o.keepAliveInterval, 15_000);
    assert.equal(o.keepAlive, 'comment');
    assert.equal(o.pingTimeout, 10_000);
    assert.equal(o.wwwAuthenticate, 'Bearer');
    assert.equal(o.cors, undefined);
    assert.equal(o.dnsRebindingProtection, 'auto');
    assert.equal(o.maxBodyBytes, 4 * 1024 * 1024);
    assert.equal(o.maxBufferedBytes, 4 * 1024 * 1024);
    assert.equal(o.maxSessions, 10_000);
    assert.equal(o.maxInFlightPerSession, 100);
    assert.equal(o.shutdownTimeout, 5_000);
    assert.equal(o.reconnectGracePeriod, 0);
    assert.ok(o.eventStore instanceof MemoryEventStore);
    assert.notEqual(resolveSSEOptions({}).eventStore, o.eventStore, 'one store per transport');
    assert.equal(resolveSSEOptions({ eventStore: false }).eventStore, undefined);
    assert.deepEqual(resolveSSEOptions({ cors: true }).cors, {});
    assert.equal(resolveSSEOptions({ basePath: '/mcp///' }).basePath, '/mcp');
  });

  test('bad options fail at construction with what to fix', () => {
    const server = new McpServer({ name: 'o', version: '1' });
    const bad = [
      { basePath: 'mcp' },
      { sseEndpoint: 'sse' },
      { messageEndpoint: '/m?x=1' },
      { sseEndpoint: '/same', messageEndpoint: '/same' },
      { keepAliveInterval: -1 },
      { maxSessions: 0 },
      { maxBodyBytes: Number.NaN },
      { reconnectGracePeriod: -1 },
    ];
    for (const options of bad) {
      assert.throws(() => new transports.SSEServer(server, options), {
        name: 'McpLiveError',
        code: 'INVALID_OPTION',
      });
    }
  });

  test('principals match when they are the same value or the same plain data', () => {
    assert.ok(samePrincipal('alice', 'alice'));
    assert.ok(samePrincipal({ sub: 'a', scopes: ['x'] }, { sub: 'a', scopes: ['x'] }));
    assert.ok(!samePrincipal({ sub: 'a' }, { sub: 'b' }));
    assert.ok(!samePrincipal('alice', { sub: 'alice' }));
    assert.ok(!samePrincipal(undefined, 'x'));
  });

  test('the SSE part of the public API of src/transports is pinned', () => {
    assert.deepEqual(
      Object.keys(transports).filter((name) => name.startsWith('SSE')),
      ['SSEServer'],
    );
    assert.equal(typeof transports.SSEServer, 'function');
  });
});
