// A refusal sent before a body was read (413 above all) reaches a client that is still uploading, as
// an HTTP answer rather than a reset connection, with Node's fetch and with the official SDK clients.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { describe, type TestContext, test } from 'node:test';
import {
  Client as ClientV2,
  StreamableHTTPClientTransport as StreamableV2,
} from '@modelcontextprotocol/client';
import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport as StreamableV1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { s } from '../../src/schema/index.ts';
import { McpServer } from '../../src/server/mcp-server.ts';
import { DISCARD_MAX_BYTES } from '../../src/transports/http/refused-body.ts';
import { McpHttpServer } from '../../src/transports/index.ts';
import { EventStream, INITIALIZE, post } from './harness.ts';

const MiB = 1024 * 1024;
const TRIES = 3;

async function start(t: TestContext) {
  const server = new McpServer({ name: 'refused-body', version: '1.0.0' });
  server.tool(
    'echo',
    { input: { text: s.string().required() } },
    ({ text }) => `got ${text.length} characters`,
  );
  const http = new McpHttpServer(server); // maxBodyBytes: 4 MiB
  const { url } = await http.listen('127.0.0.1:0');
  t.after(async () => {
    await http.close({ timeout: 0 });
    await server.close();
  });
  return { url, origin: new URL(url).origin };
}

/** A 2025-11-25 session on `/mcp`: the headers its POSTs carry. */
async function streamableSession(url: string): Promise<Record<string, string>> {
  const init = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ ...INITIALIZE, params: { ...INITIALIZE.params, protocolVersion: '2025-11-25' } }),
  });
  await init.text();
  const sessionId = init.headers.get('mcp-session-id')!;
  return {
    'Content-Type': 'application/json',
    Accept: 'application/json, text/event-stream',
    'Mcp-Session-Id': sessionId,
    'MCP-Protocol-Version': '2025-11-25',
  };
}

/** A tools/call of `echo` whose text is `bytes` long. */
function bigCall(bytes: number): string {
  const call = {
    jsonrpc: '2.0',
    id: 1,
    method: 'tools/call',
    params: { name: 'echo', arguments: { text: '' } },
  };
  return JSON.stringify(call).replace('"text":""', `"text":"${'x'.repeat(bytes)}"`);
}

/** The same body as a stream of 1 MiB chunks: sent chunked, with no Content-Length to refuse it early. */
function chunked(body: string): ReadableStream<Uint8Array> {
  const bytes = Buffer.from(body);
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(at, at + MiB));
      at += MiB;
    },
  });
}

describe('a body refused before it was read', () => {
  test('a 50 MB POST gets its 413 over fetch on every try, declared or chunked, on both wires and the 2026 path', async (t) => {
    const { url, origin } = await start(t);
    const headers = await streamableSession(url);
    const sse = await EventStream.open(t, `${origin}/sse`);
    const endpoint = new URL(await sse.endpoint(), origin).href;
    const body = bigCall(50 * MiB);
    for (const [target, extra] of [
      [url, headers],
      [endpoint, { 'Content-Type': 'application/json' }],
      // A 2026-07-28 request, which has no session.
      [
        url,
        {
          'Content-Type': 'application/json',
          Accept: 'application/json, text/event-stream',
          'MCP-Protocol-Version': '2026-07-28',
          'Mcp-Method': 'tools/call',
          'Mcp-Name': 'echo',
        },
      ],
    ] as const) {
      for (let i = 0; i < TRIES; i++) {
        for (const shape of ['declared', 'chunked'] as const) {
          const init: RequestInit & { duplex?: 'half' } =
            shape === 'declared'
              ? { method: 'POST', headers: extra, body }
              : { method: 'POST', headers: extra, body: chunked(body), duplex: 'half' };
          const answer = await fetch(target, init);
          assert.equal(answer.status, 413, `${shape} try ${i + 1} to ${new URL(target).pathname}`);
          assert.match(await answer.text(), /maxBodyBytes/);
        }
      }
    }
    // Both sessions are unharmed.
    const ping = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'ping' }),
    });
    assert.equal(ping.status, 200);
    await ping.text();
    assert.equal((await post(endpoint, { jsonrpc: '2.0', id: 9, method: 'ping' })).status, 202);
  });

  test('any refusal before the body is read arrives: a 50 MB POST for an unknown session gets its 404', async (t) => {
    const { origin } = await start(t);
    for (let i = 0; i < TRIES; i++) {
      const answer = await fetch(`${origin}/message?sessionId=nobody`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: bigCall(50 * MiB),
      });
      assert.equal(answer.status, 404);
      assert.match(await answer.text(), /no open session "nobody"/);
    }
  });

  test('the official SDK clients see HTTP 413 for a 5 MiB tool call, on every try and every wire, and go on working', async (t) => {
    const { url, origin } = await start(t);
    const clients = [
      ['SDK 1.x Streamable HTTP', new ClientV1({ name: 'v1', version: '1' }), new StreamableV1(new URL(url))],
      [
        'SDK 1.x HTTP+SSE',
        new ClientV1({ name: 'v1-sse', version: '1' }),
        new SSEClientTransport(new URL(`${origin}/sse`)),
      ],
      ['SDK v2 Streamable HTTP', new ClientV2({ name: 'v2', version: '1' }), new StreamableV2(new URL(url))],
    ] as const;
    for (const [name, client, transport] of clients) {
      await (client.connect as (transport: unknown) => Promise<void>)(transport);
      t.after(() => client.close());
      for (let i = 0; i < TRIES; i++) {
        await assert.rejects(
          client.callTool({ name: 'echo', arguments: { text: 'x'.repeat(5 * MiB) } }),
          (error: Error & { code?: unknown }) => {
            const where = `${name}, try ${i + 1}: ${error.message}`;
            // The answer reached the client (its status, or the text of the 413's body), not a network failure.
            assert.ok(error.code === 413 || /413|Payload Too Large/.test(error.message), where);
            assert.doesNotMatch(error.message, /fetch failed|EPIPE|ECONNRESET/, where);
            return true;
          },
        );
      }
      const small = (await client.callTool({ name: 'echo', arguments: { text: 'hi' } })) as {
        content: Array<{ text: string }>;
      };
      assert.equal(small.content[0]?.text, 'got 2 characters', name);
    }
  });

  test(`a client that goes on uploading is cut off once ${DISCARD_MAX_BYTES / MiB} MiB were thrown away, after its answer`, async (t) => {
    const { url } = await start(t);
    const headers = await streamableSession(url);
    const { hostname, port } = new URL(url);
    const socket = connect(Number(port), hostname);
    t.after(() => socket.destroy());
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    const head = Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    socket.write(
      `POST /mcp HTTP/1.1\r\nHost: ${hostname}:${port}\r\n${head}Content-Length: ${4 * DISCARD_MAX_BYTES}\r\n\r\n`,
    );
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {});
    const chunk = Buffer.alloc(MiB, 0x20);
    let sent = 0;
    // Bounded: twice the discard bound, well under the declared length.
    while (sent < 2 * DISCARD_MAX_BYTES && !socket.destroyed) {
      if (!socket.write(chunk)) {
        await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), closed]);
      }
      sent += MiB;
    }
    await closed;
    assert.match(received, /^HTTP\/1\.1 413 /, 'the answer came first');
    assert.ok(sent >= DISCARD_MAX_BYTES, `the server read on while under the bound (sent ${sent / MiB} MiB)`);
    assert.ok(sent < 2 * DISCARD_MAX_BYTES, `the server cut the upload (sent ${sent / MiB} MiB)`);
  });
});
