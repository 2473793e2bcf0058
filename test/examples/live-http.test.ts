// The live server over plain HTTP: the bearer token, the loopback-only bind, the page's files and
// headers, the browser bundle, and `npm start`'s entry point.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { bundlePageScript } from '../../examples/live/bundle.ts';
import { startLiveServer } from '../../examples/live/live-server.ts';
import { CONTENT_SECURITY_POLICY } from '../../examples/live/page.ts';
import { connectPeer, jsonOf, startLive, textOf, until, WIRES } from './live-harness.ts';

const INITIALIZE = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'curl', version: '1' } },
});

function initialize(url: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...headers,
    },
    body: INITIALIZE,
  });
}

test('with a token, every MCP request without "Authorization: Bearer <token>" gets 401', async (t) => {
  const live = await startLive(t, { token: 's3cret' });
  for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: 's3cret' }]) {
    const response = await initialize(live.mcpUrl, headers);
    assert.equal(response.status, 401, JSON.stringify(headers));
    assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer/);
    await response.body?.cancel();
  }
  const sse = await fetch(live.sseUrl, { headers: { accept: 'text/event-stream' } });
  assert.equal(sse.status, 401);
  await sse.body?.cancel();
  const message = await fetch(`${live.url}message?sessionId=x`, { method: 'POST', body: '{}' });
  assert.equal(message.status, 401);

  const ok = await initialize(live.mcpUrl, { authorization: 'Bearer s3cret' });
  assert.equal(ok.status, 200);
  await ok.body?.cancel();
  // The page's files hold no data and a browser cannot send the header when it loads them.
  assert.equal((await fetch(live.url)).status, 200);
});

test('the health probes answer without the token', async (t) => {
  const live = await startLive(t, { token: 's3cret' });
  const alive = await fetch(`${live.url}livez`);
  assert.equal(alive.status, 200);
  assert.deepEqual(await alive.json(), { status: 'alive' });
  const ready = await fetch(`${live.url}readyz`);
  assert.equal(ready.status, 200);
  assert.equal(((await ready.json()) as { status: string }).status, 'ready');
});

for (const wire of WIRES) {
  test(`with a token, the official SDK client connects over ${wire} when it sends it`, async (t) => {
    const live = await startLive(t, { token: 's3cret' });
    const peer = await connectPeer(t, live, wire, { authorization: 'Bearer s3cret' });
    const sent = jsonOf<{ delivered: number }>(
      await peer.client.callTool({ name: 'send_message', arguments: { message: 'authorized' } }),
    );
    assert.equal(sent.delivered, 1);
    const principal = [...live.server.sessions][0]?.principal;
    assert.deepEqual(principal, { kind: 'bearer' });
  });
}

test('without a token the server listens on loopback only, and refuses another host', async (t) => {
  const live = await startLive(t);
  assert.equal(live.host, '127.0.0.1');
  assert.match(live.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  await assert.rejects(
    startLiveServer({ port: 0, host: '0.0.0.0', log: () => {} }),
    /Refusing to listen on 0\.0\.0\.0 without a token.*MCP_LIVE_TOKEN/,
  );
  const open = await startLiveServer({ port: 0, host: '0.0.0.0', token: 't', log: () => {} });
  t.after(() => open.close());
  assert.equal(open.host, '0.0.0.0');
  const response = await initialize(`http://127.0.0.1:${open.port}/mcp`, { authorization: 'Bearer t' });
  assert.equal(response.status, 200);
  await response.body?.cancel();
});

test('the page and its files are served with their content types, a CSP and caching headers', async (t) => {
  const live = await startLive(t);
  const expected: Record<string, string> = {
    '/': 'text/html; charset=utf-8',
    '/app.js': 'text/javascript; charset=utf-8',
    '/style.css': 'text/css; charset=utf-8',
    '/favicon.svg': 'image/svg+xml',
  };
  for (const [path, type] of Object.entries(expected)) {
    const response = await fetch(new URL(path, live.url));
    const body = await response.arrayBuffer();
    assert.equal(response.status, 200, path);
    assert.equal(response.headers.get('content-type'), type, path);
    assert.equal(response.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY, path);
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff', path);
    assert.equal(Number(response.headers.get('content-length')), body.byteLength, path);
    assert.ok(body.byteLength < 64 * 1024, `${path} is small (${body.byteLength} bytes)`);
    const again = await fetch(new URL(path, live.url), {
      headers: { 'if-none-match': response.headers.get('etag')! },
    });
    assert.equal(again.status, 304, `${path} revalidates`);
  }
  const html = await (await fetch(live.url)).text();
  assert.match(html, /<script type="module" src="\/app\.js"><\/script>/);
  assert.doesNotMatch(html, /<script>|\sstyle="|\son[a-z]+="/, 'nothing inline for the CSP to block');
  const head = await fetch(live.url, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal((await fetch(live.url, { method: 'POST' })).status, 405);
  const missing = await fetch(new URL('/nothing', live.url));
  assert.equal(missing.status, 404);
  assert.match(await missing.text(), /the page is at \//);
});

test('the page script bundles mcp-live/client for the browser with no node: import', async () => {
  const { code, inputs } = await bundlePageScript();
  assert.ok(
    inputs.some((file) => file.endsWith('src/client/mcp-client.ts')),
    'the client is in the bundle',
  );
  assert.ok(inputs.some((file) => file.endsWith('examples/live/public/app.ts')));
  assert.deepEqual(
    inputs.filter((file) => file.startsWith('node:') || file.includes('(disabled)')),
    [],
  );
  // Every card's code made it in (package.json's "sideEffects": false lets esbuild drop bare imports).
  for (const text of ['chat_message', 'document_changed', 'cancelled from the page', 'metrics://current']) {
    assert.ok(code.includes(text), `the bundle has ${JSON.stringify(text)}`);
  }
  assert.doesNotMatch(code, /\bnode:[a-z_]+/);
  assert.doesNotMatch(code, /\brequire\(/);
  assert.ok(code.length < 64 * 1024, `${code.length} bytes`);
});

async function runMain(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'examples/live/main.ts', ...args], {
    env: { ...process.env, MCP_LIVE_TOKEN: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  return { child, output: () => out };
}

test('npm start: --port wins over PORT, the URLs are printed when ready, SIGINT exits 0', async (t) => {
  const { child, output } = await runMain(['--port', '0'], { PORT: '1' });
  t.after(() => child.exitCode === null && child.kill('SIGKILL'));
  const ready = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const match = /web page\s+(\S+)/.exec(output());
      if (match !== null && /HTTP\+SSE/.test(output())) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${output()}`)));
  });
  assert.match(ready, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  assert.match(output(), /Streamable HTTP\s+http:\/\/127\.0\.0\.1:\d+\/mcp/);
  assert.equal((await fetch(ready)).status, 200);
  child.kill('SIGINT');
  const [code] = await once(child, 'exit');
  assert.equal(code, 0);
});

test('npm start refuses a non-loopback HOST without MCP_LIVE_TOKEN, and a bad port', async () => {
  for (const [args, env, expected] of [
    [[], { HOST: '0.0.0.0', PORT: '0' }, /Refusing to listen on 0\.0\.0\.0 without a token/],
    [['--port', 'eighty'], {}, /--port\/PORT must be a port number/],
  ] as const) {
    const { child, output } = await runMain([...args], env);
    const [code] = await once(child, 'exit');
    assert.equal(code, 2, output());
    assert.match(output(), expected);
  }
});

test('a 2026-07-28 client (the official SDK v2) uses the example on the same /mcp as 2025 clients', async (t) => {
  const live = await startLive(t);
  const { Client, StreamableHTTPClientTransport } = await import('@modelcontextprotocol/client');
  const client = new Client(
    { name: 'sdk-v2', version: '2.4.0' },
    { versionNegotiation: { mode: { pin: '2026-07-28' } } },
  );
  await client.connect(new StreamableHTTPClientTransport(new URL(live.mcpUrl)));
  t.after(() => client.close());
  const { tools } = await client.listTools();
  assert.ok(tools.some((tool) => tool.name === 'stream_data'));
  const peer = await connectPeer(t, live, 'streamable-http');
  const before = peer.notices.length;
  const sent = jsonOf<{ delivered: number }>(
    await client.callTool({ name: 'send_message', arguments: { message: 'from 2026' } }),
  );
  // The 2025 session on the same endpoint hears the chat message the 2026 request sent.
  assert.equal(sent.delivered, 1);
  await until(() => peer.notices.length > before, 'the chat_message reaching the 2025 session');
  // Topic subscriptions need a session; a 2026 request is told so instead of being dropped silently.
  const refused = await client.callTool({ name: 'subscribe_updates', arguments: { topic: 'metrics' } });
  assert.equal(refused.isError, true);
  assert.match(textOf(refused), /subscriptions\/listen/);
});
