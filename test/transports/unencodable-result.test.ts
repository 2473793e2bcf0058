// A result JSON.stringify refuses (a BigInt) is answered the same way on every wire: a JSON-RPC -32603
// carrying the request's id, and the failure reaches the server's error listeners.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, type TestContext, test } from 'node:test';
import { McpServer } from '../../src/index.ts';
import { StdioTransport } from '../../src/stdio.ts';
import { openSession as openSSE, post, startSSE } from './harness.ts';
import {
  initializeMessage,
  mcpPost,
  messagesOf,
  openSession as openStreamable,
  startStreamable,
} from './streamable-harness.ts';

/** A server whose `big` tool returns a BigInt in its structured content; failures are collected. */
function bigServer() {
  const server = new McpServer({ name: 'big', version: '1.0.0' });
  const failures: unknown[] = [];
  server.on('error', (error) => void failures.push(error));
  server.tool('big', {}, () => ({ content: [], structuredContent: { n: 10n } }));
  return { server, failures };
}

const CALL = { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'big', arguments: {} } } as const;

function assertInternalError(message: Record<string, unknown> | undefined, failures: unknown[]) {
  assert.equal(message?.id, 7);
  const error = message?.error as { code: number; message: string } | undefined;
  assert.equal(error?.code, -32603);
  assert.match(error?.message ?? '', /result of request 7 could not be encoded as JSON/);
  assert.ok(failures.some((f) => /not JSON-encodable/.test(String((f as Error).message))));
}

describe('an unencodable result gets -32603 with its id', () => {
  test('HTTP+SSE: on the session stream', async (t: TestContext) => {
    const { server, failures } = bigServer();
    const h = await startSSE(t, 'node', {}, server);
    const { stream, endpoint } = await openSSE(t, h);
    assert.equal((await post(endpoint, CALL)).status, 202);
    assertInternalError(await stream.message((m) => m.id === 7), failures);
  });

  for (const jsonResponse of [false, true]) {
    test(`Streamable HTTP, ${jsonResponse ? 'JSON' : 'event-stream'} answers`, async (t) => {
      const { server, failures } = bigServer();
      const h = await startStreamable(t, 'node', { jsonResponse }, server);
      const { headers } = await openStreamable(h);
      const answer = await mcpPost(h.url, CALL, headers);
      assert.equal(answer.status, 200);
      const message = jsonResponse
        ? JSON.parse(answer.body)
        : messagesOf(answer.body).find((m) => m.id === 7);
      assertInternalError(message, failures);
    });
  }

  test('Streamable HTTP, a 2026-07-28 request', async (t) => {
    const { server, failures } = bigServer();
    const h = await startStreamable(t, 'node', {}, server);
    const meta = {
      'io.modelcontextprotocol/protocolVersion': '2026-07-28',
      'io.modelcontextprotocol/clientCapabilities': {},
    };
    const answer = await mcpPost(
      h.url,
      { ...CALL, params: { ...CALL.params, _meta: meta } },
      { 'MCP-Protocol-Version': '2026-07-28', 'Mcp-Method': 'tools/call', 'Mcp-Name': 'big' },
    );
    assertInternalError(JSON.parse(answer.body), failures);
  });

  test('stdio', async () => {
    const { server, failures } = bigServer();
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const stdio = new StdioTransport(server, { stdin, stdout });
    await stdio.start();
    let text = '';
    stdout.setEncoding('utf8');
    const answered = new Promise<Record<string, unknown>>((resolve) => {
      stdout.on('data', (chunk: string) => {
        text += chunk;
        for (const line of text.split('\n')) {
          if (line.includes('"id":7')) resolve(JSON.parse(line));
        }
      });
    });
    stdin.write(`${JSON.stringify(initializeMessage())}\n`);
    stdin.write(`${JSON.stringify(CALL)}\n`);
    assertInternalError(await answered, failures);
    await stdio.close();
  });
});
