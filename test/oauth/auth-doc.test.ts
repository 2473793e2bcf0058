// docs/auth.md's worked example runs as written: its code block, with the authorization server and the
// resource pointed at loopback (an oidc-provider, a reserved port), answers the official SDK client.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startAuthorizationServer } from './authorization-server.ts';
import { challengeOf } from './oauth-host.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function workedExample(): string {
  const doc = readFileSync(join(root, 'docs', 'auth.md'), 'utf8');
  const block = /```ts\n([\s\S]*?)```/.exec(doc.slice(doc.indexOf('## A worked example')))?.[1];
  assert.ok(block, 'docs/auth.md has a ```ts block under "## A worked example"');
  return block;
}

/** A free loopback port: the resource URI must be known before the server listens. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

test("docs/auth.md's worked example runs as written and answers the official SDK client", async (t) => {
  const as = await startAuthorizationServer(t);
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const source = workedExample();
  for (const expected of [
    "'https://notes.example.com'",
    "'https://auth.example.com'",
    "await http.listen(':8080');",
  ]) {
    assert.ok(source.includes(expected), `the example has ${expected}`);
  }
  const runnable = `${source
    .replace("from 'mcp-live';", `from ${JSON.stringify(pathToFileURL(join(root, 'src/index.ts')).href)};`)
    .replace(
      "from 'mcp-live/oauth';",
      `from ${JSON.stringify(pathToFileURL(join(root, 'src/oauth/index.ts')).href)};`,
    )
    .replace("'https://notes.example.com'", JSON.stringify(origin))
    .replace("'https://auth.example.com'", JSON.stringify(as.issuer))
    .replace("await http.listen(':8080');", `await http.listen('127.0.0.1:${port}');`)}
export { http, server };\n`;
  const dir = mkdtempSync(join(root, 'test', '.readme-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'auth-example.ts');
  writeFileSync(file, runnable);
  const mod = (await import(pathToFileURL(file).href)) as { http: { close(): Promise<void> } };
  t.after(() => mod.http.close());

  const metadata = await (await fetch(`${origin}/.well-known/oauth-protected-resource`)).json();
  assert.deepEqual(metadata, {
    resource_name: 'Notes',
    resource: origin,
    authorization_servers: [as.issuer],
    bearer_methods_supported: ['header'],
    scopes_supported: ['mcp'],
  });

  const connect = async (scope: string) => {
    const token = await as.token({ resource: origin, scope });
    const bearer: typeof fetch = (input, init) => {
      const headers = new Headers(init?.headers);
      headers.set('Authorization', `Bearer ${token}`);
      return fetch(input, { ...init, headers });
    };
    const client = new Client({ name: 'doc-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${origin}/mcp`), { fetch: bearer }));
    t.after(() => client.close());
    return client;
  };
  const writer = await connect('mcp notes:write');
  const saved = await writer.callTool({ name: 'write_note', arguments: { text: 'buy milk' } });
  assert.deepEqual(saved.content, [{ type: 'text', text: 'saved for alice' }]);
  const listed = await writer.callTool({ name: 'list_notes', arguments: {} });
  assert.deepEqual(listed.content, [{ type: 'text', text: 'buy milk' }]);

  const admin = await connect('mcp admin');
  const archive = await admin.readResource({ uri: 'notes://archive' });
  assert.deepEqual(archive.contents, [{ uri: 'notes://archive', text: '{"alice":["buy milk"]}' }]);

  const reader = await connect('mcp');
  const refused = await fetch(`${origin}/mcp`, {
    method: 'POST',
    headers: {
      Accept: 'application/json, text/event-stream',
      'Content-Type': 'application/json',
      'MCP-Protocol-Version': '2026-07-28',
      'Mcp-Method': 'tools/call',
      'Mcp-Name': 'write_note',
      Authorization: `Bearer ${await as.token({ resource: origin, scope: 'mcp' })}`,
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: {
        name: 'write_note',
        arguments: { text: 'x' },
        _meta: {
          'io.modelcontextprotocol/protocolVersion': '2026-07-28',
          'io.modelcontextprotocol/clientInfo': { name: 'doc-test', version: '1' },
          'io.modelcontextprotocol/clientCapabilities': {},
        },
      },
    }),
  });
  assert.equal(refused.status, 403);
  assert.equal(challengeOf(refused.headers.get('www-authenticate')).scope, 'mcp notes:write');
  await assert.rejects(reader.getPrompt({ name: 'audit' }), /403|Forbidden/);
});
