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
