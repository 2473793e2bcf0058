import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  createOriginGuard,
  isLoopbackAddress,
  isLoopbackHostname,
  parseHost,
} from '../../../src/transports/http/origin-guard.ts';

const h = (init: Record<string, string>) => new Headers(init);

describe('origin guard', () => {
  test('parses Host values, IPv6 included', () => {
    assert.deepEqual(parseHost('Example.COM:8080'), { hostname: 'example.com', port: '8080' });
    assert.deepEqual(parseHost('[::1]:3000'), { hostname: '[::1]', port: '3000' });
    assert.deepEqual(parseHost('[::1]'), { hostname: '[::1]', port: '' });
    assert.deepEqual(parseHost('localhost'), { hostname: 'localhost', port: '' });
  });

  test('knows loopback names and addresses', () => {
    for (const name of ['localhost', 'app.localhost', '127.0.0.1', '127.1.2.3', '[::1]', 'localhost.']) {
      assert.ok(isLoopbackHostname(name), name);
    }
    for (const name of ['localhost.evil.com', '128.0.0.1', '0.0.0.0', 'example.com', '[::2]']) {
      assert.ok(!isLoopbackHostname(name), name);
    }
    assert.ok(isLoopbackAddress('::ffff:127.0.0.1'));
    assert.ok(!isLoopbackAddress('::'));
    assert.ok(!isLoopbackAddress('0.0.0.0'));
  });

  test("'auto' checks only when the bind is loopback", () => {
    const guard = createOriginGuard({ dnsRebindingProtection: 'auto' });
    const foreign = h({ host: 'evil.example', origin: 'http://evil.example' });
    assert.equal(guard(foreign, undefined), undefined);
    assert.equal(guard(foreign, false), undefined);
    assert.match(guard(foreign, true)!, /evil\.example/);
  });

  test('the loopback rule: loopback Host with any port; Origin absent or loopback', () => {
    const guard = createOriginGuard({ dnsRebindingProtection: true });
    assert.equal(guard(h({ host: 'localhost:1234' }), undefined), undefined);
    assert.equal(guard(h({ host: '127.0.0.1', origin: 'https://localhost:5173' }), undefined), undefined);
    assert.match(guard(h({ host: 'localhost', origin: 'null' }), undefined)!, /Origin/);
    assert.match(guard(h({ host: 'localhost', origin: 'http://evil.example' }), undefined)!, /Origin/);
    assert.match(guard(h({}), undefined)!, /no Host/);
  });

  test('allowedHosts and allowedOrigins replace the loopback rule; false turns everything off', () => {
    const guard = createOriginGuard({
      dnsRebindingProtection: true,
      allowedHosts: ['api.example.com', 'localhost:3000'],
      allowedOrigins: ['https://app.example.com/'],
    });
    assert.equal(
      guard(h({ host: 'api.example.com:443', origin: 'https://APP.example.com' }), true),
      undefined,
    );
    assert.equal(guard(h({ host: 'localhost:3000' }), true), undefined);
    assert.match(guard(h({ host: 'localhost:3001' }), true)!, /allowedHosts/);
    assert.match(guard(h({ host: 'api.example.com', origin: 'http://localhost' }), true)!, /allowedOrigins/);
    const any = createOriginGuard({ dnsRebindingProtection: 'auto', allowedOrigins: ['*'] });
    assert.equal(any(h({ host: 'x', origin: 'https://whatever' }), false), undefined);
    const off = createOriginGuard({ dnsRebindingProtection: false, allowedHosts: ['a'] });
    assert.equal(off(h({ host: 'b' }), true), undefined);
  });

  test('each guard keeps its own verdict for a Host, however many other Hosts came in between', () => {
    const loopback = createOriginGuard({ dnsRebindingProtection: true });
    const listed = createOriginGuard({ dnsRebindingProtection: true, allowedHosts: ['api.example.com'] });
    for (let round = 0; round < 2; round++) {
      assert.equal(loopback(h({ host: 'localhost:3000' }), true), undefined);
      assert.match(loopback(h({ host: 'api.example.com' }), true)!, /not a loopback name/);
      assert.match(listed(h({ host: 'localhost:3000' }), true)!, /allowedHosts/);
      assert.equal(listed(h({ host: 'api.example.com' }), true), undefined);
      // More distinct values than either guard remembers, loopback and not, long and short.
      for (let i = 0; i < 300; i++) {
        const host =
          i % 3 === 0 ? `127.0.0.${i % 256}` : i % 3 === 1 ? `evil${i}.example` : `${'a'.repeat(300)}${i}`;
        assert.equal(loopback(h({ host }), true) === undefined, i % 3 === 0, host);
        assert.match(listed(h({ host }), true)!, /allowedHosts/);
      }
    }
  });
});
