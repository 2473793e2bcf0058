import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { JSONRPCMessage } from '../../src/protocol/jsonrpc.ts';
import { s } from '../../src/schema/index.ts';
import { McpServer } from '../../src/server/mcp-server.ts';
import { connectTestClient } from '../../src/testing/test-client.ts';
import { firstText, openInitializedRawSession, resultOf, settle } from './helpers.ts';

/** A tool that answers after a pseudo-random number of event-loop turns, so answers finish out of order. */
function shuffleServer() {
  const server = new McpServer({ name: 'concurrent', version: '1' });
  let inFlight = 0;
  let maxInFlight = 0;
  server.tool('square', { input: { n: s.integer().required() } }, async ({ n }, ctx) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    for (let i = 0; i < (n * 7919) % 13; i++) await settle();
    inFlight--;
    ctx.progress(1, 1, `square of ${n}`);
    return `${n}^2=${n * n}`;
  });
  return { server, maxInFlight: () => maxInFlight };
}

describe('concurrency', () => {
  test('100 concurrent tool calls on one session each get the answer to their own request', async () => {
    const { server, maxInFlight } = shuffleServer();
    const client = await connectTestClient(server);
    const progress = new Map<number, string[]>();
    const calls = Array.from({ length: 100 }, (_, n) =>
      client.callTool(
        'square',
        { n },
        { onProgress: (p) => progress.set(n, [...(progress.get(n) ?? []), p.message ?? '']) },
      ),
    );
    const results = await Promise.all(calls);
    results.forEach((result, n) => {
      assert.equal(firstText(result), `${n}^2=${n * n}`);
      assert.deepEqual(progress.get(n), [`square of ${n}`]);
    });
    assert.ok(maxInFlight() > 1, 'the calls really ran side by side');
    assert.equal(client.session.inFlightCount, 0);
    await client.close();
  });

  test('on the wire each of 100 concurrent requests gets exactly one response with its id', async () => {
    const { server } = shuffleServer();
    const raw = await openInitializedRawSession(server);
    await Promise.all(
      Array.from({ length: 100 }, (_, n) =>
        raw.handle({
          jsonrpc: '2.0',
          id: `q${n}`,
          method: 'tools/call',
          params: { name: 'square', arguments: { n } },
        }),
      ),
    );
    for (let n = 0; n < 100; n++) {
      const responses = raw.responsesTo(`q${n}`);
      assert.equal(responses.length, 1, `request q${n}`);
      assert.deepEqual(resultOf(responses[0]!).content, [{ type: 'text', text: `${n}^2=${n * n}` }]);
    }
    const responses = raw.sent.filter((m: JSONRPCMessage) => !('method' in m));
    assert.equal(responses.length, 101); // initialize + 100 answers
  });

  test('concurrent sessions never see each other\u2019s answers or notifications', async () => {
    const { server } = shuffleServer();
    const clients = await Promise.all(Array.from({ length: 10 }, () => connectTestClient(server)));
    const results = await Promise.all(
      clients.flatMap((client, c) =>
        Array.from({ length: 10 }, (_, i) =>
          client.callTool('square', { n: c * 10 + i }, { onProgress: () => {} }),
        ),
      ),
    );
    results.forEach((result, n) => {
      assert.equal(firstText(result), `${n}^2=${n * n}`);
    });
    clients.forEach((client, c) => {
      const messages = client.notifications.map((n) => n.params?.message).sort();
      const expected = Array.from({ length: 10 }, (_, i) => `square of ${c * 10 + i}`).sort();
      assert.deepEqual(messages, expected);
    });
    await Promise.all(clients.map((client) => client.close()));
  });
});
