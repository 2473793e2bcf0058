import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { McpClient } from '../../src/client/mcp-client.ts';
import { isMcpLiveError } from '../../src/protocol/mcp-live-error.ts';
import { clientFor, startStreamablePeer } from './helpers.ts';

describe('client lifecycle', () => {
  test('a request before connect() rejects NOT_INITIALIZED, naming the method', async () => {
    const client = new McpClient({ url: 'http://127.0.0.1:9/mcp' });
    await assert.rejects(client.listTools(), (error: unknown) => {
      assert.ok(isMcpLiveError(error, 'NOT_INITIALIZED'));
      assert.match(error.message, /cannot send "tools\/list" before connect\(\) has resolved/);
      return true;
    });
  });

  test('a refused connection rejects connect() with a TRANSPORT error naming the URL, without falling back', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const client = new McpClient({ url: `http://127.0.0.1:${port}/mcp` });
    await assert.rejects(client.connect(), (error: unknown) => {
      assert.ok(isMcpLiveError(error, 'TRANSPORT'));
      assert.match(
        error.message,
        new RegExp(`^POST http://127\\.0\\.0\\.1:${port}/mcp failed: .*ECONNREFUSED`),
      );
      assert.match(error.message, /is the server running and reachable\?$/);
      return true;
    });
  });

  test('connect() called twice shares one handshake; close() during connect rejects it SESSION_CLOSED', async (t) => {
    const peer = await startStreamablePeer(t);
    const client = clientFor(t, { url: peer.url, protocol: '2025' });
    const first = client.connect();
    assert.equal(client.connect(), first);
    await first;
    assert.equal(
      peer.requests.filter((r) => r.method === 'POST').length,
      2,
      'initialize + initialized, once',
    );

    const other = clientFor(t, { url: peer.url });
    const connecting = other.connect();
    await other.close();
    await assert.rejects(connecting, (error: unknown) => isMcpLiveError(error, 'SESSION_CLOSED'));
    await assert.rejects(other.connect(), /the client is closed; create a new McpClient/);
  });
});
