// mcp-live/client against a deployment of two instances behind a "load balancer" (its fetch picks
// the instance): when the instance holding its SSE stream dies, the client's reconnect lands on the
// other one, names its session and Last-Event-ID, and the session goes on there.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { McpClient } from '../../src/client/mcp-client.ts';
import { startSSE } from '../transports/harness.ts';
import { deployment, instanceServer } from '../transports/relay-cluster.ts';
import { waitFor } from './helpers.ts';

describe('client failover between instances', () => {
  test('the SSE stream reconnects to another instance, which takes the session over', async (t) => {
    const d = deployment();
    const options = { reconnectGracePeriod: 10_000, eventStore: d.eventStore };
    const instanceA = instanceServer(d, 'a');
    const a = await startSSE(t, 'node', options, instanceA.server);
    const b = await startSSE(t, 'node', options, instanceServer(d, 'b').server);
    let target = new URL(a.origin);
    const seen: string[] = [];
    const balancer: typeof fetch = (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      url.host = target.host;
      seen.push(
        `${init?.method ?? 'GET'} ${url.host === a.origin.slice(7) ? 'a' : 'b'} ${url.pathname}${url.search}`,
      );
      return fetch(url, init);
    };
    const client = new McpClient({
      url: `${a.origin}/sse`,
      transport: 'sse',
      fetch: balancer,
      reconnect: { initialDelay: 20, maxDelay: 200 },
    });
    t.after(() => client.close());
    const states: string[] = [];
    client.on('reconnecting', ({ attempt, error }) => states.push(`reconnecting ${attempt}: ${error.code}`));
    client.on('reconnected', () => states.push('reconnected'));
    await client.connect();
    const sessionId = client.sessionId;
    const first = await client.callTool('whoami', {});
    assert.deepEqual(first.content, [{ type: 'text', text: 'a' }]);

    await instanceA.bus.sever();
    target = new URL(b.origin);
    for (const { res } of a.gets) res.destroy();

    await waitFor(() => b.server.getSession(sessionId ?? '') !== undefined, 'B to take the session over');
    const reconnect = seen.find((line) => line.startsWith('GET b /sse?'));
    assert.equal(reconnect, `GET b /sse?sessionId=${sessionId}`);
    const after = await client.callTool('whoami', {});
    assert.deepEqual(after.content, [{ type: 'text', text: 'b' }]);
    assert.equal(client.sessionId, sessionId);
    assert.deepEqual(states, ['reconnecting 1: TRANSPORT', 'reconnected']);
    assert.equal(client.reconnecting, false);
  });
});
