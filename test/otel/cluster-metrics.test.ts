// Several instances sharing a session store and message bus (the in-memory ones, each instance with
// its own HTTP server): relayed requests are counted on both sides and traced where they run,
// takeovers and store failures are counted.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { instrument } from '../../src/otel/index.ts';
import { isMcpLiveError } from '../../src/protocol/mcp-live-error.ts';
import type { McpServer } from '../../src/server/mcp-server.ts';
import { deployment, instanceServer } from '../transports/relay-cluster.ts';
import { mcpPost, openSession, startStreamable } from '../transports/streamable-harness.ts';
import { callerTrace, propagator, spanNamed, type Telemetry, telemetry, totalOf } from './otel-harness.ts';

const HOPS = 'mcp_live.relay.hops';
const whoami = (id: number) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name: 'whoami', arguments: {} },
});

function observe(t: Parameters<typeof telemetry>[0], server: McpServer): Telemetry {
  const observed = telemetry(t);
  t.after(instrument(server, { tracer: observed.tracer, meter: observed.meter, propagator }));
  return observed;
}

describe('across instances', () => {
  test('a relayed request is counted where it landed and where it ran, and traced where it ran', async (t) => {
    const d = deployment();
    const a = await startStreamable(t, 'node', {}, instanceServer(d, 'a').server);
    const b = await startStreamable(t, 'node', {}, instanceServer(d, 'b').server);
    const atA = observe(t, a.server);
    const atB = observe(t, b.server);
    const { headers } = await openSession(a);
    const caller = callerTrace('e');

    const answer = await mcpPost(b.url, whoami(1), { ...headers, traceparent: caller.traceparent });
    assert.equal(answer.status, 200, answer.body);

    const metricsA = await atA.collect();
    const metricsB = await atB.collect();
    assert.equal(totalOf(metricsB, HOPS, { 'mcp_live.relay.direction': 'sent' }), 1);
    assert.equal(totalOf(metricsB, HOPS, { 'mcp_live.relay.direction': 'received' }), 0);
    assert.equal(totalOf(metricsA, HOPS, { 'mcp_live.relay.direction': 'received' }), 1);
    const span = spanNamed(atA.spans(), 'tools/call whoami');
    assert.equal(span.parentSpanContext?.spanId, caller.spanId, "the caller's trace, through the relay");
    assert.deepEqual(atB.spans(), [], 'the instance that relayed ran nothing');
  });

  test('a session taken over from a gone instance is counted as a takeover', async (t) => {
    const d = deployment();
    const instanceA = instanceServer(d, 'a');
    const a = await startStreamable(t, 'node', {}, instanceA.server);
    const b = await startStreamable(t, 'node', {}, instanceServer(d, 'b').server);
    const atB = observe(t, b.server);
    const { headers } = await openSession(a);

    await instanceA.bus.sever();
    a.dropConnections();
    const answer = await mcpPost(b.url, whoami(2), headers);
    assert.equal(answer.status, 200, answer.body);

    assert.equal(totalOf(await atB.collect(), 'mcp_live.relay.takeovers'), 1);
  });

  test('a message bus that fails is counted as a store error', async (t) => {
    const d = deployment();
    const instanceA = instanceServer(d, 'a');
    const a = await startStreamable(t, 'node', {}, instanceA.server);
    const atA = observe(t, a.server);
    const errors: unknown[] = [];
    a.server.on('error', (error) => void errors.push(error));

    instanceA.bus.failSends = true;
    await a.server.broadcast('custom_event', { n: 1 });

    assert.ok(isMcpLiveError(errors[0], 'STORE_UNAVAILABLE'));
    assert.equal(totalOf(await atA.collect(), 'mcp_live.store.errors'), 1);
  });
});
