import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import type { SSEServerOptions } from '../../src/transports/index.ts';
import { buildEndpointURL, joinPath } from '../../src/transports/sse-endpoint.ts';
import { EventStream, MODES, post, send, startSSE } from './harness.ts';

const ID = /[0-9a-f-]{36}/.source;

describe('buildEndpointURL', () => {
  const base = {
    messageEndpoint: '/message',
    baseURL: undefined,
    useFullURLForMessageEndpoint: true,
    appendQueryToMessageEndpoint: false,
  };

  test('joins base and endpoint with one slash and escapes the session id', () => {
    assert.equal(joinPath('/mcp/', '/message'), '/mcp/message');
    assert.equal(joinPath('', 'message'), '/message');
    assert.equal(buildEndpointURL(base, '/mcp', 'a b/c', ''), '/mcp/message?sessionId=a%20b%2Fc');
  });

  test('puts baseURL first only when useFullURLForMessageEndpoint is on', () => {
    const full = { ...base, baseURL: 'https://api.example.com/' };
    assert.equal(buildEndpointURL(full, '/mcp', 's', ''), 'https://api.example.com/mcp/message?sessionId=s');
    assert.equal(
      buildEndpointURL({ ...full, useFullURLForMessageEndpoint: false }, '/mcp', 's', ''),
      '/mcp/message?sessionId=s',
    );
  });

  test('appends the stream query after sessionId when asked', () => {
    const append = { ...base, appendQueryToMessageEndpoint: true };
    assert.equal(buildEndpointURL(append, '', 's', '?token=x&v=2'), '/message?sessionId=s&token=x&v=2');
    assert.equal(buildEndpointURL(append, '', 's', ''), '/message?sessionId=s');
    assert.equal(buildEndpointURL(base, '', 's', '?token=x'), '/message?sessionId=s');
  });
});

const cases: Array<{ name: string; options: SSEServerOptions; get: string; endpoint: RegExp }> = [
  { name: 'defaults', options: {}, get: '/sse', endpoint: new RegExp(`^/message\\?sessionId=${ID}$`) },
  {
    name: 'basePath',
    options: { basePath: '/api/mcp/' },
    get: '/api/mcp/sse',
    endpoint: new RegExp(`^/api/mcp/message\\?sessionId=${ID}$`),
  },
  {
    name: 'custom endpoints',
    options: { sseEndpoint: '/events', messageEndpoint: '/rpc' },
    get: '/events',
    endpoint: new RegExp(`^/rpc\\?sessionId=${ID}$`),
  },
  {
    name: 'baseURL without the full URL',
    options: { basePath: '/mcp', baseURL: 'http://localhost:8080', useFullURLForMessageEndpoint: false },
    get: '/mcp/sse',
    endpoint: new RegExp(`^/mcp/message\\?sessionId=${ID}$`),
  },
  {
    name: 'appendQueryToMessageEndpoint',
    options: { appendQueryToMessageEndpoint: true },
    get: '/sse?token=abc&lang=en',
    endpoint: new RegExp(`^/message\\?sessionId=${ID}&token=abc&lang=en$`),
  },
  {
    name: 'dynamicBasePath',
    options: { dynamicBasePath: (req) => /^\/t\/[a-z]+\/mcp/.exec(req.path)?.[0] },
    get: '/t/acme/mcp/sse',
    endpoint: new RegExp(`^/t/acme/mcp/message\\?sessionId=${ID}$`),
  },
  {
    name: 'sessionIdGenerator',
    options: { sessionIdGenerator: () => 'fixed-id' },
    get: '/sse',
    endpoint: /^\/message\?sessionId=fixed-id$/,
  },
];

for (const mode of MODES) {
  describe(`the endpoint event (${mode})`, () => {
    for (const c of cases) {
      test(`follows the options exactly: ${c.name}`, async (t) => {
        const h = await startSSE(t, mode, c.options);
        const stream = await EventStream.open(t, h.origin + c.get);
        assert.equal(stream.status, 200);
        const endpoint = await stream.endpoint();
        assert.match(endpoint, c.endpoint);
        if (endpoint.startsWith('/')) {
          const ok = await post(h.origin + endpoint, { jsonrpc: '2.0', id: 1, method: 'ping' });
          assert.equal(ok.status, 202);
          assert.equal((await stream.message()).id, 1);
        }
      });
    }

    test('baseURL on the origin the client connected to: the full URL, as the seed sends it', async (t) => {
      const h = await startSSE(t, mode, { basePath: '/mcp', baseURL: 'http://localhost:8080' });
      const stream = await EventStream.open(t, `${h.origin}/mcp/sse`, { Host: 'localhost:8080' });
      assert.match(
        await stream.endpoint(),
        new RegExp(`^http://localhost:8080/mcp/message\\?sessionId=${ID}$`),
      );
    });

    test('baseURL of another origin than the request’s: a path, with baseURL’s own prefix, and a warning once', async (t) => {
      const h = await startSSE(t, mode, { basePath: '/mcp', baseURL: 'http://mcp.example.com/prefix' });
      const errors: unknown[] = [];
      h.server.on('error', (error) => void errors.push(error));
      for (let i = 0; i < 2; i++) {
        const stream = await EventStream.open(t, `${h.origin}/mcp/sse`);
        assert.match(await stream.endpoint(), new RegExp(`^/prefix/mcp/message\\?sessionId=${ID}$`));
      }
      assert.equal(errors.length, 1, 'one warning for this host');
      assert.match(
        String((errors[0] as Error).message),
        /baseURL http:\/\/mcp\.example\.com\/prefix names another origin .*Host: 127\.0\.0\.1:\d+/,
      );
    });

    test('baseURL of another origin: the official SDK client still connects and works', async (t) => {
      const h = await startSSE(t, mode, { baseURL: 'http://mcp.example.com' });
      h.server.on('error', () => {});
      const client = new Client({ name: 'sdk', version: '1' });
      await client.connect(new SSEClientTransport(new URL(`${h.origin}/sse`)));
      t.after(() => client.close());
      assert.deepEqual(await client.ping(), {});
    });

    test('dynamicBasePath: a tenant cannot post into another tenant’s session, and unknown mounts are 404', async (t) => {
      const h = await startSSE(t, mode, {
        dynamicBasePath: (req) => /^\/t\/[a-z]+\/mcp/.exec(req.path)?.[0],
      });
      const stream = await EventStream.open(t, `${h.origin}/t/acme/mcp/sse`);
      const endpoint = await stream.endpoint();
      const foreign = endpoint.replace('/t/acme/', '/t/evil/');
      assert.equal((await post(h.origin + foreign, { jsonrpc: '2.0', id: 1, method: 'ping' })).status, 404);
      assert.equal((await post(h.origin + endpoint, { jsonrpc: '2.0', id: 2, method: 'ping' })).status, 202);
      assert.equal((await send(`${h.origin}/x/acme/mcp/sse`)).status, 404);
    });
  });
}
