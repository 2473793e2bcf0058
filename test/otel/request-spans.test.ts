// A SERVER span per MCP request, as the OpenTelemetry MCP conventions name and attribute it, through
// real HTTP servers and mcp-live's client on all three HTTP wires: the caller's trace continues from
// the `traceparent` header or from `params._meta`, handlers' spans nest under it, and outcomes show.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, test } from 'node:test';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { connect } from '../../src/client/index.ts';
import { instrument } from '../../src/otel/index.ts';
import { isMcpLiveError } from '../../src/protocol/mcp-live-error.ts';
import { ProtocolError } from '../../src/protocol/protocol-error.ts';
import { s } from '../../src/schema/index.ts';
import { McpServer } from '../../src/server/mcp-server.ts';
import { text, toolError } from '../../src/server/results.ts';
import { StdioTransport } from '../../src/stdio.ts';
import { textOf } from '../client/modern-helpers.ts';
import { until } from '../transports/harness.ts';
import { LineReader } from '../transports/line-reader.ts';
import {
  callerTrace,
  propagator,
  spanNamed,
  startInstrumentedHost,
  type Telemetry,
  telemetry,
} from './otel-harness.ts';

function tools(server: McpServer, telemetry: Telemetry): void {
  server.tool('echo', { input: { text: s.string().required() } }, ({ text: said }) => {
    telemetry.tracer.startSpan('echo work').end();
    return text(said);
  });
  server.tool('refuse', {}, () => {
    throw ProtocolError.invalidParams('refuse always refuses');
  });
  server.tool('broken', {}, () => toolError('it broke'));
}

/** The span's attributes without the request id, which the client picks. */
function attributesOf(span: ReadableSpan): Record<string, unknown> {
  const { 'jsonrpc.request.id': id, ...rest } = span.attributes;
  assert.match(String(id), /^\S+$/, 'jsonrpc.request.id is set');
  return rest;
}

const HTTP = {
  'mcp_live.transport': 'streamable-http',
  'network.transport': 'tcp',
  'network.protocol.name': 'http',
};
const ECHO = {
  'mcp.method.name': 'tools/call',
  'gen_ai.tool.name': 'echo',
  'gen_ai.operation.name': 'execute_tool',
};

describe('request spans', () => {
  test('a 2025 session: one SERVER span per request, under the traceparent header, with the session and revision', async (t) => {
    const host = await startInstrumentedHost(t, tools);
    const caller = callerTrace('a');
    const client = await connect(host.url, {
      protocol: '2025',
      headers: { traceparent: caller.traceparent },
    });
    t.after(() => client.close());

    await client.callTool('echo', { text: 'hi' });

    const spans = host.telemetry.spans();
    const span = spanNamed(spans, 'tools/call echo');
    assert.equal(span.kind, SpanKind.SERVER);
    assert.equal(span.spanContext().traceId, caller.traceId);
    assert.equal(span.parentSpanContext?.spanId, caller.spanId);
    assert.deepEqual(attributesOf(span), {
      ...ECHO,
      ...HTTP,
      'mcp.session.id': client.sessionId,
      'mcp.protocol.version': '2025-11-25',
    });
    assert.equal(span.status.code, SpanStatusCode.UNSET);
    const work = spanNamed(spans, 'echo work');
    assert.equal(
      work.parentSpanContext?.spanId,
      span.spanContext().spanId,
      "the handler's span nests under it",
    );
    const initialize = spanNamed(spans, 'initialize');
    assert.equal(initialize.attributes['mcp.protocol.version'], '2025-11-25', 'the negotiated revision');
  });

  test('2026-07-28: the trace context in params._meta is the parent, the header a link; no session id', async (t) => {
    const host = await startInstrumentedHost(t, tools);
    const viaMeta = callerTrace('b');
    const viaHeader = callerTrace('c');
    const client = await connect(host.url, {
      protocol: '2026-07-28',
      headers: { traceparent: viaHeader.traceparent },
    });
    t.after(() => client.close());

    await client.request('tools/call', {
      name: 'echo',
      arguments: { text: 'hi' },
      _meta: { traceparent: viaMeta.traceparent },
    });

    const span = spanNamed(host.telemetry.spans(), 'tools/call echo');
    assert.equal(span.spanContext().traceId, viaMeta.traceId);
    assert.equal(span.parentSpanContext?.spanId, viaMeta.spanId);
    assert.deepEqual(
      span.links.map((link) => link.context.spanId),
      [viaHeader.spanId],
    );
    assert.deepEqual(attributesOf(span), {
      ...ECHO,
      ...HTTP,
      'mcp.protocol.version': '2026-07-28',
      'mcp_live.result_type': 'complete',
    });
    const discover = spanNamed(host.telemetry.spans(), 'server/discover');
    assert.equal(
      discover.parentSpanContext?.spanId,
      viaHeader.spanId,
      'without _meta, the header is the parent',
    );
  });

  test('2026-07-28: each input round is a span of its own, input_required until the last', async (t) => {
    const host = await startInstrumentedHost(t, (server) => {
      server.tool('ask', {}, async (_args, ctx) => {
        const answer = await ctx.elicit({
          message: 'Name?',
          requestedSchema: { type: 'object', properties: {} },
        });
        return text(answer.action);
      });
    });
    const client = await connect(host.url, { protocol: '2026-07-28' });
    t.after(() => client.close());
    client.setRequestHandler('elicitation/create', () => ({ action: 'accept', content: {} }));

    assert.equal(textOf(await client.callTool('ask', {})), 'accept');

    const rounds = host.telemetry.spans().filter((span) => span.name === 'tools/call ask');
    assert.deepEqual(
      rounds.map((span) => span.attributes['mcp_live.result_type']),
      ['input_required', 'complete'],
    );
  });

  test('HTTP+SSE: the parent comes from params._meta of the POSTed message', async (t) => {
    const host = await startInstrumentedHost(t, tools);
    const caller = callerTrace('d');
    const client = await connect(new URL('/sse', host.origin), { protocol: 'sse' });
    t.after(() => client.close());

    await client.request('tools/call', {
      name: 'echo',
      arguments: { text: 'hi' },
      _meta: { traceparent: caller.traceparent },
    });

    const span = spanNamed(host.telemetry.spans(), 'tools/call echo');
    assert.equal(span.parentSpanContext?.spanId, caller.spanId);
    assert.equal(span.spanContext().traceId, caller.traceId);
    assert.deepEqual(attributesOf(span), {
      ...ECHO,
      ...HTTP,
      'mcp_live.transport': 'sse',
      'mcp.session.id': client.sessionId,
      'mcp.protocol.version': client.protocolVersion,
    });
  });

  test('stdio: a pipe, the session, and the parent from params._meta', async (t) => {
    const observed = telemetry(t);
    const server = new McpServer({ name: 'otel-stdio', version: '1.0.0' });
    tools(server, observed);
    t.after(instrument(server, { tracer: observed.tracer, meter: observed.meter, propagator }));
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const stdio = new StdioTransport(server, { stdin, stdout });
    t.after(() => stdio.close());
    const out = new LineReader(stdout);
    const send = (message: unknown) => void stdin.write(`${JSON.stringify(message)}\n`);
    await stdio.start();
    const caller = callerTrace('f');

    const clientInfo = { name: 'raw', version: '1.0.0' };
    send({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo },
    });
    await out.next();
    send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    const _meta = { traceparent: caller.traceparent };
    send({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'echo', arguments: { text: 'hi' }, _meta },
    });
    assert.equal((await out.next()).id, 1);

    const span = spanNamed(observed.spans(), 'tools/call echo');
    assert.equal(span.parentSpanContext?.spanId, caller.spanId);
    assert.deepEqual(attributesOf(span), {
      ...ECHO,
      'mcp_live.transport': 'stdio',
      'network.transport': 'pipe',
      'mcp.session.id': [...server.sessions][0]?.id,
      'mcp.protocol.version': '2025-06-18',
    });
  });

  test('a request without trace context starts a trace of its own', async (t) => {
    const host = await startInstrumentedHost(t, tools);
    const client = await connect(host.url, { protocol: '2025' });
    t.after(() => client.close());

    await client.callTool('echo', { text: 'hi' });

    const span = spanNamed(host.telemetry.spans(), 'tools/call echo');
    assert.equal(span.parentSpanContext, undefined);
    assert.deepEqual(span.links, []);
  });

  test('outcomes: a JSON-RPC error sets its code and the ERROR status; isError is a tool_error', async (t) => {
    const host = await startInstrumentedHost(t, tools);
    const client = await connect(host.url, { protocol: '2025' });
    t.after(() => client.close());

    await assert.rejects(
      client.callTool('refuse', {}),
      (error: unknown) => (error as ProtocolError).code === -32602,
    );
    assert.equal((await client.callTool('broken', {})).isError, true);
    await assert.rejects(
      client.request('nothing/here', {}),
      (error: unknown) => (error as ProtocolError).code === -32601,
    );

    const spans = host.telemetry.spans();
    const refused = spanNamed(spans, 'tools/call refuse');
    assert.equal(refused.attributes['error.type'], '-32602');
    assert.equal(refused.attributes['rpc.response.status_code'], '-32602');
    assert.equal(refused.status.code, SpanStatusCode.ERROR);
    assert.match(refused.status.message ?? '', /refuse always refuses/);
    const broken = spanNamed(spans, 'tools/call broken');
    assert.equal(broken.attributes['error.type'], 'tool_error');
    assert.equal(broken.attributes['rpc.response.status_code'], undefined);
    assert.equal(broken.status.code, SpanStatusCode.ERROR);
    const unknown = spanNamed(spans, 'nothing/here');
    assert.equal(unknown.attributes['error.type'], '-32601');
  });

  test('a cancelled request ends its span with error.type cancelled', async (t) => {
    let entered: () => void = () => {};
    const inside = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const host = await startInstrumentedHost(t, (server) => {
      server.tool('hang', {}, async (_args, ctx) => {
        entered();
        await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
        return text('too late');
      });
    });
    const client = await connect(host.url, { protocol: '2025' });
    t.after(() => client.close());
    const controller = new AbortController();

    const call = client.callTool('hang', {}, { signal: controller.signal });
    await inside;
    controller.abort();
    await assert.rejects(call, (error: unknown) => isMcpLiveError(error, 'ABORTED'));

    await until(
      () => host.telemetry.spans().some((span) => span.name === 'tools/call hang'),
      3_000,
      'the span',
    );
    const span = spanNamed(host.telemetry.spans(), 'tools/call hang');
    assert.equal(span.attributes['error.type'], 'cancelled');
    assert.equal(span.status.code, SpanStatusCode.ERROR);
  });

  test('instrument() twice is refused; the function it returned detaches it', async (t) => {
    const host = await startInstrumentedHost(t, tools);
    assert.throws(
      () => instrument(host.server),
      (error: unknown) =>
        isMcpLiveError(error, 'INVALID_OPTION') && /instrumented already/.test(String(error)),
    );
    const client = await connect(host.url, { protocol: '2025' });
    t.after(() => client.close());
    await client.callTool('echo', { text: 'traced' });
    const before = host.telemetry.spans().length;

    host.stop();
    await client.callTool('echo', { text: 'untraced' });

    assert.deepEqual(
      host.telemetry
        .spans()
        .slice(before)
        .map((span) => span.name),
      ['echo work'],
      'only the handler span: no request span once detached',
    );
  });
});
