// The stdio transport: the official SDK's StdioClientTransport against a spawned server, raw bytes on
// a spawned server's stdin and stdout, and in-process checks with PassThrough streams.
import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { describe, type TestContext, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import {
  CreateMessageRequestSchema,
  LoggingMessageNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { isMcpLiveError } from '../../src/protocol/mcp-live-error.ts';
import { s } from '../../src/schema/index.ts';
import { McpServer } from '../../src/server/mcp-server.ts';
import { StdioTransport } from '../../src/stdio.ts';
import { LineReader, type Message } from './line-reader.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../fixtures/stdio-server.ts', import.meta.url));
const ARGS = ['--import', 'tsx', FIXTURE];

const initialize = (id: number | string = 0, protocolVersion = '2025-06-18') => ({
  jsonrpc: '2.0',
  id,
  method: 'initialize',
  params: { protocolVersion, capabilities: {}, clientInfo: { name: 'raw', version: '1.0.0' } },
});
const initialized = { jsonrpc: '2.0', method: 'notifications/initialized' };
const call = (id: number, name: string, args: Record<string, unknown> = {}) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name, arguments: args },
});

interface RawServer {
  child: ChildProcessWithoutNullStreams;
  out: LineReader;
  stderr: () => string;
  send: (message: unknown) => void;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function spawnServer(t: TestContext, env: Record<string, string> = {}): RawServer {
  const child = spawn(process.execPath, ARGS, { cwd: ROOT, env: { ...process.env, ...env } });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  // A child that died early fails the test through its assertions, not through an EPIPE here.
  child.stdin.on('error', () => {});
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const send = (message: unknown) => void child.stdin.write(`${JSON.stringify(message)}\n`);
  return { child, out: new LineReader(child.stdout), stderr: () => stderr, send, exited };
}

async function handshake(raw: Pick<RawServer, 'send' | 'out'>, protocolVersion?: string): Promise<Message> {
  raw.send(initialize(0, protocolVersion));
  const response = await raw.out.response(0);
  raw.send(initialized);
  return response;
}

async function connectSDK(t: TestContext, capabilities: Record<string, unknown> = {}) {
  const client = new Client({ name: 'sdk-client', version: '1.0.0' }, { capabilities });
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ARGS,
    cwd: ROOT,
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  await client.connect(transport);
  t.after(() => client.close());
  return { client, stderr: () => stderr };
}

describe('stdio: the SDK StdioClientTransport against a spawned server', () => {
  test('initializes, lists the tools and calls one with progress', async (t) => {
    const { client } = await connectSDK(t);
    assert.deepEqual(client.getServerVersion(), { name: 'stdio-fixture', version: '1.0.0' });
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((tool) => tool.name).sort(), [
      'announce',
      'ask',
      'count',
      'echo',
      'flood',
      'hang',
    ]);
    const progress: unknown[] = [];
    const result = await client.callTool({ name: 'count', arguments: { to: 3 } }, undefined, {
      onprogress: (p) => void progress.push(p),
    });
    assert.deepEqual(result.content, [{ type: 'text', text: 'counted to 3' }]);
    assert.deepEqual(progress, [
      { progress: 1, total: 3, message: 'step 1' },
      { progress: 2, total: 3, message: 'step 2' },
      { progress: 3, total: 3, message: 'step 3' },
    ]);
  });

  test('delivers a custom notification and a logging message from a tool', async (t) => {
    const { client, stderr } = await connectSDK(t);
    const custom = new Promise<unknown>((resolve) => {
      client.fallbackNotificationHandler = async (n) => resolve({ method: n.method, params: n.params });
    });
    const logged = new Promise<unknown>((resolve) => {
      client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => resolve(n.params));
    });
    const result = await client.callTool({ name: 'announce', arguments: {} });
    assert.deepEqual(result.content, [{ type: 'text', text: 'announced' }]);
    assert.deepEqual(await custom, { method: 'custom_event', params: { from: 'announce' } });
    assert.deepEqual(await logged, { level: 'warning', data: 'announced something' });
    assert.match(stderr(), /announce called/);
  });

  test('a tool samples through the client, which answers the server request', async (t) => {
    const { client } = await connectSDK(t, { sampling: {} });
    const asked: unknown[] = [];
    client.setRequestHandler(CreateMessageRequestSchema, async (request) => {
      asked.push(request.params.messages);
      return { role: 'assistant', content: { type: 'text', text: 'hi there' }, model: 'test-model' };
    });
    const result = await client.callTool({ name: 'ask', arguments: {} });
    assert.deepEqual(result.content, [{ type: 'text', text: 'the client said: hi there' }]);
    assert.deepEqual(asked, [[{ role: 'user', content: { type: 'text', text: 'Say hi' } }]]);
  });
});

describe('stdio: raw bytes on a spawned server', () => {
  test('answers bad JSON with a -32700 error whose id is null, then keeps serving', async (t) => {
    const raw = spawnServer(t);
    raw.child.stdin.write('{"jsonrpc":"2.0","id":1,"method":\n');
    const error = await raw.out.next();
    assert.equal(error.id, null);
    assert.equal(error.error?.code, -32700);
    raw.send({ jsonrpc: '2.0', id: 2, method: 'ping' });
    assert.deepEqual(await raw.out.next(), { jsonrpc: '2.0', id: 2, result: {} });
  });

  test('answers an overlong line with -32600 and resynchronises at the next newline', async (t) => {
    const raw = spawnServer(t, { STDIO_FIXTURE_MAX_LINE_BYTES: '1024' });
    await handshake(raw);
    const long = JSON.stringify(call(5, 'echo', { text: 'x'.repeat(4000) }));
    raw.child.stdin.write(long.slice(0, 1500));
    raw.child.stdin.write(`${long.slice(1500)}\n${JSON.stringify(call(6, 'echo', { text: 'short' }))}\n`);
    const error = await raw.out.next();
    assert.equal(error.id, null);
    assert.equal(error.error?.code, -32600);
    assert.match(error.error?.message ?? '', /longer than maxLineBytes \(1024 bytes\)/);
    const next = await raw.out.next();
    assert.equal(next.id, 6, 'the overlong request gets no answer of its own; the next line does');
    assert.deepEqual(next.result, { content: [{ type: 'text', text: 'short' }] });
  });

  test('writes only JSON-RPC lines to stdout while diagnostics go to stderr', async (t) => {
    const raw = spawnServer(t);
    await handshake(raw);
    raw.send(call(1, 'announce'));
    raw.send(call(2, 'echo', { text: 'multi\nline' }));
    const echoed = await raw.out.response(2);
    assert.deepEqual(echoed.result, { content: [{ type: 'text', text: 'multi\nline' }] });
    raw.child.stdin.end();
    assert.deepEqual(await raw.exited, { code: 0, signal: null });
    assert.ok(raw.out.text.endsWith('\n'));
    const lines = raw.out.text.slice(0, -1).split('\n');
    assert.ok(lines.length >= 4);
    for (const line of lines) assert.equal((JSON.parse(line) as Message).jsonrpc, '2.0', line);
    assert.ok(lines.some((line) => line.includes('"notifications/message"')));
    assert.match(raw.stderr(), /stdio-server: ready[\s\S]*announce called[\s\S]*stdio-server: stopped/);
  });

  test('exits by itself with code 0 when stdin closes, aborting the handlers in flight', async (t) => {
    const raw = spawnServer(t);
    await handshake(raw);
    raw.send(call(7, 'hang'));
    await raw.out.until((m) => m.method === 'hanging');
    raw.child.stdin.end();
    assert.deepEqual(await raw.exited, { code: 0, signal: null });
    assert.match(raw.stderr(), /hang aborted \(Session .* closed: stdin closed\)/);
    assert.doesNotMatch(raw.out.text, /"id":7/, 'an aborted request gets no answer');
  });

  test('SIGTERM through the signal option closes the transport and the process exits with code 0', async (t) => {
    const raw = spawnServer(t);
    await handshake(raw);
    raw.send(call(8, 'hang'));
    await raw.out.until((m) => m.method === 'hanging');
    raw.child.kill('SIGTERM');
    // stdin is still open on our side: the paused stream must not keep the child alive.
    assert.deepEqual(await raw.exited, { code: 0, signal: null });
    assert.match(raw.stderr(), /hang aborted \(Session .* closed: aborted: SIGTERM\)[\s\S]*stopped/);
  });

  test('keeps every message, in order, while the client is not reading stdout', async (t) => {
    const raw = spawnServer(t);
    await handshake(raw);
    raw.child.stdout.pause();
    raw.send(call(9, 'flood', { count: 2000, size: 500 }));
    // ~1 MB, far over a pipe's buffer: the server is blocked on stdout once it says it flooded.
    while (!raw.stderr().includes('flooded 2000')) await new Promise((r) => raw.child.stderr.once('data', r));
    raw.send({ jsonrpc: '2.0', id: 10, method: 'ping' });
    raw.child.stdout.resume();
    const { found, before } = await raw.out.until((m) => m.id === 9);
    assert.deepEqual(
      before.map((m) => m.params?.seq),
      Array.from({ length: 2000 }, (_, i) => i),
    );
    assert.deepEqual(found.result, { content: [{ type: 'text', text: 'flooded' }] });
    assert.deepEqual(await raw.out.next(), { jsonrpc: '2.0', id: 10, result: {} });
  });
});

function inProcess(t: TestContext, options: { highWaterMark?: number; maxLineBytes?: number } = {}) {
  const server = new McpServer({ name: 'in-process', version: '1.0.0' });
  const stdin = new PassThrough();
  const stdout = new PassThrough({ highWaterMark: options.highWaterMark ?? 16 * 1024 });
  const stdio = new StdioTransport(server, { stdin, stdout, maxLineBytes: options.maxLineBytes ?? 4096 });
  t.after(() => stdio.close());
  const send = (message: unknown) => void stdin.write(`${JSON.stringify(message)}\n`);
  return { server, stdin, stdout, stdio, send, out: new LineReader(stdout) };
}

describe('stdio: StdioTransport in process', () => {
  test('reads lines split anywhere, even inside a UTF-8 character, and accepts CRLF', async (t) => {
    const h = inProcess(t);
    h.server.tool('echo', { input: { text: s.string().required() } }, ({ text }) => text);
    await h.stdio.start();
    await handshake(h);
    const text = 'héllo — ✓ 😀';
    const bytes = Buffer.from(`${JSON.stringify(call(1, 'echo', { text }))}\r\n`);
    for (const byte of bytes) h.stdin.write(Buffer.of(byte));
    assert.deepEqual((await h.out.response(1)).result, { content: [{ type: 'text', text }] });
  });

  test('handles a last line without a newline before stopping at the end of stdin', async (t) => {
    const h = inProcess(t);
    await h.stdio.start();
    await handshake(h);
    h.stdin.end(JSON.stringify({ jsonrpc: '2.0', id: 'last', method: 'ping' }));
    assert.deepEqual(await h.out.next(), { jsonrpc: '2.0', id: 'last', result: {} });
    await h.stdio.closed;
    assert.equal(h.stdio.session?.closeReason, 'stdin closed');
  });

  test('stops reading stdin while stdout is backed up and resumes once it drains', async (t) => {
    const h = inProcess(t, { highWaterMark: 256 });
    let flooded = () => {};
    const done = new Promise<void>((resolve) => {
      flooded = resolve;
    });
    h.server.tool('flood', {}, (_args, ctx) => {
      for (let seq = 0; seq < 50; seq++) ctx.notify('flood', { seq });
      queueMicrotask(flooded);
      return 'flooded';
    });
    await h.stdio.start();
    await handshake(h);
    h.stdout.pause();
    h.send(call(1, 'flood'));
    await done;
    assert.equal(h.stdin.isPaused(), true, 'no new input is taken while stdout asks to wait');
    h.send({ jsonrpc: '2.0', id: 2, method: 'ping' });
    h.stdout.resume();
    const { found, before } = await h.out.until((m) => m.id === 1);
    assert.deepEqual(
      before.map((m) => m.params?.seq),
      Array.from({ length: 50 }, (_, i) => i),
    );
    assert.deepEqual(found.result, { content: [{ type: 'text', text: 'flooded' }] });
    assert.deepEqual(await h.out.next(), { jsonrpc: '2.0', id: 2, result: {} });
    assert.equal(h.stdin.isPaused(), false);
  });

  test('close() aborts handlers in flight, closes the session, resolves closed and leaves stdout open', async (t) => {
    const h = inProcess(t);
    let started = () => {};
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    let abortReason: unknown;
    h.server.tool('hang', {}, async (_args, ctx) => {
      started();
      await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
      abortReason = ctx.signal.reason;
      return 'never sent';
    });
    await h.stdio.start();
    await handshake(h);
    h.send(call(1, 'hang'));
    await running;
    await h.stdio.close('shutting down for the test');
    await h.stdio.closed;
    assert.ok(isMcpLiveError(abortReason, 'SESSION_CLOSED'));
    assert.equal(h.stdio.session?.closed, true);
    assert.equal(h.stdio.session?.closeReason, 'shutting down for the test');
    assert.equal(h.server.sessionCount, 0);
    assert.equal(h.stdout.writableEnded, false);
    assert.equal(h.stdin.listenerCount('data'), 0);
  });

  test('stops when the server closes the session', async (t) => {
    const h = inProcess(t);
    await h.stdio.start();
    await h.server.close();
    await h.stdio.closed;
    assert.equal(h.stdin.listenerCount('data'), 0);
  });

  test('a batch is refused with -32600 (id null) in 2025-06-18 and answered in 2025-03-26', async (t) => {
    const batch = [
      { jsonrpc: '2.0', id: 'a', method: 'ping' },
      { jsonrpc: '2.0', id: 'b', method: 'ping' },
    ];
    const modern = inProcess(t);
    await modern.stdio.start();
    await handshake(modern, '2025-06-18');
    modern.send(batch);
    const refused = await modern.out.next();
    assert.equal(refused.id, null);
    assert.equal(refused.error?.code, -32600);

    const old = inProcess(t);
    await old.stdio.start();
    await handshake(old, '2025-03-26');
    old.send(batch);
    const answers = [await old.out.next(), await old.out.next()];
    assert.deepEqual(answers.map((m) => m.id).sort(), ['a', 'b']);
  });

  test('refuses a maxLineBytes below 1 and a second start()', async (t) => {
    const server = new McpServer({ name: 'x', version: '1.0.0' });
    assert.throws(
      () => new StdioTransport(server, { maxLineBytes: 0 }),
      (e) => isMcpLiveError(e, 'INVALID_OPTION') && /maxLineBytes/.test(e.message),
    );
    const h = inProcess(t);
    await h.stdio.start();
    await assert.rejects(h.stdio.start(), (e) => isMcpLiveError(e, 'ALREADY_LISTENING'));
  });

  test('mcp-live/stdio exports the transport and serveStdio', async () => {
    assert.deepEqual(Object.keys(await import('../../src/stdio.ts')).sort(), [
      'StdioTransport',
      'serveStdio',
    ]);
  });
});
