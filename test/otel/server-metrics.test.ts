// The metrics of an instrumented server move as real clients use it over HTTP: calls by tool and
// outcome in the duration histogram, requests in flight, open sessions by wire, listen streams, and
// session durations.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { connect } from '../../src/client/index.ts';
import { ProtocolError } from '../../src/protocol/protocol-error.ts';
import { text, toolError } from '../../src/server/results.ts';
import { until } from '../transports/harness.ts';
import { countOf, pointsOf, startInstrumentedHost, totalOf } from './otel-harness.ts';

const DURATION = 'mcp.server.operation.duration';

describe('server metrics', () => {
  test('calls are counted by tool and outcome in the duration histogram, with the advised buckets', async (t) => {
    const host = await startInstrumentedHost(t, (server) => {
      server.tool('echo', {}, () => text('ok'));
      server.tool('refuse', {}, () => {
        throw ProtocolError.invalidParams('no');
      });
      server.tool('broken', {}, () => toolError('it broke'));
    });
    const client = await connect(host.url, { protocol: '2026-07-28' });
    t.after(() => client.close());

    await client.callTool('echo', {});
    await client.callTool('echo', {});
    await client.callTool('broken', {});
    await assert.rejects(client.callTool('refuse', {}));

    const metrics = await host.telemetry.collect();
    const echo = pointsOf(metrics, DURATION, { 'gen_ai.tool.name': 'echo' });
    assert.equal(echo.length, 1, 'one series for echo');
    assert.equal(echo[0]!.attributes['error.type'], undefined);
    assert.equal(echo[0]!.attributes['mcp.protocol.version'], '2026-07-28');
    assert.equal(echo[0]!.attributes['mcp.session.id'], undefined, 'no ids on metrics');
    assert.equal(countOf(metrics, DURATION, { 'gen_ai.tool.name': 'echo' }), 2);
    assert.equal(countOf(metrics, DURATION, { 'gen_ai.tool.name': 'broken', 'error.type': 'tool_error' }), 1);
    assert.equal(
      countOf(metrics, DURATION, {
        'gen_ai.tool.name': 'refuse',
        'error.type': '-32602',
        'rpc.response.status_code': '-32602',
      }),
      1,
    );
    const buckets = (echo[0]!.value as { buckets: { boundaries: number[] } }).buckets.boundaries;
    assert.deepEqual(buckets, [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300]);
    assert.equal(metrics.get(DURATION)?.descriptor.unit, 's');
  });

  test('requests in flight rise while a handler runs and fall when it answers', async (t) => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let entered: () => void = () => {};
    const inside = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const host = await startInstrumentedHost(t, (server) => {
      server.tool('hold', {}, async () => {
        entered();
        await gate;
        return text('released');
      });
    });
    const client = await connect(host.url, { protocol: '2025' });
    t.after(() => client.close());
    const active = { 'mcp.method.name': 'tools/call', 'mcp_live.transport': 'streamable-http' };

    const call = client.callTool('hold', {});
    await inside;
    assert.equal(totalOf(await host.telemetry.collect(), 'mcp_live.server.active_requests', active), 1);
    release();
    await call;
    assert.equal(totalOf(await host.telemetry.collect(), 'mcp_live.server.active_requests', active), 0);
  });

  test('open sessions are counted by wire, and a closed session records its duration', async (t) => {
    const host = await startInstrumentedHost(t, () => {});
    const streamable = await connect(host.url, { protocol: '2025' });
    const sse = await connect(new URL('/sse', host.origin), { protocol: 'sse' });
    t.after(() => Promise.all([streamable.close(), sse.close()]));
    const sessions = 'mcp_live.server.sessions';

    let metrics = await host.telemetry.collect();
    assert.equal(totalOf(metrics, sessions, { 'mcp_live.transport': 'streamable-http' }), 1);
    assert.equal(totalOf(metrics, sessions, { 'mcp_live.transport': 'sse' }), 1);
    assert.equal(countOf(metrics, 'mcp.server.session.duration'), 0);

    await streamable.close();
    await until(() => host.server.sessionCount === 1, 3_000, 'the session to close');
    metrics = await host.telemetry.collect();
    assert.equal(totalOf(metrics, sessions, { 'mcp_live.transport': 'streamable-http' }), 0);
    assert.equal(totalOf(metrics, sessions, { 'mcp_live.transport': 'sse' }), 1);
    assert.equal(
      countOf(metrics, 'mcp.server.session.duration', {
        'mcp_live.transport': 'streamable-http',
        'mcp.protocol.version': '2025-11-25',
      }),
      1,
    );
  });

  test('2026-07-28 listen streams are counted while they are open', async (t) => {
    const host = await startInstrumentedHost(t, (server) => {
      server.tool('echo', {}, () => text('ok'));
    });
    const client = await connect(host.url, { protocol: '2026-07-28' });
    t.after(() => client.close());
    const listens = 'mcp_live.server.listen_streams';

    assert.equal(totalOf(await host.telemetry.collect(), listens), 0);
    const listen = await client.listen({ toolsListChanged: true });
    assert.equal(totalOf(await host.telemetry.collect(), listens), 1);
    await listen.close();
    await until(() => host.server.subscriptionCount === 0, 3_000, 'the listen to end');
    assert.equal(totalOf(await host.telemetry.collect(), listens), 0);
    assert.equal(
      countOf(await host.telemetry.collect(), DURATION, { 'mcp.method.name': 'subscriptions/listen' }),
      1,
      'the listen request itself is a timed operation',
    );
  });
});
