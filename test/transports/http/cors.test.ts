import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CORSPolicy } from '../../../src/transports/http/cors.ts';

describe('CORSPolicy', () => {
  test("'*' without credentials answers any origin with a wildcard", () => {
    const cors = new CORSPolicy({}, 'GET, POST, OPTIONS');
    assert.equal(cors.headers(null), undefined);
    assert.deepEqual(cors.headers('https://a.example'), {
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Expose-Headers': 'Mcp-Session-Id, WWW-Authenticate',
    });
    const preflight = cors.preflight('https://a.example');
    assert.equal(preflight['Access-Control-Allow-Methods'], 'GET, POST, OPTIONS');
    assert.equal(preflight['Access-Control-Max-Age'], '600');
    assert.match(preflight['Access-Control-Allow-Headers']!, /Authorization/);
  });

  test('a preflight allows the 2026-07-28 headers, and the Mcp-Param-* names it asks for', () => {
    const cors = new CORSPolicy({}, 'POST, OPTIONS');
    const plain = cors.preflight('https://a.example')['Access-Control-Allow-Headers']!;
    assert.match(plain, /Mcp-Method/);
    assert.match(plain, /Mcp-Name/);
    const requested = 'content-type, mcp-method, mcp-name, mcp-param-region, Mcp-Param-Count, x-other';
    const allowed = cors.preflight('https://a.example', requested)['Access-Control-Allow-Headers']!;
    assert.match(allowed, /, mcp-param-region, Mcp-Param-Count$/);
    assert.doesNotMatch(allowed, /x-other/);
  });

  test('a list echoes allowed origins with Vary, and ignores the rest', () => {
    const cors = new CORSPolicy(
      { origin: ['https://a.example'], credentials: true, exposeHeaders: [] },
      'GET',
    );
    assert.deepEqual(cors.headers('https://a.example'), {
      'Access-Control-Allow-Origin': 'https://a.example',
      Vary: 'Origin',
      'Access-Control-Allow-Credentials': 'true',
    });
    assert.equal(cors.headers('https://b.example'), undefined);
    assert.deepEqual(cors.preflight('https://b.example'), { Vary: 'Origin' });
  });

  test('a predicate decides per origin', () => {
    const cors = new CORSPolicy({ origin: (o) => o.endsWith('.example') }, 'GET');
    assert.equal(cors.headers('https://x.example')?.['Access-Control-Allow-Origin'], 'https://x.example');
    assert.equal(cors.headers('https://x.other'), undefined);
  });
});
